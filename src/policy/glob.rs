//! Whole-string wildcard matching shared by the dialects (AWS `StringLike`/`ArnLike`, Vault `glob`, Entra
//! `matches`).
//!
//! Two pointers with a backtrack to the last `*` only: the cost is at most O(pattern × text), never
//! exponential, whatever the input (a pattern like `a*a*a*a*b` against `aaaa…` stays cheap).

/// One element of a compiled pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GlobToken {
    Lit(char),
    /// Exactly one character.
    One,
    /// Any run of characters, including none.
    Star,
}

/// A compiled whole-string pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glob {
    tokens: Vec<GlobToken>,
    /// Set when the pattern has no wildcard: matching is then a plain comparison.
    literal: Option<String>,
    /// Literal text before the first wildcard and after the last one, checked with plain string compares;
    /// `middle` (from the first wildcard to the last) is what the two-pointer matcher runs on.
    prefix: String,
    suffix: String,
    middle: Vec<GlobToken>,
    /// When `middle` is `*lit*lit*…*` (no `?`): its literal runs, found left to right with substring search — the
    /// leftmost place of each run leaves the most text for the rest, so this decides exactly what the two-pointer
    /// matcher does, in one pass (`repo:*/fork:*`).
    runs: Option<Vec<String>>,
}

impl Glob {
    /// `*` and `?` are wildcards; everything else is literal.
    pub fn new(pattern: &str) -> Glob {
        Glob::from_tokens(pattern.chars().map(|c| match c {
            '*' => GlobToken::Star,
            '?' => GlobToken::One,
            c => GlobToken::Lit(c),
        }))
    }

    /// Only `*` is a wildcard (`?` is literal), as in Vault's `glob` bound claims.
    pub fn star_only(pattern: &str) -> Glob {
        Glob::from_tokens(pattern.chars().map(|c| match c {
            '*' => GlobToken::Star,
            c => GlobToken::Lit(c),
        }))
    }

    /// A pattern that matches exactly `text`.
    pub fn literal(text: &str) -> Glob {
        Glob::from_tokens(text.chars().map(GlobToken::Lit))
    }

    pub fn from_tokens(tokens: impl IntoIterator<Item = GlobToken>) -> Glob {
        let mut out: Vec<GlobToken> = Vec::new();
        for t in tokens {
            // Consecutive stars are one star.
            if t == GlobToken::Star && out.last() == Some(&GlobToken::Star) {
                continue;
            }
            out.push(t);
        }
        let lit = |t: &GlobToken| {
            if let GlobToken::Lit(c) = t {
                Some(*c)
            } else {
                None
            }
        };
        let first_wild = out.iter().position(|t| !matches!(t, GlobToken::Lit(_)));
        let last_wild = out.iter().rposition(|t| !matches!(t, GlobToken::Lit(_)));
        match (first_wild, last_wild) {
            (Some(f), Some(l)) => {
                let prefix = out.iter().take(f).filter_map(lit).collect();
                let suffix = out.iter().skip(l + 1).filter_map(lit).collect();
                let middle: Vec<GlobToken> = out.iter().skip(f).take(l + 1 - f).cloned().collect();
                let runs = (!middle.contains(&GlobToken::One)).then(|| {
                    middle
                        .split(|t| *t == GlobToken::Star)
                        .filter(|run| !run.is_empty())
                        .map(|run| run.iter().filter_map(lit).collect())
                        .collect()
                });
                Glob {
                    tokens: out,
                    literal: None,
                    prefix,
                    suffix,
                    middle,
                    runs,
                }
            }
            _ => {
                let literal = Some(out.iter().filter_map(lit).collect());
                Glob {
                    tokens: out,
                    literal,
                    prefix: String::new(),
                    suffix: String::new(),
                    middle: Vec::new(),
                    runs: None,
                }
            }
        }
    }

    pub fn tokens(&self) -> &[GlobToken] {
        &self.tokens
    }

    pub fn has_wildcards(&self) -> bool {
        self.literal.is_none()
    }

    /// The same pattern with its literal characters lowercased (for case-insensitive matching against a
    /// lowercased text).
    pub fn to_lowercase(&self) -> Glob {
        Glob::from_tokens(self.tokens.iter().flat_map(|t| -> Vec<GlobToken> {
            match t {
                GlobToken::Lit(c) => c.to_lowercase().map(GlobToken::Lit).collect(),
                other => vec![other.clone()],
            }
        }))
    }

    /// Whole-string match.
    pub fn matches(&self, text: &str) -> bool {
        if let Some(lit) = &self.literal {
            return bytes_eq(lit.as_bytes(), text.as_bytes());
        }
        let (t, p, s) = (text.as_bytes(), self.prefix.as_bytes(), self.suffix.as_bytes());
        if t.len() < p.len() + s.len()
            || !t.get(..p.len()).is_some_and(|x| bytes_eq(x, p))
            || !t.get(t.len() - s.len()..).is_some_and(|x| bytes_eq(x, s))
        {
            return false;
        }
        // Both ends matched and do not overlap, so these are char boundaries.
        let Some(middle) = text.get(self.prefix.len()..text.len() - self.suffix.len()) else {
            return false;
        };
        if let Some(runs) = &self.runs {
            let mut rest = middle;
            for run in runs {
                match find(rest, run) {
                    Some(at) => rest = rest.get(at + run.len()..).unwrap_or(""),
                    None => return false,
                }
            }
            return true;
        }
        two_pointer(&self.middle, middle)
    }
}

/// `a == b` eight bytes at a time: on wasm32 `==` on strings is a byte-by-byte `memcmp`, the largest single cost of
/// an AWS decision's string compares.
pub fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (ac, bc) = (a.chunks_exact(8), b.chunks_exact(8));
    let tails_eq = ac.remainder() == bc.remainder();
    tails_eq
        && ac.zip(bc).all(|(x, y)| {
            u64::from_le_bytes(x.try_into().unwrap_or([0; 8])) == u64::from_le_bytes(y.try_into().unwrap_or([0; 8]))
        })
}

/// The first place of `needle` in `text`. Short needles (the usual `/fork:`) by a plain scan, which needs no
/// searcher set-up per call; its cost is at most 16 × the text.
fn find(text: &str, needle: &str) -> Option<usize> {
    let (t, n) = (text.as_bytes(), needle.as_bytes());
    match n {
        [] => Some(0),
        [first, rest @ ..] if n.len() <= 16 => (0..t.len().checked_sub(rest.len())?).find(|&i| {
            t.get(i) == Some(first) && t.get(i + 1..i + n.len()) == Some(rest)
        }),
        _ => text.find(needle),
    }
}

/// Whole-string match of `toks` against `text`, backtracking only to the last star.
fn two_pointer(toks: &[GlobToken], text: &str) -> bool {
    let (mut p, mut i) = (0usize, 0usize);
    // Position after the last star seen, and the text position it is currently assumed to cover up to.
    let mut star: Option<(usize, usize)> = None;
    loop {
        let next = text.get(i..).and_then(|rest| rest.chars().next());
        if let Some(tok) = toks.get(p) {
            match tok {
                GlobToken::Star => {
                    p += 1;
                    star = Some((p, i));
                    continue;
                }
                GlobToken::One => {
                    if let Some(c) = next {
                        p += 1;
                        i += c.len_utf8();
                        continue;
                    }
                }
                GlobToken::Lit(want) => {
                    if next == Some(*want) {
                        p += 1;
                        i += want.len_utf8();
                        continue;
                    }
                }
            }
        } else if next.is_none() {
            return true;
        }
        // Mismatch: let the last star swallow one more character and retry from just after it.
        match star {
            Some((sp, si)) => match text.get(si..).and_then(|rest| rest.chars().next()) {
                Some(c) => {
                    let si = si + c.len_utf8();
                    star = Some((sp, si));
                    p = sp;
                    i = si;
                }
                None => return false,
            },
            None => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference: plain recursion over chars (exponential in the worst case; fine for short inputs).
    fn naive(p: &[char], t: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('*', rest)) => (0..=t.len()).any(|k| naive(rest, &t[k..])),
            Some(('?', rest)) => !t.is_empty() && naive(rest, &t[1..]),
            Some((c, rest)) => t.first() == Some(c) && naive(rest, &t[1..]),
        }
    }

    /// xorshift: deterministic, no dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn pick(&mut self, s: &[char]) -> char {
            s[(self.next() % s.len() as u64) as usize]
        }
    }

    #[test]
    fn agrees_with_naive_reference_on_random_inputs() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let pat_alpha = ['a', 'b', '*', '?', 'é', ':'];
        let txt_alpha = ['a', 'b', 'é', ':', '*', '?'];
        for _ in 0..20_000 {
            let pl = (rng.next() % 9) as usize;
            let tl = (rng.next() % 11) as usize;
            let p: Vec<char> = (0..pl).map(|_| rng.pick(&pat_alpha)).collect();
            let t: Vec<char> = (0..tl).map(|_| rng.pick(&txt_alpha)).collect();
            let ps: String = p.iter().collect();
            let ts: String = t.iter().collect();
            assert_eq!(
                Glob::new(&ps).matches(&ts),
                naive(&p, &t),
                "pattern {ps:?} text {ts:?}"
            );
        }
    }

    #[test]
    fn basics() {
        assert!(Glob::new("repo:o/*").matches("repo:o/a:ref:refs/heads/x"));
        assert!(Glob::new("*").matches(""));
        assert!(!Glob::new("?").matches(""));
        assert!(Glob::new("rel-??").matches("rel-10"));
        assert!(!Glob::new("rel-??").matches("rel-1"));
        assert!(Glob::new("a*b*c").matches("a-b-b-c"));
        assert!(!Glob::new("abc").matches("ABC"));
        assert!(Glob::new("é?").matches("éü"));
        assert!(Glob::star_only("a?").matches("a?"));
        assert!(!Glob::star_only("a?").matches("ab"));
        assert!(Glob::literal("a*").matches("a*"));
        assert!(!Glob::literal("a*").matches("ab"));
        assert!(Glob::new("ABC*").to_lowercase().matches("abcd"));
    }

    #[test]
    fn adversarial_pattern_is_fast() {
        let text = "a".repeat(20_000);
        let pat = "a*".repeat(50) + "b";
        let start = std::time::Instant::now();
        assert!(!Glob::new(&pat).matches(&text));
        assert!(start.elapsed().as_secs() < 5);
    }
}

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
                let middle = out.iter().skip(f).take(l + 1 - f).cloned().collect();
                Glob {
                    tokens: out,
                    literal: None,
                    prefix,
                    suffix,
                    middle,
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
            return lit == text;
        }
        if text.len() < self.prefix.len() + self.suffix.len()
            || !text.starts_with(self.prefix.as_str())
            || !text.ends_with(self.suffix.as_str())
        {
            return false;
        }
        // Both ends matched and do not overlap, so these are char boundaries.
        let Some(middle) = text.get(self.prefix.len()..text.len() - self.suffix.len()) else {
            return false;
        };
        if let [GlobToken::Star] = self.middle.as_slice() {
            return true;
        }
        two_pointer(&self.middle, middle)
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

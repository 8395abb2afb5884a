//! The flexible federated identity credential language (`claimsMatchingExpression`, `languageVersion: 1`).
//!
//! Microsoft documents three parts per term — a claim lookup `claims['<name>']`, an operator separated from
//! both neighbours by a single space, and a comparand in single quotes — and terms joined by `and`. Where the
//! documentation is silent we chose, and the README lists the choices:
//! - keywords are lowercase only (`eq`, `matches`, `and`, `claims`); `AND` or `Eq` is an error;
//! - exactly one space (U+0020) separates the parts and surrounds `and`; no leading or trailing whitespace;
//! - a comparand cannot contain `'`: the language defines no escape, so `\` is an ordinary character and the
//!   first `'` closes the comparand;
//! - in `matches`, `*` is any run of characters and `?` exactly one; the match is anchored and case-sensitive
//!   (UNCONFIRMED: evaluation warns when a decision depends on it).
//!
//! Errors carry the byte offset inside the expression.

use crate::policy::glob::Glob;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Matches,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Matches => "matches",
        }
    }
}

/// One `claims['<claim>'] <op> '<value>'` term.
#[derive(Clone, Debug)]
pub struct Term {
    pub claim: String,
    pub op: Op,
    pub value: String,
    /// Byte range of the term in the expression.
    pub start: usize,
    pub end: usize,
    /// `matches` only: the pattern as we read it (anchored, case-sensitive) and the readings we did not choose,
    /// used to tell whether a result depended on that choice.
    pub glob: Option<Glob>,
    pub alternatives: Vec<Glob>,
}

impl Term {
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        source.get(self.start..self.end).unwrap_or("")
    }
}

#[derive(Clone, Debug)]
pub struct Expression {
    pub terms: Vec<Term>,
}

/// A syntax or allow-list error at a byte offset of the expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    pub position: usize,
    pub message: String,
}

fn err<T>(position: usize, message: impl Into<String>) -> Result<T, ExprError> {
    Err(ExprError { position, message: message.into() })
}

/// Which claims an issuer's expressions may name; `Err` carries the explanation for a claim outside the list.
pub trait ClaimPolicy {
    fn check(&self, claim: &str) -> Result<(), String>;
}

/// Parses an expression; `claims` decides which claim names are allowed.
pub fn parse(src: &str, claims: &dyn ClaimPolicy) -> Result<Expression, ExprError> {
    if src.is_empty() {
        return err(0, "the expression is empty");
    }
    if src.starts_with(char::is_whitespace) {
        return err(0, "the expression starts with whitespace");
    }
    let mut terms = Vec::new();
    let mut i = 0usize;
    loop {
        let (term, next) = parse_term(src, i, claims)?;
        terms.push(term);
        i = next;
        let rest = &src[i..];
        if rest.is_empty() {
            break;
        }
        if rest.starts_with('\'') {
            return err(i, "a comparand cannot contain ' (the language has no escape for it)");
        }
        if let Some(after) = rest.strip_prefix(" and ") {
            if after.starts_with(char::is_whitespace) {
                return err(i + 5, "exactly one space separates `and` from the next term");
            }
            if after.is_empty() {
                return err(i + 5, "expected a term after `and`");
            }
            i += 5;
            continue;
        }
        if rest.trim_start().is_empty() {
            return err(i, "the expression ends with whitespace");
        }
        let word_at = i + (rest.len() - rest.trim_start().len());
        let word: String = src[word_at..].chars().take_while(|c| !c.is_whitespace()).collect();
        if rest.starts_with("  ") || rest.starts_with(|c: char| c.is_whitespace() && c != ' ') {
            return err(i, "exactly one space separates terms from `and`");
        }
        if word.eq_ignore_ascii_case("and") {
            return err(word_at, format!("`{word}` must be written lowercase: `and`"));
        }
        if word.eq_ignore_ascii_case("or") || word.eq_ignore_ascii_case("not") {
            return err(word_at, format!("`{word}` is not part of the language; only `and` joins terms"));
        }
        return err(i, "expected ` and ` followed by another term, or the end of the expression");
    }
    Ok(Expression { terms })
}

fn parse_term(src: &str, start: usize, claims: &dyn ClaimPolicy) -> Result<(Term, usize), ExprError> {
    let rest = &src[start..];
    const LOOKUP: &str = "claims['";
    if !rest.starts_with(LOOKUP) {
        if rest.len() >= LOOKUP.len() && rest.get(..LOOKUP.len()).is_some_and(|p| p.eq_ignore_ascii_case(LOOKUP)) {
            return err(start, "write the claim lookup lowercase: claims['<name>']");
        }
        if rest.starts_with("claims[\"") {
            return err(start + 7, "claim names are quoted with single quotes: claims['<name>']");
        }
        if rest.starts_with("claims.") {
            return err(start + 6, "claims are looked up as claims['<name>'], not with a dot");
        }
        return err(start, "expected a claim lookup claims['<name>']");
    }
    let name_start = start + LOOKUP.len();
    let Some(len) = src[name_start..].find('\'') else {
        return err(name_start, "unterminated claim name: expected ' and ]");
    };
    let name = &src[name_start..name_start + len];
    if name.is_empty() {
        return err(name_start, "the claim name is empty");
    }
    let mut i = name_start + len;
    if !src[i..].starts_with("']") {
        return err(i + 1, "expected ] after the claim name's closing quote");
    }
    i += 2;
    if let Err(why) = claims.check(name) {
        return err(name_start, why);
    }
    i = single_space(src, i, "the claim lookup and the operator")?;
    let op_start = i;
    let op_len = src[i..].find(|c: char| c.is_whitespace() || c == '\'').unwrap_or(src.len() - i);
    let op_text = &src[i..i + op_len];
    let op = match op_text {
        "eq" => Op::Eq,
        "matches" => Op::Matches,
        "" => return err(op_start, "expected an operator: eq or matches"),
        o if o.eq_ignore_ascii_case("eq") || o.eq_ignore_ascii_case("matches") => {
            return err(op_start, format!("operators are lowercase: write `{}`", o.to_ascii_lowercase()))
        }
        o => return err(op_start, format!("unknown operator `{o}` (expected eq or matches)")),
    };
    i += op_len;
    i = single_space(src, i, "the operator and the comparand")?;
    if !src[i..].starts_with('\'') {
        return err(i, "expected the comparand in single quotes");
    }
    let value_start = i + 1;
    let Some(vlen) = src[value_start..].find('\'') else {
        return err(i, "unterminated comparand: no closing '");
    };
    let value = &src[value_start..value_start + vlen];
    let end = value_start + vlen + 1;
    let (glob, alternatives) = match op {
        Op::Eq => (None, Vec::new()),
        Op::Matches => {
            let anchored = Glob::new(value);
            let unanchored = Glob::new(&format!("*{value}*"));
            let alternatives = vec![anchored.to_lowercase(), unanchored.to_lowercase(), unanchored];
            (Some(anchored), alternatives)
        }
    };
    let term = Term { claim: name.to_owned(), op, value: value.to_owned(), start, end, glob, alternatives };
    Ok((term, end))
}

/// Expects exactly one U+0020 at `i`, followed by something that is not whitespace.
fn single_space(src: &str, i: usize, between: &str) -> Result<usize, ExprError> {
    let rest = &src[i..];
    if rest.is_empty() {
        return err(i, format!("the expression ends early: expected a space between {between}"));
    }
    if !rest.starts_with(' ') {
        if rest.starts_with(char::is_whitespace) {
            return err(i, format!("only a single space (not a tab or line break) separates {between}"));
        }
        return err(i, format!("expected a single space between {between}"));
    }
    if src[i + 1..].starts_with(char::is_whitespace) {
        return err(i + 1, format!("exactly one space separates {between}"));
    }
    if src[i + 1..].is_empty() {
        return err(i + 1, "the expression ends early");
    }
    Ok(i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Any;
    impl ClaimPolicy for Any {
        fn check(&self, _: &str) -> Result<(), String> {
            Ok(())
        }
    }

    fn pos(src: &str) -> usize {
        parse(src, &Any).unwrap_err().position
    }

    #[test]
    fn parses_terms() {
        let e = parse("claims['sub'] matches 'repo:o/*' and claims['job_workflow_ref'] eq 'x'", &Any).unwrap();
        assert_eq!(e.terms.len(), 2);
        assert_eq!(e.terms[0].op, Op::Matches);
        assert_eq!(e.terms[1].claim, "job_workflow_ref");
        assert_eq!(e.terms[1].value, "x");
        assert_eq!(e.terms[0].start, 0);
        assert_eq!(e.terms[1].start, 37);
    }

    #[test]
    fn error_positions() {
        assert_eq!(pos(""), 0);
        assert_eq!(pos(" claims['sub'] eq 'a'"), 0);
        assert_eq!(pos("claims['sub']  eq 'a'"), 14);
        assert_eq!(pos("claims['sub'] EQ 'a'"), 14);
        assert_eq!(pos("claims['sub'] eq 'a' AND claims['sub'] eq 'b'"), 21);
        assert_eq!(pos("claims['sub'] eq 'it''s'"), 21);
        assert_eq!(pos("claims['sub'] eq 'a"), 17);
        assert_eq!(pos("claims['sub'] like 'a'"), 14);
        assert_eq!(pos("claims[\"sub\"] eq 'a'"), 7);
        assert_eq!(pos("claims['sub'] eq 'a' and "), 25);
        assert_eq!(pos("claims['sub'] eq 'a' "), 20);
        assert_eq!(pos("claims['sub'] eq 'a' or claims['sub'] eq 'b'"), 21);
        assert_eq!(pos("claims['sub' eq 'a'"), 12);
    }

    #[test]
    fn unicode_does_not_panic() {
        for s in ["é", "claims['é'] eq 'ü'", "claims['sub'] eq 'a'é", "claims['sub'] éq 'a'", "claims['"] {
            let _ = parse(s, &Any);
        }
    }
}

//! Policy variables (`${…}`), honoured only under `Version: "2012-10-17"`.
//!
//! `${*}`, `${?}`, `${$}` are the literal characters; `${key}` is the value of a condition key;
//! `${key, 'default'}` supplies a default when the key has no value. A variable with no value makes the policy
//! value it sits in match nothing (so positive operators fail and negated ones succeed).

use super::parse::CompiledKey;

/// One part of a policy value.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    /// Text as written: in `StringLike`/`ArnLike` its `*` and `?` are wildcards.
    Raw(String),
    /// Text that is always literal (`${*}`, `${?}`, `${$}`).
    Literal(String),
    Var(Var),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Var {
    /// As written, including `${` and `}`.
    pub written: String,
    pub key: CompiledKey,
    pub default: Option<String>,
}

/// A policy value split into pieces.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    pub pieces: Vec<Piece>,
}

impl Template {
    /// Parses `${…}` variables out of `s`. Errors are reasons without a path.
    pub fn parse(s: &str) -> Result<Template, String> {
        let mut pieces = Vec::new();
        let mut rest = s;
        while let Some(start) = rest.find("${") {
            let (before, after) = rest.split_at(start);
            if !before.is_empty() {
                pieces.push(Piece::Raw(before.to_owned()));
            }
            let inner_and_more = after.get(2..).unwrap_or("");
            let Some(end) = find_close(inner_and_more) else {
                return Err(format!(
                    "unterminated policy variable in {s:?} (a \"${{\" needs a closing \"}}\")"
                ));
            };
            let inner = inner_and_more.get(..end).unwrap_or("");
            let written = format!("${{{inner}}}");
            pieces.push(parse_inner(inner, written)?);
            rest = inner_and_more.get(end + 1..).unwrap_or("");
        }
        if !rest.is_empty() {
            pieces.push(Piece::Raw(rest.to_owned()));
        }
        Ok(Template { pieces })
    }

    pub fn has_vars(&self) -> bool {
        self.pieces.iter().any(|p| matches!(p, Piece::Var(_)))
    }

    pub fn vars(&self) -> impl Iterator<Item = &Var> {
        self.pieces
            .iter()
            .filter_map(|p| if let Piece::Var(v) = p { Some(v) } else { None })
    }

    /// A template of one raw piece (no variables: Version 2008-10-17 or none).
    pub fn raw(s: &str) -> Template {
        Template {
            pieces: vec![Piece::Raw(s.to_owned())],
        }
    }
}

/// Index of the `}` closing a variable body; quotes after a comma protect a `}` inside a default.
fn find_close(s: &str) -> Option<usize> {
    let mut seen_comma = false;
    let mut in_quote = false;
    for (i, c) in s.char_indices() {
        match c {
            ',' if !in_quote => seen_comma = true,
            '\'' if seen_comma => in_quote = !in_quote,
            '}' if !in_quote => return Some(i),
            _ => {}
        }
    }
    None
}

fn parse_inner(inner: &str, written: String) -> Result<Piece, String> {
    match inner.trim() {
        "*" => return Ok(Piece::Literal("*".into())),
        "?" => return Ok(Piece::Literal("?".into())),
        "$" => return Ok(Piece::Literal("$".into())),
        _ => {}
    }
    let (key, default) = match inner.split_once(',') {
        Some((k, d)) => {
            let d = d.trim();
            let body = d
                .strip_prefix('\'')
                .and_then(|d| d.strip_suffix('\''))
                .filter(|_| d.len() >= 2)
                .ok_or_else(|| {
                    format!("policy variable {written} has a default that is not in single quotes")
                })?;
            (k.trim(), Some(body.to_owned()))
        }
        None => (inner.trim(), None),
    };
    if key.is_empty() {
        return Err(format!("policy variable {written} names no key"));
    }
    if key
        .chars()
        .any(|c| c.is_whitespace() || c == '$' || c == '{' || c == '\'')
    {
        return Err(format!(
            "policy variable {written} has an invalid key name {key:?}"
        ));
    }
    Ok(Piece::Var(Var {
        written,
        key: CompiledKey::new(key),
        default,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pieces() {
        let t = Template::parse("a${*}b${?}${$}").unwrap();
        assert_eq!(
            t.pieces,
            vec![
                Piece::Raw("a".into()),
                Piece::Literal("*".into()),
                Piece::Raw("b".into()),
                Piece::Literal("?".into()),
                Piece::Literal("$".into())
            ]
        );
        assert!(!t.has_vars());
        let t = Template::parse("repo:${token.actions.githubusercontent.com:repository, 'x}y'}:*")
            .unwrap();
        let v = t.vars().next().unwrap();
        assert_eq!(v.default.as_deref(), Some("x}y"));
        assert_eq!(
            v.key.written,
            "token.actions.githubusercontent.com:repository"
        );
        assert_eq!(t.pieces.len(), 3);
        assert!(Template::parse("${aws:username").is_err());
        assert!(Template::parse("${}").is_err());
        assert!(Template::parse("${a:b, x}").is_err());
        assert!(Template::parse("${a b}").is_err());
        assert_eq!(
            Template::parse("plain $ {x}").unwrap().pieces,
            vec![Piece::Raw("plain $ {x}".into())]
        );
    }
}

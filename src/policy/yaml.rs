//! YAML policy documents (octo-sts keeps its trust policies in `.github/chainguard/*.sts.yaml`), read into the
//! same `serde_json::Value` the JSON path produces, so every dialect parses one kind of tree.
//!
//! Scalars resolve the way octo-sts's YAML library does (go-yaml v2 under `sigs.k8s.io/yaml`, i.e. YAML 1.1):
//! unquoted `yes`/`no`/`on`/`off`/`y`/`n` are booleans, `~`/`null`/empty are null, `0x1f`/`0o17`/`017`/`1_000`
//! are integers. Stricter than YAML on purpose: duplicate keys are an error (as `yaml.UnmarshalStrict` makes
//! them), aliases (`*name`) are an error (no trust policy needs them and they are the billion-laughs vector),
//! only one document, nesting bounded.

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::error::Error;

/// Parses one YAML document into a JSON value.
pub fn parse(text: &str, max_depth: usize) -> Result<Value, Error> {
    let mut p = Reader { parser: Parser::new_from_str(text), text, max_depth };
    p.document()
}

struct Reader<'a> {
    parser: Parser<core::str::Chars<'a>>,
    text: &'a str,
    max_depth: usize,
}

/// What one step of the pull parser produced.
enum Node {
    Value(Value),
    End,
}

impl Reader<'_> {
    fn next(&mut self) -> Result<(Event, Marker), Error> {
        self.parser.next_token().map_err(|e| {
            let m = *e.marker();
            self.error_at(&m, format!("policy is not valid YAML: {}", e.info()))
        })
    }

    fn error_at(&self, m: &Marker, message: String) -> Error {
        let mut err = Error::policy("$", message);
        err.line = Some(m.line());
        err.column = Some(m.col() + 1);
        // The marker counts characters; positions elsewhere are byte offsets.
        err.with_position(self.text.char_indices().nth(m.index()).map_or(self.text.len(), |(i, _)| i))
    }

    fn document(&mut self) -> Result<Value, Error> {
        let mut value = None;
        loop {
            let (ev, mark) = self.next()?;
            match ev {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::DocumentStart => {
                    if value.is_some() {
                        return Err(self.error_at(&mark, "a policy is one YAML document; found a second one".into()));
                    }
                    match self.node(0)? {
                        Node::Value(v) => value = Some(v),
                        Node::End => value = Some(Value::Null),
                    }
                }
                Event::StreamEnd => return Ok(value.unwrap_or(Value::Null)),
                _ => return Err(self.error_at(&mark, "unexpected YAML structure".into())),
            }
        }
    }

    fn node(&mut self, depth: usize) -> Result<Node, Error> {
        let (ev, mark) = self.next()?;
        self.node_from(ev, mark, depth)
    }

    fn node_from(&mut self, ev: Event, mark: Marker, depth: usize) -> Result<Node, Error> {
        match ev {
            Event::Scalar(text, style, _, tag) => {
                let explicit_str = tag.as_ref().is_some_and(|t| t.suffix == "str");
                if style == TScalarStyle::Plain && !explicit_str {
                    Ok(Node::Value(resolve_plain(&text)))
                } else {
                    Ok(Node::Value(Value::String(text)))
                }
            }
            Event::Alias(_) => Err(self.error_at(&mark, "YAML aliases (*name) are not supported in policies".into())),
            Event::SequenceStart(..) => {
                if depth >= self.max_depth {
                    return Err(self.error_at(&mark, format!("policy nests deeper than {} levels", self.max_depth)));
                }
                let mut items = Vec::new();
                loop {
                    let (ev, mark) = self.next()?;
                    if ev == Event::SequenceEnd {
                        return Ok(Node::Value(Value::Array(items)));
                    }
                    match self.node_from(ev, mark, depth + 1)? {
                        Node::Value(v) => items.push(v),
                        Node::End => return Err(self.error_at(&mark, "unterminated YAML sequence".into())),
                    }
                }
            }
            Event::MappingStart(..) => {
                if depth >= self.max_depth {
                    return Err(self.error_at(&mark, format!("policy nests deeper than {} levels", self.max_depth)));
                }
                let mut map = Map::new();
                loop {
                    let (ev, key_mark) = self.next()?;
                    if ev == Event::MappingEnd {
                        return Ok(Node::Value(Value::Object(map)));
                    }
                    let key = match ev {
                        Event::Scalar(text, style, _, _) => match (style, resolve_plain(&text)) {
                            (TScalarStyle::Plain, Value::Null) => "null".to_owned(),
                            (TScalarStyle::Plain, Value::Bool(b)) => b.to_string(),
                            (TScalarStyle::Plain, Value::Number(n)) => n.to_string(),
                            _ => text,
                        },
                        _ => return Err(self.error_at(&key_mark, "YAML mapping keys must be scalars".into())),
                    };
                    if map.contains_key(&key) {
                        return Err(self.error_at(&key_mark, format!("duplicate key {key:?} in YAML mapping")));
                    }
                    match self.node(depth + 1)? {
                        Node::Value(v) => {
                            map.insert(key, v);
                        }
                        Node::End => return Err(self.error_at(&key_mark, "unterminated YAML mapping".into())),
                    }
                }
            }
            Event::SequenceEnd | Event::MappingEnd | Event::DocumentEnd | Event::StreamEnd => Ok(Node::End),
            _ => Err(self.error_at(&mark, "unexpected YAML structure".into())),
        }
    }
}

/// YAML 1.1 plain-scalar resolution as go-yaml v2 does it.
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => return Value::Bool(true),
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false)
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF" | ".nan" | ".NaN"
        | ".NAN" => {
            // JSON has no infinities; keep the text (only string fields read these, and they get the text).
            return Value::String(text.to_owned());
        }
        _ => {}
    }
    let first = text.as_bytes().first().copied().unwrap_or(b'a');
    if !(first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.') {
        return Value::String(text.to_owned());
    }
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    if let Some(i) = parse_int(&plain) {
        return Value::Number(Number::from(i));
    }
    if plain.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')) {
        if let Ok(f) = plain.parse::<f64>() {
            if let Some(n) = Number::from_f64(f) {
                return Value::Number(n);
            }
        }
    }
    Value::String(text.to_owned())
}

/// Go's `strconv.ParseInt(s, 0, 64)`: optional sign, then `0x`/`0o`/`0b` prefixes or a leading `0` for octal.
fn parse_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, s.get(1..)?),
        b'+' => (false, s.get(1..)?),
        _ => (false, s),
    };
    let (radix, digits) = if let Some(d) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        (16, d)
    } else if let Some(d) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
        (8, d)
    } else if let Some(d) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
        (2, d)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, body.get(1..)?)
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(digits, radix).ok()?;
    let v = if neg { -magnitude } else { magnitude };
    i64::try_from(v).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_resolve_like_go_yaml_v2() {
        let v = parse("a: yes\nb: off\nc: ~\nd: 0x1F\ne: 017\nf: 1_000\ng: 1.5\nh: 'yes'\ni: !!str on\nj: abc\nk: .inf\n", 8)
            .unwrap();
        assert_eq!(
            v,
            json!({"a": true, "b": false, "c": null, "d": 31, "e": 15, "f": 1000, "g": 1.5, "h": "yes", "i": "on",
                   "j": "abc", "k": ".inf"})
        );
    }

    #[test]
    fn structure_and_errors() {
        let v = parse("issuer: https://x\nclaim_pattern:\n  a: b\nrepositories: [r1, r2]\n", 8).unwrap();
        assert_eq!(v, json!({"issuer": "https://x", "claim_pattern": {"a": "b"}, "repositories": ["r1", "r2"]}));
        let e = parse("a: 1\na: 2\n", 8).unwrap_err();
        assert!(e.message.contains("duplicate key"), "{e}");
        assert_eq!(e.line, Some(2));
        let e = parse("a: &x [1]\nb: *x\n", 8).unwrap_err();
        assert!(e.message.contains("aliases"));
        assert!(parse("a: [1\n", 8).is_err());
        assert!(parse("---\na: 1\n---\nb: 2\n", 8).is_err());
        assert!(parse(&"[".repeat(50), 8).is_err());
        assert_eq!(parse("", 8).unwrap(), Value::Null);
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let alphabet = ["a", ":", " ", "\n", "-", "[", "]", "{", "}", "'", "\"", "&", "*", "!", "|", ">", "#", "é", "\t", "?", ","];
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..3000 {
            let mut s = String::new();
            for _ in 0..(x % 24) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                s.push_str(alphabet[(x % alphabet.len() as u64) as usize]);
            }
            let _ = parse(&s, 8);
        }
    }
}

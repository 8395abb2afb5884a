//! Strict JSON parsing for untrusted input: duplicate member names are rejected and nesting depth is
//! bounded, on top of serde_json's own grammar checks. Produces ordinary `serde_json::Value`s.

use core::fmt;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Default maximum nesting depth of arrays/objects in a token header or payload.
pub const DEFAULT_MAX_DEPTH: usize = 32;

/// Why a JSON text was rejected.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonError {
    pub message: String,
    /// 1-based line and column where serde_json stopped (0 when unknown).
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Parses `text` as one JSON value, rejecting duplicate member names and nesting deeper than `max_depth`.
pub fn parse_strict(text: &str, max_depth: usize) -> Result<Value, JsonError> {
    let mut de = serde_json::Deserializer::from_str(text);
    // serde_json's own recursion guard (128) stays as a backstop; ours is usually lower.
    let value = StrictSeed { depth_left: max_depth }
        .deserialize(&mut de)
        .map_err(to_json_error)?;
    de.end().map_err(to_json_error)?;
    Ok(value)
}

/// Parses bytes that must be UTF-8 JSON.
pub fn parse_strict_bytes(bytes: &[u8], max_depth: usize) -> Result<Value, JsonError> {
    let text = core::str::from_utf8(bytes).map_err(|e| JsonError {
        message: format!("not valid UTF-8 (invalid byte at offset {})", e.valid_up_to()),
        line: 0,
        column: 0,
    })?;
    parse_strict(text, max_depth)
}

/// Parses a JSON object (anything else is an error).
pub fn parse_object(text: &str, max_depth: usize) -> Result<Map<String, Value>, JsonError> {
    match parse_strict(text, max_depth)? {
        Value::Object(map) => Ok(map),
        other => Err(JsonError {
            message: format!("expected a JSON object, found {}", type_name(&other)),
            line: 0,
            column: 0,
        }),
    }
}

/// A short human name for a JSON value's type, as used in error messages.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Checks an already-built value (e.g. converted from a JS object) against a nesting limit.
pub fn check_depth(v: &Value, max_depth: usize) -> bool {
    fn walk(v: &Value, left: usize) -> bool {
        match v {
            Value::Array(items) => left > 0 && items.iter().all(|i| walk(i, left - 1)),
            Value::Object(map) => left > 0 && map.values().all(|i| walk(i, left - 1)),
            _ => true,
        }
    }
    walk(v, max_depth)
}

fn to_json_error(e: serde_json::Error) -> JsonError {
    let message = e.to_string();
    JsonError { message, line: e.line(), column: e.column() }
}

struct StrictSeed {
    depth_left: usize,
}

impl<'de> DeserializeSeed<'de> for StrictSeed {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(StrictVisitor { depth_left: self.depth_left })
    }
}

struct StrictVisitor {
    depth_left: usize,
}

impl StrictVisitor {
    fn descend<E: de::Error>(&self) -> Result<usize, E> {
        self.depth_left
            .checked_sub(1)
            .ok_or_else(|| E::custom("JSON nesting is deeper than the allowed limit"))
    }
}

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let depth_left = self.descend()?;
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(StrictSeed { depth_left })? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let depth_left = self.descend()?;
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate member name {key:?}")));
            }
            let v = map.next_value_seed(StrictSeed { depth_left })?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_duplicate_members_at_any_depth() {
        assert!(parse_strict(r#"{"a":1,"a":2}"#, 8).unwrap_err().message.contains("duplicate member name \"a\""));
        assert!(parse_strict(r#"{"x":{"b":1,"b":1}}"#, 8).is_err());
        assert!(parse_strict(r#"[{"b":1},{"b":1}]"#, 8).is_ok());
    }

    #[test]
    fn bounds_depth() {
        assert!(parse_strict("[[[1]]]", 3).is_ok());
        assert!(parse_strict("[[[1]]]", 2).is_err());
        assert!(parse_strict(r#"{"a":{"b":{}}}"#, 2).is_err());
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(parse_strict(&deep, 32).is_err());
    }

    #[test]
    fn rejects_trailing_garbage_and_reports_position() {
        assert!(parse_strict("{} x", 8).is_err());
        let e = parse_strict("{\n  \"a\": ?\n}", 8).unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn object_only() {
        assert!(parse_object("[]", 8).unwrap_err().message.contains("array"));
        assert!(parse_object("{}", 8).is_ok());
    }

    #[test]
    fn bytes_must_be_utf8() {
        assert!(parse_strict_bytes(b"\"\xff\"", 8).unwrap_err().message.contains("UTF-8"));
    }

    #[test]
    fn depth_check_on_values() {
        let v: Value = serde_json::from_str("[[[1]]]").unwrap();
        assert!(check_depth(&v, 3));
        assert!(!check_depth(&v, 2));
    }
}

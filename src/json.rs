//! Strict JSON parsing for untrusted input: duplicate member names are rejected and nesting depth is
//! bounded, on top of serde_json's own grammar checks. Produces ordinary `serde_json::Value`s, or, for the
//! verify path, only the members a caller reads ([`parse_picked`]) with the rest checked by the same rules and
//! dropped.

use core::fmt;
use std::borrow::Cow;
use std::collections::HashSet;
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

/// What [`parse_picked`] found: an object's picked members, or the type of a valid JSON text that is not an object.
#[derive(Debug, Clone, PartialEq)]
pub enum Picked<const N: usize> {
    Object(PickedMembers<N>),
    /// [`type_name`] of the value ("array", "string", ...).
    NotObject(&'static str),
}

/// The values of the picked members of a JSON object (by position in the `names` asked for) and whether each
/// of the `present` names is a member.
#[derive(Debug, Clone, PartialEq)]
pub struct PickedMembers<const N: usize> {
    pub values: [Option<Value>; N],
    pub present: Vec<bool>,
}

/// `parse_strict_bytes` for a text that should be an object whose members are mostly not needed: the whole text is
/// checked by exactly the same rules, with the same error messages and positions (UTF-8, JSON grammar, unique
/// member names at every level after unescaping, `max_depth`), but only the top-level members named in `names`
/// are built as values; for the names in `present` only whether they are members is kept. Everything else is
/// validated and dropped without allocating.
pub fn parse_picked<const N: usize>(
    bytes: &[u8],
    max_depth: usize,
    names: &[&str; N],
    present: &[String],
) -> Result<Picked<N>, JsonError> {
    let mut out = PickedMembers { values: [const { None }; N], present: vec![false; present.len()] };
    // One visitor for every `N` (each serde visitor instantiates serde_json's parser once more).
    match parse_picked_into(bytes, max_depth, names, &mut out.values, present, &mut out.present)? {
        None => Ok(Picked::Object(out)),
        Some(kind) => Ok(Picked::NotObject(kind)),
    }
}

/// [`parse_picked`] into caller-provided slots: `None` for an object, else the type name of the value.
fn parse_picked_into(
    bytes: &[u8],
    max_depth: usize,
    names: &[&str],
    values: &mut [Option<Value>],
    present_names: &[String],
    present: &mut [bool],
) -> Result<Option<&'static str>, JsonError> {
    let text = core::str::from_utf8(bytes).map_err(|e| JsonError {
        message: format!("not valid UTF-8 (invalid byte at offset {})", e.valid_up_to()),
        line: 0,
        column: 0,
    })?;
    let mut de = serde_json::Deserializer::from_str(text);
    let kind = de
        .deserialize_any(PickVisitor { depth_left: max_depth, names, values, present_names, present })
        .map_err(to_json_error)?;
    de.end().map_err(to_json_error)?;
    Ok(kind)
}

struct PickVisitor<'n> {
    depth_left: usize,
    names: &'n [&'n str],
    values: &'n mut [Option<Value>],
    present_names: &'n [String],
    present: &'n mut [bool],
}

fn too_deep<E: de::Error>() -> E {
    E::custom("JSON nesting is deeper than the allowed limit")
}

fn duplicate<E: de::Error>(key: &str) -> E {
    de::Error::custom(format_args!("duplicate member name {key:?}"))
}

impl<'de> Visitor<'de> for PickVisitor<'_> {
    /// `None` for an object (its picked members are in the visitor's slots), else the value's type name.
    type Value = Option<&'static str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Some("boolean"))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Some("number"))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Some("number"))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        SkipVisitor { depth_left: self.depth_left }.visit_f64(v).map(|()| Some("number"))
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Some("string"))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Some("null"))
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Some("null"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        SkipVisitor { depth_left: self.depth_left }.visit_seq(seq).map(|()| Some("array"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let depth_left = self.depth_left.checked_sub(1).ok_or_else(too_deep)?;
        let mut seen = Seen::default();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            for (i, name) in self.present_names.iter().enumerate() {
                if *name == *key {
                    self.present[i] = true;
                }
            }
            let picked = self.names.iter().position(|n| **n == *key);
            seen.insert(key).map_err(|key| duplicate(&key))?;
            match picked {
                Some(i) => self.values[i] = Some(map.next_value_seed(StrictSeed { depth_left })?),
                None => map.next_value_seed(SkipSeed { depth_left })?,
            }
        }
        Ok(None)
    }
}

/// A member name, borrowed from the text unless it had escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v))
    }
}

/// The member names of one object so far: a short list scanned linearly (objects in tokens are small), a hash set
/// past that, so that a 16 KB object of one-letter names is not quadratic.
#[derive(Default)]
struct Seen<'de> {
    small: Vec<Cow<'de, str>>,
    large: Option<HashSet<Cow<'de, str>>>,
}

impl<'de> Seen<'de> {
    const SMALL: usize = 16;

    /// Gives `key` back when it was already there.
    fn insert(&mut self, key: Cow<'de, str>) -> Result<(), Cow<'de, str>> {
        if let Some(set) = &mut self.large {
            if set.contains(&key) {
                return Err(key);
            }
            set.insert(key);
            return Ok(());
        }
        if self.small.contains(&key) {
            return Err(key);
        }
        self.small.push(key);
        if self.small.len() > Self::SMALL {
            self.large = Some(self.small.drain(..).collect());
        }
        Ok(())
    }
}

/// Validates one value by [`StrictVisitor`]'s rules and drops it.
struct SkipSeed {
    depth_left: usize,
}

impl<'de> DeserializeSeed<'de> for SkipSeed {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(SkipVisitor { depth_left: self.depth_left })
    }
}

struct SkipVisitor {
    depth_left: usize,
}

impl<'de> Visitor<'de> for SkipVisitor {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        if v.is_finite() {
            Ok(())
        } else {
            Err(E::custom("number out of range"))
        }
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let depth_left = self.depth_left.checked_sub(1).ok_or_else(too_deep)?;
        while seq.next_element_seed(SkipSeed { depth_left })?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let depth_left = self.depth_left.checked_sub(1).ok_or_else(too_deep)?;
        let mut seen = Seen::default();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            seen.insert(key).map_err(|key| duplicate(&key))?;
            map.next_value_seed(SkipSeed { depth_left })?;
        }
        Ok(())
    }
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

/// Random JSON texts for the differential tests of [`parse_picked`] and of the verify path built on it: objects
/// whose member names include the registered claims and header parameters, escaped spellings of them
/// (`"e\u0078p"`), duplicates at every depth, big, fractional and negative numbers, and mutated (mostly invalid)
/// texts.
#[cfg(test)]
pub(crate) mod corpus {
    use rand::rngs::StdRng;
    use rand::Rng;

    const NAMES: &[&str] = &[
        "exp", "nbf", "iat", "iss", "sub", "jti", "aud", "alg", "kid", "typ", "crit", "b64", "repository", "x",
        "e\\u0078p", "\\u0061ud", "i\\u0073s", "\\u0061lg", "ex", "expx", "", "é", "\\ud83d\\ude00", "a\\nb",
    ];
    const NUMBERS: &[&str] = &[
        "0", "-0", "1", "-1", "1.5", "-2.25e3", "1e400", "-1e400", "12345678901234567890", "-9223372036854775809",
        "123456789012345678901234567890", "1700000000", "1700000000.5", "1.7e9", "2e9", "9007199254740993", "0.1e-400",
        "4e9", "-1700000000", "1E2", "01", "1.", "-", "1e",
    ];
    const STRINGS: &[&str] = &[
        "\"\"", "\"a\"", "\"https://i\"", "\"sts.amazonaws.com\"", "\"\\u00e9\\n\"", "\"é\"", "\"\\ud83d\\ude00\"",
        "\"\\ud800\"", "\"\\x\"", "\"JWT\"", "\"application/at+JWT\"", "\"HS256\"", "\"none\"", "\"9999999999\"",
    ];

    pub(crate) fn name(rng: &mut StdRng) -> &'static str {
        NAMES[rng.gen_range(0..NAMES.len())]
    }

    /// A JSON value's text, `depth` levels of nesting at most (deeper nesting is generated on purpose sometimes).
    pub(crate) fn value(rng: &mut StdRng, depth: usize) -> String {
        match rng.gen_range(0..10) {
            0 | 1 => NUMBERS[rng.gen_range(0..NUMBERS.len())].to_owned(),
            2 | 3 => STRINGS[rng.gen_range(0..STRINGS.len())].to_owned(),
            4 => ["true", "false", "null"][rng.gen_range(0..3)].to_owned(),
            5 | 6 if depth > 0 => {
                let items: Vec<String> = (0..rng.gen_range(0..4)).map(|_| value(rng, depth - 1)).collect();
                format!("[{}]", items.join(","))
            }
            _ if depth > 0 => {
                let members = rng.gen_range(0..5);
                object(rng, depth - 1, members)
            }
            _ => "1".to_owned(),
        }
    }

    /// An object text with about `members` members (names may repeat).
    pub(crate) fn object(rng: &mut StdRng, depth: usize, members: usize) -> String {
        let items: Vec<String> = (0..members).map(|_| format!("\"{}\":{}", name(rng), value(rng, depth))).collect();
        format!("{{{}}}", items.join(","))
    }

    /// Sometimes a mutated copy: a byte changed, removed or inserted, or the text cut short.
    pub(crate) fn mutate(rng: &mut StdRng, text: String) -> String {
        if text.is_empty() || rng.gen_range(0..3) != 0 {
            return text;
        }
        let mut bytes = text.into_bytes();
        let at = rng.gen_range(0..bytes.len());
        let pick = b"{}[]:,\"\\ 0-.eE\x00\xff";
        match rng.gen_range(0..4) {
            0 => bytes[at] = pick[rng.gen_range(0..pick.len())],
            1 => {
                bytes.remove(at);
            }
            2 => bytes.insert(at, pick[rng.gen_range(0..pick.len())]),
            _ => bytes.truncate(at),
        }
        String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// One corpus entry: mostly objects, sometimes any value, sometimes mutated; as bytes (some not UTF-8).
    pub(crate) fn text(rng: &mut StdRng) -> Vec<u8> {
        let depth = rng.gen_range(0..5);
        let members = rng.gen_range(0..12);
        let t = if rng.gen_range(0..6) == 0 { value(rng, depth) } else { object(rng, depth, members) };
        let mut bytes = mutate(rng, t).into_bytes();
        if rng.gen_range(0..50) == 0 {
            bytes.push(0xff);
        }
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `parse_picked` accepts and rejects exactly what `parse_strict_bytes` does, with the same message, line and
    /// column, and keeps exactly the picked members' values.
    #[test]
    fn picked_parse_agrees_with_the_map_parse() {
        use rand::{Rng, SeedableRng};
        const NAMES: [&str; 7] = ["exp", "nbf", "iat", "iss", "sub", "jti", "aud"];
        let mut rng = rand::rngs::StdRng::seed_from_u64(66);
        let (mut objects, mut errors, mut duplicates) = (0, 0, 0);
        for round in 0..40_000 {
            let bytes = corpus::text(&mut rng);
            let depth = rng.gen_range(1..7);
            let present: Vec<String> = (0..rng.gen_range(0..3)).map(|_| corpus::name(&mut rng).replace("\\", "")).collect();
            let want = parse_strict_bytes(&bytes, depth);
            let got = parse_picked(&bytes, depth, &NAMES, &present);
            let text = String::from_utf8_lossy(&bytes);
            match (&want, &got) {
                (Err(w), Err(g)) => {
                    assert_eq!(w, g, "round {round}: {text}");
                    errors += 1;
                    duplicates += usize::from(w.message.contains("duplicate"));
                }
                (Ok(Value::Object(map)), Ok(Picked::Object(p))) => {
                    for (i, name) in NAMES.iter().enumerate() {
                        assert_eq!(p.values[i].as_ref(), map.get(*name), "round {round}: {name} in {text}");
                    }
                    for (i, name) in present.iter().enumerate() {
                        assert_eq!(p.present[i], map.contains_key(name), "round {round}: {name:?} in {text}");
                    }
                    objects += 1;
                }
                (Ok(v), Ok(Picked::NotObject(kind))) if !v.is_object() => assert_eq!(type_name(v), *kind, "round {round}"),
                _ => panic!("round {round}: {text}\nmap parse: {want:?}\npicked: {got:?}"),
            }
        }
        assert!(objects > 5000 && errors > 8000 && duplicates > 1000, "{objects} objects, {errors} errors ({duplicates} duplicates)");
    }

    #[test]
    fn picked_parse_rules_by_example() {
        let names = ["exp", "aud"];
        let p = |t: &str| parse_picked(t.as_bytes(), 4, &names, &["repository".to_owned()]);
        let Ok(Picked::Object(m)) = p(r#"{"e\u0078p":1.5,"aud":["a"],"x":{"y":[1,{"z":null}]},"repository":1}"#) else { panic!() };
        assert_eq!(m.values, [Some(Value::from(1.5)), Some(serde_json::json!(["a"]))]);
        assert_eq!(m.present, [true]);
        assert!(p(r#"{"exp":1,"e\u0078p":2}"#).unwrap_err().message.contains("duplicate member name \"exp\""));
        assert!(p(r#"{"x":{"a":1,"b":[{"c":1,"c":2}]}}"#).unwrap_err().message.contains("duplicate member name \"c\""));
        assert!(p(r#"{"x":{"a":{"b":{"c":{}}}}}"#).unwrap_err().message.contains("deeper"));
        assert_eq!(p("[1]").unwrap(), Picked::NotObject("array"));
        assert!(p("[[[[[1]]]]]").is_err(), "a non-object is still checked whole");
        assert!(p("{} x").is_err());
        // Many members (past the short list of names seen): duplicates still found, in any position.
        let many: Vec<String> = (0..200).map(|i| format!("\"m{i}\":{i}")).collect();
        assert!(p(&format!("{{{}}}", many.join(","))).is_ok());
        assert!(p(&format!("{{{},\"m7\":0}}", many.join(","))).unwrap_err().message.contains("\"m7\""));
    }

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

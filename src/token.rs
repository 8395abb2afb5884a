//! Decoding of compact JWS / JWT strings: strict base64url, JSON-object header and payload, size and
//! nesting limits. Nothing here verifies anything; see `verify`.

use crate::error::{Error, Result};
use crate::json;
use base64ct::{Base64UrlUnpadded, Encoding};
use serde_json::{Map, Value};

/// Default maximum token length in bytes.
pub const DEFAULT_MAX_TOKEN_SIZE: usize = 16 * 1024;

#[derive(Clone, Debug)]
pub struct DecodeOptions {
    pub max_token_size: usize,
    pub max_depth: usize,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions { max_token_size: DEFAULT_MAX_TOKEN_SIZE, max_depth: json::DEFAULT_MAX_DEPTH }
    }
}

/// The header parameters the verify path reads. The rest of the header is checked (an object, unique member
/// names at every level, depth) but not kept: [`Jws::header_map`] builds the whole map from `header_json`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Header {
    pub typ: Option<Value>,
    pub crit: Option<Value>,
    pub b64: Option<Value>,
}

/// Names of the header members [`decode_jws`] keeps, in [`Header`]'s order after `alg` and `kid`.
const HEADER_PICKED: [&str; 5] = ["alg", "kid", "typ", "crit", "b64"];

/// The registered claims the claim rules read (RFC 7519 §4.1), in the order of [`RegisteredClaims::values`].
pub const REGISTERED_CLAIMS: [&str; 7] = ["exp", "nbf", "iat", "iss", "sub", "jti", "aud"];

/// A claims set as the verify path keeps it: the registered claims' values and, by position in the options'
/// `requiredClaims`, whether each of those names is a claim.
pub type RegisteredClaims = json::PickedMembers<7>;

/// A compact JWS split and decoded, payload left as bytes.
#[derive(Clone, Debug)]
pub struct Jws<'a> {
    pub header: Header,
    /// `alg` from the header (checked to be a string; not yet checked to be supported).
    pub alg: String,
    pub kid: Option<String>,
    /// `BASE64URL(header) || '.' || BASE64URL(payload)`, the bytes the signature covers.
    pub signing_input: &'a str,
    /// The decoded header: UTF-8 JSON text of an object with unique member names (checked).
    pub header_json: Vec<u8>,
    pub payload: Vec<u8>,
    pub signature: Vec<u8>,
}

/// A decoded JWT: header and claims as JSON objects.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Decoded {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
}

/// Strict base64url without padding. Rejects `=`, `+`, `/`, whitespace and non-canonical trailing bits.
///
/// Table-driven rather than base64ct's constant-time decoder: a token is public data, and this ran at a tenth of
/// the per-token work once the signature check went native. Same answers as base64ct (tested on random input).
pub fn b64url_decode(segment: &str) -> Option<Vec<u8>> {
    let s = segment.as_bytes();
    let quads = s.len() / 4;
    let (body, rest) = s.split_at(quads * 4);
    let tail = match rest.len() {
        0 => 0,
        2 => 1,
        3 => 2,
        _ => return None,
    };
    let mut out = vec![0u8; quads * 3 + tail];
    let (whole, last) = out.split_at_mut(quads * 3);
    // Invalid characters are collected and checked once, after the loop.
    let mut seen = 0u8;
    for (q, o) in body.chunks_exact(4).zip(whole.chunks_exact_mut(3)) {
        let (a, b, c, d) = (B64URL[q[0] as usize], B64URL[q[1] as usize], B64URL[q[2] as usize], B64URL[q[3] as usize]);
        seen |= a | b | c | d;
        let v = (a as u32) << 18 | (b as u32) << 12 | (c as u32) << 6 | d as u32;
        o[0] = (v >> 16) as u8;
        o[1] = (v >> 8) as u8;
        o[2] = v as u8;
    }
    let r: [u8; 3] = [0, 1, 2].map(|i| rest.get(i).map_or(0, |&ch| B64URL[ch as usize]));
    seen |= r[0] | r[1] | r[2];
    if seen & INVALID != 0 {
        return None;
    }
    match (tail, r) {
        (0, _) => {}
        // The bits past the last whole byte must be zero (the canonical encoding).
        (1, [a, b, _]) if b & 0x0f == 0 => last[0] = a << 2 | b >> 4,
        (2, [a, b, c]) if c & 0x03 == 0 => {
            last[0] = a << 2 | b >> 4;
            last[1] = b << 4 | c >> 2;
        }
        _ => return None,
    }
    Some(out)
}

/// Marks a byte outside the base64url alphabet (the values proper are 0..64).
const INVALID: u8 = 0x80;

const B64URL: [u8; 256] = {
    let mut t = [INVALID; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    t
};

pub fn b64url_encode(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// Names the first character that makes `segment` invalid base64url, for error messages.
fn describe_bad_segment(segment: &str) -> String {
    if let Some((i, c)) = segment
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        let hint = match c {
            '=' => " (padding is not allowed in base64url)",
            '+' | '/' => " (standard base64 alphabet; base64url uses '-' and '_')",
            c if c.is_whitespace() => " (whitespace)",
            _ => "",
        };
        format!("invalid character {c:?} at offset {i}{hint}")
    } else if segment.len() % 4 == 1 {
        "impossible length for base64url".to_owned()
    } else {
        "non-canonical base64url (unused trailing bits are not zero)".to_owned()
    }
}

/// Splits and decodes a compact JWS. The payload is not interpreted.
pub fn decode_jws<'a>(token: &'a str, opts: &DecodeOptions) -> Result<Jws<'a>> {
    if token.len() > opts.max_token_size {
        return Err(Error::jws(format!(
            "token is {} bytes, more than the limit of {} bytes",
            token.len(),
            opts.max_token_size
        ))
        .with_reason("too_large"));
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        let n = token.split('.').count();
        return Err(Error::jws(format!(
            "a compact JWS has 3 dot-separated segments, this has {n}{}",
            if n == 5 { " (looks like a JWE, which is not supported)" } else { "" }
        ))
        .with_reason("segments"));
    };
    let seg = |name: &str, s: &str| -> Result<Vec<u8>> {
        b64url_decode(s).ok_or_else(|| {
            Error::jws(format!("{name} segment: {}", describe_bad_segment(s))).with_reason("base64url")
        })
    };
    if h.is_empty() {
        return Err(Error::jws("header segment is empty").with_reason("header"));
    }
    let header_bytes = seg("header", h)?;
    let [alg, kid, typ, crit, b64] = match json::parse_picked(&header_bytes, opts.max_depth, &HEADER_PICKED, &[]) {
        Ok(json::Picked::Object(members)) => members.values,
        Ok(json::Picked::NotObject(kind)) => {
            return Err(Error::jws(format!("header is a JSON {kind}, not an object")).with_reason("header"))
        }
        Err(e) => return Err(Error::jws(format!("header is not valid JSON: {e}")).with_reason("header")),
    };
    let alg = match alg {
        Some(Value::String(a)) => a,
        Some(other) => {
            return Err(Error::jws(format!("header \"alg\" must be a string, found {}", json::type_name(&other)))
                .with_reason("header"))
        }
        None => return Err(Error::jws("header has no \"alg\"").with_reason("header")),
    };
    let kid = match kid {
        None => None,
        Some(Value::String(k)) => Some(k),
        Some(other) => {
            return Err(Error::jws(format!("header \"kid\" must be a string, found {}", json::type_name(&other)))
                .with_reason("header"))
        }
    };
    let header = Header { typ, crit, b64 };
    let payload = seg("payload", p)?;
    let signature = seg("signature", s)?;
    Ok(Jws {
        header,
        alg,
        kid,
        signing_input: &token[..h.len() + 1 + p.len()],
        header_json: header_bytes,
        payload,
        signature,
    })
}

impl Jws<'_> {
    /// The whole header as a map (parsed again from `header_json`, which `decode_jws` checked by the same rules).
    pub fn header_map(&self) -> Map<String, Value> {
        header_map(&self.header_json)
    }
}

/// A header text that [`decode_jws`] accepted, as a map. Never fails for such a text (it was checked against its
/// depth limit already; serde_json's own limit still applies); anything else gives an empty map, which no `crit`
/// check accepts.
pub(crate) fn header_map(header_json: &[u8]) -> Map<String, Value> {
    match json::parse_strict_bytes(header_json, usize::MAX) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// [`parse_claims`] for the verify path: the same checks and errors, keeping only the registered claims and
/// whether each name in `required` is a claim.
pub fn parse_registered_claims(payload: &[u8], opts: &DecodeOptions, required: &[String]) -> Result<RegisteredClaims> {
    match json::parse_picked(payload, opts.max_depth, &REGISTERED_CLAIMS, required) {
        Ok(json::Picked::Object(claims)) => Ok(claims),
        Ok(json::Picked::NotObject(kind)) => Err(Error::jwt(format!("JWT claims set must be a JSON object, found {kind}"))),
        Err(e) => Err(Error::jwt(format!("JWT claims set is not valid JSON: {e}"))),
    }
}

/// Parses a JWS payload as a JWT claims set (a JSON object).
pub fn parse_claims(payload: &[u8], opts: &DecodeOptions) -> Result<Map<String, Value>> {
    match json::parse_strict_bytes(payload, opts.max_depth) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(Error::jwt(format!(
            "JWT claims set must be a JSON object, found {}",
            json::type_name(&other)
        ))),
        Err(e) => Err(Error::jwt(format!("JWT claims set is not valid JSON: {e}"))),
    }
}

/// Decodes a JWT without verifying it (`decode(token)` in the JS API).
pub fn decode(token: &str, opts: &DecodeOptions) -> Result<Decoded> {
    let jws = decode_jws(token, opts)?;
    let claims = parse_claims(&jws.payload, opts)?;
    Ok(Decoded { header: jws.header_map(), claims })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn b64url_decode_agrees_with_base64ct() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(6);
        let chars = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/= .\n\x00\xc3";
        for i in 0..200_000 {
            let len = rng.gen_range(0..24);
            // Mostly valid alphabet (so the trailing-bit rules get exercised), sometimes anything.
            let s: Vec<u8> = (0..len)
                .map(|_| if i % 4 == 0 { chars[rng.gen_range(0..chars.len())] } else { chars[rng.gen_range(0..64)] })
                .collect();
            let Ok(s) = std::str::from_utf8(&s) else { continue };
            assert_eq!(b64url_decode(s), Base64UrlUnpadded::decode_vec(s).ok(), "{s:?}");
        }
        for bytes in [&b""[..], b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar", &[0xff; 7]] {
            assert_eq!(b64url_decode(&b64url_encode(bytes)).as_deref(), Some(bytes));
        }
        assert_eq!(b64url_decode("QQ"), Some(b"A".to_vec()));
        assert_eq!(b64url_decode("QR"), None, "non-canonical trailing bits");
        assert_eq!(b64url_decode("QUI"), Some(b"AB".to_vec()));
        assert_eq!(b64url_decode("QUJ"), None, "non-canonical trailing bits");
        assert_eq!(b64url_decode("Q"), None);
        assert_eq!(b64url_decode("QQ=="), None);
    }

    fn tok(header: &str, payload: &str) -> String {
        format!("{}.{}.c2ln", b64url_encode(header.as_bytes()), b64url_encode(payload.as_bytes()))
    }

    fn code(t: &str) -> ErrorCode {
        decode(t, &DecodeOptions::default()).unwrap_err().code
    }

    #[test]
    fn decodes_header_and_claims() {
        let d = decode(&tok(r#"{"alg":"RS256","kid":"k"}"#, r#"{"sub":"x"}"#), &DecodeOptions::default()).unwrap();
        assert_eq!(d.header["kid"], "k");
        assert_eq!(d.claims["sub"], "x");
    }

    #[test]
    fn segment_count() {
        assert_eq!(code("a.b"), ErrorCode::JwsInvalid);
        assert_eq!(code("a.b.c.d"), ErrorCode::JwsInvalid);
        let e = decode("a.b.c.d.e", &DecodeOptions::default()).unwrap_err();
        assert!(e.message.contains("JWE"));
        assert_eq!(code(""), ErrorCode::JwsInvalid);
    }

    #[test]
    fn strict_base64url() {
        let good = tok(r#"{"alg":"RS256"}"#, r#"{"a":1}"#);
        let (h, rest) = good.split_once('.').unwrap();
        for bad in [format!("{h}=.{rest}"), format!("{h}+.{rest}"), format!("{h}/.{rest}"), format!(" {h}.{rest}")] {
            let e = decode(&bad, &DecodeOptions::default()).unwrap_err();
            assert_eq!(e.code, ErrorCode::JwsInvalid, "{bad}");
            assert!(e.message.contains("header segment"), "{}", e.message);
        }
        // "eyJ" + non-canonical final char: 'b' vs 'a' differ only in unused bits.
        assert!(b64url_decode("YQ").is_some());
        assert!(b64url_decode("YR").is_none());
        assert!(b64url_decode("Y").is_none());
        let e = decode(&format!("{good}="), &DecodeOptions::default()).unwrap_err();
        assert!(e.message.contains("signature segment") && e.message.contains("padding"), "{}", e.message);
    }

    #[test]
    fn header_must_be_object_with_string_alg() {
        assert_eq!(code(&tok("[]", "{}")), ErrorCode::JwsInvalid);
        assert_eq!(code(&tok("{}", "{}")), ErrorCode::JwsInvalid);
        assert_eq!(code(&tok(r#"{"alg":1}"#, "{}")), ErrorCode::JwsInvalid);
        assert_eq!(code(&tok(r#"{"alg":"RS256","kid":7}"#, "{}")), ErrorCode::JwsInvalid);
        assert_eq!(code(&tok(r#"{"alg":"RS256","alg":"none"}"#, "{}")), ErrorCode::JwsInvalid);
        assert_eq!(code(&tok("not json", "{}")), ErrorCode::JwsInvalid);
    }

    #[test]
    fn payload_must_be_object() {
        assert_eq!(code(&tok(r#"{"alg":"RS256"}"#, "[1]")), ErrorCode::JwtInvalid);
        assert_eq!(code(&tok(r#"{"alg":"RS256"}"#, "hello")), ErrorCode::JwtInvalid);
        assert_eq!(code(&tok(r#"{"alg":"RS256"}"#, r#"{"a":1,"a":2}"#)), ErrorCode::JwtInvalid);
        let bad_utf8 = format!("{}.{}.c2ln", b64url_encode(br#"{"alg":"RS256"}"#), b64url_encode(b"{\"a\":\"\xff\"}"));
        assert_eq!(code(&bad_utf8), ErrorCode::JwtInvalid);
    }

    #[test]
    fn size_and_depth_limits() {
        let big = tok(r#"{"alg":"RS256"}"#, &format!(r#"{{"a":"{}"}}"#, "x".repeat(20_000)));
        let e = decode(&big, &DecodeOptions::default()).unwrap_err();
        assert_eq!(e.code, ErrorCode::JwsInvalid);
        assert!(e.message.contains("limit"));
        let opts = DecodeOptions { max_token_size: 64 * 1024, ..Default::default() };
        assert!(decode(&big, &opts).is_ok());
        let deep = tok(r#"{"alg":"RS256"}"#, &format!(r#"{{"a":{}1{}}}"#, "[".repeat(40), "]".repeat(40)));
        assert_eq!(code(&deep), ErrorCode::JwtInvalid);
    }

    #[test]
    fn signing_input_is_first_two_segments() {
        let t = tok(r#"{"alg":"RS256"}"#, r#"{"a":1}"#);
        let jws = decode_jws(&t, &DecodeOptions::default()).unwrap();
        assert_eq!(jws.signing_input, t.rsplit_once('.').unwrap().0);
        assert_eq!(jws.signature, b"sig");
    }
}

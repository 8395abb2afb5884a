//! JWK and JWKS parsing (RFC 7517/7518/8037), RFC 7638 thumbprints and key selection.
//!
//! A key set is parsed once into verification-ready [`PublicKey`]s. One bad key never poisons the set: it lands
//! in [`KeySet::rejected`] with its index, kid and a sentence saying what is wrong, so that "no matching key"
//! can later be explained. The policy choices (e=3, short HMAC keys, private members, unknown `alg`, duplicate
//! kids, mixed symmetric sets, ROCA) are documented in docs/keys-policy.md.

mod parse;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::alg::{hmac_min_key_len, Alg, Backend, KeyFamily, PublicKey};
use crate::error::{Error, ErrorCode, Result};
use crate::json::{check_depth, parse_strict, type_name, DEFAULT_MAX_DEPTH};

pub use parse::{b64url_decode, b64url_encode};

#[derive(Clone, Debug, Default)]
pub struct KeySetOptions {
    /// Accept `oct` (HMAC) keys. Off by default: a published key set must never carry shared secrets.
    pub allow_symmetric: bool,
}

/// One usable key of a set. Serializes as `{ kid, kty, alg, use, crv, thumbprint }`.
#[derive(Clone, Debug, Serialize)]
pub struct Key {
    #[serde(skip)]
    pub index: usize,
    pub kid: Option<String>,
    pub kty: String,
    pub alg: Option<String>,
    #[serde(rename = "use")]
    pub use_: Option<String>,
    #[serde(skip)]
    pub key_ops: Option<Vec<String>>,
    pub crv: Option<String>,
    /// RFC 7638 SHA-256 thumbprint, base64url.
    pub thumbprint: String,
    #[serde(skip)]
    pub public: PublicKey,
}

#[derive(Clone, Debug, Serialize)]
pub struct RejectedKey {
    pub index: usize,
    pub kid: Option<String>,
    pub code: ErrorCode,
    pub reason: String,
}

#[derive(Clone, Debug, Default)]
pub struct KeySet {
    pub keys: Vec<Key>,
    pub rejected: Vec<RejectedKey>,
    /// Where this set's signatures are checked (pure Rust unless a binding installed a native backend).
    backend: Backend,
}

/// What an algorithm needs, in words: "RSA", "EC P-256", "OKP Ed25519", "an oct (HMAC) key".
pub(crate) fn family_needs(alg: Alg) -> String {
    match alg.family() {
        KeyFamily::Rsa => "RSA".to_owned(),
        KeyFamily::Ec(c) => format!("EC {}", c.jwk_name()),
        KeyFamily::Ed25519 => "OKP Ed25519".to_owned(),
        KeyFamily::Oct => "an oct (HMAC) key".to_owned(),
    }
}

fn jwks_invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::JwksInvalid, message)
}

impl Key {
    /// "kid=abc" or "#2 (no kid)", as used in explanations.
    pub fn label(&self) -> String {
        label(self.index, self.kid.as_deref())
    }

    /// Why this key cannot verify a token signed with `alg`, or `None` if it can. Follows jose's
    /// `createLocalJWKSet` (kty/crv from alg, JWK `alg`, `use`, `key_ops`) plus the HMAC key-length rule.
    pub fn mismatch(&self, alg: Alg) -> Option<String> {
        let who = self.label();
        if self.public.family() != alg.family() {
            return Some(format!(
                "key {who} is {} but alg {} needs {}",
                self.public.family_name(),
                alg.name(),
                family_needs(alg)
            ));
        }
        if !self.public.supports(alg) {
            return Some(format!(
                "key {who} is {} but alg {} needs at least {} bytes",
                self.public.family_name(),
                alg.name(),
                hmac_min_key_len(alg)
            ));
        }
        if let Some(key_alg) = &self.alg {
            if key_alg != alg.name() {
                return Some(format!(
                    "key {who} is restricted to alg {key_alg}, the token uses {}",
                    alg.name()
                ));
            }
        }
        if let Some(u) = &self.use_ {
            if u != "sig" {
                return Some(format!("key {who} has use \"{u}\", not \"sig\""));
            }
        }
        if let Some(ops) = &self.key_ops {
            if !ops.iter().any(|o| o == "verify") {
                return Some(format!("key {who} has key_ops [{}] without \"verify\"", ops.join(", ")));
            }
        }
        None
    }
}

fn label(index: usize, kid: Option<&str>) -> String {
    match kid {
        Some(k) => format!("kid={k}"),
        None => format!("#{index} (no kid)"),
    }
}

impl KeySet {
    /// Parses a JWKS document (strict JSON: duplicate members and excessive nesting are errors).
    pub fn from_jwks_str(text: &str, opts: &KeySetOptions) -> Result<KeySet> {
        let v = parse_strict(text, DEFAULT_MAX_DEPTH)
            .map_err(|e| jwks_invalid(format!("JWKS is not valid JSON: {}", e.message)).with_json_location(&e))?;
        Self::from_jwks_value(&v, opts)
    }

    /// Parses an already-decoded JWKS: an object with a `keys` array.
    pub fn from_jwks_value(v: &Value, opts: &KeySetOptions) -> Result<KeySet> {
        let Value::Object(obj) = v else {
            return Err(jwks_invalid(format!(
                "JWKS must be a JSON object with a \"keys\" array, found {}",
                type_name(v)
            )));
        };
        if !check_depth(v, DEFAULT_MAX_DEPTH) {
            return Err(jwks_invalid(format!(
                "JWKS is nested deeper than {DEFAULT_MAX_DEPTH} levels"
            )));
        }
        let items = match obj.get("keys") {
            Some(Value::Array(items)) => items,
            Some(other) => {
                return Err(
                    jwks_invalid(format!("JWKS \"keys\" must be an array, found {}", type_name(other)))
                        .with_path("$.keys"),
                )
            }
            None if obj.contains_key("kty") => {
                return Err(jwks_invalid(
                    "JWKS has no \"keys\" member; this looks like a single JWK (load it with from_jwk_value)",
                ))
            }
            None => return Err(jwks_invalid("JWKS has no \"keys\" member")),
        };
        let mut set = KeySet::default();
        for (index, item) in items.iter().enumerate() {
            match parse::parse_jwk(index, item, opts) {
                Ok(key) => set.keys.push(key),
                Err(r) => set.rejected.push(RejectedKey {
                    index,
                    kid: parse::kid_of(item),
                    code: r.code,
                    reason: r.reason,
                }),
            }
        }
        set.reject_secrets_next_to_public_keys(items);
        set.reject_ambiguous_kids(items);
        set.rejected.sort_by_key(|r| r.index);
        Ok(set)
    }

    /// Parses one bare JWK as a set of one; `ERR_JWK_INVALID` (or `ERR_JOSE_NOT_SUPPORTED`) if it is rejected.
    pub fn from_jwk_value(v: &Value, opts: &KeySetOptions) -> Result<KeySet> {
        if !check_depth(v, DEFAULT_MAX_DEPTH) {
            return Err(Error::new(ErrorCode::JwkInvalid, "JWK is nested too deeply"));
        }
        match parse::parse_jwk(0, v, opts) {
            Ok(key) => Ok(KeySet {
                keys: vec![key],
                ..KeySet::default()
            }),
            Err(r) => {
                let kid = parse::kid_of(v);
                Err(Error::new(r.code, r.reason).with_kid(kid.as_deref()))
            }
        }
    }

    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// Installs the backend that checks this set's signatures. Everything else (decoding, key selection, the
    /// alg ↔ key binding, claims) stays in the core whatever the backend.
    pub fn set_backend(&mut self, backend: Backend) {
        self.backend = backend;
    }

    /// Checks one signature with one of this set's keys, through the set's backend.
    pub fn verify_signature(&self, alg: Alg, key: &Key, message: &[u8], signature: &[u8]) -> bool {
        self.backend.verify(alg, &key.public, key.index, message, signature)
    }

    /// Keys that may verify a token with this `alg` (and `kid`, when the token names one), in set order.
    /// Like jose's `createLocalJWKSet`: a token kid only matches keys with that exact kid.
    pub fn select(&self, alg: Alg, kid: Option<&str>) -> Vec<&Key> {
        self.keys
            .iter()
            .filter(|k| kid.is_none_or(|want| k.kid.as_deref() == Some(want)))
            .filter(|k| k.mismatch(alg).is_none())
            .collect()
    }

    /// Explains why [`select`](Self::select) found nothing, in one or a few sentences.
    pub fn describe_no_match(&self, alg: Alg, kid: Option<&str>) -> String {
        if self.keys.is_empty() && self.rejected.is_empty() {
            return "the key set is empty".to_owned();
        }
        let (keys, rejected): (Vec<&Key>, Vec<&RejectedKey>) = match kid {
            Some(want) => (
                self.keys.iter().filter(|k| k.kid.as_deref() == Some(want)).collect(),
                self.rejected
                    .iter()
                    .filter(|r| r.kid.as_deref() == Some(want))
                    .collect(),
            ),
            None => (self.keys.iter().collect(), self.rejected.iter().collect()),
        };
        if let (Some(want), true, true) = (kid, keys.is_empty(), rejected.is_empty()) {
            let kids: Vec<&str> = self.keys.iter().filter_map(|k| k.kid.as_deref()).collect();
            return if kids.is_empty() {
                format!("no key with kid \"{want}\" (no key in the set has a kid)")
            } else {
                format!("no key with kid \"{want}\" (available kids: {})", kids.join(", "))
            };
        }
        let mut reasons: Vec<String> = keys.iter().filter_map(|k| k.mismatch(alg)).collect();
        reasons.extend(
            rejected
                .iter()
                .map(|r| format!("key {} was rejected: {}", label(r.index, r.kid.as_deref()), r.reason)),
        );
        if reasons.is_empty() {
            return format!("a key matches alg {}", alg.name());
        }
        reasons.join("; ")
    }

    /// A set mixing HMAC secrets with public keys is a published secret (or a confused configuration that
    /// invites algorithm confusion): its `oct` keys are rejected, the public keys kept.
    fn reject_secrets_next_to_public_keys(&mut self, items: &[Value]) {
        let has_public = items
            .iter()
            .any(|v| matches!(v.get("kty").and_then(Value::as_str), Some("RSA" | "EC" | "OKP")));
        if !has_public {
            return;
        }
        let (secrets, keep): (Vec<Key>, Vec<Key>) = std::mem::take(&mut self.keys)
            .into_iter()
            .partition(|k| k.public.family() == KeyFamily::Oct);
        self.keys = keep;
        for k in secrets {
            self.rejected.push(RejectedKey {
                index: k.index,
                kid: k.kid,
                code: ErrorCode::JwkInvalid,
                reason: "symmetric key in a set that also holds public keys: HMAC secrets must not be published \
                         next to public keys; load them as a separate set"
                    .to_owned(),
            });
        }
    }

    /// RFC 7517 §4.5 lets different key types share a kid, but two entries of the same type under one kid make
    /// the choice of key ambiguous: the usable ones are rejected too (even when the other entry was malformed,
    /// the publisher meant two keys). An exact repeat of a key is tolerated (first one kept).
    fn reject_ambiguous_kids(&mut self, items: &[Value]) {
        let mut groups: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
        for (index, item) in items.iter().enumerate() {
            let kid = item.get("kid").and_then(Value::as_str);
            let kty = item.get("kty").and_then(Value::as_str);
            if let (Some(kid), Some(kty)) = (kid, kty) {
                groups.entry((kid, kty)).or_default().push(index);
            }
        }
        let mut drop: Vec<(usize, String)> = Vec::new();
        for ((kid, kty), indexes) in groups {
            if indexes.len() < 2 {
                continue;
            }
            let members: Vec<&Key> = self.keys.iter().filter(|k| indexes.contains(&k.index)).collect();
            let exact_repeat = members.len() == indexes.len()
                && members
                    .windows(2)
                    .all(|w| matches!(w, [a, b] if a.thumbprint == b.thumbprint));
            if exact_repeat {
                if let [first, rest @ ..] = members.as_slice() {
                    for k in rest {
                        drop.push((
                            k.index,
                            format!("duplicate of key at index {} (same kid and key)", first.index),
                        ));
                    }
                }
                continue;
            }
            let list: Vec<String> = indexes.iter().map(usize::to_string).collect();
            for k in members {
                drop.push((
                    k.index,
                    format!(
                        "kid \"{kid}\" is shared by {} different {kty} keys (indexes {}); a kid must identify one key",
                        indexes.len(),
                        list.join(", ")
                    ),
                ));
            }
        }
        if drop.is_empty() {
            return;
        }
        let mut kept = Vec::with_capacity(self.keys.len());
        for k in std::mem::take(&mut self.keys) {
            match drop.iter().find(|(index, _)| *index == k.index) {
                Some((_, reason)) => self.rejected.push(RejectedKey {
                    index: k.index,
                    kid: k.kid,
                    code: ErrorCode::JwkInvalid,
                    reason: reason.clone(),
                }),
                None => kept.push(k),
            }
        }
        self.keys = kept;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// RFC 7638 §3.1 (also RFC 7517 A.1).
    const RFC7638_N: &str = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
    /// RFC 7515 A.3 P-256 key.
    const P256_X: &str = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
    const P256_Y: &str = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
    /// RFC 8037 A.2 Ed25519 key.
    const ED_X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

    fn rsa(kid: &str) -> Value {
        json!({"kty": "RSA", "kid": kid, "n": RFC7638_N, "e": "AQAB"})
    }
    fn ec(kid: &str) -> Value {
        json!({"kty": "EC", "kid": kid, "crv": "P-256", "x": P256_X, "y": P256_Y})
    }
    fn ed(kid: &str) -> Value {
        json!({"kty": "OKP", "kid": kid, "crv": "Ed25519", "x": ED_X})
    }
    fn oct(kid: &str, len: usize) -> Value {
        json!({"kty": "oct", "kid": kid, "k": b64url_encode(&vec![0x5a; len])})
    }
    fn set(keys: Vec<Value>) -> KeySet {
        KeySet::from_jwks_value(&json!({ "keys": keys }), &KeySetOptions::default()).unwrap()
    }
    fn set_sym(keys: Vec<Value>) -> KeySet {
        KeySet::from_jwks_value(&json!({ "keys": keys }), &KeySetOptions { allow_symmetric: true }).unwrap()
    }
    fn only_rejection(v: Value) -> RejectedKey {
        let s = set_sym(vec![v]);
        assert!(s.keys.is_empty(), "expected a rejection, got {:?}", s.keys);
        s.rejected.into_iter().next().unwrap()
    }
    fn ec_coords(curve: crate::alg::Curve, secret: &[u8]) -> (String, String) {
        let pk = match curve {
            crate::alg::Curve::P384 => {
                PublicKey::P384(*p384::ecdsa::SigningKey::from_slice(secret).unwrap().verifying_key())
            }
            crate::alg::Curve::P521 => PublicKey::P521(p521::ecdsa::VerifyingKey::from(
                &p521::ecdsa::SigningKey::from_slice(secret).unwrap(),
            )),
            crate::alg::Curve::Secp256k1 => {
                PublicKey::Secp256k1(*k256::ecdsa::SigningKey::from_slice(secret).unwrap().verifying_key())
            }
            crate::alg::Curve::P256 => {
                PublicKey::P256(*p256::ecdsa::SigningKey::from_slice(secret).unwrap().verifying_key())
            }
        };
        let (x, y) = pk.ec_coordinates().unwrap();
        (b64url_encode(&x), b64url_encode(&y))
    }

    #[test]
    fn rfc7638_thumbprint() {
        let s = set(vec![
            json!({"kty": "RSA", "n": RFC7638_N, "e": "AQAB", "alg": "RS256", "kid": "2011-04-29"}),
        ]);
        assert_eq!(s.keys[0].thumbprint, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
        // A leading zero byte in n is the same key, so the same thumbprint.
        let mut padded = vec![0u8];
        padded.extend(b64url_decode(RFC7638_N).unwrap());
        let s2 = set(vec![json!({"kty": "RSA", "n": b64url_encode(&padded), "e": "AQAB"})]);
        assert_eq!(s2.keys[0].thumbprint, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    }

    #[test]
    fn thumbprints_for_ec_okp_oct_use_required_members_only() {
        use sha2::Digest;
        let tp = |s: &str| b64url_encode(&sha2::Sha256::digest(s.as_bytes()));
        let mut with_extras = ec("a");
        with_extras["use"] = json!("sig");
        with_extras["x5t"] = json!("ignored");
        let s = set_sym(vec![with_extras, ed("b")]);
        assert_eq!(
            s.keys[0].thumbprint,
            tp(&format!(
                r#"{{"crv":"P-256","kty":"EC","x":"{P256_X}","y":"{P256_Y}"}}"#
            ))
        );
        // RFC 8037 A.3 gives this thumbprint for the A.2 key.
        assert_eq!(s.keys[1].thumbprint, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
        let o = set_sym(vec![oct("c", 32)]);
        assert_eq!(
            o.keys[0].thumbprint,
            tp(&format!(r#"{{"k":"{}","kty":"oct"}}"#, b64url_encode(&[0x5a; 32])))
        );
    }

    #[test]
    fn jwks_shape_errors_say_what_is_wrong() {
        let opts = KeySetOptions::default();
        let e = KeySet::from_jwks_str("not json", &opts).unwrap_err();
        assert_eq!(e.code, ErrorCode::JwksInvalid);
        assert!(e.message.contains("not valid JSON"), "{}", e.message);
        let e = KeySet::from_jwks_str("[]", &opts).unwrap_err();
        assert!(e.message.contains("found array"), "{}", e.message);
        let e = KeySet::from_jwks_str(r#"{"keys": {}}"#, &opts).unwrap_err();
        assert!(
            e.message.contains("\"keys\" must be an array, found object"),
            "{}",
            e.message
        );
        let e = KeySet::from_jwks_str(r#"{"kty": "RSA"}"#, &opts).unwrap_err();
        assert!(e.message.contains("single JWK"), "{}", e.message);
        let e = KeySet::from_jwks_str(r#"{"keys": [], "keys": []}"#, &opts).unwrap_err();
        assert!(e.message.contains("duplicate member name \"keys\""), "{}", e.message);
        let e =
            KeySet::from_jwks_str(r#"{"keys": [{"kty": "EC", "crv": "P-256", "crv": "P-384"}]}"#, &opts).unwrap_err();
        assert!(e.message.contains("duplicate member name \"crv\""), "{}", e.message);
        assert!(KeySet::from_jwks_str(r#"{"keys": []}"#, &opts).unwrap().keys.is_empty());
    }

    #[test]
    fn bad_keys_do_not_poison_the_set() {
        let s = set(vec![
            rsa("good"),
            json!("nope"),
            json!({"kty": "RSA", "kid": "bad", "e": "AQAB"}),
            ec("ec"),
        ]);
        assert_eq!(
            s.keys.iter().map(|k| k.kid.as_deref().unwrap()).collect::<Vec<_>>(),
            ["good", "ec"]
        );
        assert_eq!(s.rejected.len(), 2);
        assert_eq!((s.rejected[0].index, s.rejected[0].kid.as_deref()), (1, None));
        assert!(s.rejected[0].reason.contains("JSON string, expected an object"));
        assert_eq!((s.rejected[1].index, s.rejected[1].kid.as_deref()), (2, Some("bad")));
        assert!(s.rejected[1].reason.contains("missing required member \"n\""));
        assert_eq!(s.keys[1].index, 3);
    }

    #[test]
    fn missing_members_per_key_type() {
        let cases = [
            (json!({"kid": "k"}), "missing required member \"kty\""),
            (
                json!({"kty": "RSA", "n": RFC7638_N}),
                "RSA key is missing required member \"e\"",
            ),
            (
                json!({"kty": "EC", "x": P256_X, "y": P256_Y}),
                "EC key is missing required member \"crv\"",
            ),
            (
                json!({"kty": "EC", "crv": "P-256", "y": P256_Y}),
                "EC key is missing required member \"x\"",
            ),
            (
                json!({"kty": "EC", "crv": "P-256", "x": P256_X}),
                "EC key is missing required member \"y\"",
            ),
            (
                json!({"kty": "OKP", "crv": "Ed25519"}),
                "OKP key is missing required member \"x\"",
            ),
            (
                json!({"kty": "OKP", "x": ED_X}),
                "OKP key is missing required member \"crv\"",
            ),
            (json!({"kty": "oct"}), "oct key is missing required member \"k\""),
            (
                json!({"kty": "RSA", "n": 5, "e": "AQAB"}),
                "\"n\" must be a string, found number",
            ),
            (json!({"kty": "RSA", "n": "", "e": "AQAB"}), "\"n\" is empty"),
            (json!({"kty": 1}), "\"kty\" must be a string"),
            (json!({"kty": "EC", "kid": 7}), "\"kid\" must be a string"),
        ];
        for (jwk, want) in cases {
            let r = only_rejection(jwk.clone());
            assert_eq!(r.code, ErrorCode::JwkInvalid, "{jwk}");
            assert!(r.reason.contains(want), "{jwk}: {}", r.reason);
        }
    }

    #[test]
    fn bad_base64url_is_named() {
        let std_b64 = RFC7638_N.replace('-', "+").replace('_', "/");
        for (n, want) in [
            (format!("{RFC7638_N}="), "padding"),
            (std_b64.clone(), "'+' or '/'"),
            (format!("{RFC7638_N} "), "not valid base64url"),
        ] {
            let r = only_rejection(json!({"kty": "RSA", "n": n, "e": "AQAB"}));
            assert!(
                r.reason.contains("member \"n\"") && r.reason.contains(want),
                "{}",
                r.reason
            );
        }
        let r = only_rejection(json!({"kty": "EC", "crv": "P-256", "x": format!("{P256_X}="), "y": P256_Y}));
        assert!(r.reason.contains("\"x\" has '=' padding"), "{}", r.reason);
    }

    #[test]
    fn rsa_rules() {
        let n1024 = b64url_encode(&[0xc5; 128]);
        let r = only_rejection(json!({"kty": "RSA", "kid": "small", "n": n1024, "e": "AQAB"}));
        assert!(
            r.reason.contains("RSA modulus is 1024 bits, at least 2048 required"),
            "{}",
            r.reason
        );
        assert_eq!(r.kid.as_deref(), Some("small"));
        assert!(only_rejection(json!({"kty": "RSA", "n": RFC7638_N, "e": "AQ"}))
            .reason
            .contains("exponent 1"));
        assert!(only_rejection(json!({"kty": "RSA", "n": RFC7638_N, "e": "AQAA"}))
            .reason
            .contains("even"));
        assert!(
            only_rejection(json!({"kty": "RSA", "n": RFC7638_N, "e": "AQAAAAAAAAAB"}))
                .reason
                .contains("at most 32")
        );
        assert_eq!(
            set(vec![json!({"kty": "RSA", "n": RFC7638_N, "e": "Aw"})]).keys.len(),
            1,
            "e = 3 is accepted"
        );
    }

    #[test]
    fn ec_rules() {
        let bad_y = {
            let mut y = b64url_decode(P256_Y).unwrap();
            y[31] ^= 1;
            b64url_encode(&y)
        };
        let r = only_rejection(json!({"kty": "EC", "crv": "P-256", "x": P256_X, "y": bad_y}));
        assert!(r.reason.contains("not on curve P-256"), "{}", r.reason);
        let short = b64url_encode(&b64url_decode(P256_X).unwrap()[1..]);
        let r = only_rejection(json!({"kty": "EC", "crv": "P-256", "x": short, "y": P256_Y}));
        assert!(
            r.reason.contains("\"x\" is 31 bytes, expected exactly 32"),
            "{}",
            r.reason
        );
        let r = only_rejection(json!({"kty": "EC", "crv": "P-384", "x": P256_X, "y": P256_Y}));
        assert!(r.reason.contains("expected exactly 48"), "{}", r.reason);
        let r = only_rejection(json!({"kty": "EC", "crv": "P-224", "x": P256_X, "y": P256_Y}));
        assert_eq!(r.code, ErrorCode::NotSupported);
        assert!(r.reason.contains("unsupported EC curve \"P-224\""));

        use crate::alg::Curve;
        let mut secret66 = [3u8; 66];
        secret66[0] = 1;
        for (curve, secret, alg) in [
            (Curve::P384, &[3u8; 48][..], Alg::ES384),
            (Curve::P521, &secret66[..], Alg::ES512),
            (Curve::Secp256k1, &[3u8; 32][..], Alg::ES256K),
        ] {
            let (x, y) = ec_coords(curve, secret);
            let s = set(vec![
                json!({"kty": "EC", "crv": curve.jwk_name(), "x": x, "y": y, "kid": "k"}),
            ]);
            assert_eq!(s.keys.len(), 1, "{curve:?}: {:?}", s.rejected);
            assert_eq!(s.keys[0].crv.as_deref(), Some(curve.jwk_name()));
            assert_eq!(s.select(alg, Some("k")).len(), 1);
            assert!(s.select(Alg::ES256, Some("k")).is_empty());
        }
    }

    #[test]
    fn okp_rules() {
        assert_eq!(set(vec![ed("e")]).keys[0].crv.as_deref(), Some("Ed25519"));
        for crv in ["X25519", "Ed448", "X448", "Ed1"] {
            let r = only_rejection(json!({"kty": "OKP", "crv": crv, "x": ED_X}));
            assert_eq!(r.code, ErrorCode::NotSupported, "{crv}");
            assert!(r.reason.contains(crv), "{}", r.reason);
        }
        let r = only_rejection(json!({"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(&[9u8; 31])}));
        assert!(r.reason.contains("31 bytes, expected exactly 32"), "{}", r.reason);
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let r = only_rejection(json!({"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(&identity)}));
        assert!(r.reason.contains("small order"), "{}", r.reason);
    }

    #[test]
    fn oct_rules() {
        let s = set(vec![oct("h", 32)]);
        assert!(s.keys.is_empty());
        assert_eq!(s.rejected[0].reason, "symmetric keys need { allowSymmetric: true }");
        assert_eq!(set_sym(vec![oct("h", 32)]).keys.len(), 1);
        assert!(only_rejection(json!({"kty": "oct", "k": ""}))
            .reason
            .contains("\"k\" is empty"));
        assert!(only_rejection(oct("s", 31))
            .reason
            .contains("HMAC key is 31 bytes, at least 32 required"));
        let mut hs512_short = oct("s", 48);
        hs512_short["alg"] = json!("HS512");
        let r = only_rejection(hs512_short);
        assert!(
            r.reason
                .contains("HMAC key is 48 bytes but alg HS512 needs at least 64"),
            "{}",
            r.reason
        );
        // Without an alg, a 48-byte key serves HS256/HS384 but not HS512.
        let s = set_sym(vec![oct("m", 48)]);
        assert_eq!(s.select(Alg::HS384, None).len(), 1);
        assert!(s.select(Alg::HS512, None).is_empty());
        assert!(s
            .describe_no_match(Alg::HS512, None)
            .contains("needs at least 64 bytes"));
    }

    #[test]
    fn private_members_reject_the_key() {
        for (mut jwk, member) in [(rsa("r"), "d"), (ec("e"), "d"), (ed("o"), "d"), (rsa("p"), "p")] {
            jwk[member] = json!("AQAB");
            let r = only_rejection(jwk);
            assert!(
                r.reason.contains(&format!("private key member \"{member}\"")),
                "{}",
                r.reason
            );
        }
    }

    #[test]
    fn alg_must_fit_the_key() {
        let mut e = ec("e");
        e["alg"] = json!("RS256");
        let r = only_rejection(e);
        assert!(
            r.reason.contains("alg RS256 needs RSA but this key is EC P-256"),
            "{}",
            r.reason
        );
        let mut e = ec("e");
        e["alg"] = json!("ES384");
        assert!(only_rejection(e).reason.contains("needs EC P-384"));
        let mut e = ec("e");
        e["alg"] = json!("ES521");
        let r = only_rejection(e);
        assert_eq!(r.code, ErrorCode::NotSupported);
        assert!(
            r.reason.contains("\"ES521\" is not a supported JWS") && r.reason.contains("ES512"),
            "{}",
            r.reason
        );
        let mut r = rsa("r");
        r["alg"] = json!("RSA-OAEP");
        assert!(only_rejection(r).reason.contains("RSA-OAEP"));
        let mut r = rsa("r");
        r["alg"] = json!("PS384");
        assert_eq!(set(vec![r]).keys[0].alg.as_deref(), Some("PS384"));
    }

    #[test]
    fn select_follows_jose() {
        let mut enc = rsa("enc");
        enc["use"] = json!("enc");
        let mut ops = rsa("ops");
        ops["key_ops"] = json!(["sign"]);
        let mut ops_ok = rsa("ops-ok");
        ops_ok["key_ops"] = json!(["verify"]);
        let mut ps = rsa("ps");
        ps["alg"] = json!("PS256");
        let s = set(vec![
            rsa("a"),
            ec("b"),
            ed("c"),
            enc,
            ops,
            ops_ok,
            ps,
            json!({"kty": "RSA", "n": RFC7638_N, "e": "AQAB"}),
        ]);
        assert!(s.rejected.is_empty(), "{:?}", s.rejected);
        let kids = |v: Vec<&Key>| v.iter().map(|k| k.kid.clone().unwrap_or_default()).collect::<Vec<_>>();
        assert_eq!(kids(s.select(Alg::RS256, None)), ["a", "ops-ok", ""]);
        assert_eq!(kids(s.select(Alg::PS256, None)), ["a", "ops-ok", "ps", ""]);
        assert_eq!(kids(s.select(Alg::RS256, Some("a"))), ["a"]);
        assert!(
            s.select(Alg::RS256, Some("zzz")).is_empty(),
            "a token kid never matches kid-less keys"
        );
        assert_eq!(kids(s.select(Alg::ES256, None)), ["b"]);
        assert!(s.select(Alg::ES384, None).is_empty());
        assert_eq!(kids(s.select(Alg::EdDSA, Some("c"))), ["c"]);
        assert!(s.select(Alg::HS256, None).is_empty());
        assert!(s.select(Alg::RS256, Some("enc")).is_empty());
        assert!(s.select(Alg::RS256, Some("ops")).is_empty());
        assert!(s.select(Alg::RS256, Some("ps")).is_empty());
    }

    #[test]
    fn describe_no_match_explains() {
        let mut enc = rsa("enc");
        enc["use"] = json!("enc");
        let s = set(vec![
            rsa("x"),
            ec("y"),
            enc,
            json!({"kty": "RSA", "kid": "small", "n": b64url_encode(&[0xc5; 128]), "e": "AQAB"}),
        ]);
        assert_eq!(
            s.describe_no_match(Alg::RS256, Some("abc")),
            "no key with kid \"abc\" (available kids: x, y, enc)"
        );
        assert_eq!(
            s.describe_no_match(Alg::RS256, Some("y")),
            "key kid=y is EC P-256 but alg RS256 needs RSA"
        );
        assert_eq!(
            s.describe_no_match(Alg::RS256, Some("enc")),
            "key kid=enc has use \"enc\", not \"sig\""
        );
        assert_eq!(
            s.describe_no_match(Alg::RS256, Some("small")),
            "key kid=small was rejected: RSA modulus is 1024 bits, at least 2048 required"
        );
        let all = s.describe_no_match(Alg::EdDSA, None);
        assert!(
            all.contains("key kid=x is RSA 2048 but alg EdDSA needs OKP Ed25519"),
            "{all}"
        );
        assert!(all.contains("key kid=small was rejected"), "{all}");
        assert_eq!(
            KeySet::default().describe_no_match(Alg::RS256, None),
            "the key set is empty"
        );
        let s = set(vec![json!({"kty": "RSA", "n": RFC7638_N, "e": "AQAB"})]);
        assert_eq!(
            s.describe_no_match(Alg::RS256, Some("k")),
            "no key with kid \"k\" (no key in the set has a kid)"
        );
        assert_eq!(
            s.describe_no_match(Alg::ES256, None),
            "key #0 (no kid) is RSA 2048 but alg ES256 needs EC P-256"
        );
    }

    #[test]
    fn duplicate_kids() {
        // Same kid, same kty, different keys: ambiguous, both rejected.
        let s = set_sym(vec![oct("dup", 32), oct("dup", 40)]);
        assert!(s.keys.is_empty());
        assert_eq!(s.rejected.len(), 2);
        assert!(s.rejected[0]
            .reason
            .contains("kid \"dup\" is shared by 2 different oct keys (indexes 0, 1)"));
        // A malformed second entry under the same kid still makes the kid ambiguous.
        let s = set_sym(vec![oct("dup", 32), json!({"kty": "oct", "kid": "dup", "k": "AR"})]);
        assert!(s.keys.is_empty(), "{:?}", s.keys);
        assert!(
            s.rejected[0].reason.contains("shared by 2 different oct keys"),
            "{:?}",
            s.rejected
        );
        assert!(s.rejected[1].reason.contains("not valid base64url"), "{:?}", s.rejected);
        // Same kid, different kty: allowed by RFC 7517 §4.5.
        let s = set(vec![rsa("k"), ec("k")]);
        assert_eq!(s.keys.len(), 2);
        // An exact repeat: the first is kept.
        let s = set(vec![rsa("k"), rsa("k")]);
        assert_eq!(s.keys.len(), 1);
        assert_eq!(s.keys[0].index, 0);
        assert!(s.rejected[0].reason.contains("duplicate of key at index 0"));
    }

    #[test]
    fn mixed_symmetric_and_public_keys() {
        let s = set_sym(vec![oct("h", 32), ec("e")]);
        assert_eq!(s.keys.len(), 1);
        assert_eq!(s.keys[0].kid.as_deref(), Some("e"));
        assert!(s.rejected[0]
            .reason
            .contains("symmetric key in a set that also holds public keys"));
    }

    #[test]
    fn single_jwk() {
        let opts = KeySetOptions::default();
        let s = KeySet::from_jwk_value(&ec("one"), &opts).unwrap();
        assert_eq!(s.keys.len(), 1);
        let e = KeySet::from_jwk_value(
            &json!({"kty": "RSA", "kid": "z", "n": b64url_encode(&[0xc5; 128]), "e": "AQAB"}),
            &opts,
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::JwkInvalid);
        assert_eq!(e.kid.as_deref(), Some("z"));
        assert!(e.message.contains("1024 bits"));
        let e = KeySet::from_jwk_value(&json!({"kty": "OKP", "crv": "X25519", "x": ED_X}), &opts).unwrap_err();
        assert_eq!(e.code, ErrorCode::NotSupported);
    }

    #[test]
    fn key_serializes_public_fields_only() {
        let s = set(vec![ec("e")]);
        let v = serde_json::to_value(&s.keys[0]).unwrap();
        let mut names: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        names.sort();
        assert_eq!(names, ["alg", "crv", "kid", "kty", "thumbprint", "use"]);
    }
}

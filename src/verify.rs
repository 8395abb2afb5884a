//! JWS signature verification against a key set (`compact_verify`) and JWT verification (`verify` =
//! `compact_verify` + the claim rules).

use crate::alg::Alg;
use crate::claims::{self, VerifyOptions};
use crate::error::{Error, ErrorCode, Result};
use crate::keys::{Key, KeySet};
use crate::token::{self, DecodeOptions, Header, Jws, RegisteredClaims};
use serde::Serialize;
use serde_json::{Map, Value};

/// Header parameters this library understands and therefore may appear in `crit`.
/// `b64` is understood only in the sense that `b64: false` is refused as unsupported.
const UNDERSTOOD_CRIT: &[&str] = &[];

/// Which key verified a token.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KeyRef {
    pub kid: Option<String>,
    pub alg: &'static str,
    pub kty: String,
    pub thumbprint: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct VerifiedJws {
    pub header: Map<String, Value>,
    #[serde(skip)]
    pub payload: Vec<u8>,
    pub key: KeyRef,
}

#[derive(Clone, Debug, Serialize)]
pub struct VerifiedJwt {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    pub key: KeyRef,
    /// The token's own header and payload JSON texts, already checked to be objects with unique members.
    #[serde(skip)]
    pub header_json: Vec<u8>,
    #[serde(skip)]
    pub claims_json: Vec<u8>,
}

/// A verified JWT as the verify path keeps it: the registered claims for the claim rules, the header parameters,
/// and the token's own header and payload texts for the result. [`VerifiedToken::into_jwt`] builds the maps.
#[derive(Clone, Debug)]
pub struct VerifiedToken {
    pub key: KeyRef,
    pub header: Header,
    pub claims: RegisteredClaims,
    /// The token's own header and payload JSON texts, checked to be objects with unique members.
    header_json: Vec<u8>,
    claims_json: Vec<u8>,
}

impl VerifiedToken {
    /// `{"header":…,"claims":…,"key":…}` as JSON text (see [`VerifiedJwt::to_json`]).
    pub fn to_json(&self) -> String {
        splice_json(&self.header_json, &self.claims_json, &self.key).unwrap_or_else(|| {
            self.clone().into_jwt().map(|jwt| serde_json::to_string(&jwt).unwrap_or_default()).unwrap_or_default()
        })
    }

    /// The token's own header and claims JSON texts, when both are there (always, for a token verified here).
    pub fn texts(&self) -> Option<(&str, &str)> {
        let (Ok(header), Ok(claims)) = (core::str::from_utf8(&self.header_json), core::str::from_utf8(&self.claims_json)) else {
            return None;
        };
        (!header.is_empty() && !claims.is_empty()).then_some((header, claims))
    }

    /// The whole header and claims as maps, parsed from the texts the verify path checked.
    pub fn into_jwt(self) -> Result<VerifiedJwt> {
        let claims = token::parse_claims(&self.claims_json, &DecodeOptions { max_depth: usize::MAX, ..Default::default() })?;
        Ok(VerifiedJwt {
            header: token::header_map(&self.header_json),
            claims,
            key: self.key,
            header_json: self.header_json,
            claims_json: self.claims_json,
        })
    }
}

/// The result text around the token's own header and payload texts; `None` when they are not both UTF-8 and
/// non-empty (a hand-built value).
fn splice_json(header_json: &[u8], claims_json: &[u8], key: &KeyRef) -> Option<String> {
    let (Ok(header), Ok(claims)) = (core::str::from_utf8(header_json), core::str::from_utf8(claims_json)) else {
        return None;
    };
    if header.is_empty() || claims.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(header.len() + claims.len() + 160);
    out.push_str("{\"header\":");
    out.push_str(header);
    out.push_str(",\"claims\":");
    out.push_str(claims);
    out.push_str(",\"key\":");
    key.write_json(&mut out);
    out.push('}');
    Some(out)
}

impl KeyRef {
    /// Appends exactly `serde_json::to_string(self)`, without the serializer's per-field machinery (this runs for
    /// every verified token).
    pub fn write_json(&self, out: &mut String) {
        fn string(out: &mut String, s: &str) {
            // serde_json escapes only `"`, `\` and control characters.
            if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
                out.push('"');
                out.push_str(s);
                out.push('"');
            } else {
                out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "null".to_owned()));
            }
        }
        out.push_str("{\"kid\":");
        match &self.kid {
            Some(kid) => string(out, kid),
            None => out.push_str("null"),
        }
        out.push_str(",\"alg\":");
        string(out, self.alg);
        out.push_str(",\"kty\":");
        string(out, &self.kty);
        out.push_str(",\"thumbprint\":");
        string(out, &self.thumbprint);
        out.push('}');
    }
}

impl VerifiedJwt {
    /// `{"header":…,"claims":…,"key":…}` as JSON text, splicing in the token's own header and payload texts
    /// instead of re-serializing the parsed maps: the binding layer hands this to `JSON.parse`, which then
    /// yields exactly what jose's `JSON.parse` of the payload would.
    pub fn to_json(&self) -> String {
        splice_json(&self.header_json, &self.claims_json, &self.key)
            .unwrap_or_else(|| serde_json::to_string(self).unwrap_or_default())
    }
}

fn decode_opts(opts: &VerifyOptions) -> DecodeOptions {
    let mut d = DecodeOptions::default();
    if let Some(max) = opts.max_token_size {
        d.max_token_size = max;
    }
    d
}

/// Resolves the header `alg` against the caller's allow-list and the supported set (jose's order).
fn resolve_alg(jws: &Jws<'_>, algorithms: Option<&[String]>) -> Result<Alg> {
    let name = jws.alg.as_str();
    if let Some(allowed) = algorithms {
        if !allowed.iter().any(|a| a == name) {
            return Err(Error::new(
                ErrorCode::AlgNotAllowed,
                format!("\"alg\" (Algorithm) header value {name:?} is not allowed (allowed: {})", allowed.join(", ")),
            )
            .with_alg(name)
            .with_kid(jws.kid.as_deref())
            .with_expected(allowed.to_vec())
            .with_actual(name));
        }
    }
    Alg::from_name(name).ok_or_else(|| {
        let why = if name.eq_ignore_ascii_case("none") {
            "unsigned tokens (alg \"none\") are never accepted".to_owned()
        } else {
            format!("unsupported \"alg\" value {name:?}")
        };
        Error::new(ErrorCode::NotSupported, why).with_alg(name).with_kid(jws.kid.as_deref())
    })
}

/// [`check_crit`] on a decoded token: the whole header is needed only when it has `crit` or `b64`.
fn check_crit_jws(jws: &Jws<'_>, understood: &[String]) -> Result<()> {
    if jws.header.crit.is_none() && jws.header.b64.is_none() {
        return Ok(());
    }
    check_crit(&jws.header_map(), understood)
}

/// Checks `crit` (RFC 7515 §4.1.11): must be a non-empty array of strings naming parameters that are present
/// in the header, are not registered JWS parameters, and that we understand.
fn check_crit(header: &Map<String, Value>, understood: &[String]) -> Result<()> {
    if let Some(Value::Bool(false)) = header.get("b64") {
        return Err(Error::new(ErrorCode::NotSupported, "unencoded payloads (\"b64\": false, RFC 7797) are not supported"));
    }
    let Some(crit) = header.get("crit") else { return Ok(()) };
    let Value::Array(items) = crit else {
        return Err(Error::jws("\"crit\" header parameter must be an array of strings").with_reason("crit"));
    };
    if items.is_empty() {
        return Err(Error::jws("\"crit\" header parameter must not be empty").with_reason("crit"));
    }
    const REGISTERED: &[&str] = &["alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit"];
    for item in items {
        let Value::String(name) = item else {
            return Err(Error::jws("\"crit\" header parameter must be an array of strings").with_reason("crit"));
        };
        if REGISTERED.contains(&name.as_str()) {
            return Err(Error::jws(format!("\"crit\" must not list the registered parameter {name:?}")).with_reason("crit"));
        }
        if !header.contains_key(name) {
            return Err(Error::jws(format!("\"crit\" lists {name:?} but the header does not contain it")).with_reason("crit"));
        }
        if !(UNDERSTOOD_CRIT.contains(&name.as_str()) || understood.iter().any(|u| u == name)) {
            return Err(Error::new(ErrorCode::NotSupported, format!("extension header parameter {name:?} is marked critical but not understood"))
                .with_reason("crit")
                .with_actual(name.as_str()));
        }
    }
    Ok(())
}

pub(crate) fn key_ref(key: &Key, alg: Alg) -> KeyRef {
    KeyRef { kid: key.kid.clone(), alg: alg.name(), kty: key.kty.clone(), thumbprint: key.thumbprint.clone() }
}

/// Finds the key(s) for this token and checks the signature. Keys named inside the token (`jwk`, `jku`,
/// `x5u`, `x5c`) are never consulted: only the caller's key set is.
fn verify_signature_with_set<'k>(jws: &Jws<'_>, alg: Alg, keys: &'k KeySet) -> Result<&'k Key> {
    let kid = jws.kid.as_deref();
    let candidates = keys.select(alg, kid);
    if candidates.is_empty() {
        return Err(Error::new(ErrorCode::JwksNoMatchingKey, format!("no applicable key in the key set: {}", keys.describe_no_match(alg, kid)))
            .with_kid(kid)
            .with_alg(alg.name()));
    }
    let message = jws.signing_input.as_bytes();
    if let Some(key) = candidates.iter().copied().find(|k| keys.verify_signature(alg, k, message, &jws.signature)) {
        return Ok(key);
    }
    if candidates.len() > 1 {
        return Err(Error::new(
            ErrorCode::JwksMultipleMatchingKeys,
            format!("{} keys match kid {:?} and alg {}, and none of them verifies the signature", candidates.len(), kid, alg.name()),
        )
        .with_kid(kid)
        .with_alg(alg.name()));
    }
    Err(Error::new(
        ErrorCode::SignatureVerificationFailed,
        format!(
            "signature verification failed (alg {}, key {}, thumbprint {})",
            alg.name(),
            candidates[0].kid.as_deref().map_or_else(|| "without kid".to_owned(), |k| format!("kid {k:?}")),
            candidates[0].thumbprint
        ),
    )
    .with_kid(kid)
    .with_alg(alg.name()))
}

/// The JWS half: decode, pick the key, check the signature, honour `crit`. Any payload bytes.
pub fn compact_verify(token: &str, keys: &KeySet, opts: &VerifyOptions) -> Result<VerifiedJws> {
    let jws = token::decode_jws(token, &decode_opts(opts))?;
    let (alg, key) = verify_parsed(&jws, keys, opts)?;
    Ok(VerifiedJws { key: key_ref(key, alg), header: jws.header_map(), payload: jws.payload })
}

pub(crate) fn verify_parsed<'k>(jws: &Jws<'_>, keys: &'k KeySet, opts: &VerifyOptions) -> Result<(Alg, &'k Key)> {
    let alg = resolve_alg(jws, opts.algorithms.as_deref())?;
    let key = verify_signature_with_set(jws, alg, keys)?;
    check_crit_jws(jws, &opts.crit)?;
    Ok((alg, key))
}

/// Full JWT verification: signature, then `crit`, then the claim rules. `now` is epoch seconds and is used
/// only when `opts.current_date` is absent.
pub fn verify(token: &str, keys: &KeySet, opts: &VerifyOptions, now: f64) -> Result<VerifiedJwt> {
    verify_token(token, keys, opts, now)?.into_jwt()
}

/// [`verify`] without building the header and claims maps: the same checks and errors, the registered claims and
/// the token's own texts kept (what the binding turns into its result, and the verifier's cache holds).
pub fn verify_token(token: &str, keys: &KeySet, opts: &VerifyOptions, now: f64) -> Result<VerifiedToken> {
    opts.validate()?;
    let verified = verify_signed(token, keys, opts)?;
    claims::validate(&verified.header, &verified.claims, opts, opts.current_date.unwrap_or(now))?;
    Ok(verified)
}

/// The JWS half of `verify` for a JWT: signature and `crit` checked, claims parsed as a JSON object, but the
/// claim rules not yet applied (`check` uses this to report which key verified a token whose claims fail).
pub fn verify_signed_jwt(token: &str, keys: &KeySet, opts: &VerifyOptions) -> Result<VerifiedJwt> {
    verify_signed(token, keys, opts)?.into_jwt()
}

fn verify_signed(token: &str, keys: &KeySet, opts: &VerifyOptions) -> Result<VerifiedToken> {
    let dopts = decode_opts(opts);
    let jws = token::decode_jws(token, &dopts)?;
    let (alg, key) = verify_parsed(&jws, keys, opts)?;
    let claims = token::parse_registered_claims(&jws.payload, &dopts, &opts.required_claims)?;
    Ok(VerifiedToken {
        key: key_ref(key, alg),
        header: jws.header,
        claims,
        header_json: jws.header_json,
        claims_json: jws.payload,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hdr(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn to_json_splices_the_tokens_own_texts() {
        use crate::keys::KeySetOptions;
        use crate::mint::{TestIssuer, TestIssuerOptions};
        let iss = TestIssuer::generate(&TestIssuerOptions::default()).unwrap();
        let keys = KeySet::from_jwks_value(&iss.jwks(), &KeySetOptions::default()).unwrap();
        let claims = json!({"sub": "a", "big": 12345678901234567890u64, "nested": {"x": [1, 2.5, "é"]}, "exp": 2e9});
        let t = iss.sign(claims.as_object().unwrap(), &Map::new()).unwrap();
        let v = verify(&t, &keys, &VerifyOptions::default(), 1.7e9).unwrap();
        let spliced: Value = serde_json::from_str(&v.to_json()).unwrap();
        assert_eq!(spliced, serde_json::to_value(&v).unwrap());
        assert_eq!(spliced["claims"], claims);
        assert_eq!(spliced["key"]["thumbprint"], keys.keys[0].thumbprint.as_str());
        // Without the raw texts (a hand-built value) it falls back to serializing the maps.
        let bare = VerifiedJwt { header_json: Vec::new(), claims_json: Vec::new(), ..v };
        assert_eq!(serde_json::from_str::<Value>(&bare.to_json()).unwrap(), spliced);
    }

    /// The verify path as it was before it kept only the registered claims: header and claims parsed into whole
    /// maps, every rule applied to the maps. The later stages are the same functions.
    fn map_pipeline(token: &str, keys: &KeySet, opts: &VerifyOptions, now: f64) -> Result<(Map<String, Value>, Map<String, Value>, KeyRef)> {
        opts.validate()?;
        let (h, _) = token.split_once('.').unwrap();
        if h.is_empty() {
            return Err(token::decode_jws(token, &DecodeOptions::default()).expect_err("an empty header segment"));
        }
        let header = match crate::json::parse_strict_bytes(&token::b64url_decode(h).unwrap(), 32) {
            Ok(Value::Object(map)) => map,
            Ok(other) => return Err(Error::jws(format!("header is a JSON {}, not an object", crate::json::type_name(&other))).with_reason("header")),
            Err(e) => return Err(Error::jws(format!("header is not valid JSON: {e}")).with_reason("header")),
        };
        let (alg, kid) = (header.get("alg").cloned(), header.get("kid").cloned());
        let jws = token::decode_jws(token, &DecodeOptions::default());
        match (&alg, &kid) {
            (Some(Value::String(a)), None | Some(Value::String(_))) => {
                let jws = jws.as_ref().expect("the header is fine, so is the token");
                assert_eq!((Some(&jws.alg), jws.kid.as_ref()), (Some(a), kid.as_ref().and_then(Value::as_str).map(str::to_owned).as_ref()));
                assert_eq!(jws.header_map(), header);
            }
            _ => return Err(jws.expect_err("a bad alg or kid fails decoding")),
        }
        let jws = jws?;
        let alg = resolve_alg(&jws, opts.algorithms.as_deref())?;
        let key = verify_signature_with_set(&jws, alg, keys)?;
        check_crit(&header, &opts.crit)?;
        let claims = token::parse_claims(&jws.payload, &DecodeOptions::default())?;
        claims::validate(&header, &claims, opts, opts.current_date.unwrap_or(now))?;
        Ok((header, claims, key_ref(key, alg)))
    }

    /// Random HS256 tokens (headers and claims from the JSON corpus, mostly valid, sometimes not) under random
    /// options: `verify_token` accepts exactly what the map pipeline accepts, fails with exactly its error, and
    /// its result is the same JSON; `verify`'s maps are the map pipeline's.
    #[test]
    fn registered_claims_path_agrees_with_the_map_pipeline() {
        use crate::json::corpus;
        use crate::keys::KeySetOptions;
        use hmac::Mac;
        use rand::{Rng, SeedableRng};
        const NOW: f64 = 1_700_000_000.0;
        let secret = [7u8; 32];
        let keys = KeySet::from_jwks_value(
            &json!({"keys": [{"kty": "oct", "kid": "k", "k": token::b64url_encode(&secret)}]}),
            &KeySetOptions { allow_symmetric: true },
        )
        .unwrap();
        let mut rng = rand::rngs::StdRng::seed_from_u64(67);
        let pick = |rng: &mut rand::rngs::StdRng, items: &[&str]| items[rng.gen_range(0..items.len())].to_owned();
        let (mut accepted, mut rejected) = (0, std::collections::BTreeMap::<String, usize>::new());
        for round in 0..20_000 {
            // Header: alg (and kid) first or not at all, then random members.
            let mut members: Vec<String> = Vec::new();
            if rng.gen_range(0..20) != 0 {
                let alg = if rng.gen_range(0..4) == 0 { pick(&mut rng, &[r#""alg":"RS256""#, r#""alg":1"#, r#""alg":"none""#]) } else { pick(&mut rng, &[r#""alg":"HS256""#, r#""\u0061lg":"HS256""#]) };
                members.push(alg);
            }
            if rng.gen_bool(0.5) {
                members.push(pick(&mut rng, &[r#""kid":"k""#, r#""kid":"k""#, r#""kid":"k""#, r#""kid":"k""#, r#""kid":"other""#, r#""kid":null"#]));
            }
            for _ in 0..rng.gen_range(0..2) {
                members.push(pick(&mut rng, &[r#""typ":"JWT""#, r#""typ":"at+jwt""#, r#""typ":7"#, r#""crit":["x"]"#, r#""crit":["y"]"#, r#""crit":[]"#, r#""b64":false"#, r#""b64":true"#, r#""x":{"y":[1,2]}"#]));
            }
            if rng.gen_range(0..8) == 0 {
                members.push(format!("\"{}\":{}", corpus::name(&mut rng), corpus::value(&mut rng, 2)));
            }
            let header = if rng.gen_range(0..30) == 0 { "[1]".to_owned() } else { format!("{{{}}}", members.join(",")) };
            let header = if rng.gen_bool(0.3) { corpus::mutate(&mut rng, header) } else { header };
            // Claims: some registered claims that pass, some that do not, random members.
            let mut members: Vec<String> = vec![r#""exp":2000000000"#.to_owned()];
            if rng.gen_bool(0.3) {
                members.clear();
            }
            for _ in 0..rng.gen_range(0..5) {
                members.push(pick(&mut rng, &[
                    r#""exp":2000000000"#, r#""exp":2000000000"#, r#""exp":1699999999"#, r#""exp":"2000000000""#, r#""exp":1.7e9"#, r#""exp":1700000000.5"#,
                    r#""nbf":1700000000"#, r#""nbf":1700000100"#, r#""iat":1699999000"#, r#""iat":-5"#, r#""iat":null"#,
                    r#""iss":"https://i""#, r#""iss":"https://j""#, r#""iss":["https://i"]"#, r#""aud":"a""#, r#""aud":["b","a"]"#, r#""aud":["a",1]"#,
                    r#""sub":"s""#, r#""sub":1"#, r#""jti":{}"#, r#""repository":"o/r""#, r#""e\u0078p":2000000000"#,
                ]));
            }
            for _ in 0..rng.gen_range(0..3) {
                members.push(format!("\"{}\":{}", corpus::name(&mut rng), corpus::value(&mut rng, 3)));
            }
            let claims = if rng.gen_range(0..30) == 0 { corpus::value(&mut rng, 2) } else { format!("{{{}}}", members.join(",")) };
            let claims = if rng.gen_bool(0.3) { corpus::mutate(&mut rng, claims) } else { claims };
            let input = format!("{}.{}", token::b64url_encode(header.as_bytes()), token::b64url_encode(claims.as_bytes()));
            let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&secret).unwrap();
            mac.update(input.as_bytes());
            let mut sig = mac.finalize().into_bytes().to_vec();
            if rng.gen_range(0..20) == 0 {
                sig[0] ^= 1;
            }
            let t = format!("{input}.{}", token::b64url_encode(&sig));
            let opts = VerifyOptions {
                issuer: rng.gen_bool(0.3).then(|| claims::OneOrMany::One("https://i".into())),
                audience: rng.gen_bool(0.3).then(|| claims::OneOrMany::Many(vec!["a".into(), "c".into()])),
                subject: rng.gen_bool(0.2).then(|| "s".into()),
                typ: rng.gen_bool(0.2).then(|| "JWT".into()),
                max_token_age: rng.gen_bool(0.2).then_some(3600.0),
                require_expiration: rng.gen_bool(0.7),
                required_claims: (0..rng.gen_range(0..3)).map(|_| pick(&mut rng, &["repository", "exp", "x", "é", "aud", ""])).collect(),
                crit: if rng.gen_bool(0.5) { vec!["x".into()] } else { vec![] },
                clock_tolerance: if rng.gen_bool(0.2) { 200.0 } else { 0.0 },
                ..Default::default()
            };
            let want = map_pipeline(&t, &keys, &opts, NOW);
            let got = verify_token(&t, &keys, &opts, NOW);
            match (&want, &got) {
                (Ok((h, c, key)), Ok(v)) => {
                    let json: Value = serde_json::from_str(&v.to_json()).unwrap();
                    assert_eq!(json, json!({"header": h, "claims": c, "key": key}), "round {round}");
                    let full = verify(&t, &keys, &opts, NOW).unwrap();
                    assert_eq!((&full.header, &full.claims, &full.key), (h, c, key), "round {round}");
                    accepted += 1;
                }
                (Err(w), Err(g)) => {
                    assert_eq!(w, g, "round {round}: header {header} claims {claims}");
                    *rejected.entry(format!("{:?} {}", w.code, w.claim.as_deref().or(w.reason.as_deref()).unwrap_or(""))).or_default() += 1;
                }
                _ => panic!("round {round}: header {header} claims {claims}\nmap pipeline: {want:?}\nverify_token: {got:?}"),
            }
        }
        assert!(accepted > 100 && rejected.len() > 15, "{accepted} accepted; rejected: {rejected:?}");
    }

    #[test]
    fn key_json_is_serde_jsons() {
        for kid in [None, Some(""), Some("k"), Some("a\"b"), Some("a\\b"), Some("\n\u{1}\u{7f}"), Some("é😀"), Some("</script>")] {
            let key = KeyRef { kid: kid.map(str::to_owned), alg: "RS256", kty: "RSA".into(), thumbprint: "abc-_".into() };
            let mut out = String::new();
            key.write_json(&mut out);
            assert_eq!(out, serde_json::to_string(&key).unwrap(), "{kid:?}");
        }
    }

    #[test]
    fn crit_rules() {
        assert!(check_crit(&hdr(json!({"alg": "RS256"})), &[]).is_ok());
        let e = check_crit(&hdr(json!({"alg": "RS256", "crit": ["exp"], "exp": 1})), &[]).unwrap_err();
        assert_eq!(e.code, ErrorCode::NotSupported);
        assert!(check_crit(&hdr(json!({"alg": "RS256", "crit": ["exp"], "exp": 1})), &["exp".into()]).is_ok());
        for bad in [json!({"crit": []}), json!({"crit": "x"}), json!({"crit": [1]}), json!({"crit": ["alg"]}), json!({"crit": ["foo"]})] {
            assert_eq!(check_crit(&hdr(bad.clone()), &["foo".into()]).unwrap_err().code, ErrorCode::JwsInvalid, "{bad}");
        }
        assert_eq!(check_crit(&hdr(json!({"b64": false, "crit": ["b64"]})), &[]).unwrap_err().code, ErrorCode::NotSupported);
    }

    #[test]
    fn alg_resolution() {
        let t = format!("{}.e30.", token::b64url_encode(br#"{"alg":"none"}"#));
        let jws = token::decode_jws(&t, &DecodeOptions::default()).unwrap();
        assert_eq!(resolve_alg(&jws, None).unwrap_err().code, ErrorCode::NotSupported);
        assert_eq!(resolve_alg(&jws, Some(&["RS256".into()])).unwrap_err().code, ErrorCode::AlgNotAllowed);
        let t = format!("{}.e30.", token::b64url_encode(br#"{"alg":"ES256"}"#));
        let jws = token::decode_jws(&t, &DecodeOptions::default()).unwrap();
        assert_eq!(resolve_alg(&jws, None).unwrap(), Alg::ES256);
        let e = resolve_alg(&jws, Some(&["RS256".into()])).unwrap_err();
        assert_eq!((e.code, e.alg.as_deref()), (ErrorCode::AlgNotAllowed, Some("ES256")));
    }
}

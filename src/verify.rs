//! JWS signature verification against a key set (`compact_verify`) and JWT verification (`verify` =
//! `compact_verify` + the claim rules).

use crate::alg::Alg;
use crate::claims::{self, VerifyOptions};
use crate::error::{Error, ErrorCode, Result};
use crate::keys::{Key, KeySet};
use crate::token::{self, DecodeOptions, Jws};
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

impl VerifiedJwt {
    /// `{"header":…,"claims":…,"key":…}` as JSON text, splicing in the token's own header and payload texts
    /// instead of re-serializing the parsed maps: the binding layer hands this to `JSON.parse`, which then
    /// yields exactly what jose's `JSON.parse` of the payload would.
    pub fn to_json(&self) -> String {
        let key = serde_json::to_string(&self.key).unwrap_or_else(|_| "null".to_owned());
        let (Ok(header), Ok(claims)) = (core::str::from_utf8(&self.header_json), core::str::from_utf8(&self.claims_json)) else {
            return serde_json::to_string(self).unwrap_or_default();
        };
        if header.is_empty() || claims.is_empty() {
            return serde_json::to_string(self).unwrap_or_default();
        }
        let mut out = String::with_capacity(header.len() + claims.len() + key.len() + 32);
        out.push_str("{\"header\":");
        out.push_str(header);
        out.push_str(",\"claims\":");
        out.push_str(claims);
        out.push_str(",\"key\":");
        out.push_str(&key);
        out.push('}');
        out
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
    Ok(VerifiedJws { key: key_ref(key, alg), header: jws.header, payload: jws.payload })
}

pub(crate) fn verify_parsed<'k>(jws: &Jws<'_>, keys: &'k KeySet, opts: &VerifyOptions) -> Result<(Alg, &'k Key)> {
    let alg = resolve_alg(jws, opts.algorithms.as_deref())?;
    let key = verify_signature_with_set(jws, alg, keys)?;
    check_crit(&jws.header, &opts.crit)?;
    Ok((alg, key))
}

/// Full JWT verification: signature, then `crit`, then the claim rules. `now` is epoch seconds and is used
/// only when `opts.current_date` is absent.
pub fn verify(token: &str, keys: &KeySet, opts: &VerifyOptions, now: f64) -> Result<VerifiedJwt> {
    opts.validate()?;
    let verified = verify_signed_jwt(token, keys, opts)?;
    claims::validate(&verified.header, &verified.claims, opts, opts.current_date.unwrap_or(now))?;
    Ok(verified)
}

/// The JWS half of `verify` for a JWT: signature and `crit` checked, claims parsed as a JSON object, but the
/// claim rules not yet applied (`check` uses this to report which key verified a token whose claims fail).
pub fn verify_signed_jwt(token: &str, keys: &KeySet, opts: &VerifyOptions) -> Result<VerifiedJwt> {
    let dopts = decode_opts(opts);
    let jws = token::decode_jws(token, &dopts)?;
    let (alg, key) = verify_parsed(&jws, keys, opts)?;
    let claims = token::parse_claims(&jws.payload, &dopts)?;
    Ok(VerifiedJwt { key: key_ref(key, alg), header: jws.header, claims, header_json: jws.header_json, claims_json: jws.payload })
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

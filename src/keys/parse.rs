//! One JWK (RFC 7517/7518/8037) into a [`Key`], or the reason it cannot be used.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::{Key, KeySetOptions};
use crate::alg::{hmac_min_key_len, Alg, Curve, PublicKey};
use crate::error::ErrorCode;
use crate::json::type_name;

/// Why one JWK was not accepted: a code and a sentence naming the member and the problem.
pub(super) struct Rejection {
    pub code: ErrorCode,
    pub reason: String,
}

fn invalid(reason: impl Into<String>) -> Rejection {
    Rejection {
        code: ErrorCode::JwkInvalid,
        reason: reason.into(),
    }
}

fn unsupported(reason: impl Into<String>) -> Rejection {
    Rejection {
        code: ErrorCode::NotSupported,
        reason: reason.into(),
    }
}

/// Members that only a private (or secret) key has. Their presence in a verification set means the private
/// key was published; see docs/keys-policy.md.
const PRIVATE_MEMBERS: [&str; 7] = ["d", "p", "q", "dp", "dq", "qi", "oth"];

/// Strict base64url: the URL-safe alphabet, no padding, no whitespace, canonical trailing bits.
pub fn b64url_decode(s: &str) -> Result<Vec<u8>, &'static str> {
    if s.contains('=') {
        return Err("has '=' padding (JWK values are unpadded base64url)");
    }
    if s.contains('+') || s.contains('/') {
        return Err("uses '+' or '/' (standard base64, not base64url)");
    }
    crate::token::b64url_decode(s).ok_or("is not valid base64url")
}

pub use crate::token::b64url_encode;

/// Reads the `kid` of a JWK if it is a string, for error reports about keys that fail to parse.
pub(super) fn kid_of(v: &Value) -> Option<String> {
    v.get("kid").and_then(Value::as_str).map(str::to_owned)
}

fn opt_string(obj: &Map<String, Value>, name: &str) -> Result<Option<String>, Rejection> {
    match obj.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(invalid(format!(
            "\"{name}\" must be a string, found {}",
            type_name(other)
        ))),
    }
}

fn required_bytes(obj: &Map<String, Value>, kty: &str, name: &str) -> Result<Vec<u8>, Rejection> {
    match obj.get(name) {
        None => Err(invalid(format!("{kty} key is missing required member \"{name}\""))),
        Some(Value::String(s)) => {
            if s.is_empty() {
                return Err(invalid(format!("{kty} key member \"{name}\" is empty")));
            }
            b64url_decode(s).map_err(|why| invalid(format!("{kty} key member \"{name}\" {why}")))
        }
        Some(other) => Err(invalid(format!(
            "{kty} key member \"{name}\" must be a string, found {}",
            type_name(other)
        ))),
    }
}

fn required_str<'a>(obj: &'a Map<String, Value>, kty: &str, name: &str) -> Result<&'a str, Rejection> {
    match obj.get(name) {
        None => Err(invalid(format!("{kty} key is missing required member \"{name}\""))),
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(invalid(format!(
            "{kty} key member \"{name}\" must be a string, found {}",
            type_name(other)
        ))),
    }
}

/// The public key material plus the RFC 7638 thumbprint input, per `kty`.
struct Material {
    public: PublicKey,
    crv: Option<String>,
    /// RFC 7638 §3.2: the required members only, lexicographic order, no whitespace.
    thumbprint_input: String,
}

/// Parses one JWK. `index` is its position in the set (for the caller's reports).
pub(super) fn parse_jwk(index: usize, v: &Value, opts: &KeySetOptions) -> Result<Key, Rejection> {
    let Value::Object(obj) = v else {
        return Err(invalid(format!("key is a JSON {}, expected an object", type_name(v))));
    };
    let kid = opt_string(obj, "kid")?;
    let kty = match obj.get("kty") {
        None => return Err(invalid("key is missing required member \"kty\"")),
        Some(Value::String(s)) => s.clone(),
        Some(other) => return Err(invalid(format!("\"kty\" must be a string, found {}", type_name(other)))),
    };
    let alg_name = opt_string(obj, "alg")?;
    let use_ = opt_string(obj, "use")?;
    let key_ops = match obj.get("key_ops") {
        None => None,
        Some(Value::Array(items)) => {
            let mut ops = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(s) if ops.contains(s) => {
                        return Err(invalid(format!("\"key_ops\" lists \"{s}\" twice")));
                    }
                    Value::String(s) => ops.push(s.clone()),
                    other => {
                        return Err(invalid(format!(
                            "\"key_ops\" must be an array of strings, found a {} in it",
                            type_name(other)
                        )))
                    }
                }
            }
            Some(ops)
        }
        Some(other) => {
            return Err(invalid(format!(
                "\"key_ops\" must be an array, found {}",
                type_name(other)
            )))
        }
    };

    let material = match kty.as_str() {
        "RSA" => rsa_material(obj)?,
        "EC" => ec_material(obj)?,
        "OKP" => okp_material(obj)?,
        "oct" => oct_material(obj, opts)?,
        other => {
            return Err(unsupported(format!(
                "unsupported kty \"{other}\" (supported: RSA, EC, OKP, oct)"
            )));
        }
    };

    if let Some(name) = &alg_name {
        check_alg(name, &material.public)?;
    }

    let thumbprint = b64url_encode(&Sha256::digest(material.thumbprint_input.as_bytes()));
    Ok(Key {
        index,
        kid,
        kty,
        alg: alg_name,
        use_,
        key_ops,
        crv: material.crv,
        thumbprint,
        public: material.public,
    })
}

fn reject_private_members(obj: &Map<String, Value>, kty: &str) -> Result<(), Rejection> {
    if let Some(name) = PRIVATE_MEMBERS.iter().find(|m| obj.contains_key(**m)) {
        return Err(invalid(format!(
            "{kty} key contains private key member \"{name}\": a verification key set must hold public keys only \
             (and this private key should be treated as exposed)"
        )));
    }
    Ok(())
}

fn rsa_material(obj: &Map<String, Value>) -> Result<Material, Rejection> {
    reject_private_members(obj, "RSA")?;
    let n = required_bytes(obj, "RSA", "n")?;
    let e = required_bytes(obj, "RSA", "e")?;
    let public = PublicKey::rsa(&n, &e).map_err(invalid)?;
    let PublicKey::Rsa(key) = &public else {
        return Err(invalid("internal: RSA key expected"));
    };
    let thumbprint_input = format!(
        r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
        b64url_encode(&key.e_bytes()),
        b64url_encode(&key.n_bytes())
    );
    Ok(Material {
        public,
        crv: None,
        thumbprint_input,
    })
}

fn ec_material(obj: &Map<String, Value>) -> Result<Material, Rejection> {
    reject_private_members(obj, "EC")?;
    let crv = required_str(obj, "EC", "crv")?;
    let Some(curve) = Curve::from_jwk_name(crv) else {
        return Err(unsupported(format!(
            "unsupported EC curve \"{crv}\" (supported: P-256, P-384, P-521, secp256k1)"
        )));
    };
    let x = required_bytes(obj, "EC", "x")?;
    let y = required_bytes(obj, "EC", "y")?;
    let public = PublicKey::ec(curve, &x, &y).map_err(invalid)?;
    let thumbprint_input = format!(
        r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#,
        curve.jwk_name(),
        b64url_encode(&x),
        b64url_encode(&y)
    );
    Ok(Material {
        public,
        crv: Some(curve.jwk_name().to_owned()),
        thumbprint_input,
    })
}

fn okp_material(obj: &Map<String, Value>) -> Result<Material, Rejection> {
    reject_private_members(obj, "OKP")?;
    let crv = required_str(obj, "OKP", "crv")?;
    match crv {
        "Ed25519" => {}
        "X25519" | "X448" => {
            return Err(unsupported(format!(
                "OKP curve \"{crv}\" is for key agreement, not signatures (only Ed25519 is supported)"
            )))
        }
        "Ed448" => return Err(unsupported("OKP curve \"Ed448\" is not supported (only Ed25519)")),
        other => return Err(unsupported(format!("unsupported OKP curve \"{other}\" (only Ed25519)"))),
    }
    let x = required_bytes(obj, "OKP", "x")?;
    let public = PublicKey::ed25519(&x).map_err(invalid)?;
    let thumbprint_input = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#, b64url_encode(&x));
    Ok(Material {
        public,
        crv: Some("Ed25519".to_owned()),
        thumbprint_input,
    })
}

/// The shortest secret any HS* algorithm accepts (HS256's 32 bytes).
const MIN_HMAC_KEY: usize = 32;

fn oct_material(obj: &Map<String, Value>, opts: &KeySetOptions) -> Result<Material, Rejection> {
    if !opts.allow_symmetric {
        return Err(invalid("symmetric keys need { allowSymmetric: true }"));
    }
    let k = match obj.get("k") {
        Some(Value::String(s)) if s.is_empty() => return Err(invalid("oct key member \"k\" is empty")),
        _ => required_bytes(obj, "oct", "k")?,
    };
    if k.len() < MIN_HMAC_KEY {
        return Err(invalid(format!(
            "HMAC key is {} bytes, at least {MIN_HMAC_KEY} required (RFC 7518 §3.2: no shorter than the hash output)",
            k.len()
        )));
    }
    let thumbprint_input = format!(r#"{{"k":"{}","kty":"oct"}}"#, b64url_encode(&k));
    Ok(Material {
        public: PublicKey::oct(&k),
        crv: None,
        thumbprint_input,
    })
}

/// `alg` on a JWK restricts the key to that algorithm; it must name a JWS algorithm this key can perform.
fn check_alg(name: &str, public: &PublicKey) -> Result<(), Rejection> {
    let Some(alg) = Alg::from_name(name) else {
        let hint = match name {
            "ES521" => " (the P-521 algorithm is named ES512)",
            "none" => " (unsigned tokens are never accepted)",
            _ => "",
        };
        return Err(unsupported(format!(
            "alg \"{name}\" is not a supported JWS signature algorithm{hint}"
        )));
    };
    if public.supports(alg) {
        return Ok(());
    }
    if let PublicKey::Oct(k) = public {
        if alg.is_symmetric() {
            return Err(invalid(format!(
                "HMAC key is {} bytes but alg {name} needs at least {} (RFC 7518 §3.2)",
                k.len(),
                hmac_min_key_len(alg)
            )));
        }
    }
    Err(invalid(format!(
        "alg {name} needs {} but this key is {}",
        super::family_needs(alg),
        public.family_name()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_is_strict() {
        assert_eq!(b64url_decode("AQAB").unwrap(), vec![1, 0, 1]);
        assert_eq!(b64url_decode("_-8").unwrap(), vec![0xff, 0xef]);
        assert!(b64url_decode("AQAB=").unwrap_err().contains("padding"));
        assert!(b64url_decode("AQ==").unwrap_err().contains("padding"));
        assert!(b64url_decode("a+b/").unwrap_err().contains("'+' or '/'"));
        assert!(b64url_decode("AQ AB").is_err());
        assert!(b64url_decode("AQAB\n").is_err());
        // "AR" has non-zero bits past the last full byte: not the canonical encoding of [1].
        assert!(b64url_decode("AR").is_err());
        assert!(b64url_decode("A").is_err());
        assert_eq!(b64url_encode(&[0xff, 0xef]), "_-8");
    }
}

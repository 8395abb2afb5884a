//! External JWS vectors through the full verifier: RFC 7515 Appendix A, RFC 7520 §4, RFC 8037, the
//! Wycheproof JWS suite, and a real GitHub Actions token with GitHub's JWKS.

use oidc_trust::claims::VerifyOptions;
use oidc_trust::keys::{KeySet, KeySetOptions};
use oidc_trust::verify::{compact_verify, verify};
use oidc_trust::ErrorCode;
use serde_json::{json, Value};
use std::path::PathBuf;

fn shared() -> PathBuf {
    if let Ok(p) = std::env::var("OIDC_TRUST_SHARED") {
        return PathBuf::from(p);
    }
    let beside = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if beside.exists() {
        beside
    } else {
        PathBuf::from("/work/shared")
    }
}

fn load(rel: &str) -> Value {
    let path = shared().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The public part of an asymmetric JWK (key sets refuse private members; see docs/keys-policy.md).
fn public_part(jwk: &Value) -> Value {
    let mut jwk = jwk.clone();
    if let Some(map) = jwk.as_object_mut() {
        if map.get("kty").and_then(Value::as_str) != Some("oct") {
            for m in ["d", "p", "q", "dp", "dq", "qi", "oth"] {
                map.remove(m);
            }
        }
    }
    jwk
}

/// A key set from a bare JWK or a JWKS (public parts only).
fn keys_from(jwk: &Value) -> KeySet {
    let opts = KeySetOptions { allow_symmetric: true };
    let keys: Vec<Value> = match jwk.get("keys").and_then(Value::as_array) {
        Some(list) => list.iter().map(public_part).collect(),
        None => vec![public_part(jwk)],
    };
    KeySet::from_jwks_value(&json!({ "keys": keys }), &opts).unwrap()
}

fn any_alg() -> VerifyOptions {
    VerifyOptions { require_expiration: false, ..Default::default() }
}

#[test]
fn rfc7515_appendix_a() {
    let ex = load("vectors/rfc/derived/rfc7515_appendix_a.json");
    let ex = &ex["examples"];
    for name in ["A.1", "A.2", "A.3", "A.4"] {
        let e = &ex[name];
        let keys = keys_from(&e["jwk"]);
        assert_eq!(keys.rejected.len(), 0, "{name}: {:?}", keys.rejected);
        let compact = e["compact"].as_str().unwrap();
        let v = compact_verify(compact, &keys, &any_alg()).unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_eq!(v.payload, e["payload"].as_str().unwrap().as_bytes(), "{name}");
        assert_eq!(v.key.alg, e["alg"].as_str().unwrap());
        // Flip one signature bit: must fail.
        let (input, sig) = compact.rsplit_once('.').unwrap();
        let mut sig = oidc_trust::token::b64url_decode(sig).unwrap();
        sig[0] ^= 1;
        let tampered = format!("{input}.{}", oidc_trust::token::b64url_encode(&sig));
        let err = compact_verify(&tampered, &keys, &any_alg()).unwrap_err();
        assert_eq!(err.code, ErrorCode::SignatureVerificationFailed, "{name}");
    }
    // A.1 is a JWT whose exp (2011) has passed: full verification says expired, with a clock before it passes.
    let a1 = &ex["A.1"];
    let keys = keys_from(&a1["jwk"]);
    let err = verify(a1["compact"].as_str().unwrap(), &keys, &VerifyOptions::default(), 1.9e9).unwrap_err();
    assert_eq!((err.code, err.claim.as_deref()), (ErrorCode::JwtExpired, Some("exp")));
    let ok = verify(a1["compact"].as_str().unwrap(), &keys, &VerifyOptions::default(), 1_300_819_000.0).unwrap();
    assert_eq!(ok.claims["iss"], "joe");
    // A.5: unsecured JWS, rejected whatever keys are given.
    let a5 = ex["A.5"]["compact"].as_str().unwrap();
    for jwk in [&ex["A.1"]["jwk"], &ex["A.2"]["jwk"]] {
        let err = compact_verify(a5, &keys_from(jwk), &any_alg()).unwrap_err();
        assert_eq!(err.code, ErrorCode::NotSupported);
        assert!(err.message.contains("none"));
    }
}

#[test]
fn rfc7520_section4_compact_examples() {
    let mut verified = 0;
    for file in ["4_1.rsa_v15_signature.json", "4_2.rsa-pss_signature.json", "4_3.ecdsa_signature.json", "4_4.hmac-sha2_integrity_protection.json"] {
        let ex = load(&format!("vectors/rfc/jose-cookbook/jws/{file}"));
        let keys = keys_from(&ex["input"]["key"]);
        let compact = ex["output"]["compact"].as_str().unwrap();
        let v = compact_verify(compact, &keys, &any_alg()).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(v.payload, ex["input"]["payload"].as_str().unwrap().as_bytes());
        assert_eq!(v.key.kid.as_deref(), ex["input"]["key"]["kid"].as_str());
        verified += 1;
    }
    assert_eq!(verified, 4);
    // §4.5 (detached content) has an empty payload segment: the signature covers other bytes, so it fails.
    let ex = load("vectors/rfc/jose-cookbook/jws/4_5.signature_with_detached_content.json");
    let keys = keys_from(&ex["input"]["key"]);
    let err = compact_verify(ex["output"]["compact"].as_str().unwrap(), &keys, &any_alg()).unwrap_err();
    assert_eq!(err.code, ErrorCode::SignatureVerificationFailed);
}

#[test]
fn rfc8037_ed25519() {
    let ex = load("vectors/rfc/derived/rfc8037_appendix_a.json");
    let keys = keys_from(&ex["A.2_public_jwk"]);
    assert_eq!(keys.keys[0].thumbprint, ex["A.3_thumbprint_sha256_b64u"].as_str().unwrap());
    let v = compact_verify(ex["A.4_compact"].as_str().unwrap(), &keys, &any_alg()).unwrap();
    assert_eq!(v.payload, ex["A.4_payload"].as_str().unwrap().as_bytes());
    assert_eq!(v.key.alg, "EdDSA");
}

/// Upstream expectations that contradict the rest of the suite (see shared/vectors/PROVENANCE.md).
const EITHER_WAY: [u64; 8] = [346, 347, 350, 351, 367, 370, 372, 373];

#[test]
fn wycheproof_json_web_signature() {
    let suite = load("vectors/wycheproof/json_web_signature_test.json");
    let (mut passed, mut either, mut json_serialization) = (0, 0, 0);
    for group in suite["testGroups"].as_array().unwrap() {
        let key = group.get("public").or_else(|| group.get("private")).unwrap();
        let keys = keys_from(key);
        for t in group["tests"].as_array().unwrap() {
            let id = t["tcId"].as_u64().unwrap();
            let expected_valid = t["result"] == "valid";
            let outcome = match t["jws"].as_str() {
                Some(jws) => compact_verify(jws, &keys, &any_alg()).map(|_| ()),
                None => {
                    // JSON serialization: a compact-only verifier must reject it.
                    json_serialization += 1;
                    assert!(!expected_valid || EITHER_WAY.contains(&id), "tc {id}: JSON serialization marked valid");
                    continue;
                }
            };
            if EITHER_WAY.contains(&id) {
                either += 1;
                continue;
            }
            assert_eq!(outcome.is_ok(), expected_valid, "tc {id} ({}): expected {}, got {:?}", t["comment"], t["result"], outcome.err());
            passed += 1;
        }
    }
    assert_eq!(passed + either + json_serialization, 401);
    assert_eq!(either, 8);
}

#[test]
fn real_github_actions_token() {
    let token = std::fs::read_to_string(shared().join("vectors/oidc/tokens/github-actions_neu-se-autograder-action.jwt")).unwrap();
    let token = token.trim();
    let keys = KeySet::from_jwks_value(&load("vectors/oidc/jwks/github-actions_crates-io-load_jwks.json"), &KeySetOptions::default()).unwrap();
    assert_eq!(keys.keys.len(), 4);
    let decoded = oidc_trust::token::decode(token, &Default::default()).unwrap();
    let exp = decoded.claims["exp"].as_f64().unwrap();
    let opts = VerifyOptions {
        issuer: Some(oidc_trust::claims::OneOrMany::One("https://token.actions.githubusercontent.com".into())),
        current_date: Some(exp - 60.0),
        ..Default::default()
    };
    let v = verify(token, &keys, &opts, 0.0).unwrap();
    assert_eq!(v.key.alg, "RS256");
    assert_eq!(v.key.kid.as_deref(), decoded.header["kid"].as_str());
    let err = verify(token, &keys, &VerifyOptions::default(), exp + 1.0).unwrap_err();
    assert_eq!(err.code, ErrorCode::JwtExpired);
    // Wrong issuer expected.
    let opts = VerifyOptions { issuer: Some(oidc_trust::claims::OneOrMany::One("https://gitlab.com".into())), current_date: Some(exp - 60.0), ..Default::default() };
    assert_eq!(verify(token, &keys, &opts, 0.0).unwrap_err().claim.as_deref(), Some("iss"));
}

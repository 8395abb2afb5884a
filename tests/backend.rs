//! The signature-backend plumbing: a key set verifies through the backend installed on it, addressing keys by
//! their JWK index, and exports exactly the public members a native backend needs to import each key once.
//! (The node:crypto backend itself is tested against the pure one in tests/js/native-backend.test.js.)

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use oidc_trust::alg::{Alg, Backend, PublicKey, PureBackend, SignatureBackend};
use oidc_trust::claims::VerifyOptions;
use oidc_trust::keys::{KeySet, KeySetOptions};
use oidc_trust::mint::{TestIssuer, TestIssuerOptions};
use oidc_trust::verify::verify;
use oidc_trust::ErrorCode;
use serde_json::{json, Map, Value};

/// Delegates to the pure backend (optionally inverting it) and records every (alg, handle) it is asked about.
#[derive(Default)]
struct Recording {
    calls: Mutex<Vec<(Alg, usize)>>,
    invert: bool,
    count: AtomicUsize,
}

impl SignatureBackend for Recording {
    fn verify(&self, alg: Alg, key: &PublicKey, handle: usize, message: &[u8], signature: &[u8]) -> bool {
        self.count.fetch_add(1, Ordering::Relaxed);
        self.calls.lock().unwrap().push((alg, handle));
        PureBackend.verify(alg, key, handle, message, signature) != self.invert
    }
    fn name(&self) -> &'static str {
        "recording"
    }
}

fn issuer(alg: &str, kid: &str) -> TestIssuer {
    TestIssuer::generate(&TestIssuerOptions { alg: alg.into(), kid: Some(kid.into()) }).unwrap()
}

fn claims() -> Map<String, Value> {
    json!({"iss": "https://issuer.example", "sub": "s", "exp": 2_000_000_000u64}).as_object().cloned().unwrap()
}

fn opts() -> VerifyOptions {
    VerifyOptions::default()
}

/// A set whose JWK indexes differ from the positions of its usable keys (index 0 is rejected).
fn set_of(issuers: &[&TestIssuer]) -> KeySet {
    let mut keys = vec![json!({"kty": "RSA", "kid": "bad", "n": "AQAB", "e": "AQAB"})];
    keys.extend(issuers.iter().map(|i| i.jwks()["keys"][0].clone()));
    let set = KeySet::from_jwks_value(&json!({ "keys": keys }), &KeySetOptions::default()).unwrap();
    assert_eq!(set.rejected.len(), 1);
    set
}

#[test]
fn key_set_verifies_through_its_backend_with_the_jwk_index_as_handle() {
    let (es, ed, rs) = (issuer("ES256", "es"), issuer("EdDSA", "ed"), issuer("RS256", "rs"));
    let mut set = set_of(&[&es, &ed, &rs]);
    assert!(set.backend().is_pure());
    assert_eq!(format!("{:?}", set.backend()), "Backend(pure)");
    let tokens: Vec<String> = [&es, &ed, &rs].iter().map(|i| i.sign(&claims(), &Map::new()).unwrap()).collect();
    for t in &tokens {
        verify(t, &set, &opts(), 1_000_000_000.0).unwrap();
    }

    let recording = Arc::new(Recording::default());
    set.set_backend(Backend::custom(recording.clone()));
    assert_eq!(set.backend().name(), "recording");
    for t in &tokens {
        verify(t, &set, &opts(), 1_000_000_000.0).unwrap();
    }
    assert_eq!(*recording.calls.lock().unwrap(), [(Alg::ES256, 1), (Alg::EdDSA, 2), (Alg::RS256, 3)]);

    // A clone shares the backend.
    let clone = set.clone();
    verify(&tokens[0], &clone, &opts(), 1_000_000_000.0).unwrap();
    assert_eq!(recording.count.load(Ordering::Relaxed), 4);

    // The backend's verdict is the verdict: an inverted backend fails every genuine token ...
    let inverted = Arc::new(Recording { invert: true, ..Recording::default() });
    set.set_backend(Backend::custom(inverted.clone()));
    for t in &tokens {
        let e = verify(t, &set, &opts(), 1_000_000_000.0).unwrap_err();
        assert_eq!(e.code, ErrorCode::SignatureVerificationFailed, "{t}");
    }
    // ... but it is never asked about a key that selection ruled out (wrong kid, wrong family, not allowed).
    let before = inverted.count.load(Ordering::Relaxed);
    let foreign = issuer("ES256", "other").sign(&claims(), &Map::new()).unwrap();
    assert_eq!(verify(&foreign, &set, &opts(), 1e9).unwrap_err().code, ErrorCode::JwksNoMatchingKey);
    let only_rs = VerifyOptions { algorithms: Some(vec!["RS256".into()]), ..opts() };
    assert_eq!(verify(&tokens[0], &set, &only_rs, 1e9).unwrap_err().code, ErrorCode::AlgNotAllowed);
    assert_eq!(inverted.count.load(Ordering::Relaxed), before);
}

#[test]
fn public_jwk_has_the_rfc7638_members_and_the_same_thumbprint() {
    let mut jwks: Vec<Value> = ["ES256", "EdDSA", "RS256"]
        .iter()
        .map(|alg| issuer(alg, alg).jwks()["keys"][0].clone())
        .collect();
    for (crv, len) in [("P-384", 48), ("P-521", 66), ("secp256k1", 32)] {
        // Any on-curve point will do: take one from the key tests' generators.
        let pk = match crv {
            "P-384" => PublicKey::P384(*p384::ecdsa::SigningKey::from_slice(&[3u8; 48]).unwrap().verifying_key()),
            "P-521" => {
                let mut s = [3u8; 66];
                s[0] = 1;
                PublicKey::P521(p521::ecdsa::VerifyingKey::from(&p521::ecdsa::SigningKey::from_slice(&s).unwrap()))
            }
            _ => PublicKey::Secp256k1(*k256::ecdsa::SigningKey::from_slice(&[3u8; 32]).unwrap().verifying_key()),
        };
        let mut jwk = pk.public_jwk().unwrap();
        assert_eq!(oidc_trust::keys::b64url_decode(jwk["x"].as_str().unwrap()).unwrap().len(), len);
        jwk.insert("kid".into(), json!(crv));
        jwks.push(Value::Object(jwk));
    }
    let set = KeySet::from_jwks_value(&json!({ "keys": jwks }), &KeySetOptions::default()).unwrap();
    assert!(set.rejected.is_empty(), "{:?}", set.rejected);
    assert_eq!(set.keys.len(), 6);
    for key in &set.keys {
        let jwk = key.public.public_jwk().unwrap();
        let mut names: Vec<&str> = jwk.keys().map(String::as_str).collect();
        names.sort();
        let want: &[&str] = match key.kty.as_str() {
            "RSA" => &["e", "kty", "n"],
            "EC" => &["crv", "kty", "x", "y"],
            _ => &["crv", "kty", "x"],
        };
        assert_eq!(names, want, "{key:?}");
        let back = KeySet::from_jwk_value(&Value::Object(jwk), &KeySetOptions::default()).unwrap();
        assert_eq!(back.keys[0].thumbprint, key.thumbprint, "{key:?}");
    }
}

#[test]
fn hmac_secrets_are_never_exported() {
    let set = KeySet::from_jwks_value(
        &json!({"keys": [{"kty": "oct", "k": oidc_trust::keys::b64url_encode(&[7u8; 32])}]}),
        &KeySetOptions { allow_symmetric: true },
    )
    .unwrap();
    assert!(set.keys[0].public.public_jwk().is_none());
}

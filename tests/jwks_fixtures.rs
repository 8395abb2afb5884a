//! Real published key sets and RFC examples through the keys module.

mod common;

use oidc_trust::alg::{verify_signature, Alg};
use oidc_trust::keys::{b64url_decode, KeySet, KeySetOptions};

fn load(rel: &str) -> KeySet {
    KeySet::from_jwks_str(&common::read_vector_text(rel), &KeySetOptions::default())
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn rfc7638_thumbprint_from_the_shared_vectors() {
    let derived = common::read_vector_json("rfc/derived/rfc7638_section_3_1.json");
    let set = KeySet::from_jwk_value(&derived["jwk"], &KeySetOptions::default()).unwrap();
    assert_eq!(
        set.keys[0].thumbprint,
        derived["sha256_thumbprint_b64u"].as_str().unwrap()
    );
    assert_eq!(set.keys[0].thumbprint, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    let original = common::read_vector_json("rfc/rfc7638/openpubkey_test_jwk.json");
    let set = KeySet::from_jwk_value(&original, &KeySetOptions::default()).unwrap();
    assert_eq!(set.keys[0].thumbprint, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

#[test]
fn github_actions_jwks_has_four_rsa_keys_with_x5c() {
    let set = load("oidc/jwks/github-actions_crates-io-load_jwks.json");
    assert!(set.rejected.is_empty(), "{:?}", set.rejected);
    assert_eq!(set.keys.len(), 4);
    for k in &set.keys {
        assert_eq!(
            (k.kty.as_str(), k.alg.as_deref(), k.use_.as_deref()),
            ("RSA", Some("RS256"), Some("sig"))
        );
        assert_eq!(b64url_decode(&k.thumbprint).unwrap().len(), 32);
    }
    let mut tps: Vec<&str> = set.keys.iter().map(|k| k.thumbprint.as_str()).collect();
    tps.sort_unstable();
    tps.dedup();
    assert_eq!(tps.len(), 4, "distinct keys, distinct thumbprints");
    let kid = set.keys[2].kid.clone().unwrap();
    assert!(kid.starts_with("1F2AB834"));
    assert_eq!(set.select(Alg::RS256, Some(&kid)).len(), 1);
    assert!(set.select(Alg::PS256, Some(&kid)).is_empty(), "the JWK says RS256");
    assert!(set
        .describe_no_match(Alg::PS256, Some(&kid))
        .contains("restricted to alg RS256"));
}

/// The archived GitHub Actions token verifies under its kid (signature only; claims are not this layer's job).
#[test]
fn github_actions_token_signature_verifies() {
    let set = load("oidc/jwks/github-actions_crates-io-load_jwks.json");
    let token = common::read_vector_text("oidc/tokens/github-actions_neu-se-autograder-action.jwt");
    let token = token.trim();
    let (signing_input, sig) = token.rsplit_once('.').unwrap();
    let header: serde_json::Value =
        serde_json::from_slice(&b64url_decode(signing_input.split('.').next().unwrap()).unwrap()).unwrap();
    let alg = Alg::from_name(header["alg"].as_str().unwrap()).unwrap();
    let sig = b64url_decode(sig).unwrap();
    let keys = set.select(alg, header["kid"].as_str());
    assert_eq!(keys.len(), 1);
    assert!(verify_signature(alg, &keys[0].public, signing_input.as_bytes(), &sig));
    let mut tampered = signing_input.as_bytes().to_vec();
    if let Some(last) = tampered.last_mut() {
        *last ^= 1;
    }
    assert!(!verify_signature(alg, &keys[0].public, &tampered, &sig));
}

#[test]
fn zoo_jwks_parse_with_every_key_accepted() {
    for (file, count) in [
        ("openpubkey-zoo_aws-cognito.json", 2),
        ("openpubkey-zoo_azure.json", 8),
        ("openpubkey-zoo_forgejo-actions.json", 1),
        ("openpubkey-zoo_github-actions.json", 4),
        ("openpubkey-zoo_gitlab.json", 3),
        ("openpubkey-zoo_google.json", 2),
    ] {
        let set = load(&format!("oidc/jwks/{file}"));
        assert!(set.rejected.is_empty(), "{file}: {:?}", set.rejected);
        assert_eq!(set.keys.len(), count, "{file}");
        // Azure's keys carry no alg: they serve any RSA algorithm.
        assert_eq!(set.select(Alg::RS256, None).len(), count, "{file}");
    }
}

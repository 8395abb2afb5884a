//! All 26 tests of Wycheproof's `json_web_key_test.json`: key-set policy. Each group's key set is loaded with
//! our keys module (the `public` set when the group has one, else the `private` set — only the HMAC groups,
//! whose keys are secrets by nature — loaded with `allow_symmetric: true`), then the group's compact JWS is
//! verified against it the way jose's `createLocalJWKSet` does: keys selected by alg/kid/use/key_ops, any
//! candidate verifying wins. Besides the outcome, each case pins *why* (the rejection reason or the selection
//! rule), so a change of policy shows up as a failing test rather than as a coincidental pass.
//!
//! | tc | upstream comment              | upstream | ours    | why (our policy, docs/keys-policy.md)                                   |
//! |----|-------------------------------|----------|---------|-------------------------------------------------------------------------|
//! |  1 | mixed symmetric/asymmetric    | invalid  | invalid | oct key rejected: secret next to public keys (and needs allowSymmetric) |
//! |  2 | keyset, acceptsValid          | valid    | valid   | 32-byte HS256 keys with allowSymmetric                                  |
//! |  3 | rejectsModifiedSignature      | invalid  | invalid | signature mismatch                                                      |
//! |  4 | rejectsDuplicateKid           | invalid  | invalid | two different oct keys share a kid: both rejected as ambiguous          |
//! |  5 | rs256 acceptsValid            | valid    | valid   |                                                                         |
//! |  6 | rejectsWrongUse (RSA1_5, enc) | invalid  | invalid | alg RSA1_5 is not a JWS algorithm: key rejected                         |
//! |  7 | ROCA key                      | invalid  | invalid | modulus has the ROCA fingerprint: key rejected                          |
//! |  8 | 1024-bit RSA                  | invalid  | invalid | modulus < 2048 bits: key rejected                                       |
//! |  9 | public exponent 1             | invalid  | invalid | e must be odd and > 1: key rejected                                     |
//! | 10 | HS256 key 31 bytes            | invalid  | invalid | HMAC key < 32 bytes: key rejected                                       |
//! | 11 | HS384 key 47 bytes            | invalid  | invalid | key's alg HS384 needs ≥ 48 bytes: key rejected                          |
//! | 12 | HS512 key 63 bytes            | invalid  | invalid | key's alg HS512 needs ≥ 64 bytes: key rejected                          |
//! | 13 | HS256 long key (65 bytes)     | valid    | valid   | longer than the hash is fine                                            |
//! | 14 | HS384 long key                | valid    | valid   |                                                                         |
//! | 15 | HS512 long key                | valid    | valid   |                                                                         |
//! | 16 | HS256 empty key               | invalid  | invalid | empty `k`: key rejected                                                 |
//! | 17 | HS384 empty key               | invalid  | invalid | empty `k`: key rejected                                                 |
//! | 18 | HS512 empty key               | invalid  | invalid | empty `k`: key rejected                                                 |
//! | 19 | alg ES521 on a P-256 key      | invalid  | invalid | ES521 is not a JWS algorithm (unknown alg ⇒ key rejected)               |
//! | 20 | alg ES224 on a P-256 key      | invalid  | invalid | ES224 is not a supported JWS algorithm: key rejected                    |
//! | 21 | use "enc" on an ES256 key     | invalid  | invalid | key kept, but selection requires use = "sig"                            |
//! | 22 | point not on the curve        | invalid  | invalid | key rejected                                                            |
//! | 23 | crv P-384 with P-256 coords   | invalid  | invalid | coordinates must be 48 bytes: key rejected                              |
//! | 24 | kty RSA with EC members       | invalid  | invalid | RSA key without `n`: key rejected                                       |
//! | 25 | oct key with alg A256GCM      | invalid  | invalid | A256GCM is not a JWS algorithm: key rejected                            |
//! | 26 | oct key with alg A256KW       | invalid  | invalid | A256KW is not a JWS algorithm: key rejected                             |
//!
//! The groups' `private` sets (RSA/EC keys with `d`, `p`, …) are also loaded: every such key is rejected,
//! because a verification key set must hold public keys only.

mod common;

use oidc_trust::alg::{verify_signature, Alg};
use oidc_trust::keys::{b64url_decode, KeySet, KeySetOptions};
use serde_json::Value;

/// Verifies a compact JWS against a set like jose's local JWKS: any selected key that verifies wins.
fn verifies(jws: &str, set: &KeySet) -> bool {
    let mut parts = jws.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let Ok(header) = b64url_decode(h).map(|b| serde_json::from_slice::<Value>(&b)) else {
        return false;
    };
    let Ok(header) = header else { return false };
    let Some(alg) = header["alg"].as_str().and_then(Alg::from_name) else {
        return false;
    };
    let Ok(sig) = b64url_decode(s) else { return false };
    let message = format!("{h}.{p}");
    set.select(alg, header["kid"].as_str())
        .iter()
        .any(|k| verify_signature(alg, &k.public, message.as_bytes(), &sig))
}

/// What we expect for each tcId: the verification outcome and, when a key is rejected, a phrase of the reason
/// (or, for tc 21, of the no-match explanation).
fn expectation(tc: u64) -> (bool, Option<&'static str>) {
    match tc {
        1 => (false, Some("symmetric key in a set that also holds public keys")),
        2 | 5 | 13 | 14 | 15 => (true, None),
        3 => (false, None),
        4 => (false, Some("kid \"kid-aes-sign\" is shared by 2 different oct keys")),
        6 => (false, Some("alg \"RSA1_5\" is not a supported JWS signature algorithm")),
        7 => (false, Some("ROCA fingerprint")),
        8 => (false, Some("RSA modulus is 1024 bits, at least 2048 required")),
        9 => (false, Some("RSA public exponent 1 is invalid")),
        10 => (false, Some("HMAC key is 31 bytes, at least 32 required")),
        11 => (false, Some("HMAC key is 47 bytes but alg HS384 needs at least 48")),
        12 => (false, Some("HMAC key is 63 bytes but alg HS512 needs at least 64")),
        16..=18 => (false, Some("oct key member \"k\" is empty")),
        19 => (
            false,
            Some("alg \"ES521\" is not a supported JWS signature algorithm (the P-521 algorithm is named ES512)"),
        ),
        20 => (false, Some("alg \"ES224\" is not a supported JWS signature algorithm")),
        21 => (false, Some("has use \"enc\", not \"sig\"")),
        22 => (false, Some("EC point (x, y) is not on curve P-256")),
        23 => (
            false,
            Some("EC P-384 coordinate \"x\" is 32 bytes, expected exactly 48"),
        ),
        24 => (false, Some("RSA key is missing required member \"n\"")),
        25 => (
            false,
            Some("alg \"A256GCM\" is not a supported JWS signature algorithm"),
        ),
        26 => (false, Some("alg \"A256KW\" is not a supported JWS signature algorithm")),
        _ => panic!("unexpected tcId {tc}"),
    }
}

#[test]
fn all_26_json_web_key_tests() {
    let doc = common::read_vector_json("wycheproof/json_web_key_test.json");
    let mut seen = Vec::new();
    for group in doc["testGroups"].as_array().unwrap() {
        let (jwks, opts) = match group.get("public") {
            Some(public) => (public, KeySetOptions::default()),
            None => (&group["private"], KeySetOptions { allow_symmetric: true }),
        };
        let set = KeySet::from_jwks_value(jwks, &opts).unwrap();
        for t in group["tests"].as_array().unwrap() {
            let tc = t["tcId"].as_u64().unwrap();
            let jws = t["jws"].as_str().unwrap();
            let (want, why) = expectation(tc);
            assert_eq!(verifies(jws, &set), want, "tc {tc} ({})", t["comment"]);
            let upstream_valid = t["result"] == "valid";
            assert_eq!(want, upstream_valid, "tc {tc}: we agree with upstream on all 26");
            if let Some(phrase) = why {
                let reasons: Vec<&str> = set.rejected.iter().map(|r| r.reason.as_str()).collect();
                let explanation = set.describe_no_match(Alg::ES256, Some("kid-ec-sign"));
                assert!(
                    reasons.iter().any(|r| r.contains(phrase)) || explanation.contains(phrase),
                    "tc {tc}: expected a reason containing {phrase:?}, got {reasons:?} / {explanation:?}"
                );
            } else {
                assert!(
                    set.rejected.is_empty(),
                    "tc {tc}: nothing should be rejected: {:?}",
                    set.rejected
                );
            }
            seen.push(tc);
        }
    }
    seen.sort_unstable();
    assert_eq!(seen, (1..=26).collect::<Vec<_>>());
}

/// Test 1 again without allowSymmetric: the oct key is refused for that reason first.
#[test]
fn mixed_set_without_allow_symmetric() {
    let doc = common::read_vector_json("wycheproof/json_web_key_test.json");
    let group = &doc["testGroups"][0];
    assert_eq!(group["comment"], "jws_mixedSymmetryKeyset");
    let set = KeySet::from_jwks_value(&group["private"], &KeySetOptions::default()).unwrap();
    assert_eq!(set.keys.len(), 1, "the EC public key stays usable");
    assert_eq!(set.rejected[0].reason, "symmetric keys need { allowSymmetric: true }");
    assert!(!verifies(group["tests"][0]["jws"].as_str().unwrap(), &set));
}

/// Private RSA/EC keys (with `d`, `p`, `q`, …) never enter a verification set.
#[test]
fn private_sets_are_rejected_key_by_key() {
    let doc = common::read_vector_json("wycheproof/json_web_key_test.json");
    let mut rejected = 0;
    for group in doc["testGroups"].as_array().unwrap() {
        if group.get("public").is_none() {
            continue;
        }
        let set = KeySet::from_jwks_value(&group["private"], &KeySetOptions::default()).unwrap();
        for key in group["private"]["keys"].as_array().unwrap() {
            if key.get("d").is_some() && matches!(key["kty"].as_str(), Some("RSA" | "EC")) {
                rejected += 1;
            }
        }
        assert!(set.keys.is_empty(), "{}: {:?}", group["comment"], set.keys);
        assert!(
            set.rejected
                .iter()
                .all(|r| r.reason.contains("private key member") || r.reason.contains("missing required member \"n\"")),
            "{}: {:?}",
            group["comment"],
            set.rejected
        );
    }
    assert_eq!(rejected, 11);
}

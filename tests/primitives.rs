//! Wycheproof primitive vectors through `verify_signature`, with keys built from each group's JWK by the keys
//! module (so JWK import is exercised too).
//!
//! Every vector counts: `valid` must verify, `invalid` must not, `acceptable` gets our documented answer
//! (docs/keys-policy.md). Counts are asserted so that skipped groups are visible and a change in coverage fails.
//! RSA results are also cross-checked against jwt-compact's `Rsa` (the `rsa` crate), an implementation we did
//! not write.

mod common;

use jwt_compact::{alg::Rsa, Algorithm, AlgorithmSignature};
use oidc_trust::alg::{verify_signature, Alg, PublicKey};
use oidc_trust::keys::{KeySet, KeySetOptions};
use serde_json::Value;

#[derive(Debug, Default, PartialEq, Eq)]
struct Tally {
    valid: usize,
    invalid: usize,
    /// `acceptable` vectors we verify / refuse.
    acceptable_accepted: usize,
    acceptable_refused: usize,
    /// Vectors in groups we do not run (with the reason asserted at the call site).
    skipped: usize,
}

fn hex(v: &Value, field: &str) -> Vec<u8> {
    hex::decode(v[field].as_str().unwrap_or_else(|| panic!("{field} missing"))).unwrap()
}

fn key_from_jwk(jwk: &Value) -> Result<PublicKey, String> {
    KeySet::from_jwk_value(jwk, &KeySetOptions::default())
        .map(|set| set.keys.into_iter().next().unwrap().public)
        .map_err(|e| e.message.clone())
}

/// Runs every test of a group against `key` (None: the key was refused, so nothing verifies).
fn run_group(
    file: &str,
    group: &Value,
    alg: Alg,
    key: Option<&PublicKey>,
    tally: &mut Tally,
    failures: &mut Vec<String>,
) {
    for t in group["tests"].as_array().unwrap() {
        let msg = hex(t, "msg");
        let sig = hex(t, if t.get("tag").is_some() { "tag" } else { "sig" });
        let ok = key.is_some_and(|k| verify_signature(alg, k, &msg, &sig));
        let id = t["tcId"].as_u64().unwrap();
        match t["result"].as_str().unwrap() {
            "valid" if ok => tally.valid += 1,
            "invalid" if !ok => tally.invalid += 1,
            "acceptable" if ok => tally.acceptable_accepted += 1,
            "acceptable" => tally.acceptable_refused += 1,
            r => failures.push(format!("{file} tc {id} ({}): expected {r}, got {ok}", t["comment"])),
        }
    }
}

fn groups(file: &str) -> (Value, Vec<Value>) {
    let doc = common::read_vector_json(&format!("wycheproof/{file}"));
    let groups = doc["testGroups"].as_array().unwrap().clone();
    (doc, groups)
}

fn count_tests(g: &Value) -> usize {
    g["tests"].as_array().unwrap().len()
}

/// Some groups carry no JWK (edge-case keys Wycheproof could not express as one); those are built from the
/// raw SEC1 point through the same constructor the JWK path uses. Returns the tally and how many groups that was.
fn run_ecdsa(file: &str, alg: Alg) -> (Tally, usize) {
    let (_, groups) = groups(file);
    let (mut tally, mut failures) = (Tally::default(), Vec::new());
    let mut without_jwk = 0;
    for g in &groups {
        let key = if g["publicKeyJwk"].is_object() {
            key_from_jwk(&g["publicKeyJwk"])
        } else {
            without_jwk += 1;
            let point = hex(&g["publicKey"], "uncompressed");
            let coords = point.strip_prefix(&[4]).expect("uncompressed SEC1 point");
            let (x, y) = coords.split_at(coords.len() / 2);
            let oidc_trust::alg::KeyFamily::Ec(curve) = alg.family() else {
                unreachable!()
            };
            PublicKey::ec(curve, x, y)
        };
        let key = key.unwrap_or_else(|e| panic!("{file}: group key refused: {e}"));
        run_group(file, g, alg, Some(&key), &mut tally, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    (tally, without_jwk)
}

#[test]
fn ecdsa_p256_es256() {
    let (t, without_jwk) = run_ecdsa("ecdsa_secp256r1_sha256_p1363_test.json", Alg::ES256);
    assert_eq!(
        t,
        Tally {
            valid: 173,
            invalid: 89,
            ..Tally::default()
        }
    );
    assert_eq!(without_jwk, 9, "groups built from the raw point");
}

#[test]
fn ecdsa_p384_es384() {
    let (t, without_jwk) = run_ecdsa("ecdsa_secp384r1_sha384_p1363_test.json", Alg::ES384);
    assert_eq!(
        t,
        Tally {
            valid: 193,
            invalid: 87,
            ..Tally::default()
        }
    );
    assert_eq!(without_jwk, 9, "groups built from the raw point");
}

#[test]
fn ecdsa_p521_es512() {
    let (t, without_jwk) = run_ecdsa("ecdsa_secp521r1_sha512_p1363_test.json", Alg::ES512);
    assert_eq!(
        t,
        Tally {
            valid: 231,
            invalid: 87,
            ..Tally::default()
        }
    );
    assert_eq!(without_jwk, 9, "groups built from the raw point");
}

#[test]
fn ecdsa_secp256k1_es256k() {
    let (t, without_jwk) = run_ecdsa("ecdsa_secp256k1_sha256_p1363_test.json", Alg::ES256K);
    assert_eq!(
        t,
        Tally {
            valid: 167,
            invalid: 85,
            ..Tally::default()
        }
    );
    assert_eq!(without_jwk, 9, "groups built from the raw point");
}

/// High-S signatures are valid ECDSA; JWS (like jose and WebCrypto) accepts them for every curve, secp256k1
/// included (k256 alone would refuse them; jwt-compact normalizes first).
#[test]
fn ecdsa_high_s_is_accepted() {
    for (file, alg) in [
        ("ecdsa_secp256r1_sha256_p1363_test.json", Alg::ES256),
        ("ecdsa_secp256k1_sha256_p1363_test.json", Alg::ES256K),
    ] {
        let (_, groups) = groups(file);
        let g = &groups[0];
        let key = key_from_jwk(&g["publicKeyJwk"]).unwrap();
        let t = &g["tests"][0];
        assert_eq!(t["comment"], "signature malleability", "{file}");
        assert!(verify_signature(alg, &key, &hex(t, "msg"), &hex(t, "sig")), "{file}");
    }
}

/// Ed25519: small-order public keys are refused when the JWK is imported (no signature could be trusted
/// under them), so their 8 "acceptable" vectors fail; mixed-order keys are ordinary keys and ed25519-compact's
/// cofactored check decides their 21 "acceptable" vectors.
#[test]
fn ed25519_eddsa() {
    let (_, groups) = groups("ed25519_test.json");
    let (mut tally, mut failures) = (Tally::default(), Vec::new());
    let (mut refused_keys, mut without_jwk) = (0, 0);
    for g in &groups {
        let key = if g["publicKeyJwk"].is_object() {
            key_from_jwk(&g["publicKeyJwk"])
        } else {
            without_jwk += 1;
            PublicKey::ed25519(&hex(&g["publicKey"], "pk"))
        };
        if let Err(e) = &key {
            assert!(e.contains("small order"), "unexpected refusal: {e}");
            refused_keys += 1;
        }
        run_group(
            "ed25519_test.json",
            g,
            Alg::EdDSA,
            key.as_ref().ok(),
            &mut tally,
            &mut failures,
        );
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!((refused_keys, without_jwk), (8, 33));
    assert_eq!(
        tally,
        Tally {
            valid: 117,
            invalid: 64,
            acceptable_accepted: 21,
            acceptable_refused: 8,
            skipped: 0
        }
    );
}

fn jwt_compact_rsa(alg: Alg) -> Rsa {
    match alg {
        Alg::RS256 => Rsa::rs256(),
        Alg::RS384 => Rsa::rs384(),
        Alg::RS512 => Rsa::rs512(),
        Alg::PS256 => Rsa::ps256(),
        Alg::PS384 => Rsa::ps384(),
        _ => Rsa::ps512(),
    }
}

/// Runs RSA files; returns the tally and how many vectors jwt-compact answered differently.
fn run_rsa(file: &str, alg: Alg, hash: &str, jwk_field: &str) -> (Tally, Vec<String>) {
    let (_, groups) = groups(file);
    let (mut tally, mut failures) = (Tally::default(), Vec::new());
    let mut disagreements = Vec::new();
    let h_len = match hash {
        "SHA-256" => 32,
        "SHA-384" => 48,
        _ => 64,
    };
    for g in &groups {
        let usable = g["keySize"].as_u64().unwrap() >= 2048
            && g["sha"] == hash
            && g.get("sLen")
                .is_none_or(|s| s.as_u64() == Some(h_len) && g["mgfSha"] == hash);
        if !usable {
            tally.skipped += count_tests(g);
            continue;
        }
        let key = key_from_jwk(&g[jwk_field]).unwrap_or_else(|e| panic!("{file}: group key refused: {e}"));
        run_group(file, g, alg, Some(&key), &mut tally, &mut failures);
        let PublicKey::Rsa(rsa_key) = &key else {
            panic!("not RSA")
        };
        let reference = jwt_compact_rsa(alg);
        for t in g["tests"].as_array().unwrap() {
            let (msg, sig) = (hex(t, "msg"), hex(t, "sig"));
            let ours = verify_signature(alg, &key, &msg, &sig);
            let sig = <Rsa as Algorithm>::Signature::try_from_slice(&sig).unwrap();
            let theirs = reference.verify_signature(&sig, &rsa_key.to_rsa_crate_key().unwrap(), &msg);
            if ours != theirs {
                disagreements.push(format!(
                    "tc {} ({}) ours={ours} rsa-crate={theirs}",
                    t["tcId"], t["comment"]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    (tally, disagreements)
}

/// PKCS#1 v1.5: the one "acceptable" vector per file is a DigestInfo without the NULL parameter; we re-encode
/// with the NULL and compare, so it is refused (as the rsa crate does).
#[test]
fn rsa_pkcs1v15_rs256_rs384_rs512() {
    let cases = [
        (
            "rsa_signature_2048_sha256_test.json",
            Alg::RS256,
            "SHA-256",
            Tally {
                valid: 9,
                invalid: 249,
                acceptable_refused: 1,
                ..Tally::default()
            },
        ),
        (
            "rsa_signature_2048_sha384_test.json",
            Alg::RS384,
            "SHA-384",
            Tally {
                valid: 7,
                invalid: 250,
                acceptable_refused: 1,
                ..Tally::default()
            },
        ),
        (
            "rsa_signature_2048_sha512_test.json",
            Alg::RS512,
            "SHA-512",
            Tally {
                valid: 8,
                invalid: 250,
                acceptable_refused: 1,
                ..Tally::default()
            },
        ),
        (
            "rsa_signature_3072_sha256_test.json",
            Alg::RS256,
            "SHA-256",
            Tally {
                valid: 8,
                invalid: 250,
                acceptable_refused: 1,
                ..Tally::default()
            },
        ),
        (
            "rsa_signature_4096_sha256_test.json",
            Alg::RS256,
            "SHA-256",
            Tally {
                valid: 7,
                invalid: 250,
                acceptable_refused: 1,
                ..Tally::default()
            },
        ),
        (
            "rsa_signature_4096_sha512_test.json",
            Alg::RS512,
            "SHA-512",
            Tally {
                valid: 7,
                invalid: 251,
                acceptable_refused: 1,
                ..Tally::default()
            },
        ),
    ];
    for (file, alg, hash, want) in cases {
        let (tally, disagreements) = run_rsa(file, alg, hash, "keyJwk");
        assert_eq!(tally, want, "{file}");
        assert!(disagreements.is_empty(), "{file}: {disagreements:?}");
    }
}

#[test]
fn rsa_pss_ps256_ps384_ps512() {
    let cases = [
        ("rsa_pss_2048_sha256_mgf1_32_test.json", Alg::PS256, "SHA-256", 63, 45),
        ("rsa_pss_2048_sha384_mgf1_48_test.json", Alg::PS384, "SHA-384", 95, 46),
        ("rsa_pss_3072_sha256_mgf1_32_test.json", Alg::PS256, "SHA-256", 63, 45),
        ("rsa_pss_4096_sha256_mgf1_32_test.json", Alg::PS256, "SHA-256", 63, 45),
        ("rsa_pss_4096_sha384_mgf1_48_test.json", Alg::PS384, "SHA-384", 95, 46),
        ("rsa_pss_4096_sha512_mgf1_64_test.json", Alg::PS512, "SHA-512", 132, 47),
    ];
    for (file, alg, hash, valid, invalid) in cases {
        let (tally, disagreements) = run_rsa(file, alg, hash, "publicKeyJwk");
        assert_eq!(
            tally,
            Tally {
                valid,
                invalid,
                ..Tally::default()
            },
            "{file}"
        );
        assert!(disagreements.is_empty(), "{file}: {disagreements:?}");
    }
}

/// A PSS signature is not a PKCS#1 v1.5 signature and vice versa, under the same key.
#[test]
fn rsa_schemes_do_not_cross() {
    let (_, groups) = groups("rsa_pss_2048_sha256_mgf1_32_test.json");
    let g = &groups[0];
    let key = key_from_jwk(&g["publicKeyJwk"]).unwrap();
    let t = g["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["result"] == "valid")
        .unwrap();
    let (msg, sig) = (hex(t, "msg"), hex(t, "sig"));
    assert!(verify_signature(Alg::PS256, &key, &msg, &sig));
    for other in [Alg::RS256, Alg::PS384, Alg::PS512, Alg::ES256, Alg::HS256] {
        assert!(!verify_signature(other, &key, &msg, &sig), "{other:?}");
    }
}

/// HMAC: JWS never truncates tags and needs keys at least as long as the hash output, so only groups with a
/// full-length tag and such a key run.
#[test]
fn hmac_hs256_hs384_hs512() {
    for (file, alg, bits, want) in [
        ("hmac_sha256_test.json", Alg::HS256, 256, (2, 4)),
        ("hmac_sha384_test.json", Alg::HS384, 384, (2, 4)),
        ("hmac_sha512_test.json", Alg::HS512, 512, (2, 4)),
    ] {
        let (_, groups) = groups(file);
        let (mut tally, mut failures) = (Tally::default(), Vec::new());
        let (mut ran, mut skipped_groups) = (0, 0);
        for g in &groups {
            let full_tag = g["tagSize"].as_u64() == Some(bits);
            let long_key = g["keySize"].as_u64().unwrap() >= bits;
            if !(full_tag && long_key) {
                tally.skipped += count_tests(g);
                skipped_groups += 1;
                continue;
            }
            ran += 1;
            for t in g["tests"].as_array().unwrap() {
                let key = PublicKey::oct(&hex(t, "key"));
                let one = serde_json::json!({"tests": [t]});
                run_group(file, &one, alg, Some(&key), &mut tally, &mut failures);
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert_eq!((ran, skipped_groups), want, "{file}");
        assert_eq!(
            tally,
            Tally {
                valid: 30,
                invalid: 54,
                skipped: 90,
                ..Tally::default()
            },
            "{file}"
        );
    }
}

/// A truncated tag of a valid full tag never verifies, and keys shorter than the hash are refused.
#[test]
fn hmac_truncation_and_short_keys_fail() {
    let (_, groups) = groups("hmac_sha256_test.json");
    let mut checked = 0;
    for g in &groups {
        for t in g["tests"].as_array().unwrap().iter().filter(|t| t["result"] == "valid") {
            let (key, msg, tag) = (hex(t, "key"), hex(t, "msg"), hex(t, "tag"));
            let full = tag.len() == 32;
            let ok = verify_signature(Alg::HS256, &PublicKey::oct(&key), &msg, &tag);
            assert_eq!(ok, full && key.len() >= 32, "tc {}", t["tcId"]);
            if full {
                assert!(!verify_signature(Alg::HS256, &PublicKey::oct(&key), &msg, &tag[..16]));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 66);
}

//! The fast RSA verifier against Wycheproof, against the rsa crate's arithmetic (num-bigint-dig `modpow`), and
//! against signatures minted by the rsa crate.

use oidc_trust::alg::rsa_fast::{verify_pkcs1v15, verify_ps, verify_rs, HashAlg, RsaPublic};
use rand::{rngs::StdRng, Rng, RngCore, SeedableRng};
use rsa::traits::PublicKeyParts;
use rsa::BigUint;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// `OIDC_TRUST_SHARED`, else `<manifest>/../shared`, else `/work/shared`.
fn shared_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("OIDC_TRUST_SHARED") {
        return PathBuf::from(d);
    }
    let sibling = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if sibling.is_dir() {
        return sibling;
    }
    PathBuf::from("/work/shared")
}

fn load(name: &str) -> Value {
    let path = shared_dir().join("vectors/wycheproof").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("wycheproof json")
}

fn hex(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().expect("hex string")).expect("hex")
}

fn hash_alg(name: &str) -> HashAlg {
    match name {
        "SHA-256" => HashAlg::Sha256,
        "SHA-384" => HashAlg::Sha384,
        "SHA-512" => HashAlg::Sha512,
        other => panic!("unexpected hash {other}"),
    }
}

fn group_key(g: &Value) -> RsaPublic {
    let pk = &g["publicKey"];
    RsaPublic::from_be_bytes(&hex(&pk["modulus"]), &hex(&pk["publicExponent"])).expect("wycheproof key")
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    valid: usize,
    invalid: usize,
    acceptable: usize,
}

/// Runs every test of every group `filter` admits; returns counts and panics on the first disagreement.
fn run_file(name: &str, pss: bool) -> Counts {
    let doc = load(name);
    let mut c = Counts::default();
    for g in doc["testGroups"].as_array().expect("groups") {
        let hash = hash_alg(g["sha"].as_str().expect("sha"));
        if pss {
            // JWS PS*: MGF1 over the same hash, salt length = hash length.
            let same_mgf = g["mgf"] == "MGF1" && g["mgfSha"] == g["sha"];
            if !same_mgf || g["sLen"].as_u64() != Some(hash.output_len() as u64) {
                continue;
            }
        }
        let key = group_key(g);
        for t in g["tests"].as_array().expect("tests") {
            let (msg, sig) = (hex(&t["msg"]), hex(&t["sig"]));
            let ok = if pss {
                verify_ps(&key, hash, &msg, &sig)
            } else {
                verify_rs(&key, hash, &msg, &sig)
            };
            let id = &t["tcId"];
            match t["result"].as_str().expect("result") {
                "valid" => {
                    assert!(ok, "{name} tcId {id} valid but rejected: {}", t["comment"]);
                    c.valid += 1;
                }
                "invalid" => {
                    assert!(!ok, "{name} tcId {id} invalid but accepted: {}", t["comment"]);
                    c.invalid += 1;
                }
                // Only "MissingNull" DigestInfo: we build the one DER encoding with NULL, so it is rejected.
                "acceptable" => {
                    assert!(!ok, "{name} tcId {id} acceptable accepted: {}", t["comment"]);
                    c.acceptable += 1;
                }
                other => panic!("{name} tcId {id}: result {other}"),
            }
        }
    }
    c
}

#[test]
fn wycheproof_pkcs1v15() {
    let expect = [
        ("rsa_signature_2048_sha256_test.json", 9, 249, 1),
        ("rsa_signature_2048_sha384_test.json", 7, 250, 1),
        ("rsa_signature_2048_sha512_test.json", 8, 250, 1),
        ("rsa_signature_3072_sha256_test.json", 8, 250, 1),
        ("rsa_signature_4096_sha256_test.json", 7, 250, 1),
        ("rsa_signature_4096_sha512_test.json", 7, 251, 1),
    ];
    let mut total = 0;
    for (file, valid, invalid, acceptable) in expect {
        let c = run_file(file, false);
        assert_eq!(
            c,
            Counts {
                valid,
                invalid,
                acceptable
            },
            "{file}"
        );
        total += valid + invalid + acceptable;
    }
    assert_eq!(total, 1552);
}

#[test]
fn wycheproof_pss() {
    let expect = [
        ("rsa_pss_2048_sha256_mgf1_32_test.json", 63, 45),
        ("rsa_pss_2048_sha384_mgf1_48_test.json", 95, 46),
        ("rsa_pss_3072_sha256_mgf1_32_test.json", 63, 45),
        ("rsa_pss_4096_sha256_mgf1_32_test.json", 63, 45),
        ("rsa_pss_4096_sha384_mgf1_48_test.json", 95, 46),
        ("rsa_pss_4096_sha512_mgf1_64_test.json", 132, 47),
    ];
    let mut total = 0;
    for (file, valid, invalid) in expect {
        let c = run_file(file, true);
        assert_eq!(
            c,
            Counts {
                valid,
                invalid,
                acceptable: 0
            },
            "{file}"
        );
        total += valid + invalid;
    }
    assert_eq!(total, 785);
}

/// Every distinct (modulus, exponent) in the Wycheproof RSA files.
fn wycheproof_keys() -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut keys = BTreeSet::new();
    for name in [
        "rsa_signature_2048_sha256_test.json",
        "rsa_signature_3072_sha256_test.json",
        "rsa_signature_4096_sha512_test.json",
        "rsa_pss_2048_sha256_mgf1_32_test.json",
    ] {
        for g in load(name)["testGroups"].as_array().expect("groups") {
            keys.insert((hex(&g["publicKey"]["modulus"]), hex(&g["publicKey"]["publicExponent"])));
        }
    }
    keys.into_iter().collect()
}

fn to_k_bytes(x: &BigUint, k: usize) -> Vec<u8> {
    let b = x.to_bytes_be();
    let mut out = vec![0u8; k - b.len()];
    out.extend_from_slice(&b);
    out
}

/// public_op == num-bigint-dig modpow on random inputs below n, for the real moduli and several exponents.
#[test]
fn differential_modpow_random_inputs() {
    let mut rng = StdRng::seed_from_u64(0x6f69_6463);
    let keys = wycheproof_keys();
    assert!(keys.len() >= 5, "expected 2048/3072/4096 keys with e = 65537 and e = 3");
    let mut checked = 0;
    for (n_bytes, e_bytes) in &keys {
        let n = BigUint::from_bytes_be(n_bytes);
        let k = n.bits().div_ceil(8);
        let file_e = e_bytes.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b));
        let random_e = rng.gen::<u32>() | 0x8000_0001; // odd, full 32 bits: the largest accepted
        for e in [file_e, 3, 17, 65537, random_e] {
            let key = RsaPublic::new(n_bytes, e).expect("key");
            assert_eq!(key.modulus_len(), k);
            let eb = BigUint::from(e);
            for _ in 0..6 {
                let mut sig = vec![0u8; k];
                rng.fill_bytes(&mut sig);
                let x = BigUint::from_bytes_be(&sig) % &n;
                let sig = to_k_bytes(&x, k);
                let want = to_k_bytes(&x.modpow(&eb, &n), k);
                assert_eq!(key.public_op(&sig).as_deref(), Some(&want[..]), "e = {e}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 150);
}

#[test]
fn edge_cases() {
    for (n_bytes, _) in wycheproof_keys() {
        let n = BigUint::from_bytes_be(&n_bytes);
        let k = n.bits().div_ceil(8);
        for e in [3u32, 65537] {
            let key = RsaPublic::new(&n_bytes, e).expect("key");
            // 0^e = 0, 1^e = 1
            assert_eq!(key.public_op(&vec![0u8; k]), Some(vec![0u8; k]));
            let one = to_k_bytes(&BigUint::from(1u32), k);
            assert_eq!(key.public_op(&one), Some(one.clone()));
            // (n-1)^odd = n-1
            let nm1 = to_k_bytes(&(&n - 1u32), k);
            assert_eq!(key.public_op(&nm1), Some(nm1.clone()));
            // sig >= n
            assert_eq!(key.public_op(&to_k_bytes(&n, k)), None);
            assert_eq!(key.public_op(&to_k_bytes(&(&n + 1u32), k)), None);
            assert_eq!(key.public_op(&vec![0xff; k]), None);
            // wrong length, including a leading zero byte prepended / stripped
            assert_eq!(key.public_op(&[]), None);
            assert_eq!(key.public_op(&nm1[1..]), None);
            let mut longer = vec![0u8];
            longer.extend_from_slice(&nm1);
            assert_eq!(key.public_op(&longer), None);
            // and the verifiers reject them without panicking
            for hash in [HashAlg::Sha256, HashAlg::Sha384, HashAlg::Sha512] {
                for sig in [&[][..], &nm1[..], &longer[..], &vec![0u8; k][..], &vec![0xff; k][..]] {
                    assert!(!verify_rs(&key, hash, b"m", sig));
                    assert!(!verify_ps(&key, hash, b"m", sig));
                }
            }
        }
    }
}

fn our_key(pk: &rsa::RsaPublicKey) -> RsaPublic {
    RsaPublic::from_be_bytes(&pk.n().to_bytes_be(), &pk.e().to_bytes_be()).expect("key")
}

/// Signatures minted by the rsa crate verify; random mutations of signature or message do not, and our verdict
/// matches the rsa crate's verifier on each.
#[test]
fn rsa_crate_signatures() {
    use rsa::signature::{RandomizedSigner, SignatureEncoding, Signer, Verifier};
    use sha2::{Sha256, Sha384, Sha512};

    let mut rng = StdRng::seed_from_u64(7);
    // Key generation dominates this test's time (debug build); one 2048-bit key covers the minted-signature path,
    // the other sizes are covered by Wycheproof and the modpow differential.
    let sk = rsa::RsaPrivateKey::new(&mut rng, 2048).expect("keygen");
    let pk = sk.to_public_key();
    let key = our_key(&pk);

    macro_rules! case {
        ($D:ty, $hash:expr) => {{
            let signer = rsa::pkcs1v15::SigningKey::<$D>::new(sk.clone());
            let verifier = rsa::pkcs1v15::VerifyingKey::<$D>::new(pk.clone());
            let pss_signer = rsa::pss::SigningKey::<$D>::new(sk.clone());
            let pss_verifier = rsa::pss::VerifyingKey::<$D>::new(pk.clone());
            for round in 0..3 {
                let mut msg = vec![0u8; rng.gen_range(0..200)];
                rng.fill_bytes(&mut msg);
                let sig = signer.sign(&msg).to_vec();
                assert!(verify_rs(&key, $hash, &msg, &sig), "RS {:?} round {round}", $hash);
                let pss_sig = pss_signer.sign_with_rng(&mut rng, &msg).to_vec();
                assert!(verify_ps(&key, $hash, &msg, &pss_sig), "PS {:?} round {round}", $hash);
                // the schemes do not cross
                assert!(!verify_ps(&key, $hash, &msg, &sig));
                assert!(!verify_rs(&key, $hash, &msg, &pss_sig));
                for _ in 0..12 {
                    let mut bad = sig.clone();
                    let i = rng.gen_range(0..bad.len());
                    bad[i] ^= 1 << rng.gen_range(0..8);
                    let theirs = rsa::pkcs1v15::Signature::try_from(&bad[..])
                        .map(|s| verifier.verify(&msg, &s).is_ok())
                        .unwrap_or(false);
                    let ours = verify_rs(&key, $hash, &msg, &bad);
                    assert!(!ours);
                    assert_eq!(ours, theirs);
                    let mut bad = pss_sig.clone();
                    bad[i] ^= 1 << rng.gen_range(0..8);
                    let theirs = rsa::pss::Signature::try_from(&bad[..])
                        .map(|s| pss_verifier.verify(&msg, &s).is_ok())
                        .unwrap_or(false);
                    let ours = verify_ps(&key, $hash, &msg, &bad);
                    assert!(!ours);
                    assert_eq!(ours, theirs);
                }
                let mut other = msg.clone();
                other.push(0);
                assert!(!verify_rs(&key, $hash, &other, &sig));
                assert!(!verify_ps(&key, $hash, &other, &pss_sig));
            }
        }};
    }
    case!(Sha256, HashAlg::Sha256);
    case!(Sha384, HashAlg::Sha384);
    case!(Sha512, HashAlg::Sha512);

    // raw EM from the public op equals what the rsa crate encodes for PKCS#1 v1.5
    let msg = b"raw check";
    let sig = rsa::pkcs1v15::SigningKey::<Sha256>::new(sk.clone()).sign(msg).to_vec();
    let em = key.public_op(&sig).expect("public op");
    assert!(verify_pkcs1v15(
        &em,
        HashAlg::Sha256,
        HashAlg::Sha256.digest(msg).as_slice()
    ));
}

//! Parsed verification keys and the signature backend trait.
//!
//! Every check that depends only on the key (curve membership, modulus size, exponent, small-order points) is
//! done once when a [`PublicKey`] is built; `verify` then only does per-signature work and answers `false` for
//! anything that does not fit (wrong key family for the algorithm, wrong signature length, malformed values).

use core::fmt;
use std::sync::Arc;

use hmac::{Hmac, Mac};
use jwt_compact::alg::Es256k;
use jwt_compact::{Algorithm, AlgorithmSignature};
use sha2::{Sha256, Sha384, Sha512};

use super::ecdsa::{Es384, Es512};
use super::ed25519::{Ed25519Key, Ed25519KeyError};
use super::p256_vartime;
use super::rsa::{self, HashAlg, RsaKey};
use super::{Alg, Curve, KeyFamily};

/// A parsed public (or, for HS*, shared secret) key, ready to verify many signatures.
#[derive(Clone)]
pub enum PublicKey {
    Rsa(RsaKey),
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    P521(p521::ecdsa::VerifyingKey),
    Secp256k1(k256::ecdsa::VerifyingKey),
    Ed25519(Ed25519Key),
    /// An HMAC secret. Its bytes are never printed by `Debug`.
    Oct(OctKey),
}

/// An HMAC secret with its keyed states prepared once: HMAC's key schedule (hashing the padded key into the inner
/// and outer states) is per key, so a verification clones a prepared state and hashes only the message. Only the
/// algorithms the secret is long enough for (RFC 7518 §3.2) get a state; the others can never verify.
#[derive(Clone)]
pub struct OctKey {
    secret: Vec<u8>,
    hs256: Option<Hmac<Sha256>>,
    hs384: Option<Hmac<Sha384>>,
    hs512: Option<Hmac<Sha512>>,
}

impl OctKey {
    pub fn new(secret: Vec<u8>) -> OctKey {
        let len = secret.len();
        // `new_from_slice` accepts any key length for HMAC; `ok()` only keeps this free of unwraps.
        let hs256 = (len >= hmac_min_key_len(Alg::HS256)).then(|| Hmac::new_from_slice(&secret).ok()).flatten();
        let hs384 = (len >= hmac_min_key_len(Alg::HS384)).then(|| Hmac::new_from_slice(&secret).ok()).flatten();
        let hs512 = (len >= hmac_min_key_len(Alg::HS512)).then(|| Hmac::new_from_slice(&secret).ok()).flatten();
        OctKey { secret, hs256, hs384, hs512 }
    }

    pub fn len(&self) -> usize {
        self.secret.len()
    }

    pub fn is_empty(&self) -> bool {
        self.secret.is_empty()
    }

    /// The full tag, compared in constant time; a tag of any other length (truncated, empty) never verifies.
    fn verify(&self, alg: Alg, message: &[u8], tag: &[u8]) -> bool {
        fn check<M: Mac + Clone>(prepared: &Option<M>, message: &[u8], tag: &[u8]) -> bool {
            let Some(prepared) = prepared else { return false };
            if tag.len() != <M as hmac::digest::OutputSizeUser>::output_size() {
                return false;
            }
            let mut mac = prepared.clone();
            mac.update(message);
            mac.verify_slice(tag).is_ok()
        }
        match alg {
            Alg::HS256 => check(&self.hs256, message, tag),
            Alg::HS384 => check(&self.hs384, message, tag),
            Alg::HS512 => check(&self.hs512, message, tag),
            _ => false,
        }
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PublicKey::Rsa(k) => f.debug_tuple("Rsa").field(k).finish(),
            PublicKey::P256(_) | PublicKey::P384(_) | PublicKey::P521(_) | PublicKey::Secp256k1(_) => {
                let (x, _) = self.ec_coordinates().unwrap_or_default();
                write!(f, "Ec({}, x={})", self.family_name(), hex_prefix(&x))
            }
            PublicKey::Ed25519(k) => write!(f, "Ed25519(x={})", hex_prefix(k.as_ref())),
            PublicKey::Oct(k) => write!(f, "Oct({} bytes, redacted)", k.len()),
        }
    }
}

fn hex_prefix(bytes: &[u8]) -> String {
    let mut s: String = bytes.iter().take(8).map(|b| format!("{b:02x}")).collect();
    if bytes.len() > 8 {
        s.push('…');
    }
    s
}

impl PublicKey {
    /// RSA from big-endian `n` and `e`: at least 2048 bits, odd `e` in 3..2^32, no ROCA fingerprint.
    pub fn rsa(n: &[u8], e: &[u8]) -> Result<PublicKey, String> {
        RsaKey::from_components(n, e).map(PublicKey::Rsa)
    }

    /// An EC point from its JWK coordinates, which must be exactly the field size and on the curve.
    pub fn ec(curve: Curve, x: &[u8], y: &[u8]) -> Result<PublicKey, String> {
        let size = ec_coordinate_len(curve);
        for (name, c) in [("x", x), ("y", y)] {
            if c.len() != size {
                return Err(format!(
                    "EC {} coordinate \"{name}\" is {} bytes, expected exactly {size}",
                    curve.jwk_name(),
                    c.len()
                ));
            }
        }
        let mut sec1 = Vec::with_capacity(1 + 2 * size);
        sec1.push(0x04);
        sec1.extend_from_slice(x);
        sec1.extend_from_slice(y);
        let off_curve = || format!("EC point (x, y) is not on curve {}", curve.jwk_name());
        // `from_sec1_bytes` checks the curve equation and rejects the identity.
        Ok(match curve {
            Curve::P256 => PublicKey::P256(p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).map_err(|_| off_curve())?),
            Curve::P384 => PublicKey::P384(p384::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).map_err(|_| off_curve())?),
            Curve::P521 => PublicKey::P521(p521::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).map_err(|_| off_curve())?),
            Curve::Secp256k1 => {
                PublicKey::Secp256k1(k256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).map_err(|_| off_curve())?)
            }
        })
    }

    /// An Ed25519 key (32 bytes). Non-canonical encodings, non-points and points of small order are rejected
    /// here, because no signature could ever verify under them (the verifier would refuse them too).
    pub fn ed25519(x: &[u8]) -> Result<PublicKey, String> {
        Ed25519Key::from_bytes(x).map(PublicKey::Ed25519).map_err(|e| match e {
            Ed25519KeyError::Length => format!("Ed25519 public key \"x\" is {} bytes, expected exactly 32", x.len()),
            Ed25519KeyError::SmallOrder => {
                "Ed25519 public key is a point of small order (it would accept forged signatures)".to_owned()
            }
            Ed25519KeyError::Encoding => "Ed25519 public key is not a valid curve point encoding".to_owned(),
        })
    }

    /// An HMAC secret; length rules per algorithm are applied at verification and key selection.
    pub fn oct(k: &[u8]) -> PublicKey {
        PublicKey::Oct(OctKey::new(k.to_vec()))
    }

    pub fn family(&self) -> KeyFamily {
        match self {
            PublicKey::Rsa(_) => KeyFamily::Rsa,
            PublicKey::P256(_) => KeyFamily::Ec(Curve::P256),
            PublicKey::P384(_) => KeyFamily::Ec(Curve::P384),
            PublicKey::P521(_) => KeyFamily::Ec(Curve::P521),
            PublicKey::Secp256k1(_) => KeyFamily::Ec(Curve::Secp256k1),
            PublicKey::Ed25519(_) => KeyFamily::Ed25519,
            PublicKey::Oct(_) => KeyFamily::Oct,
        }
    }

    /// A short human name: "RSA 2048", "EC P-256", "OKP Ed25519", "oct (32 bytes)".
    pub fn family_name(&self) -> String {
        match self {
            PublicKey::Rsa(k) => format!("RSA {}", k.modulus_bits()),
            PublicKey::Ed25519(_) => "OKP Ed25519".to_owned(),
            PublicKey::Oct(k) => format!("oct ({} bytes)", k.len()),
            _ => match self.family() {
                KeyFamily::Ec(c) => format!("EC {}", c.jwk_name()),
                _ => String::new(),
            },
        }
    }

    /// Uncompressed affine coordinates of an EC key, each exactly the field size.
    pub fn ec_coordinates(&self) -> Option<(Vec<u8>, Vec<u8>)> {
        fn xy(p: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
            // SEC1 uncompressed: 0x04 ‖ x ‖ y with equal halves.
            let body = p.strip_prefix(&[0x04])?;
            let (x, y) = body.split_at_checked(body.len() / 2)?;
            Some((x.to_vec(), y.to_vec()))
        }
        match self {
            PublicKey::P256(k) => xy(k.to_encoded_point(false).as_bytes()),
            PublicKey::P384(k) => xy(k.to_encoded_point(false).as_bytes()),
            PublicKey::P521(k) => xy(k.to_encoded_point(false).as_bytes()),
            PublicKey::Secp256k1(k) => xy(k.to_encoded_point(false).as_bytes()),
            _ => None,
        }
    }

    /// The RFC 7638 required members of a public key (`kty` plus `n`/`e`, `crv`/`x`/`y` or `crv`/`x`, canonical
    /// base64url), for a backend that imports the key itself. `None` for HMAC secrets: they never leave the core.
    pub fn public_jwk(&self) -> Option<serde_json::Map<String, serde_json::Value>> {
        use crate::keys::b64url_encode;
        let mut m = serde_json::Map::new();
        let mut put = |k: &str, v: String| m.insert(k.to_owned(), serde_json::Value::String(v));
        match self {
            PublicKey::Rsa(k) => {
                put("kty", "RSA".into());
                put("n", b64url_encode(&k.n_bytes()));
                put("e", b64url_encode(&k.e_bytes()));
            }
            PublicKey::Ed25519(k) => {
                put("kty", "OKP".into());
                put("crv", "Ed25519".into());
                put("x", b64url_encode(k.as_ref()));
            }
            PublicKey::Oct(_) => return None,
            _ => {
                let (KeyFamily::Ec(curve), Some((x, y))) = (self.family(), self.ec_coordinates()) else { return None };
                put("kty", "EC".into());
                put("crv", curve.jwk_name().into());
                put("x", b64url_encode(&x));
                put("y", b64url_encode(&y));
            }
        }
        Some(m)
    }

    /// Whether this key can ever verify `alg`: right family and, for HMAC, a secret at least as long as the hash
    /// output (RFC 7518 §3.2).
    pub fn supports(&self, alg: Alg) -> bool {
        match self {
            PublicKey::Oct(k) => alg.family() == KeyFamily::Oct && k.len() >= hmac_min_key_len(alg),
            _ => alg.family() == self.family(),
        }
    }
}

/// JWK coordinate length in bytes for a curve (RFC 7518 §6.2.1.2: full length, leading zeros kept).
pub fn ec_coordinate_len(curve: Curve) -> usize {
    match curve {
        Curve::P256 | Curve::Secp256k1 => 32,
        Curve::P384 => 48,
        Curve::P521 => 66,
    }
}

/// RFC 7518 §3.2: "A key of the same size as the hash output or larger MUST be used".
pub fn hmac_min_key_len(alg: Alg) -> usize {
    match alg {
        Alg::HS384 => 48,
        Alg::HS512 => 64,
        _ => 32,
    }
}

/// Where signature primitives run. Pure Rust is the default and the reference.
///
/// `handle` names the key within its key set (the JWK's index in the document), so that a backend holding its
/// own copy of each key, imported once when the set was built, can find it; the pure backend ignores it.
/// Key selection and the alg ↔ key binding happen before a backend is asked; a backend must still answer `false`
/// for a key that does not [support](PublicKey::supports) `alg`, exactly as the pure one does.
pub trait SignatureBackend: Send + Sync {
    fn verify(&self, alg: Alg, key: &PublicKey, handle: usize, message: &[u8], signature: &[u8]) -> bool;

    /// A short name for diagnostics ("pure", "native").
    fn name(&self) -> &'static str;
}

/// The pure-Rust backend: jwt-compact's algorithms where it has them, our own ES256 (variable-time P-256),
/// ES384/ES512, Ed25519 and RSA.
#[derive(Clone, Copy, Debug, Default)]
pub struct PureBackend;

impl SignatureBackend for PureBackend {
    fn name(&self) -> &'static str {
        "pure"
    }

    fn verify(&self, alg: Alg, key: &PublicKey, _handle: usize, message: &[u8], signature: &[u8]) -> bool {
        match (alg, key) {
            (Alg::RS256, PublicKey::Rsa(k)) => rsa::verify_pkcs1v15(k, HashAlg::Sha256, message, signature),
            (Alg::RS384, PublicKey::Rsa(k)) => rsa::verify_pkcs1v15(k, HashAlg::Sha384, message, signature),
            (Alg::RS512, PublicKey::Rsa(k)) => rsa::verify_pkcs1v15(k, HashAlg::Sha512, message, signature),
            (Alg::PS256, PublicKey::Rsa(k)) => rsa::verify_pss(k, HashAlg::Sha256, message, signature),
            (Alg::PS384, PublicKey::Rsa(k)) => rsa::verify_pss(k, HashAlg::Sha384, message, signature),
            (Alg::PS512, PublicKey::Rsa(k)) => rsa::verify_pss(k, HashAlg::Sha512, message, signature),
            (Alg::ES256, PublicKey::P256(k)) => p256_vartime::verify(k, message, signature),
            (Alg::ES384, PublicKey::P384(k)) => verify_with(&Es384, k, message, signature),
            (Alg::ES512, PublicKey::P521(k)) => verify_with(&Es512, k, message, signature),
            // jwt-compact's ES256K normalizes high-S first (k256 alone rejects it), matching ES256's behaviour.
            (Alg::ES256K, PublicKey::Secp256k1(k)) => {
                verify_with(&Es256k::<sha2::Sha256>::default(), k, message, signature)
            }
            (Alg::EdDSA, PublicKey::Ed25519(k)) => k.verify(message, signature),
            (Alg::HS256 | Alg::HS384 | Alg::HS512, PublicKey::Oct(k)) if key.supports(alg) => k.verify(alg, message, signature),
            _ => false,
        }
    }
}

/// Runs a jwt-compact algorithm on raw signature bytes.
fn verify_with<A: Algorithm>(alg: &A, key: &A::VerifyingKey, message: &[u8], signature: &[u8]) -> bool {
    // Several jwt-compact signature types panic in `try_from_slice` on a wrong length (they copy into fixed
    // arrays), so the exact length is checked first. For HMAC this also means truncated tags never verify.
    if let Some(len) = A::Signature::LENGTH {
        if signature.len() != len.get() {
            return false;
        }
    }
    match A::Signature::try_from_slice(signature) {
        Ok(sig) => alg.verify_signature(&sig, key, message),
        Err(_) => false,
    }
}

/// The pure backend on one key: the reference every other backend is tested against.
pub fn verify_signature(alg: Alg, key: &PublicKey, message: &[u8], signature: &[u8]) -> bool {
    PureBackend.verify(alg, key, 0, message, signature)
}

/// The backend a key set verifies with: [`PureBackend`] unless a binding installed another one (the wasm
/// binding's node:crypto backend). Cloning a key set shares its backend.
#[derive(Clone, Default)]
pub struct Backend(Option<Arc<dyn SignatureBackend>>);

impl Backend {
    pub fn custom(backend: Arc<dyn SignatureBackend>) -> Backend {
        Backend(Some(backend))
    }

    pub fn is_pure(&self) -> bool {
        self.0.is_none()
    }

    pub fn name(&self) -> &'static str {
        self.0.as_deref().map_or("pure", |b| b.name())
    }

    pub fn verify(&self, alg: Alg, key: &PublicKey, handle: usize, message: &[u8], signature: &[u8]) -> bool {
        match &self.0 {
            None => PureBackend.verify(alg, key, handle, message, signature),
            Some(b) => b.verify(alg, key, handle, message, signature),
        }
    }
}

impl fmt::Debug for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Backend({})", self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::Mac;

    fn hs256(key: &[u8], msg: &[u8]) -> Vec<u8> {
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
        mac.update(msg);
        mac.finalize().into_bytes().to_vec()
    }

    #[test]
    fn hmac_needs_full_tag_and_long_enough_key() {
        let key = PublicKey::oct(&[0x42; 32]);
        let tag = hs256(&[0x42; 32], b"m");
        assert!(verify_signature(Alg::HS256, &key, b"m", &tag));
        assert!(!verify_signature(Alg::HS256, &key, b"n", &tag));
        assert!(!verify_signature(Alg::HS256, &key, b"m", &tag[..16]), "truncated tag");
        assert!(!verify_signature(Alg::HS256, &key, b"m", &[]));
        let mut long = tag.clone();
        long.push(0);
        assert!(!verify_signature(Alg::HS256, &key, b"m", &long));
        assert!(
            !verify_signature(Alg::HS384, &key, b"m", &tag),
            "HS384 needs a 48-byte key"
        );

        let short = PublicKey::oct(&[0x42; 31]);
        assert!(!verify_signature(Alg::HS256, &short, b"m", &hs256(&[0x42; 31], b"m")));
        assert!(!short.supports(Alg::HS256));
    }

    /// The prepared states are cloned, never consumed: the same key verifies many messages, interleaved with other
    /// keys, exactly as a fresh HMAC (and jwt-compact's HS* that verified before) would.
    #[test]
    fn prepared_hmac_states_agree_with_fresh_hmac_across_many_verifications() {
        use jwt_compact::alg::{Hs256, Hs256Key, Hs384, Hs384Key, Hs512, Hs512Key};
        use rand::{Rng, SeedableRng};
        fn tag(alg: Alg, key: &[u8], msg: &[u8]) -> Vec<u8> {
            match alg {
                Alg::HS256 => hmac::Hmac::<Sha256>::new_from_slice(key).unwrap().chain_update(msg).finalize().into_bytes().to_vec(),
                Alg::HS384 => hmac::Hmac::<Sha384>::new_from_slice(key).unwrap().chain_update(msg).finalize().into_bytes().to_vec(),
                _ => hmac::Hmac::<Sha512>::new_from_slice(key).unwrap().chain_update(msg).finalize().into_bytes().to_vec(),
            }
        }
        fn reference(alg: Alg, key: &[u8], msg: &[u8], sig: &[u8]) -> bool {
            key.len() >= hmac_min_key_len(alg)
                && match alg {
                    Alg::HS256 => verify_with(&Hs256, &Hs256Key::from(key), msg, sig),
                    Alg::HS384 => verify_with(&Hs384, &Hs384Key::from(key), msg, sig),
                    _ => verify_with(&Hs512, &Hs512Key::from(key), msg, sig),
                }
        }
        let mut rng = rand::rngs::StdRng::seed_from_u64(61);
        // Key lengths around every threshold and the block sizes (64, 128: longer keys are hashed first).
        let secrets: Vec<Vec<u8>> = [31usize, 32, 33, 47, 48, 63, 64, 65, 127, 128, 129, 200]
            .iter()
            .map(|&n| (0..n).map(|_| rng.gen()).collect())
            .collect();
        let keys: Vec<PublicKey> = secrets.iter().map(|s| PublicKey::oct(s)).collect();
        let mut accepted = 0;
        for round in 0..3000 {
            let i = rng.gen_range(0..keys.len());
            let alg = [Alg::HS256, Alg::HS384, Alg::HS512][rng.gen_range(0..3)];
            let msg: Vec<u8> = (0..rng.gen_range(0..300)).map(|_| rng.gen()).collect();
            // The right key's tag, another key's tag, a flipped bit, truncated, extended.
            let signer = if round % 5 == 0 { rng.gen_range(0..secrets.len()) } else { i };
            let mut sig = tag(alg, &secrets[signer], &msg);
            match round % 7 {
                1 => {
                    let b = rng.gen_range(0..sig.len());
                    sig[b] ^= 1 << rng.gen_range(0..8);
                }
                2 => sig.truncate(rng.gen_range(0..sig.len())),
                3 => sig.push(0),
                _ => {}
            }
            let want = reference(alg, &secrets[i], &msg, &sig);
            assert_eq!(verify_signature(alg, &keys[i], &msg, &sig), want, "round {round}: {alg:?}, key {i}");
            accepted += usize::from(want);
        }
        assert!(accepted > 500, "the corpus must exercise acceptance too ({accepted})");
        // A cloned key (a cloned key set) keeps working independently.
        let copy = keys[1].clone();
        let sig = tag(Alg::HS256, &secrets[1], b"m");
        assert!(verify_signature(Alg::HS256, &copy, b"m", &sig) && verify_signature(Alg::HS256, &keys[1], b"m", &sig));
    }

    #[test]
    fn wrong_family_or_garbage_is_false_not_panic() {
        let oct = PublicKey::oct(&[1; 64]);
        let ed = PublicKey::ed25519(
            &hex::decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a").unwrap(),
        )
        .unwrap();
        let mut n = vec![0xc5u8; 256];
        n[255] = 0x01;
        let rsa = PublicKey::rsa(&n, &[1, 0, 1]).unwrap();
        let p256 = PublicKey::P256(*p256::ecdsa::SigningKey::from_slice(&[5u8; 32]).unwrap().verifying_key());
        let sigs: [&[u8]; 7] =
            [&[], &[0u8; 1], &[0xffu8; 64], &[0u8; 64], &[0xffu8; 96], &[0xffu8; 132], &[0xffu8; 256]];
        for alg in Alg::ALL {
            for key in [&oct, &ed, &rsa, &p256] {
                for sig in sigs {
                    if alg.is_symmetric() && key.family() == KeyFamily::Oct {
                        continue;
                    }
                    assert!(!verify_signature(alg, key, b"m", sig), "{alg:?} {key:?} {}", sig.len());
                }
            }
        }
    }

    #[test]
    fn ed25519_rfc8032_test_1_and_small_order_keys() {
        let pk = hex::decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a").unwrap();
        let sig = hex::decode("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b").unwrap();
        let key = PublicKey::ed25519(&pk).unwrap();
        assert!(verify_signature(Alg::EdDSA, &key, b"", &sig));
        assert!(!verify_signature(Alg::EdDSA, &key, b"x", &sig));
        assert!(!verify_signature(Alg::EdDSA, &key, b"", &sig[..63]));

        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert!(PublicKey::ed25519(&identity).unwrap_err().contains("small order"));
        assert!(PublicKey::ed25519(&pk[..31]).unwrap_err().contains("31 bytes"));
    }

    #[test]
    fn ec_coordinates_checked_for_length_and_curve() {
        // RFC 7515 A.3 key.
        let x = hex::decode("7f7e4ae3a1e2a2c3e7e14a0f0bbd0a6b1c79a8e0f6b0e2d28b2d7f0ab2f4b4d1").unwrap();
        let y = x.clone();
        assert!(PublicKey::ec(Curve::P256, &x, &y)
            .unwrap_err()
            .contains("not on curve P-256"));
        assert!(PublicKey::ec(Curve::P256, &x[..31], &y)
            .unwrap_err()
            .contains("\"x\" is 31 bytes, expected exactly 32"));
        assert!(PublicKey::ec(Curve::P384, &x, &y)
            .unwrap_err()
            .contains("expected exactly 48"));
        let sk = p256::ecdsa::SigningKey::from_slice(&[5u8; 32]).unwrap();
        let key = PublicKey::P256(*sk.verifying_key());
        let (x, y) = key.ec_coordinates().unwrap();
        let back = PublicKey::ec(Curve::P256, &x, &y).unwrap();
        assert_eq!(back.family(), KeyFamily::Ec(Curve::P256));
        let sig: p256::ecdsa::Signature = p256::ecdsa::signature::Signer::sign(&sk, b"msg");
        let raw = sig.to_bytes();
        assert!(verify_signature(Alg::ES256, &back, b"msg", &raw));
        assert!(!verify_signature(Alg::ES256K, &back, b"msg", &raw));
        let der = sig.to_der();
        assert!(
            !verify_signature(Alg::ES256, &back, b"msg", der.as_bytes()),
            "DER is not the JWS form"
        );
    }

    #[test]
    fn debug_never_prints_secrets() {
        let s = format!("{:?}", PublicKey::oct(b"super-secret-hmac-key-0123456789"));
        assert!(!s.contains("super") && s.contains("redacted"), "{s}");
    }
}

//! ES384 (P-384) and ES512 (P-521) as jwt-compact algorithms: jwt-compact 0.8 ships ES256 and ES256K only.
//!
//! Signatures are the JWS form, `r ‖ s` with each half as long as the curve order (RFC 7518 §3.4); DER is never
//! accepted. High-S signatures are accepted, as jose and WebCrypto accept them: JWS does not ask for low-S.

use core::num::NonZeroUsize;

use jwt_compact::{Algorithm, AlgorithmSignature};
use p384::ecdsa::signature::{Signer, Verifier};

use std::borrow::Cow;

/// `ES384`: ECDSA over P-384 with SHA-384.
#[derive(Debug, Clone, Copy, Default)]
pub struct Es384;

/// `ES512`: ECDSA over P-521 with SHA-512.
#[derive(Debug, Clone, Copy, Default)]
pub struct Es512;

/// A P-384 signature in JWS form (96 bytes).
#[derive(Debug, Clone)]
pub struct Es384Signature(p384::ecdsa::Signature);

/// A P-521 signature in JWS form (132 bytes).
#[derive(Debug, Clone)]
pub struct Es512Signature(p521::ecdsa::Signature);

impl AlgorithmSignature for Es384Signature {
    const LENGTH: Option<NonZeroUsize> = NonZeroUsize::new(96);

    fn try_from_slice(slice: &[u8]) -> anyhow::Result<Self> {
        // `from_slice` also rejects r or s equal to zero or not below the group order.
        p384::ecdsa::Signature::from_slice(slice)
            .map(Es384Signature)
            .map_err(|_| anyhow::anyhow!("malformed ES384 signature"))
    }

    fn as_bytes(&self) -> Cow<'_, [u8]> {
        Cow::Owned(self.0.to_bytes().to_vec())
    }
}

impl AlgorithmSignature for Es512Signature {
    const LENGTH: Option<NonZeroUsize> = NonZeroUsize::new(132);

    fn try_from_slice(slice: &[u8]) -> anyhow::Result<Self> {
        p521::ecdsa::Signature::from_slice(slice)
            .map(Es512Signature)
            .map_err(|_| anyhow::anyhow!("malformed ES512 signature"))
    }

    fn as_bytes(&self) -> Cow<'_, [u8]> {
        Cow::Owned(self.0.to_bytes().to_vec())
    }
}

impl Algorithm for Es384 {
    type SigningKey = p384::ecdsa::SigningKey;
    type VerifyingKey = p384::ecdsa::VerifyingKey;
    type Signature = Es384Signature;

    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("ES384")
    }

    fn sign(&self, signing_key: &Self::SigningKey, message: &[u8]) -> Self::Signature {
        Es384Signature(signing_key.sign(message))
    }

    fn verify_signature(
        &self,
        signature: &Self::Signature,
        verifying_key: &Self::VerifyingKey,
        message: &[u8],
    ) -> bool {
        verifying_key.verify(message, &signature.0).is_ok()
    }
}

impl Algorithm for Es512 {
    type SigningKey = p521::ecdsa::SigningKey;
    type VerifyingKey = p521::ecdsa::VerifyingKey;
    type Signature = Es512Signature;

    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("ES512")
    }

    fn sign(&self, signing_key: &Self::SigningKey, message: &[u8]) -> Self::Signature {
        Es512Signature(signing_key.sign(message))
    }

    fn verify_signature(
        &self,
        signature: &Self::Signature,
        verifying_key: &Self::VerifyingKey,
        message: &[u8],
    ) -> bool {
        verifying_key.verify(message, &signature.0).is_ok()
    }
}

// jwt-compact's key traits let these algorithms be used with its own token API as well.
impl jwt_compact::alg::VerifyingKey<Es384> for p384::ecdsa::VerifyingKey {
    fn from_slice(raw: &[u8]) -> anyhow::Result<Self> {
        Self::from_sec1_bytes(raw).map_err(|_| anyhow::anyhow!("invalid P-384 public key"))
    }

    fn as_bytes(&self) -> Cow<'_, [u8]> {
        Cow::Owned(self.to_encoded_point(true).as_bytes().to_vec())
    }
}

impl jwt_compact::alg::VerifyingKey<Es512> for p521::ecdsa::VerifyingKey {
    fn from_slice(raw: &[u8]) -> anyhow::Result<Self> {
        Self::from_sec1_bytes(raw).map_err(|_| anyhow::anyhow!("invalid P-521 public key"))
    }

    fn as_bytes(&self) -> Cow<'_, [u8]> {
        Cow::Owned(self.to_encoded_point(true).as_bytes().to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn es384_round_trip_and_tamper() {
        let sk = p384::ecdsa::SigningKey::from_slice(&[7u8; 48]).unwrap();
        let vk = *sk.verifying_key();
        let sig = Es384.sign(&sk, b"payload");
        let bytes = sig.as_bytes().into_owned();
        assert_eq!(bytes.len(), 96);
        let parsed = Es384Signature::try_from_slice(&bytes).unwrap();
        assert!(Es384.verify_signature(&parsed, &vk, b"payload"));
        assert!(!Es384.verify_signature(&parsed, &vk, b"payloaD"));
        assert!(Es384Signature::try_from_slice(&[0u8; 96]).is_err(), "r = s = 0");
    }

    #[test]
    fn es512_round_trip_and_tamper() {
        let mut secret = [9u8; 66];
        secret[0] = 0; // keep it below the 521-bit group order
        let sk = p521::ecdsa::SigningKey::from_slice(&secret).unwrap();
        let vk = p521::ecdsa::VerifyingKey::from(&sk);
        let sig = Es512.sign(&sk, b"payload");
        let bytes = sig.as_bytes().into_owned();
        assert_eq!(bytes.len(), 132);
        let parsed = Es512Signature::try_from_slice(&bytes).unwrap();
        assert!(Es512.verify_signature(&parsed, &vk, b"payload"));
        assert!(!Es512.verify_signature(&parsed, &vk, b"xpayload"));
    }
}

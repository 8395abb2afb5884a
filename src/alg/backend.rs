//! INTERFACE STUB — owned by the crypto work package; replaced by the real implementation.
use super::Alg;

/// A parsed public (or, for HS*, shared secret) key, ready to verify many signatures.
#[derive(Clone, Debug)]
pub enum PublicKey {
    Oct(Vec<u8>),
}

/// Where signature primitives run. Pure Rust is the default and the reference.
pub trait SignatureBackend {
    fn verify(&self, alg: Alg, key: &PublicKey, message: &[u8], signature: &[u8]) -> bool;
}

pub struct PureBackend;

impl SignatureBackend for PureBackend {
    fn verify(&self, _alg: Alg, _key: &PublicKey, _message: &[u8], _signature: &[u8]) -> bool {
        false
    }
}

pub fn verify_signature(alg: Alg, key: &PublicKey, message: &[u8], signature: &[u8]) -> bool {
    PureBackend.verify(alg, key, message, signature)
}

//! INTERFACE STUB — owned by the keys work package; replaced by the real implementation.
use crate::alg::{Alg, PublicKey};
use crate::error::{ErrorCode, Result};
use serde::Serialize;

#[derive(Clone, Debug, Default)]
pub struct KeySetOptions {
    pub allow_symmetric: bool,
}

/// One usable key of a set. Serializes as `{ kid, kty, alg, use, crv, thumbprint }`.
#[derive(Clone, Debug, Serialize)]
pub struct Key {
    #[serde(skip)]
    pub index: usize,
    pub kid: Option<String>,
    pub kty: String,
    pub alg: Option<String>,
    #[serde(rename = "use")]
    pub use_: Option<String>,
    #[serde(skip)]
    pub key_ops: Option<Vec<String>>,
    pub crv: Option<String>,
    pub thumbprint: String,
    #[serde(skip)]
    pub public: PublicKey,
}

#[derive(Clone, Debug, Serialize)]
pub struct RejectedKey {
    pub index: usize,
    pub kid: Option<String>,
    pub code: ErrorCode,
    pub reason: String,
}

#[derive(Clone, Debug, Default)]
pub struct KeySet {
    pub keys: Vec<Key>,
    pub rejected: Vec<RejectedKey>,
}

impl KeySet {
    pub fn from_jwks_str(_text: &str, _opts: &KeySetOptions) -> Result<KeySet> {
        Ok(KeySet::default())
    }
    pub fn from_jwks_value(_v: &serde_json::Value, _opts: &KeySetOptions) -> Result<KeySet> {
        Ok(KeySet::default())
    }
    pub fn select(&self, _alg: Alg, _kid: Option<&str>) -> Vec<&Key> {
        Vec::new()
    }
    pub fn describe_no_match(&self, _alg: Alg, _kid: Option<&str>) -> String {
        String::new()
    }
}

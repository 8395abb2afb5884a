//! Fixed inputs shared by the targets: a key set holding one key of every family (the RFC 7515 A.1–A.3
//! and RFC 8037 A.1 keys, public parts only), and a policy with every kind of operator.
#![allow(dead_code)]

use oidc_trust::keys::{KeySet, KeySetOptions};
use oidc_trust::policy::{DialectChoice, Policy};

pub const NOW: f64 = 1_300_000_000.0;

pub const JWKS: &str = include_str!("../seeds/jwks.json");
pub const POLICIES: [&str; 2] = [include_str!("../seeds/policy_github.json"), include_str!("../seeds/policy_ops.json")];

pub fn key_set() -> KeySet {
    KeySet::from_jwks_str(JWKS, &KeySetOptions { allow_symmetric: true }).expect("fixed JWKS parses")
}

pub fn policies() -> Vec<Policy> {
    POLICIES.iter().map(|p| Policy::parse_str(p, DialectChoice::Aws).expect("fixed policy parses")).collect()
}

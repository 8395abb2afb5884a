//! oidc-trust: decode OpenID Connect JWTs, verify them against a JWKS, validate their claims and evaluate
//! cloud trust policies on them, with a trace that explains every decision.
//!
//! The core knows nothing of JavaScript; `src/wasm/` (feature `wasm`) is the only binding layer.

pub mod alg;
pub mod check;
pub mod claims;
pub mod error;
pub mod json;
pub mod keys;
pub mod mint;
pub mod policy;
pub mod token;
pub mod verifier;
pub mod verify;

#[cfg(feature = "wasm")]
mod wasm;

pub use error::{Error, ErrorCode, Result};

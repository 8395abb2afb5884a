//! INTERFACE STUB — owned by the policy work package.
use crate::error::{Error, Result};
use serde::Serialize;
use serde_json::{Map, Value};

pub enum DialectChoice {
    Auto,
    Aws,
}
impl DialectChoice {
    pub fn from_name(name: &str) -> Result<DialectChoice> {
        match name {
            "auto" => Ok(DialectChoice::Auto),
            "aws" => Ok(DialectChoice::Aws),
            other => Err(Error::invalid_argument(format!("unknown policy dialect {other:?} (known: auto, aws)"))),
        }
    }
}
pub struct EvalContext {
    pub provider: Option<String>,
}
#[derive(Debug, Serialize)]
pub struct Lint {}
#[derive(Debug, Serialize)]
pub struct Decision {}
impl Decision {
    pub fn allowed(&self) -> bool {
        false
    }
}
pub struct Policy {}
impl Policy {
    pub fn parse_str(_doc: &str, _d: DialectChoice) -> Result<Policy> {
        Err(Error::policy("$", "not implemented"))
    }
    pub fn dialect(&self) -> &'static str {
        "aws"
    }
    pub fn lints(&self) -> &[Lint] {
        &[]
    }
    pub fn evaluate(&self, _claims: &Map<String, Value>, _ctx: &EvalContext) -> Decision {
        Decision {}
    }
}
/// The provider prefix AWS derives from an issuer: `iss` with `https://` removed, kept exactly.
pub fn provider_from_issuer(iss: &str) -> String {
    iss.strip_prefix("https://").unwrap_or(iss).to_owned()
}

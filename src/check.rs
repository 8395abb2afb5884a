//! `check`: the whole pipeline as one result that never fails for a bad token. Decoding, key selection,
//! signature, claims and policy each report where the token stopped; the policy is evaluated on the decoded
//! claims even when an earlier stage failed, so a person debugging sees every problem at once (`ok` and
//! `stage` still say the token was not accepted).

use crate::claims::VerifyOptions;
use crate::error::{Error, ErrorCode};
use crate::keys::KeySet;
use crate::policy::{Decision, EvalContext, Policy};
use crate::token::{self, DecodeOptions};
use crate::verify::{self, KeyRef};
use serde::Serialize;
use serde_json::{Map, Value};

/// Where the keys come from: an already parsed set, or a JWKS that failed to parse.
pub enum KeySource<'a> {
    Parsed(&'a KeySet),
    Failed(Error),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Decode,
    Keys,
    Signature,
    Claims,
    Policy,
    Done,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    pub ok: bool,
    pub stage: Stage,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<KeyRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Error>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<Decision>,
}

fn stage_of(e: &Error) -> Stage {
    match e.code {
        ErrorCode::JwsInvalid | ErrorCode::JwtInvalid => Stage::Decode,
        ErrorCode::JwksInvalid | ErrorCode::JwkInvalid | ErrorCode::JwksNoMatchingKey => Stage::Keys,
        ErrorCode::JwtExpired | ErrorCode::ClaimValidationFailed => Stage::Claims,
        ErrorCode::PolicyInvalid => Stage::Policy,
        _ => Stage::Signature,
    }
}

pub fn check(token: &str, keys: KeySource<'_>, policy: Option<&Policy>, opts: &VerifyOptions, now: f64) -> CheckResult {
    let mut result = CheckResult { ok: false, stage: Stage::Decode, header: None, claims: None, key: None, error: None, policy: None };
    let mut dopts = DecodeOptions::default();
    if let Some(max) = opts.max_token_size {
        dopts.max_token_size = max;
    }
    // Decode first so header and claims are shown whatever fails later.
    match token::decode(token, &dopts) {
        Ok(d) => {
            result.header = Some(d.header);
            result.claims = Some(d.claims);
        }
        Err(e) => {
            result.error = Some(e);
            return result;
        }
    }
    if let (Some(policy), Some(claims)) = (policy, &result.claims) {
        let ctx = EvalContext { now: Some(opts.current_date.unwrap_or(now)), ..Default::default() };
        result.policy = Some(policy.evaluate(claims, &ctx));
    }
    let outcome = match keys {
        KeySource::Failed(e) => Err(e),
        KeySource::Parsed(ks) => verify::verify(token, ks, opts, now),
    };
    match outcome {
        Err(e) => {
            result.stage = stage_of(&e);
            result.error = Some(e);
        }
        Ok(v) => {
            result.key = Some(v.key);
            match &result.policy {
                Some(d) if !d.allowed() => result.stage = Stage::Policy,
                _ => {
                    result.stage = Stage::Done;
                    result.ok = true;
                }
            }
        }
    }
    result
}

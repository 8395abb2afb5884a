//! `check`: the whole pipeline as one result that never fails for a bad token. Decoding, key selection,
//! signature, claims and policy each report where the token stopped; the policy is evaluated on the decoded
//! claims even when an earlier stage failed, so a person debugging sees every problem at once (`ok` and
//! `stage` still say the token was not accepted).

use crate::claims::{self, VerifyOptions};
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
    // Decode once, first, so header and claims are shown whatever fails later; the signature is then checked
    // on the same decoded token.
    let decoded = token::decode_jws(token, &dopts).and_then(|jws| token::parse_claims(&jws.payload, &dopts).map(|c| (jws, c)));
    let (jws, claims) = match decoded {
        Ok(d) => d,
        Err(e) => {
            result.error = Some(e);
            return result;
        }
    };
    if let Some(policy) = policy {
        let ctx = EvalContext { now: Some(opts.current_date.unwrap_or(now)), ..Default::default() };
        result.policy = Some(policy.evaluate(&claims, &ctx));
    }
    let signed = match keys {
        KeySource::Failed(e) => Err(e),
        KeySource::Parsed(ks) => verify::verify_parsed(&jws, ks, opts).map(|(alg, key)| verify::key_ref(key, alg)),
    };
    let outcome = signed.and_then(|key| {
        result.key = Some(key);
        claims::validate(&jws.header, &claims, opts, opts.current_date.unwrap_or(now))
    });
    result.header = Some(jws.header_map());
    result.claims = Some(claims);
    match outcome {
        Err(e) => {
            result.stage = stage_of(&e);
            result.error = Some(e);
        }
        Ok(()) => match &result.policy {
            Some(d) if !d.allowed() => result.stage = Stage::Policy,
            _ => {
                result.stage = Stage::Done;
                result.ok = true;
            }
        },
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KeySetOptions;
    use crate::mint::{TestIssuer, TestIssuerOptions};
    use crate::policy::DialectChoice;
    use serde_json::json;

    const NOW: f64 = 1_700_000_000.0;
    const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.fly.io/acme"},
        "Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{"StringEquals":{"oidc.fly.io/acme:aud":"sts.amazonaws.com"},"StringLike":{"oidc.fly.io/acme:sub":"acme:web:*"}}}]}"#;

    fn setup() -> (TestIssuer, KeySet, Policy) {
        let iss = TestIssuer::generate(&TestIssuerOptions::default()).unwrap();
        let keys = KeySet::from_jwks_value(&iss.jwks(), &KeySetOptions::default()).unwrap();
        (iss, keys, Policy::parse_str(POLICY, DialectChoice::Auto).unwrap())
    }

    fn sign(iss: &TestIssuer, sub: &str, exp: f64) -> String {
        let claims = json!({"iss": "https://oidc.fly.io/acme", "aud": "sts.amazonaws.com", "sub": sub, "exp": exp});
        iss.sign(claims.as_object().unwrap(), &Map::new()).unwrap()
    }

    #[test]
    fn every_stage_is_reported_without_failing() {
        let (iss, keys, policy) = setup();
        let opts = VerifyOptions::default();
        let run = |t: &str, ks: KeySource<'_>| check(t, ks, Some(&policy), &opts, NOW);

        let ok = run(&sign(&iss, "acme:web:1", NOW + 60.0), KeySource::Parsed(&keys));
        assert!(ok.ok && ok.stage == Stage::Done && ok.key.is_some() && ok.error.is_none());
        assert!(ok.policy.as_ref().unwrap().allowed());

        let bad = run("not.a.token", KeySource::Parsed(&keys));
        assert_eq!((bad.ok, bad.stage, bad.error.unwrap().code), (false, Stage::Decode, ErrorCode::JwsInvalid));

        let keyless = run(&sign(&iss, "acme:web:1", NOW + 60.0), KeySource::Failed(Error::new(ErrorCode::JwksInvalid, "x")));
        assert_eq!(keyless.stage, Stage::Keys);
        // The policy is still evaluated on the decoded claims, so a person sees both problems.
        assert!(keyless.policy.is_some() && keyless.claims.is_some());

        let (other, _, _) = setup();
        let forged = run(&sign(&other, "acme:web:1", NOW + 60.0), KeySource::Parsed(&keys));
        assert_eq!(forged.stage, Stage::Keys, "{:?}", forged.error); // other issuer's kid is unknown

        let expired = run(&sign(&iss, "acme:web:1", NOW - 60.0), KeySource::Parsed(&keys));
        assert_eq!((expired.stage, expired.error.as_ref().unwrap().code), (Stage::Claims, ErrorCode::JwtExpired));
        assert!(expired.key.is_some(), "the key that verified the signature is reported even when claims fail");

        let denied = run(&sign(&iss, "acme:api:1", NOW + 60.0), KeySource::Parsed(&keys));
        assert!(!denied.ok);
        assert_eq!(denied.stage, Stage::Policy);
        assert!(denied.error.is_none());
        assert!(!denied.policy.unwrap().allowed());
    }

    #[test]
    fn tampered_signature_is_the_signature_stage() {
        let (iss, keys, _) = setup();
        let t = sign(&iss, "acme:web:1", NOW + 60.0);
        let (input, sig) = t.rsplit_once('.').unwrap();
        let mut sig = crate::token::b64url_decode(sig).unwrap();
        sig[3] ^= 0x40;
        let tampered = format!("{input}.{}", crate::token::b64url_encode(&sig));
        let r = check(&tampered, KeySource::Parsed(&keys), None, &VerifyOptions::default(), NOW);
        assert_eq!((r.stage, r.error.unwrap().code), (Stage::Signature, ErrorCode::SignatureVerificationFailed));
        assert!(r.policy.is_none() && r.key.is_none());
    }
}

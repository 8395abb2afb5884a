#![no_main]
use libfuzzer_sys::fuzz_target;
use oidc_trust::policy::{DialectChoice, Policy};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(policy) = Policy::parse_str(text, DialectChoice::Auto) {
            let claims = serde_json::json!({"iss": "https://token.actions.githubusercontent.com", "sub": "repo:o/r:ref:refs/heads/main", "aud": "sts.amazonaws.com"});
            let _ = policy.evaluate(claims.as_object().expect("object"), &Default::default());
        }
    }
});

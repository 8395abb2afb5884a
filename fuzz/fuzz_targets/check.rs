#![no_main]
mod common;
use libfuzzer_sys::fuzz_target;
use oidc_trust::check::{check, KeySource};
use oidc_trust::claims::VerifyOptions;
use std::sync::OnceLock;

static STATE: OnceLock<(oidc_trust::keys::KeySet, Vec<oidc_trust::policy::Policy>)> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let (keys, policies) = STATE.get_or_init(|| (common::key_set(), common::policies()));
    if let Ok(token) = std::str::from_utf8(data) {
        let opts = VerifyOptions { require_expiration: false, ..Default::default() };
        for policy in policies {
            let r = check(token, KeySource::Parsed(keys), Some(policy), &opts, common::NOW);
            // ok only when the whole pipeline succeeded.
            assert!(!r.ok || (r.key.is_some() && r.error.is_none()));
        }
    }
});

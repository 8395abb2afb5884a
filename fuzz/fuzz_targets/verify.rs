#![no_main]
mod common;
use libfuzzer_sys::fuzz_target;
use oidc_trust::claims::VerifyOptions;
use std::sync::OnceLock;

static KEYS: OnceLock<oidc_trust::keys::KeySet> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let keys = KEYS.get_or_init(common::key_set);
    if let Ok(token) = std::str::from_utf8(data) {
        let opts = VerifyOptions { require_expiration: false, ..Default::default() };
        let _ = oidc_trust::verify::verify(token, keys, &opts, common::NOW);
        let _ = oidc_trust::verify::compact_verify(token, keys, &opts);
    }
});

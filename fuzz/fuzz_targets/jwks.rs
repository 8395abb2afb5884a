#![no_main]
use libfuzzer_sys::fuzz_target;
use oidc_trust::keys::{KeySet, KeySetOptions};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        for allow_symmetric in [false, true] {
            if let Ok(set) = KeySet::from_jwks_str(text, &KeySetOptions { allow_symmetric }) {
                for alg in oidc_trust::alg::Alg::ALL {
                    let _ = set.select(alg, None);
                    let _ = set.describe_no_match(alg, Some("k"));
                }
            }
        }
    }
});

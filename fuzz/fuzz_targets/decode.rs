#![no_main]
use libfuzzer_sys::fuzz_target;
use oidc_trust::token::{decode, decode_jws, DecodeOptions};

fuzz_target!(|data: &[u8]| {
    if let Ok(token) = std::str::from_utf8(data) {
        let opts = DecodeOptions::default();
        let full = decode(token, &opts);
        let jws = decode_jws(token, &opts);
        // A token that decodes as a JWT always decodes as a JWS.
        assert!(full.is_err() || jws.is_ok());
    }
});

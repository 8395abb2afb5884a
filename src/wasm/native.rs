//! The native signature backend: the signature primitive runs in the host's synchronous `node:crypto` (Node,
//! Deno, Bun), everything else stays in wasm. The JS side (pkg/src/native.js) imports each accepted public key
//! once and hands over an object with `verify(handle, alg, message, signature) → boolean`; this file keeps that
//! object and calls it with views into wasm memory, so neither the signing input nor the signature is copied.
//!
//! The JS objects live in a registry here rather than inside the backend, so that the backend stays plain data
//! (`Send + Sync`, as the core's key sets are) without any `unsafe`; dropping the last clone of a key set frees
//! its registry slot and with it the imported keys.

use std::cell::RefCell;
use std::sync::Arc;

use wasm_bindgen::prelude::*;

use crate::alg::{Alg, Backend, PublicKey, PureBackend, SignatureBackend};

#[wasm_bindgen]
extern "C" {
    /// `{ verify(handle, alg, message, signature) }` from pkg/src/native.js. `alg` is the index of the algorithm
    /// in [`Alg::ALL`] (the JS side gets the names from `algorithmNames()`); `message` and `signature` are views
    /// into wasm memory, valid for the duration of the call only.
    pub type NativeVerifier;

    #[wasm_bindgen(method, structural, catch)]
    fn verify(this: &NativeVerifier, handle: u32, alg: u32, message: &[u8], signature: &[u8]) -> Result<bool, JsValue>;
}

thread_local! {
    static VERIFIERS: RefCell<Vec<Option<NativeVerifier>>> = const { RefCell::new(Vec::new()) };
}

/// Runs the keys the JS side imported natively there; every other key (HMAC secrets, keys the runtime could not
/// import) on the pure backend.
struct JsBackend {
    slot: usize,
    /// By JWK index: whether the JS side holds that key.
    native: Vec<bool>,
}

impl SignatureBackend for JsBackend {
    fn name(&self) -> &'static str {
        "native"
    }

    fn verify(&self, alg: Alg, key: &PublicKey, handle: usize, message: &[u8], signature: &[u8]) -> bool {
        if !self.native.get(handle).copied().unwrap_or(false) {
            return PureBackend.verify(alg, key, handle, message, signature);
        }
        // The pure backend answers `false` for a key of another family; the native one must not be asked (an RSA
        // KeyObject would happily check an "ES256" signature as PKCS#1 v1.5).
        if !key.supports(alg) {
            return false;
        }
        let code = alg as u32;
        VERIFIERS.with(|registry| match registry.borrow().get(self.slot) {
            // A throw is a malformed input the host refused to look at: not a valid signature.
            Some(Some(js)) => js.verify(handle as u32, code, message, signature).unwrap_or(false),
            _ => PureBackend.verify(alg, key, handle, message, signature),
        })
    }
}

impl Drop for JsBackend {
    fn drop(&mut self) {
        VERIFIERS.with(|registry| {
            if let Some(entry) = registry.borrow_mut().get_mut(self.slot) {
                *entry = None;
            }
        });
    }
}

/// A backend for `verifier`, which holds natively imported copies of the keys with these JWK indexes.
pub(super) fn backend(verifier: NativeVerifier, handles: &[u32]) -> Backend {
    let slot = VERIFIERS.with(|registry| {
        let mut registry = registry.borrow_mut();
        match registry.iter().position(Option::is_none) {
            Some(free) => {
                registry[free] = Some(verifier);
                free
            }
            None => {
                registry.push(Some(verifier));
                registry.len() - 1
            }
        }
    });
    let mut native = Vec::new();
    for &h in handles {
        let h = h as usize;
        if native.len() <= h {
            native.resize(h + 1, false);
        }
        native[h] = true;
    }
    Backend::custom(Arc::new(JsBackend { slot, native }))
}

/// Names of the algorithms by the code `NativeVerifier::verify` receives.
#[wasm_bindgen(js_name = algorithmNames)]
pub fn algorithm_names() -> Vec<String> {
    Alg::ALL.iter().map(|a| a.name().to_owned()).collect()
}

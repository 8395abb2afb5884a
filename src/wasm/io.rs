//! Strings into wasm without wasm-bindgen's per-call copy loop: one input buffer in wasm memory, reused, that the
//! JS wrapper fills with `TextEncoder.encodeInto` (native code) before a call that takes the byte length instead
//! of a string. wasm-bindgen's own string argument allocates a buffer per call and copies an ASCII string one
//! character at a time in JS, which cost as much as the rest of a cache hit.
//!
//! The buffer belongs to this module; JS writes into `[ioInput(n), +n)` and passes how many bytes it wrote. The
//! bytes are checked to be UTF-8 here (they always are: `encodeInto` writes UTF-8), so nothing unchecked reaches
//! the core.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use crate::error::Error;

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The start of an input buffer of at least `len` bytes (`0` releases it), valid until the next call that may
/// allocate in wasm. JS writes the string's UTF-8 there and passes the length it wrote.
#[wasm_bindgen(js_name = ioInput)]
pub fn io_input(len: usize) -> *mut u8 {
    INPUT.with(|cell| {
        let mut buf = cell.borrow_mut();
        if len == 0 {
            *buf = Vec::new();
        } else if buf.len() < len {
            buf.resize(len, 0);
        }
        buf.as_mut_ptr()
    })
}

/// The wasm memory, so the JS wrapper can write into the input buffer.
#[wasm_bindgen(js_name = ioMemory)]
pub fn io_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Runs `f` on the first `len` bytes of the input buffer as a string. The buffer is taken out while `f` runs, so
/// a call that re-enters (a native signature backend calling JS) cannot see it change.
pub(super) fn with_input<R>(len: usize, f: impl FnOnce(&str) -> R) -> Result<R, Error> {
    let buf = INPUT.with(|cell| std::mem::take(&mut *cell.borrow_mut()));
    let result = match buf.get(..len).map(core::str::from_utf8) {
        Some(Ok(s)) => Ok(f(s)),
        Some(Err(_)) => Err(Error::invalid_argument("the string passed to wasm is not UTF-8")),
        None => Err(Error::invalid_argument(format!("the string passed to wasm claims {len} bytes, more than its buffer"))),
    };
    INPUT.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_empty() {
            *slot = buf;
        }
    });
    result
}

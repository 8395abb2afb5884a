// Strings into wasm through one reused input buffer (src/wasm/io.rs): `TextEncoder.encodeInto` writes the UTF-8
// in native code, where wasm-bindgen's string argument allocates per call and copies an ASCII string one
// character at a time in JS (for a 600-character token that loop cost as much as a whole cache hit).

// Above this the buffer is released after the call, so one huge string does not stay resident.
const KEEP_BYTES = 64 * 1024;

// One writer per wasm module: the buffer is the module's, and a second writer resizing it would leave the first
// writing into freed memory.
const inputs = new WeakMap();

/**
 * @param {any} wasm the initialised wasm-bindgen module (`ioInput`, `ioMemory`)
 * @returns {(text: string, fn: (len: number) => any) => any} runs `fn` with `text` in the input buffer
 */
export function inputFor(wasm) {
  let input = inputs.get(wasm);
  if (input === undefined) {
    input = createInput(wasm);
    inputs.set(wasm, input);
  }
  return input;
}

function createInput(wasm) {
  const memory = wasm.ioMemory();
  const encoder = new TextEncoder();
  let view = new Uint8Array(0);
  let ptr = 0;
  let capacity = 0;

  function reserve(bytes) {
    ptr = wasm.ioInput(bytes);
    capacity = bytes;
    view = new Uint8Array(memory.buffer, ptr, capacity);
  }

  return function withInput(text, fn) {
    if (text.length > capacity) reserve(text.length);
    // Growing the wasm memory detaches the old buffer, and every view on it reads as empty.
    else if (view.byteLength === 0) view = new Uint8Array(memory.buffer, ptr, capacity);
    let { read, written } = encoder.encodeInto(text, view);
    if (read < text.length) {
      // Not ASCII: UTF-8 needs up to 3 bytes per UTF-16 unit.
      reserve(text.length * 3);
      ({ written } = encoder.encodeInto(text, view));
    }
    if (capacity <= KEEP_BYTES) return fn(written);
    try {
      return fn(written);
    } finally {
      wasm.ioInput(0);
      capacity = 0;
      view = new Uint8Array(0);
    }
  };
}

/**
 * A reader of `verifyInput`'s result (src/wasm/mod.rs `result_parts`): `<h>,<k>,` then the header JSON (h UTF-16
 * units), the key JSON (k units) and the claims JSON. Tokens from one issuer share their header and key texts, so
 * the reader parses each distinct one once and hands every result its own shallow copy (when all its values are
 * primitives; a header with nested values is parsed for every result, so no two results share an object). Only the
 * claims are parsed every time. The result is what `JSON.parse` of `{"header":…,"claims":…,"key":…}` gives.
 * @returns {(text: string) => { header: object, claims: object, key: object }}
 */
export function verifiedReader() {
  const header = templateOf();
  const key = templateOf();
  return function readVerified(text) {
    const a = text.indexOf(',');
    const b = text.indexOf(',', a + 1);
    const h = Number(text.slice(0, a));
    const k = Number(text.slice(a + 1, b));
    const start = b + 1;
    if (h === 0) return JSON.parse(text.slice(start));
    return {
      header: header(text.slice(start, start + h)),
      claims: JSON.parse(text.slice(start + h + k)),
      key: key(text.slice(start + h, start + h + k)),
    };
  };
}

/** `(text) => JSON.parse(text)` for texts that repeat: the last distinct one parsed once, copied after that. */
function templateOf() {
  let lastText;
  let last;
  let flat = false;
  return (text) => {
    if (text !== lastText) {
      last = JSON.parse(text);
      lastText = text;
      flat = Object.values(last).every((v) => v === null || typeof v !== 'object');
    }
    return flat ? { ...last } : JSON.parse(text);
  };
}

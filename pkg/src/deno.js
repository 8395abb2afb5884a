// Deno entry: a source-phase import gives the compiled WebAssembly.Module without any permission (reading the
// file with Deno.readFileSync would need --allow-read, even for an npm package's own files).
import source wasmModule from '../dist/oidc_trust_bg.wasm';
import * as wasm from '../dist/oidc_trust.js';
import { createApi } from './api.js';

// No native signature backend here: Deno's node:crypto (2.9.6, its own Rust implementation) failed the differential
// test (tests/js/native-backend.test.js): it accepts PS384/PS512 signatures whose value is ≥ the modulus (reduced
// instead of refused) and refuses high-S secp256k1 signatures (72 Wycheproof vectors). Signatures stay in wasm.

wasm.initSync({ module: wasmModule });

// The export list is repeated in each entry on purpose: with `sideEffects: false`, a bundler drops an entry whose
// exports all come from another module (`export *`), and the wasm initialisation with it. tests/js/entries.test.js
// checks that the four lists agree.
export const {
  decode,
  verify,
  compactVerify,
  check,
  verifyAsync,
  checkAsync,
  createVerifier,
  createRemoteJWKSet,
  createTestIssuer,
  KeySet,
  Policy,
} = createApi(wasm);
export { OidcTrustError } from './errors.js';

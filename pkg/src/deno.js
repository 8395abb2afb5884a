// Deno entry: a source-phase import gives the compiled WebAssembly.Module without any permission (reading the
// file with Deno.readFileSync would need --allow-read, even for an npm package's own files).
import source wasmModule from '../dist/oidc_trust_bg.wasm';
import * as wasm from '../dist/oidc_trust.js';
import { createApi } from './api.js';

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

// Deno entry: a source-phase import gives the compiled WebAssembly.Module without any permission (reading the
// file with Deno.readFileSync would need --allow-read, even for an npm package's own files).
import source wasmModule from '../dist/oidc_trust_bg.wasm';
import * as wasm from '../dist/oidc_trust.js';
import { createApi } from './api.js';
import { attachNativeBackend } from './native.js';

// Deno's node:crypto is its own implementation (not OpenSSL) and has not been through the differential test
// (tests/js/native-backend.test.js) yet: `backend: 'auto'` stays on wasm here, `backend: 'native'` opts in.
const AUTO_NATIVE = false;

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
} = createApi(wasm, { native: { attach: attachNativeBackend, auto: AUTO_NATIVE } });
export { OidcTrustError } from './errors.js';

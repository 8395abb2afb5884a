// Cloudflare Workers (workerd) entry: a `.wasm` import is a compiled WebAssembly.Module there, and code generation
// from bytes at run time is forbidden, so the module is instantiated synchronously from that import.
import module from '../dist/oidc_trust_bg.wasm';
import * as wasm from '../dist/oidc_trust.js';
import { createApi } from './api.js';

wasm.initSync({ module });

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

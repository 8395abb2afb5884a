// Node (and Bun) entry: the wasm is read from disk and compiled synchronously, so importing is all a caller does.
import { readFileSync } from 'node:fs';
import * as wasm from '../dist/oidc_trust.js';
import { createApi } from './api.js';
import { attachNativeBackend } from './native.js';

// Signatures run in node:crypto by default (`backend: 'auto'`): the same verdicts as wasm on every Wycheproof vector,
// the JWS suite and minted tokens (tests/js/native-backend.test.js, on Node 20 and on Bun 1.4.5, which resolves this
// entry too; Bun's BoringSSL has no secp256k1, so those keys stay in wasm) and several times faster.
const AUTO_NATIVE = true;

wasm.initSync({ module: readFileSync(new URL('../dist/oidc_trust_bg.wasm', import.meta.url)) });

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

// The public API, listed once for every runtime entry. Each entry (node.js, browser.js, deno.js, workerd.js)
// initialises the wasm its own way and re-exports this module. `createApi` touches the wasm only when an API
// function is called, so evaluating this module before the entry has initialised the wasm is safe.
import * as wasm from '../dist/oidc_trust.js';
import { createApi } from './api.js';

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

// `oidc-trust/full`, Cloudflare Workers entry: the default entry's API over the full wasm module, which adds the
// policy dialects beyond AWS (Vault, octo-sts, Entra, Google Cloud WIF) and the test issuer (its own instance).
// This file is workerd.js with the module's file names changed; see there for how this runtime loads the wasm.
import module from '../dist/oidc_trust_full_bg.wasm';
import * as wasm from '../dist/oidc_trust_full.js';
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

// Browser (and generic ESM) entry: browsers only compile large modules asynchronously, so the wasm is fetched
// next to this file and instantiated with top-level await before the API is exported.
import init, * as wasm from '../dist/oidc_trust.js';
import { createApi } from './api.js';

try {
  // Bundlers that understand `new URL(…, import.meta.url)` (Vite, webpack, Parcel) emit the .wasm as an asset.
  await init({ module_or_path: new URL('../dist/oidc_trust_bg.wasm', import.meta.url) });
} catch {
  // Bundlers that do not (esbuild, Rollup without a plugin) leave a URL that does not resolve to the file: the
  // bytes come from a JS module instead, which such a bundler does include. Fetched only on this path.
  const { wasmBytes } = await import('../dist/oidc_trust_inline.js');
  await init({ module_or_path: wasmBytes() });
}

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

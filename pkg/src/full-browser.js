// `oidc-trust/full`, Browser: the same API as the default entry over the full wasm module, which adds the policy
// dialects beyond AWS (Vault, octo-sts, Entra, Google Cloud WIF) and the test issuer. Its own wasm instance;
// see browser.js for how this runtime loads it.
import init, * as wasm from '../dist/oidc_trust_full.js';
import { createApi } from './api.js';

await init({ module_or_path: new URL('../dist/oidc_trust_full_bg.wasm', import.meta.url) });

export const { decode, verify, compactVerify, check, KeySet, Policy } = createApi(wasm);
export { OidcTrustError } from './errors.js';

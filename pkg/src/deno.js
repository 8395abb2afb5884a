// Deno entry: Deno reads files synchronously too (npm packages live on disk in Deno's cache). Whether that read
// needs --allow-read for an npm package's own files is proven by the Deno smoke test of issue 4.
/* global Deno */
import * as wasm from '../dist/oidc_trust.js';
import { createApi } from './api.js';
import { attachNativeBackend } from './native.js';

// Deno's node:crypto is its own implementation (not OpenSSL) and has not been through the differential test
// (tests/js/native-backend.test.js) yet: `backend: 'auto'` stays on wasm here, `backend: 'native'` opts in.
const AUTO_NATIVE = false;

wasm.initSync({ module: Deno.readFileSync(new URL('../dist/oidc_trust_bg.wasm', import.meta.url)) });

export const { decode, verify, compactVerify, check, KeySet, Policy } = createApi(wasm, { native: { attach: attachNativeBackend, auto: AUTO_NATIVE } });
export { OidcTrustError } from './errors.js';

// Node (and Bun) entry: the wasm is read from disk and compiled synchronously, so importing is all a caller does.
import { readFileSync } from 'node:fs';
import * as wasm from '../dist/oidc_trust.js';
import { createApi } from './api.js';

wasm.initSync({ module: readFileSync(new URL('../dist/oidc_trust_bg.wasm', import.meta.url)) });

export const { decode, verify, compactVerify, check, createTestIssuer, KeySet, Policy } = createApi(wasm);
export { OidcTrustError } from './errors.js';

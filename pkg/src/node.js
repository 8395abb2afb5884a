// Node (and Bun) entry: the wasm is read from disk and compiled synchronously, so importing is all a caller does.
import { readFileSync } from 'node:fs';
import * as wasm from '../dist/oidc_trust.js';

wasm.initSync({ module: readFileSync(new URL('../dist/oidc_trust_bg.wasm', import.meta.url)) });

export * from './public.js';

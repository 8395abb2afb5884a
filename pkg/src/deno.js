// Deno entry: Deno reads files synchronously too (npm packages live on disk in Deno's cache). Whether that read
// needs --allow-read for an npm package's own files is proven by the Deno smoke test of issue 4.
/* global Deno */
import * as wasm from '../dist/oidc_trust.js';

wasm.initSync({ module: Deno.readFileSync(new URL('../dist/oidc_trust_bg.wasm', import.meta.url)) });

export * from './public.js';

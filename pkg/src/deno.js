// Deno entry: Deno reads files synchronously too (npm packages live on disk in Deno's cache).
/* global Deno */
import * as wasm from '../dist/oidc_trust.js';

wasm.initSync({ module: Deno.readFileSync(new URL('../dist/oidc_trust_bg.wasm', import.meta.url)) });

export * from './public.js';

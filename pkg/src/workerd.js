// Cloudflare Workers (workerd) entry: a `.wasm` import is a compiled WebAssembly.Module there, and code generation
// from bytes at run time is forbidden, so the module is instantiated synchronously from that import.
import module from '../dist/oidc_trust_bg.wasm';
import * as wasm from '../dist/oidc_trust.js';

wasm.initSync({ module });

export * from './public.js';

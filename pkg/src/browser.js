// Browser (and generic ESM) entry: browsers only compile large modules asynchronously, so the wasm is fetched
// next to this file and instantiated with top-level await before the API is exported.
import init, * as wasm from '../dist/oidc_trust.js';

await init({ module_or_path: new URL('../dist/oidc_trust_bg.wasm', import.meta.url) });

export * from './public.js';

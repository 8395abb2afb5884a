#!/usr/bin/env node
// `make bench` (second half): the verified-token cache against fast-jwt's cache, the packed tarball's size, and
// import → first verified token in every runtime, from the packed tarball installed into a fresh project.
//
// Environment: BENCH_SECONDS (per throughput figure, default 1), BENCH_COLD_RUNS (per runtime, default 5).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createVerifier as fastVerifier } from 'fast-jwt';
import * as jose from 'jose';
import * as oidc from 'oidc-trust';
import { BIN, CHROMIUM, E2E, JWKS, ROOT_BIN, TOKEN, freePort, installTarball, run, subproject, waitFor } from '../tests/e2e/helpers.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 5);
const ISSUER = 'https://token.actions.githubusercontent.com';
const AUDIENCE = 'sts.amazonaws.com';

function measure(fn) {
  for (let end = performance.now() + Math.min(300, SECONDS * 300); performance.now() < end; ) fn();
  let ops = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 64; i++) fn();
    ops += 64;
  }
  return (ops * 1000) / (performance.now() - start);
}

const fmt = (n) => (n >= 100_000 ? `${(n / 1000).toFixed(0)}k` : n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : n >= 1000 ? `${(n / 1000).toFixed(2)}k` : n.toFixed(0));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// ---------------------------------------------------------------------------------------------------------------
// Cache hits

async function cacheHits() {
  console.log(`\n## Verified-token cache: the same token again (ops/s, ${SECONDS}s per figure)\n`);
  console.log('| alg | oidc-trust createVerifier cache hit | fast-jwt cache hit | ratio | oidc-trust uncached | fast-jwt uncached |');
  console.log('|---|---|---|---|---|---|');
  for (const alg of ['RS256', 'ES256']) {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: ISSUER, aud: AUDIENCE, sub: 'repo:octo-org/octo-repo:ref:refs/heads/main', iat: now, nbf: now, exp: now + 3600 };
    const { privateKey, publicKey } = await jose.generateKeyPair(alg, { extractable: true });
    const jwk = { ...(await jose.exportJWK(publicKey)), kid: `${alg}-bench`, alg, use: 'sig' };
    const pem = await jose.exportSPKI(publicKey);
    const token = await new jose.SignJWT(claims).setProtectedHeader({ alg, kid: jwk.kid, typ: 'JWT' }).sign(privateKey);
    const keySet = oidc.KeySet.fromJwks({ keys: [jwk] });
    const options = { issuer: ISSUER, audience: AUDIENCE, algorithms: [alg] };
    const ours = oidc.createVerifier({ keys: keySet, ...options, cache: { maxEntries: 1000 } });
    const oursUncached = oidc.createVerifier({ keys: keySet, ...options });
    const fastOptions = { key: pem, algorithms: [alg], allowedIss: ISSUER, allowedAud: AUDIENCE };
    const fastCached = fastVerifier({ ...fastOptions, cache: true });
    const fastUncached = fastVerifier({ ...fastOptions, cache: false });
    for (const f of [() => ours.verify(token), () => fastCached(token)]) f();
    const hit = measure(() => ours.verify(token));
    const fastHit = measure(() => fastCached(token));
    const miss = measure(() => oursUncached.verify(token));
    const fastMiss = measure(() => fastUncached(token));
    if (ours.cacheStats().hits < 1000) throw new Error('the oidc-trust figure did not come from cache hits');
    console.log(`| ${alg} | ${fmt(hit)} | ${fmt(fastHit)} | ${(hit / fastHit).toFixed(2)}× | ${fmt(miss)} | ${fmt(fastMiss)} |`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Tarball

function tarball() {
  const { packed } = installTarball();
  console.log('\n## Packed tarball (`npm pack ./pkg`)\n');
  console.log(`| file | size |\n|---|---|\n| ${packed.filename} | ${(packed.size / 1024).toFixed(1)} KiB packed, ${(packed.unpackedSize / 1024).toFixed(1)} KiB unpacked, ${packed.entryCount} files |`);
  const big = [...packed.files].sort((a, b) => b.size - a.size).slice(0, 4);
  console.log(`\nlargest files: ${big.map((f) => `${f.path} ${(f.size / 1024).toFixed(0)} KiB`).join(', ')}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Import → first verified token

const exp = JSON.parse(Buffer.from(TOKEN.split('.')[1], 'base64url')).exp;
const FIRST_VERIFY = `
const t0 = performance.now();
const api = await import('oidc-trust');
const r = api.verify(${JSON.stringify(TOKEN)}, api.KeySet.fromJwks(${JSON.stringify(JWKS)}), { currentDate: ${exp - 60} });
const ms = performance.now() - t0;
if (!r.key.kid) throw new Error('not verified');
console.log(JSON.stringify({ ms }));
`;

async function timed(name, cmd, args, cwd, env) {
  const runs = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const r = await run(cmd, args, { cwd, env });
    if (r.code !== 0) throw new Error(`${name}: ${r.stderr}`);
    runs.push(JSON.parse(r.stdout.trim().split('\n').pop()).ms);
  }
  return median(runs);
}

async function workerdFirstVerify(dir) {
  // Inside a worker the clock only advances on I/O, so this one is measured from outside: process start → the
  // first verified HTTP response, minus the same for a worker that does not import oidc-trust.
  writeFileSync(join(dir, 'verify.js'), `import { KeySet, verify } from 'oidc-trust';
export default { async fetch() { const r = verify(${JSON.stringify(TOKEN)}, KeySet.fromJwks(${JSON.stringify(JWKS)}), { currentDate: ${exp - 60} }); return new Response(r.key.kid); } };`);
  writeFileSync(join(dir, 'empty.js'), `export default { async fetch() { return new Response('x'); } };`);
  for (const w of ['verify', 'empty']) {
    const b = await run(ROOT_BIN('esbuild'), [`${w}.js`, '--bundle', '--format=esm', '--platform=neutral', '--conditions=workerd,worker', '--external:*.wasm', `--outfile=src/${w}.js`, '--log-level=warning'], { cwd: dir });
    if (b.code !== 0) throw new Error(b.stderr);
  }
  const once = async (w) => {
    const port = await freePort();
    writeFileSync(
      join(dir, `${w}.capnp`),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = ( services = [ (name = "main", worker = .worker) ], sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ] );
const worker :Workerd.Worker = ( modules = [ (name = "src/${w}.js", esModule = embed "src/${w}.js"), (name = "dist/oidc_trust_bg.wasm", wasm = embed "../node_modules/oidc-trust/dist/oidc_trust_bg.wasm") ], compatibilityDate = "2024-09-23" );`,
    );
    const t0 = performance.now();
    const child = spawn(BIN('workerd'), ['serve', `${w}.capnp`], { cwd: dir, stdio: 'ignore' });
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined))?.ok, { interval: 5, what: 'workerd' });
      return performance.now() - t0;
    } finally {
      child.kill('SIGTERM');
    }
  };
  const verifyRuns = [];
  const emptyRuns = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    verifyRuns.push(await once('verify'));
    emptyRuns.push(await once('empty'));
  }
  return { total: median(verifyRuns), baseline: median(emptyRuns) };
}

async function chromiumFirstVerify(dir) {
  if (!existsSync(CHROMIUM)) return undefined;
  // playwright-core is an end-to-end tool (tests/e2e/package.json), not a root dev dependency.
  const { chromium } = createRequire(join(E2E, 'package.json'))('playwright-core');
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><script type="importmap">{"imports":{"oidc-trust":"/node_modules/oidc-trust/src/browser.js"}}</script>
<script type="module">${FIRST_VERIFY.replace('console.log(JSON.stringify({ ms }));', 'window.__ms = ms;')}</script>`,
  );
  const root = join(dir, '..');
  const server = createServer(async (req, res) => {
    const { readFile } = await import('node:fs/promises');
    const path = new URL(req.url, 'http://x').pathname;
    const type = path.endsWith('.wasm') ? 'application/wasm' : path.endsWith('.html') ? 'text/html' : 'text/javascript';
    readFile(join(root, path)).then((body) => res.writeHead(200, { 'content-type': type }).end(body), () => res.writeHead(404).end());
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const runs = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      const context = await browser.newContext(); // a fresh cache each time: the wasm is downloaded and compiled
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${server.address().port}/bench/index.html`);
      runs.push(await page.waitForFunction(() => window.__ms, null, { timeout: 30_000 }).then((h) => h.jsonValue()));
      await context.close();
    }
    return median(runs);
  } finally {
    await browser.close();
    await new Promise((r) => server.close(r));
  }
}

async function coldStarts() {
  const dir = subproject('bench');
  writeFileSync(join(dir, 'first.mjs'), FIRST_VERIFY);
  writeFileSync(join(dir, 'first.cjs'), `(async () => {${FIRST_VERIFY.replace("await import('oidc-trust')", "require('oidc-trust')")}})();`);
  const rows = [];
  rows.push(['Node 20 (ESM)', await timed('node esm', process.execPath, ['first.mjs'], dir)]);
  rows.push(['Node 20 (CommonJS)', await timed('node cjs', process.execPath, ['first.cjs'], dir)]);
  rows.push(['Deno', await timed('deno', BIN('deno'), ['run', '--no-prompt', 'first.mjs'], dir, { DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(dir, '.deno') })]);
  rows.push(['Bun', await timed('bun', BIN('bun'), ['first.mjs'], dir)]);
  const chrome = await chromiumFirstVerify(dir);
  if (chrome !== undefined) rows.push(['Chromium (native ESM, wasm fetched over loopback)', chrome]);
  mkdirSync(join(dir, 'src'), { recursive: true });
  const w = await workerdFirstVerify(dir);
  console.log(`\n## Import → first verified RS256 token (median of ${COLD_RUNS} fresh processes; packed tarball)\n`);
  console.log('| runtime | ms |\n|---|---|');
  for (const [name, ms] of rows) console.log(`| ${name} | ${ms.toFixed(1)} |`);
  console.log(`| workerd (process start → first verified response ${w.total.toFixed(0)} ms, minus an empty worker ${w.baseline.toFixed(0)} ms) | ${(w.total - w.baseline).toFixed(1)} |`);
}

console.log(`# oidc-trust runtimes bench — ${new Date().toISOString()}, Node ${process.version}`);
await cacheHits();
tarball();
await coldStarts();

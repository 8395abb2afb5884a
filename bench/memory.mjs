#!/usr/bin/env node
// `make bench-memory` (and the last row of `make bench`): one process verifies BENCH_MEMORY_N tokens (default 1M)
// through the public API and reports how the wasm linear memory and the process RSS grow after warm-up (the first
// 10%). Issue 6's target: flat, ≤ 1 MiB growth. Run with --expose-gc so that RSS is read after a full GC (the
// JS garbage of a million result objects is not a leak of ours).
//
// The mix: every call verifies an HS256 token (the cheapest path, so a million fit in a minute); every 100th call
// also verifies RS256, ES256 and EdDSA tokens, runs check() with an AWS policy, Policy.decide/evaluate, and a
// rejected (expired) token, so that the error and trace paths are exercised too.
//
// Prints a human summary and, as the last line, a JSON object for bench/verify.mjs.
//
// V8 flags (NODE_FLAGS below; the script runs itself again with them when started without): `--expose-gc`, and the young
// generation pinned at its largest size (16 MiB semi-spaces, `--min-` = `--max-semi-space-size`). Unpinned, V8
// grows the young generation when it sees a high allocation rate, at a moment of its choosing: runs of 1M showed
// `heapTotal` step up by exactly 4 MiB (and RSS with it) between the 90% sample and the end while `heapUsed`,
// `external` and the wasm memory stayed flat — V8 sizing its heap, not memory we hold. A long-running worker
// reaches that size anyway; pinned, the run measures that steady state. heapUsed and external are printed too.

import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

const NODE_FLAGS = ['--expose-gc', '--min-semi-space-size=16', '--max-semi-space-size=16'];
if (!NODE_FLAGS.every((flag) => process.execArgv.includes(flag))) {
  const child = spawnSync(process.execPath, [...NODE_FLAGS, fileURLToPath(import.meta.url)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}
const jose = await import('jose');
const oidc = await import('oidc-trust');
const N = Number(process.env.BENCH_MEMORY_N ?? 1_000_000);
const WARMUP = Math.floor(N / 10);
const ISSUER = 'https://token.actions.githubusercontent.com';
const AUDIENCE = 'sts.amazonaws.com';

// The package's own wasm instance: the glue module is a singleton, and initSync on an initialised glue returns the
// instance's exports (with `memory`) without instantiating again.
const glue = await import(new URL('../pkg/dist/oidc_trust.js', import.meta.url));
const wasmExports = glue.initSync({ module: new Uint8Array(0) });
if (!(wasmExports?.memory instanceof WebAssembly.Memory)) throw new Error('cannot reach the wasm memory of the package instance');

const now = Math.floor(Date.now() / 1000);
const claims = { iss: ISSUER, aud: AUDIENCE, sub: 'repo:octo-org/octo-repo:ref:refs/heads/main', iat: now, nbf: now, exp: now + 3600 };

async function signed(alg, extra = {}) {
  let key, jwk;
  if (alg === 'HS256') {
    const secret = crypto.randomBytes(32);
    key = secret;
    jwk = { kty: 'oct', k: secret.toString('base64url') };
  } else {
    const pair = await jose.generateKeyPair(alg, { extractable: true });
    key = pair.privateKey;
    jwk = await jose.exportJWK(pair.publicKey);
  }
  jwk = { ...jwk, kid: alg, alg };
  const token = await new jose.SignJWT({ ...claims, ...extra }).setProtectedHeader({ alg, kid: alg }).sign(key);
  return { jwk, token, key };
}

const hs = await signed('HS256');
const others = await Promise.all(['RS256', 'ES256', 'EdDSA'].map((a) => signed(a)));
const expired = await new jose.SignJWT({ ...claims, exp: now - 3600, iat: now - 7200, nbf: now - 7200 })
  .setProtectedHeader({ alg: 'HS256', kid: 'HS256' })
  .sign(hs.key);
// A secret never shares a set with public keys (the core refuses that), so HS256 has its own.
const hsKeys = oidc.KeySet.fromJwks({ keys: [hs.jwk] }, { allowSymmetric: true });
const keySet = oidc.KeySet.fromJwks({ keys: others.map((o) => o.jwk) });
const options = { issuer: ISSUER, audience: AUDIENCE };
const policy = oidc.Policy.parse({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:octo-org/*' } },
    },
  ],
});

function sample() {
  global.gc?.();
  const m = process.memoryUsage();
  return { wasm: wasmExports.memory.buffer.byteLength, rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external };
}

function rareWork() {
  for (const o of others) oidc.verify(o.token, keySet, options);
  const r = oidc.check(others[0].token, { keySet, policy, ...options });
  if (!r.ok) throw new Error(`check failed: ${r.stage}`);
  if (policy.decide(claims) !== 'allow' || policy.evaluate(claims).decision !== 'allow') throw new Error('policy');
  try {
    oidc.verify(expired, hsKeys, options);
    throw new Error('expired token verified');
  } catch (e) {
    if (e.code !== 'ERR_JWT_EXPIRED') throw e;
  }
}

const start = sample();
const t0 = performance.now();
let warm;
const trace = [];
for (let i = 0; i < N; i++) {
  if (i === WARMUP) warm = sample();
  oidc.verify(hs.token, hsKeys, options);
  if (i % 100 === 0) rareWork();
  if (i > WARMUP && i % Math.floor(N / 10) === 0) trace.push(sample());
}
const end = sample();
const seconds = (performance.now() - t0) / 1000;
const growth = { wasm: end.wasm - warm.wasm, rss: end.rss - warm.rss };
const mib = (b) => `${(b / 1048576).toFixed(2)} MiB`;
console.log(`${N} verifications in ${seconds.toFixed(1)} s (HS256 each; RS256, ES256, EdDSA, check, policy, an expired token every 100th)`);
console.log(`  wasm memory: start ${mib(start.wasm)}, after warm-up ${mib(warm.wasm)}, end ${mib(end.wasm)} → growth ${mib(growth.wasm)}`);
console.log(`  RSS:         start ${mib(start.rss)}, after warm-up ${mib(warm.rss)}, end ${mib(end.rss)} → growth ${mib(growth.rss)}`);
console.log(`  RSS after each further 10%: ${trace.map((s) => (s.rss / 1048576).toFixed(1)).join(', ')} MiB${global.gc ? '' : ' (no --expose-gc: RSS includes uncollected JS garbage)'}`);
for (const k of ['heapTotal', 'heapUsed', 'external']) console.log(`  ${k}: warm ${mib(warm[k])}, trace ${trace.map((s) => (s[k] / 1048576).toFixed(2)).join(', ')}, end ${mib(end[k])}`);
console.log(JSON.stringify({ n: N, seconds, start, warm, end, growth, gc: Boolean(global.gc) }));

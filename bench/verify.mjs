#!/usr/bin/env node
// `make bench`: verification throughput of oidc-trust against jose, fast-jwt and jsonwebtoken in ONE process, the
// package's size, cold start in fresh processes, policy decisions and the memory bench (bench/memory.mjs, a child
// process); at the end, issue 6's target table with every figure from this run. Full verification everywhere:
// signature plus exp/nbf/iat, issuer and audience; keys are parsed once before timing. Sequential calls (jose's
// are awaited one by one).
//
// Every throughput figure is the median of BENCH_ROUNDS interleaved rounds: each round times every contender of
// the table section once, in turn, so that a burst of load on a shared machine lands on one sample of each rather
// than on one contender's whole figure (single 1-second figures moved ±10% between runs: jose RS256 8.3k–9.4k/s).
//
// Environment: BENCH_SECONDS (time per figure, split over the rounds, default 2), BENCH_ROUNDS (default 5),
// BENCH_COLD_RUNS (default 5), BENCH_MEMORY_N (verifications in the memory bench, default 1M; 0 skips it).

import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as jose from 'jose';
import { createVerifier } from 'fast-jwt';
import * as oidc from 'oidc-trust';

const require = createRequire(import.meta.url);
const jsonwebtoken = require('jsonwebtoken');

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 5);
const ISSUER = 'https://token.actions.githubusercontent.com';
const AUDIENCE = 'sts.amazonaws.com';

// ---------------------------------------------------------------------------------------------------------------
// Measurement

// Warm-up: let the JIT (and wasm tier-up) settle.
async function warm(fn, isAsync) {
  for (let end = performance.now() + Math.min(300, (SECONDS * 1000) / 3); performance.now() < end; ) isAsync ? await fn() : fn();
}

/** ops/s of `fn` over `ms` milliseconds, in batches of 16 calls. */
async function timed(fn, isAsync, ms) {
  let ops = 0;
  const start = performance.now();
  const end = start + ms;
  if (isAsync) {
    while (performance.now() < end) {
      for (let i = 0; i < 16; i++) await fn();
      ops += 16;
    }
  } else {
    while (performance.now() < end) {
      for (let i = 0; i < 16; i++) fn();
      ops += 16;
    }
  }
  return (ops * 1000) / (performance.now() - start);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Each row's ops/s: the median of ROUNDS interleaved rounds of SECONDS / ROUNDS each. Rows with `skip` get none. */
async function measureRows(rows) {
  const live = rows.filter((row) => !row.skip);
  for (const row of live) await warm(row.fn, row.isAsync);
  const samples = new Map(live.map((row) => [row, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const row of live) samples.get(row).push(await timed(row.fn, row.isAsync, (SECONDS * 1000) / ROUNDS));
  }
  return new Map([...samples].map(([row, values]) => [row, median(values)]));
}

const fmt = (n) => (n >= 100_000 ? `${(n / 1000).toFixed(0)}k` : n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : n >= 1000 ? `${(n / 1000).toFixed(2)}k` : n.toFixed(0));

// ---------------------------------------------------------------------------------------------------------------
// Keys and tokens (one per algorithm, minted by jose)

async function setup(alg) {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: ISSUER, aud: AUDIENCE, sub: 'repo:octo-org/octo-repo:ref:refs/heads/main', iat: now, nbf: now, exp: now + 3600, repository: 'octo-org/octo-repo' };
  let signKey, jwk, pem;
  if (alg === 'HS256') {
    const secret = crypto.randomBytes(32);
    signKey = secret;
    jwk = { kty: 'oct', k: secret.toString('base64url') };
    pem = secret;
  } else {
    const pair = await jose.generateKeyPair(alg, { extractable: true });
    signKey = pair.privateKey;
    jwk = await jose.exportJWK(pair.publicKey);
    pem = await jose.exportSPKI(pair.publicKey);
  }
  jwk = { ...jwk, kid: `${alg}-bench`, alg, use: 'sig' };
  const token = await new jose.SignJWT(claims).setProtectedHeader({ alg, kid: jwk.kid, typ: 'JWT' }).sign(signKey);
  return { alg, jwk, pem, token, claims };
}

// The verified-token cache: `createVerifier({ keys, cache })` where the package has it; otherwise the core's
// verifier through the glue (the same wasm instance the package uses: initSync returns it).
const glue = await import(new URL('../pkg/dist/oidc_trust.js', import.meta.url));
function cachedVerifier(keySet, jwks, allowSymmetric, options) {
  if (typeof oidc.createVerifier === 'function') {
    return { via: 'createVerifier', ...oidc.createVerifier({ keys: keySet, ...options, cache: { maxEntries: 1000 } }) };
  }
  const inner = glue.WasmVerifier.create(options, { maxEntries: 1000 });
  const ks = glue.WasmKeySet.fromJwks(jwks, { allowSymmetric });
  return { via: 'WasmVerifier', verify: (token) => inner.verify(token, ks) };
}

function contenders({ alg, jwk, pem, token }) {
  const jwks = { keys: [jwk] };
  const rows = [];

  const keySet = oidc.KeySet.fromJwks(jwks, { allowSymmetric: alg === 'HS256', backend: 'wasm' });
  const ours = { issuer: ISSUER, audience: AUDIENCE, algorithms: [alg] };
  rows.push({ name: 'oidc-trust verify', fn: () => oidc.verify(token, keySet, ours), key: 'ours' });
  // The native signature backend (node:crypto; HMAC stays in wasm, so HS256 measures the same path twice).
  const nativeSet = oidc.KeySet.fromJwks(jwks, { allowSymmetric: alg === 'HS256', backend: 'native' });
  rows.push({ name: `oidc-trust verify (${nativeSet.backend} backend)`, fn: () => oidc.verify(token, nativeSet, ours), vsFast: true, key: 'native' });
  // Options parsed once, like fast-jwt's createVerifier: the like-for-like row for the fast-jwt ratio.
  if (oidc.createVerifier) {
    const verifier = oidc.createVerifier({ keys: nativeSet, ...ours });
    rows.push({ name: `oidc-trust createVerifier (${nativeSet.backend})`, fn: () => verifier.verify(token), vsFast: true, key: 'nativeVerifier' });
  }
  const cached = cachedVerifier(keySet, jwks, alg === 'HS256', ours);
  cached.verify(token);
  rows.push({ name: `oidc-trust ${cached.via} (cache hit)`, fn: () => cached.verify(token), key: 'oursCached' });

  // jose's local JWKS holds asymmetric keys only; for HS256 jose verifies with the secret itself.
  if (alg === 'HS256') {
    rows.push({ name: 'jose jwtVerify(secret)', fn: () => jose.jwtVerify(token, pem, ours), isAsync: true, jose: true });
  } else {
    const local = jose.createLocalJWKSet(jwks);
    rows.push({ name: 'jose jwtVerify(createLocalJWKSet)', fn: () => jose.jwtVerify(token, local, ours), isAsync: true, jose: true });
  }

  const fastOptions = { key: pem, algorithms: [alg], allowedIss: ISSUER, allowedAud: AUDIENCE };
  try {
    const uncached = createVerifier({ ...fastOptions, cache: false });
    uncached(token);
    rows.push({ name: 'fast-jwt createVerifier (uncached)', fn: () => uncached(token), key: 'fast', fastUncached: true });
    const fastCached = createVerifier({ ...fastOptions, cache: true });
    fastCached(token);
    rows.push({ name: 'fast-jwt createVerifier (cache hit)', fn: () => fastCached(token), key: 'fastCached' });
  } catch (e) {
    rows.push({ name: 'fast-jwt createVerifier', skip: e.message });
  }

  const jwtKey = alg === 'HS256' ? pem : crypto.createPublicKey(pem);
  try {
    jsonwebtoken.verify(token, jwtKey, { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE });
    rows.push({ name: 'jsonwebtoken verify', fn: () => jsonwebtoken.verify(token, jwtKey, { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE }) });
  } catch (e) {
    rows.push({ name: 'jsonwebtoken verify', skip: e.message });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// Size and cold start

function sizes() {
  const dist = join(ROOT, 'pkg', 'dist');
  const file = (name) => readFileSync(join(dist, name));
  const gz = (buf) => gzipSync(buf, { level: 9 }).length;
  const wrapper = Buffer.concat(['api.js', 'errors.js', 'node.js', 'native.js'].map((f) => readFileSync(join(ROOT, 'pkg', 'src', f))));
  const rows = [];
  for (const [label, base] of [['default', 'oidc_trust'], ['full', 'oidc_trust_full']]) {
    const wasm = file(`${base}_bg.wasm`);
    const glue = file(`${base}.js`);
    rows.push(
      [`${label}: ${base}_bg.wasm`, wasm.length, gz(wasm)],
      [`${label}: wasm + glue`, wasm.length + glue.length, gz(wasm) + gz(glue)],
      [`${label}: wasm + glue + JS wrapper`, wasm.length + glue.length + wrapper.length, gz(wasm) + gz(glue) + gz(wrapper)],
    );
  }
  return rows;
}

async function coldStart() {
  const fixtures = join(ROOT, 'tests', 'fixtures', 'oidc');
  const token = readFileSync(join(fixtures, 'github-actions_neu-se-autograder-action.jwt'), 'utf8').trim();
  const jwks = readFileSync(join(fixtures, 'github-actions_crates-io-load_jwks.json'), 'utf8');
  const exp = JSON.parse(Buffer.from(token.split('.')[1], 'base64url')).exp;
  const ours = (specifier) => `
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const { KeySet, verify } = await import('${specifier}');
      const r = verify(${JSON.stringify(token)}, KeySet.fromJwks(${JSON.stringify(jwks)}), { currentDate: ${exp - 60} });
      const c = process.cpuUsage(c0);
      process.stdout.write(JSON.stringify({ ms: performance.now() - t0, cpu: (c.user + c.system) / 1000, ok: r.key.kid.length > 0 }));`;
  const scripts = {
    'oidc-trust': ours('oidc-trust'),
    'oidc-trust/full': ours('oidc-trust/full'),
    jose: `
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const { createLocalJWKSet, jwtVerify } = await import('jose');
      const r = await jwtVerify(${JSON.stringify(token)}, createLocalJWKSet(${jwks}), { currentDate: new Date(${(exp - 60) * 1000}) });
      const c = process.cpuUsage(c0);
      process.stdout.write(JSON.stringify({ ms: performance.now() - t0, cpu: (c.user + c.system) / 1000, ok: r.protectedHeader.kid.length > 0 }));`,
  };
  // Interleaved runs, so that a burst of load on the shared machine does not land on one contender only.
  const runs = Object.fromEntries(Object.keys(scripts).map((name) => [name, []]));
  for (let i = 0; i < COLD_RUNS; i++) {
    for (const [name, source] of Object.entries(scripts)) {
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', source], { cwd: ROOT, encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`${name} cold start failed: ${child.stderr}`);
      const { ms, cpu, ok } = JSON.parse(child.stdout);
      if (!ok) throw new Error(`${name} cold start did not verify`);
      runs[name].push({ ms, cpu });
    }
  }
  const out = {};
  for (const [name, r] of Object.entries(runs)) out[name] = { ms: median(r.map((v) => v.ms)), cpu: median(r.map((v) => v.cpu)) };
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Policy rows (issue 3): decisions/s for a typical 2-statement GitHub trust policy, and the whole check() pipeline

const GITHUB_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DeployFromMain',
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
        StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:octo-org/octo-repo:ref:refs/heads/*' },
        'ForAnyValue:StringEquals': { 'token.actions.githubusercontent.com:repository': 'octo-org/octo-repo' },
      },
    },
    {
      Sid: 'NoForks',
      Effect: 'Deny',
      Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:*/fork:*' } },
    },
  ],
};

function policyRows(rs256) {
  const rows = [];
  try {
    const policy = oidc.Policy.parse(GITHUB_POLICY);
    const decision = policy.evaluate(rs256.claims);
    if (decision.decision !== 'allow') throw new Error(`policy says ${decision.decision}`);
    rows.push({ name: 'Policy.evaluate (2 statements, 4 conditions)', fn: () => policy.evaluate(rs256.claims) });
    if (policy.decide(rs256.claims) !== 'allow') throw new Error('Policy.decide disagrees with evaluate');
    rows.push({ name: 'Policy.decide (the same, verdict only)', fn: () => policy.decide(rs256.claims), key: 'decide' });
    const keySet = oidc.KeySet.fromJwks({ keys: [rs256.jwk] });
    const options = { keySet, policy, issuer: ISSUER, audience: AUDIENCE };
    const r = oidc.check(rs256.token, options);
    if (!r.ok) throw new Error(`check: ${r.stage} ${r.error?.code ?? r.policy?.decision}`);
    rows.push({ name: 'check() RS256 + policy', fn: () => oidc.check(rs256.token, options) });
  } catch (e) {
    rows.push({ name: 'Policy.evaluate / check()', skip: e.message });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------

const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const os = await import('node:os');
console.log(`oidc-trust bench — ${new Date().toISOString()} — commit ${commit} — node ${process.version} — ${os.cpus().length}× ${os.cpus()[0]?.model ?? process.arch} — ${SECONDS}s per figure, median of ${ROUNDS} interleaved rounds\n`);

console.log('Verification (ops/s, sequential, one process; ratio to jose jwtVerify(createLocalJWKSet))');
const byAlg = {};
const fig = {}; // fig[alg][key] = ops/s, for the target table
for (const alg of ['RS256', 'ES256', 'EdDSA', 'HS256']) {
  const s = await setup(alg);
  byAlg[alg] = s;
  const rows = contenders(s);
  let joseOps;
  let fastOps;
  const results = [];
  fig[alg] = {};
  const measured = await measureRows(rows);
  for (const row of rows) {
    if (row.skip) {
      results.push([row.name, null, row.skip]);
      continue;
    }
    const ops = measured.get(row);
    if (row.jose) joseOps = ops;
    if (row.fastUncached) fastOps = ops;
    fig[alg][row.jose ? 'jose' : row.key] = ops;
    results.push([row.name, ops, undefined, row.vsFast]);
  }
  for (const [name, ops, skip, vsFast] of results) {
    let cell = ops === null ? `n/a (${skip.slice(0, 60)})` : `${fmt(ops).padStart(7)} ops/s  ${(ops / joseOps).toFixed(2).padStart(6)}× jose`;
    if (vsFast && ops !== null && fastOps) cell += `  ${(ops / fastOps).toFixed(2).padStart(5)}× fast-jwt uncached`;
    console.log(`  ${alg.padEnd(6)} ${name.padEnd(38)} ${cell}`);
  }
}

console.log('\nPolicy (ops/s)');
const policyRowList = policyRows(byAlg.RS256);
const policyMeasured = await measureRows(policyRowList);
for (const row of policyRowList) {
  if (row.skip) console.log(`  ${row.name.padEnd(45)} n/a (${row.skip.slice(0, 80)})`);
  else {
    const ops = policyMeasured.get(row);
    if (row.key) fig[row.key] = ops;
    console.log(`  ${row.name.padEnd(45)} ${fmt(ops).padStart(7)} ops/s`);
  }
}

console.log('\nSize (bytes: raw, gzip -9)');
const sizeRows = sizes();
for (const [name, raw, gz] of sizeRows) console.log(`  ${name.padEnd(40)} ${String(raw).padStart(8)}  ${String(gz).padStart(8)}  (${(gz / 1024).toFixed(1)} KiB gz)`);

console.log(`\nCold start: fresh node process, import → first verified RS256 token (median of ${COLD_RUNS}; wall ms, CPU ms)`);
const cold = await coldStart();
for (const [name, c] of Object.entries(cold)) {
  console.log(`  ${name.padEnd(18)} ${c.ms.toFixed(1).padStart(6)} ms  cpu ${c.cpu.toFixed(1).padStart(6)} ms  ratio ${(c.ms / cold.jose.ms).toFixed(2)}× jose`);
}

const MEMORY_N = Number(process.env.BENCH_MEMORY_N ?? 1_000_000);
let memory;
if (MEMORY_N > 0) {
  console.log(`\nMemory (bench/memory.mjs, a fresh process, ${MEMORY_N} verifications)`);
  const child = spawnSync(process.execPath, [join(ROOT, 'bench', 'memory.mjs')], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, BENCH_MEMORY_N: String(MEMORY_N) },
  });
  if (child.status !== 0) throw new Error(`memory bench failed: ${child.stderr}`);
  const lines = child.stdout.trim().split('\n');
  memory = JSON.parse(lines.pop());
  for (const line of lines) console.log(`  ${line}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Issue 6's targets, every figure from this run

const ratio = (a, b) => (a && b ? a / b : NaN);
const x = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : 'n/a');
const ops = (n) => (n ? `${fmt(n)}/s` : 'n/a');
const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;
const mib = (b) => `${(b / 1048576).toFixed(2)} MiB`;
const defaultGz = sizeRows.find(([n]) => n.startsWith('default: wasm + glue'))[2];
const fullGz = sizeRows.find(([n]) => n.startsWith('full: wasm + glue'))[2];
const targets = [
  ['RS256, pure wasm', ops(fig.RS256.ours), `jose ${ops(fig.RS256.jose)}`, ratio(fig.RS256.ours, fig.RS256.jose), '≥ 1.0× jose', (r) => r >= 1],
  ['ES256, pure wasm', ops(fig.ES256.ours), `jose ${ops(fig.ES256.jose)}`, ratio(fig.ES256.ours, fig.ES256.jose), '≥ 0.5× jose', (r) => r >= 0.5],
  ['EdDSA, pure wasm', ops(fig.EdDSA.ours), `jose ${ops(fig.EdDSA.jose)}`, ratio(fig.EdDSA.ours, fig.EdDSA.jose), '≥ 1.0× jose', (r) => r >= 1],
  // Like for like with fast-jwt's createVerifier: options parsed once (HMAC always runs in wasm).
  ((hs = fig.HS256.nativeVerifier ?? fig.HS256.ours) => [
    'HS256',
    `${ops(hs)} (verify() ${ops(fig.HS256.ours)})`,
    `fast-jwt ${ops(fig.HS256.fast)}`,
    ratio(hs, fig.HS256.fast),
    '≥ 1.0× fast-jwt uncached',
    (r) => r >= 1,
  ])(),
  ...['RS256', 'ES256', 'EdDSA'].map((alg) => {
    // Like for like with fast-jwt's createVerifier: options parsed once (createVerifier on the native backend).
    const native = fig[alg].nativeVerifier ?? fig[alg].native;
    return [
      `${alg} native crypto`,
      `${ops(native)} (verify() ${ops(fig[alg].native)})`,
      `fast-jwt ${ops(fig[alg].fast)}`,
      ratio(native, fig[alg].fast),
      '≥ 1.0× fast-jwt uncached',
      (r) => r >= 1,
    ];
  }),
  ...['RS256', 'ES256', 'EdDSA', 'HS256'].map((alg) => [
    `cache hit, ${alg}`,
    ops(fig[alg].oursCached),
    `fast-jwt ${ops(fig[alg].fastCached)}`,
    ratio(fig[alg].oursCached, fig[alg].fastCached),
    '≥ 1.0× fast-jwt cached',
    (r) => r >= 1,
  ]),
  ['import → first RS256 verify', `${cold['oidc-trust'].ms.toFixed(1)} ms`, `jose ${cold.jose.ms.toFixed(1)} ms`, ratio(cold['oidc-trust'].ms, cold.jose.ms), '≤ 0.3× jose', (r) => r <= 0.3],
  ['default .wasm + glue, gzip -9', kib(defaultGz), `(full: ${kib(fullGz)})`, NaN, '≤ 100 KB', () => defaultGz <= 100_000],
  ['AWS policy decisions (decide)', ops(fig.decide), '—', NaN, '≥ 1M/s', () => fig.decide >= 1_000_000],
  memory
    ? [`${memory.n} verifications`, `wasm +${mib(memory.growth.wasm)}, RSS +${mib(memory.growth.rss)}`, '—', NaN, '≤ 1 MiB growth', () => memory.growth.wasm <= 1048576 && memory.growth.rss <= 1048576]
    : ['memory', 'skipped (BENCH_MEMORY_N=0)', '—', NaN, '≤ 1 MiB growth', () => false],
];
console.log('\nTargets (issue 6) — this run');
console.log('| figure | oidc-trust | peer | ratio | target | met |');
console.log('|---|---|---|---|---|---|');
for (const [name, ours, peer, r, target, met] of targets) {
  console.log(`| ${name} | ${ours} | ${peer} | ${x(r)} | ${target} | ${met(r) ? 'yes' : 'no'} |`);
}

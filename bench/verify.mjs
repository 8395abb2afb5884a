#!/usr/bin/env node
// `make bench`: verification throughput of oidc-trust against jose, fast-jwt and jsonwebtoken in ONE process, the
// package's size, and cold start in fresh processes. Full verification everywhere: signature plus exp/nbf/iat,
// issuer and audience; keys are parsed once before timing. Sequential calls (jose's are awaited one by one).
//
// Environment: BENCH_SECONDS (per figure, default 1), BENCH_COLD_RUNS (default 5).

import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
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
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 5);
const ISSUER = 'https://token.actions.githubusercontent.com';
const AUDIENCE = 'sts.amazonaws.com';

// ---------------------------------------------------------------------------------------------------------------
// Measurement

async function measure(fn, isAsync) {
  const deadline = (s) => performance.now() + s * 1000;
  // Warm-up: let the JIT (and wasm tier-up) settle.
  for (let end = deadline(Math.min(0.3, SECONDS / 3)); performance.now() < end; ) isAsync ? await fn() : fn();
  let ops = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
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

function contenders({ alg, jwk, pem, token }) {
  const jwks = { keys: [jwk] };
  const rows = [];

  const keySet = oidc.KeySet.fromJwks(jwks, { allowSymmetric: alg === 'HS256', backend: 'wasm' });
  const ours = { issuer: ISSUER, audience: AUDIENCE, algorithms: [alg] };
  rows.push({ name: 'oidc-trust verify', fn: () => oidc.verify(token, keySet, ours) });
  // The native signature backend (node:crypto; HMAC stays in wasm, so HS256 measures the same path twice).
  const nativeSet = oidc.KeySet.fromJwks(jwks, { allowSymmetric: alg === 'HS256', backend: 'native' });
  rows.push({ name: `oidc-trust verify (${nativeSet.backend} backend)`, fn: () => oidc.verify(token, nativeSet, ours), vsFast: true });
  // Options parsed once, like fast-jwt's createVerifier: the like-for-like row for the fast-jwt ratio.
  if (oidc.createVerifier) {
    const verifier = oidc.createVerifier({ keys: nativeSet, ...ours });
    rows.push({ name: `oidc-trust createVerifier (${nativeSet.backend})`, fn: () => verifier.verify(token), vsFast: true });
  }

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
    rows.push({ name: 'fast-jwt createVerifier (uncached)', fn: () => uncached(token), fastUncached: true });
    const cached = createVerifier({ ...fastOptions, cache: true });
    cached(token);
    rows.push({ name: 'fast-jwt createVerifier (cache hit)', fn: () => cached(token) });
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
  const wasm = file('oidc_trust_bg.wasm');
  const glue = file('oidc_trust.js');
  const wrapper = Buffer.concat(['api.js', 'errors.js', 'node.js', 'native.js'].map((f) => readFileSync(join(ROOT, 'pkg', 'src', f))));
  return [
    ['oidc_trust_bg.wasm', wasm.length, gz(wasm)],
    ['wasm + wasm-bindgen glue', wasm.length + glue.length, gz(wasm) + gz(glue)],
    ['wasm + glue + JS wrapper', wasm.length + glue.length + wrapper.length, gz(wasm) + gz(glue) + gz(wrapper)],
  ];
}

async function coldStart() {
  const fixtures = join(ROOT, 'tests', 'fixtures', 'oidc');
  const token = readFileSync(join(fixtures, 'github-actions_neu-se-autograder-action.jwt'), 'utf8').trim();
  const jwks = readFileSync(join(fixtures, 'github-actions_crates-io-load_jwks.json'), 'utf8');
  const exp = JSON.parse(Buffer.from(token.split('.')[1], 'base64url')).exp;
  const scripts = {
    'oidc-trust': `
      const t0 = performance.now();
      const { KeySet, verify } = await import('oidc-trust');
      const r = verify(${JSON.stringify(token)}, KeySet.fromJwks(${JSON.stringify(jwks)}), { currentDate: ${exp - 60} });
      process.stdout.write(JSON.stringify({ ms: performance.now() - t0, ok: r.key.kid.length > 0 }));`,
    jose: `
      const t0 = performance.now();
      const { createLocalJWKSet, jwtVerify } = await import('jose');
      const r = await jwtVerify(${JSON.stringify(token)}, createLocalJWKSet(${jwks}), { currentDate: new Date(${(exp - 60) * 1000}) });
      process.stdout.write(JSON.stringify({ ms: performance.now() - t0, ok: r.protectedHeader.kid.length > 0 }));`,
  };
  const out = {};
  for (const [name, source] of Object.entries(scripts)) {
    const runs = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', source], { cwd: ROOT, encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`${name} cold start failed: ${child.stderr}`);
      const { ms, ok } = JSON.parse(child.stdout);
      if (!ok) throw new Error(`${name} cold start did not verify`);
      runs.push(ms);
    }
    runs.sort((a, b) => a - b);
    out[name] = runs[Math.floor(runs.length / 2)];
  }
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
console.log(`oidc-trust bench — ${new Date().toISOString()} — commit ${commit} — node ${process.version} — ${os.cpus().length}× ${os.cpus()[0]?.model ?? process.arch} — ${SECONDS}s per figure\n`);

console.log('Verification (ops/s, sequential, one process; ratio to jose jwtVerify(createLocalJWKSet))');
const byAlg = {};
for (const alg of ['RS256', 'ES256', 'EdDSA', 'HS256']) {
  const s = await setup(alg);
  byAlg[alg] = s;
  const rows = contenders(s);
  let joseOps;
  let fastOps;
  const results = [];
  for (const row of rows) {
    if (row.skip) {
      results.push([row.name, null, row.skip]);
      continue;
    }
    const ops = await measure(row.fn, row.isAsync);
    if (row.jose) joseOps = ops;
    if (row.fastUncached) fastOps = ops;
    results.push([row.name, ops, undefined, row.vsFast]);
  }
  for (const [name, ops, skip, vsFast] of results) {
    let cell = ops === null ? `n/a (${skip.slice(0, 60)})` : `${fmt(ops).padStart(7)} ops/s  ${(ops / joseOps).toFixed(2).padStart(6)}× jose`;
    if (vsFast && ops !== null && fastOps) cell += `  ${(ops / fastOps).toFixed(2).padStart(5)}× fast-jwt uncached`;
    console.log(`  ${alg.padEnd(6)} ${name.padEnd(38)} ${cell}`);
  }
}

console.log('\nPolicy (ops/s)');
for (const row of policyRows(byAlg.RS256)) {
  if (row.skip) console.log(`  ${row.name.padEnd(45)} n/a (${row.skip.slice(0, 80)})`);
  else console.log(`  ${row.name.padEnd(45)} ${fmt(await measure(row.fn)).padStart(7)} ops/s`);
}

console.log('\nSize (bytes: raw, gzip -9)');
for (const [name, raw, gz] of sizes()) console.log(`  ${name.padEnd(28)} ${String(raw).padStart(8)}  ${String(gz).padStart(8)}  (${(gz / 1024).toFixed(1)} KiB gz)`);

console.log(`\nCold start: fresh node process, import → first verified RS256 token (median of ${COLD_RUNS})`);
const cold = await coldStart();
console.log(`  oidc-trust ${cold['oidc-trust'].toFixed(1)} ms   jose ${cold.jose.toFixed(1)} ms   ratio ${(cold['oidc-trust'] / cold.jose).toFixed(2)}× jose`);

// Runs the bad-input catalog (tests/bad-inputs/*.json) through the wasm build: every case must end in exactly its
// expected outcome — an OidcTrustError with the expected `code` (never a WebAssembly.RuntimeError, never an error
// without a code, never ERR_INTERNAL), or "OK" — and afterwards the SAME module instance must still verify a valid
// token (a trap would have left it poisoned).
//
// Case format (see tests/bad-inputs/README.md):
//   { name, api, args: [...], expectedCode, expectedRejected?, expectedStage?, expectedPath?, expectedDecision? }
// `api` is decode | verify | compactVerify | KeySet.fromJwks | Policy.parse | evaluate | check. For `evaluate`,
// `policy` is the document the receiver is parsed from. Argument values are JSON, except objects with a "$gen"
// member, which the generators below turn into what JSON cannot say (undefined, NaN, Dates, bytes, cycles, signed
// tokens, huge or deeply nested inputs).

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { REPO, oidc } from './helpers.js';

const DIR = new URL('../bad-inputs/', import.meta.url);
const fixtures = JSON.parse(readFileSync(new URL('fixtures.json', DIR), 'utf8'));
const files = readdirSync(DIR).filter((f) => f.endsWith('.json') && f !== 'fixtures.json').sort();

// The catalog's own signing key: an HS256 secret, so that tokens with any header or payload bytes can be signed
// and reach the checks after the signature.
const SECRET = Buffer.alloc(32, 0x5c);
const CATALOG_JWK = { kty: 'oct', kid: 'cat', alg: 'HS256', k: SECRET.toString('base64url') };
const CATALOG_JWKS = { keys: [CATALOG_JWK] };
const b64u = (bytes) => Buffer.from(bytes).toString('base64url');

function nested(depth, open, close, leaf) {
  return open.repeat(depth) + leaf + close.repeat(depth);
}

/** Turns a case's JSON arguments into JS values. */
function gen(v) {
  if (Array.isArray(v)) return v.map(gen);
  if (v === null || typeof v !== 'object') return v;
  if (!('$gen' in v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, gen(x)]));
  switch (v.$gen) {
    case 'undefined': return undefined;
    case 'NaN': return NaN;
    case 'Infinity': return Infinity;
    case '-Infinity': return -Infinity;
    case 'negativeZero': return -0;
    case 'bigint': return BigInt(v.value);
    case 'symbol': return Symbol(v.description ?? 'x');
    case 'function': return () => v.returns;
    case 'date': return v.invalid ? new Date(NaN) : new Date(v.iso ?? v.ms);
    case 'bytes': return v.hex !== undefined ? new Uint8Array(Buffer.from(v.hex, 'hex')) : new TextEncoder().encode(gen(v.text));
    case 'map': return new Map([['keys', []]]);
    case 'cyclic': {
      const o = { ...gen(v.base ?? {}) };
      o.self = o;
      return o;
    }
    case 'fixture': {
      const value = fixtures[v.name];
      assert.ok(value !== undefined, `unknown fixture ${v.name}`);
      return structuredClone(value);
    }
    case 'merge': return Object.assign({}, ...v.parts.map(gen));
    case 'repeat': return String(gen(v.text)).repeat(v.times);
    case 'nestedText': return nested(v.depth, v.open ?? '[', v.close ?? ']', v.leaf ?? '1');
    case 'nestedValue': {
      let x = v.leaf ?? 1;
      for (let i = 0; i < v.depth; i++) x = v.kind === 'object' ? { a: x } : [x];
      return x;
    }
    case 'b64u':
      if (v.hex !== undefined) return b64u(Buffer.from(v.hex, 'hex'));
      if (v.json !== undefined) return b64u(JSON.stringify(gen(v.json)));
      return b64u(gen(v.text));
    case 'join': return v.parts.map(gen).join(v.separator ?? '');
    case 'catalogJwks': return structuredClone(CATALOG_JWKS);
    case 'keySet': return oidc.KeySet.fromJwks(v.jwks === undefined ? CATALOG_JWKS : gen(v.jwks), gen(v.options ?? { allowSymmetric: true }));
    case 'manyKeys': {
      const keys = [];
      for (let i = 0; i < v.count; i++) keys.push({ ...gen(v.template), ...(v.sameKid ? { kid: 'same' } : v.noKid ? {} : { kid: `k${i}` }) });
      return { keys };
    }
    case 'manyMembers': return Object.fromEntries(Array.from({ length: v.count }, (_, i) => [`${v.prefix ?? 'c'}${i}`, gen(v.value ?? i)]));
    case 'token': return token(v);
    case 'policy': return oidc.Policy.parse(gen(v.doc));
    default: throw new Error(`unknown generator ${v.$gen}`);
  }
}

/**
 * A compact JWS signed with the catalog key: `header` (object, default { alg: 'HS256', kid: 'cat' }) or
 * `headerText`; `payload` (object) or `payloadText` or `payloadHex`; `signature`: "valid" (default), or a literal
 * base64url string; `headerSegment`/`payloadSegment` replace a segment with literal text (signed as given).
 */
function token(v) {
  const headerBytes = v.headerText !== undefined ? Buffer.from(gen(v.headerText)) : Buffer.from(JSON.stringify(gen(v.header ?? { alg: 'HS256', kid: 'cat' })));
  const payloadBytes =
    v.payloadHex !== undefined ? Buffer.from(v.payloadHex, 'hex')
      : v.payloadText !== undefined ? Buffer.from(gen(v.payloadText))
        : Buffer.from(JSON.stringify(gen(v.payload ?? { iss: 'https://issuer.example', exp: 1_700_000_600 })));
  const h = v.headerSegment !== undefined ? gen(v.headerSegment) : b64u(headerBytes);
  const p = v.payloadSegment !== undefined ? gen(v.payloadSegment) : b64u(payloadBytes);
  const input = `${h}.${p}`;
  const sig = v.signature === undefined || v.signature === 'valid' ? crypto.createHmac('sha256', SECRET).update(input).digest('base64url') : gen(v.signature);
  return `${input}.${sig}`;
}

function call(c) {
  const args = gen(c.args ?? []);
  switch (c.api) {
    case 'decode': return oidc.decode(...args);
    case 'verify': return oidc.verify(...args);
    case 'compactVerify': return oidc.compactVerify(...args);
    case 'KeySet.fromJwks': return oidc.KeySet.fromJwks(...args);
    case 'Policy.parse': return oidc.Policy.parse(...args);
    case 'evaluate': return oidc.Policy.parse(gen(c.policy)).evaluate(...args);
    case 'check': return oidc.check(...args);
    default: throw new Error(`unknown api ${c.api}`);
  }
}

/** What happened, as the catalog states it: the thrown code, check's error code, or "OK". */
function run(c) {
  let result;
  try {
    result = call(c);
  } catch (error) {
    assert.ok(!(error instanceof WebAssembly.RuntimeError), `${c.name}: the wasm instance trapped: ${error.message}`);
    assert.ok(error instanceof oidc.OidcTrustError, `${c.name}: threw ${error?.constructor?.name} without a code: ${error?.message ?? error}`);
    assert.equal(typeof error.code, 'string', `${c.name}: error without a code`);
    assert.notEqual(error.code, 'ERR_INTERNAL', `${c.name}: internal error: ${error.message} (cause: ${error.cause})`);
    assert.ok(error.message.length > 0, `${c.name}: error without a message`);
    return { code: error.code, error };
  }
  if (c.api === 'check' && result.ok === false) {
    assert.equal(typeof result.error?.code, 'string', `${c.name}: check failed without an error code`);
    assert.notEqual(result.error.code, 'ERR_INTERNAL', `${c.name}: internal error: ${result.error.message}`);
    return { code: result.error.code, result };
  }
  return { code: 'OK', result };
}

const catalog = files.flatMap((file) => {
  const doc = JSON.parse(readFileSync(new URL(file, DIR), 'utf8'));
  assert.ok(Array.isArray(doc.cases), `${file} has a cases array`);
  return doc.cases.map((c) => ({ ...c, file }));
});

test('the catalog has at least 100 uniquely named cases, each with an api and an expected code', () => {
  assert.ok(catalog.length >= 100, `only ${catalog.length} cases`);
  const names = new Set();
  for (const c of catalog) {
    assert.ok(typeof c.name === 'string' && c.name.length > 0, `${c.file}: a case without a name`);
    assert.ok(!names.has(c.name), `duplicate case name ${c.name}`);
    names.add(c.name);
    assert.ok(['decode', 'verify', 'compactVerify', 'KeySet.fromJwks', 'Policy.parse', 'evaluate', 'check'].includes(c.api), `${c.name}: api ${c.api}`);
    assert.ok(typeof c.expectedCode === 'string', `${c.name}: expectedCode`);
  }
});

test(`bad-input catalog: ${catalog.length} cases through the wasm build`, async (t) => {
  const byApi = {};
  for (const c of catalog) {
    await t.test(`${c.file}: ${c.name}`, () => {
      const { code, error, result } = run(c);
      assert.equal(code, c.expectedCode, `${c.name}: expected ${c.expectedCode}, got ${code}${error ? ` (${error.message})` : ''}`);
      if (c.expectedPath !== undefined) assert.equal(error?.path ?? result?.error?.path, c.expectedPath, `${c.name}: path`);
      if (c.expectedStage !== undefined) assert.equal(result?.stage, c.expectedStage, `${c.name}: stage`);
      if (c.expectedDecision !== undefined) assert.equal(result?.decision, c.expectedDecision, `${c.name}: decision`);
      if (c.expectedRejected !== undefined) {
        assert.deepEqual(result.rejected.map((r) => r.code), c.expectedRejected, `${c.name}: rejected keys (${JSON.stringify(result.rejected)})`);
      }
      if (c.expectedKeys !== undefined) assert.equal(result.keys.length, c.expectedKeys, `${c.name}: usable keys`);
      byApi[c.api] = (byApi[c.api] ?? 0) + 1;
    });
  }
  t.diagnostic(`catalog: ${catalog.length} cases (${Object.entries(byApi).map(([k, v]) => `${k} ${v}`).join(', ')})`);
});

test('after the catalog, the same module instance still verifies a valid token', () => {
  const keySet = oidc.KeySet.fromJwks(CATALOG_JWKS, { allowSymmetric: true });
  const valid = token({ payload: { iss: 'https://issuer.example', sub: 'after', exp: 1_700_000_600 } });
  const { claims, key } = oidc.verify(valid, keySet, { currentDate: 1_700_000_000, issuer: 'https://issuer.example' });
  assert.equal(claims.sub, 'after');
  assert.equal(key.kid, 'cat');
  // And an RSA path through a different backend, with the e = 3 fixture.
  const e3 = oidc.KeySet.fromJwks({ keys: [fixtures.rsaE3] });
  assert.equal(oidc.verify(fixtures.rsaE3Token, e3, { currentDate: 1_700_000_000 }).claims.sub, 'e3');
  assert.ok(REPO.length > 0);
});

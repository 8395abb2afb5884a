// Malformed tokens, JWKS and options through the wasm build: each one fails with its specific code, none traps
// the instance (a trap would surface as WebAssembly.RuntimeError, or as ERR_INTERNAL after wrapping), and the same
// instance still verifies a valid token afterwards.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { NOW, b64u, claimsAt, expectCode, hmacJws, makeSigner, oidc } from './helpers.js';

const { KeySet, Policy, verify, compactVerify, decode, check } = oidc;

const h = (header) => b64u.json(header);
const ES = h({ alg: 'ES256', kid: 'k' });
const P = b64u.json(claimsAt());
const SIG = 'A'.repeat(86);

// The same bytes with a non-zero unused low bit in the last character: strict base64url rejects it.
function nonCanonical(segment) {
  assert.ok(segment.length % 4 === 2 || segment.length % 4 === 3, 'needs a partial final quantum');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(segment.at(-1));
  return segment.slice(0, -1) + alphabet[last + 1];
}

// [name, thunk, code, details?]
const cases = [];
const bad = (name, fn, code, details) => cases.push({ name, fn, code, details });

let signer, keySet, validToken;

before(async () => {
  signer = await makeSigner('ES256', 'k');
  keySet = KeySet.fromJwks({ keys: [signer.publicJwk] });
  validToken = await signer.sign({}, claimsAt());
});

// --- tokens: structure and encoding (decode) -------------------------------------------------------------------
for (const [name, token] of [
  ['empty string', ''],
  ['one segment', 'abc'],
  ['two segments', `${ES}.${P}`],
  ['four segments', `${ES}.${P}.${SIG}.x`],
  ['five segments (JWE shape)', `${ES}.a.b.c.d`],
  ['empty header', `.${P}.${SIG}`],
  ['only dots', '..'],
  ['padding in header', `${ES}=.${P}.${SIG}`],
  ['padding in payload', `${ES}.${P}==.${SIG}`],
  ['standard base64 + and /', `${ES}.${P}.${'+/'.repeat(43)}`],
  ['space inside', `${ES}.${P.slice(0, 5)} ${P.slice(5)}.${SIG}`],
  ['leading whitespace', ` ${ES}.${P}.${SIG}`],
  ['trailing newline', `${ES}.${P}.${SIG}\n`],
  ['non-ASCII character', `${ES}.${P}é.${SIG}`],
  ['impossible base64url length (4n+1)', `${ES}.${P}.${'A'.repeat(85)}`],
  ['non-canonical trailing bits', `${nonCanonical(b64u.encode('{"alg":"ES256"}  '))}.${P}.${SIG}`],
  ['header is not JSON', `${b64u.encode('not json')}.${P}.${SIG}`],
  ['header is a JSON array', `${b64u.encode('["alg"]')}.${P}.${SIG}`],
  ['header is a JSON string', `${b64u.encode('"ES256"')}.${P}.${SIG}`],
  ['header is null', `${b64u.encode('null')}.${P}.${SIG}`],
  ['header with duplicate alg', `${b64u.encode('{"alg":"ES256","alg":"none"}')}.${P}.${SIG}`],
  ['header without alg', `${h({ kid: 'k' })}.${P}.${SIG}`],
  ['header alg is a number', `${h({ alg: 256 })}.${P}.${SIG}`],
  ['header kid is a number', `${h({ alg: 'ES256', kid: 5 })}.${P}.${SIG}`],
  ['header with trailing garbage after JSON', `${b64u.encode('{"alg":"ES256"}x')}.${P}.${SIG}`],
  ['header with a BOM', `${b64u.encode('\uFEFF{"alg":"ES256"}')}.${P}.${SIG}`],
  ['header nested 1000 deep', `${b64u.encode(`{"alg":"ES256","x":${'['.repeat(1000)}${']'.repeat(1000)}}`)}.${P}.${SIG}`],
  ['token over 16 KiB', `${ES}.${'A'.repeat(17000)}.${SIG}`],
]) {
  bad(`decode: ${name}`, () => decode(token), 'ERR_JWS_INVALID');
}

for (const [name, payload] of [
  ['payload not JSON', b64u.encode('hello')],
  ['payload a JSON array', b64u.encode('[1]')],
  ['payload a number', b64u.encode('1')],
  ['payload null', b64u.encode('null')],
  ['payload duplicate exp', b64u.encode('{"exp":1,"exp":9999999999}')],
  ['payload invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]).toString('base64url')],
  ['payload nested 1000 deep', b64u.encode(`{"a":${'['.repeat(1000)}${']'.repeat(1000)}}`)],
  ['payload empty', ''],
]) {
  bad(`decode: ${name}`, () => decode(`${ES}.${payload}.${SIG}`), 'ERR_JWT_INVALID');
}

for (const [name, value] of [
  ['number', 42],
  ['null', null],
  ['undefined', undefined],
  ['object', {}],
  ['array of segments', ['a', 'b', 'c']],
]) {
  bad(`decode: token is ${name}`, () => decode(value), 'ERR_JWS_INVALID');
}

// --- tokens through verify ------------------------------------------------------------------------------------
bad('verify: alg none', () => verify(`${h({ alg: 'none' })}.${P}.`, keySet, { currentDate: NOW }), 'ERR_JOSE_NOT_SUPPORTED', { alg: 'none' });
bad('verify: alg NONE (case)', () => verify(`${h({ alg: 'NONE' })}.${P}.`, keySet, { currentDate: NOW }), 'ERR_JOSE_NOT_SUPPORTED');
bad('verify: unknown alg', () => verify(`${h({ alg: 'XX999' })}.${P}.${SIG}`, keySet, { currentDate: NOW }), 'ERR_JOSE_NOT_SUPPORTED', { alg: 'XX999' });
bad('verify: ES256 signature of wrong length', () => verify(`${ES}.${P}.${'A'.repeat(40)}`, keySet, { currentDate: NOW }), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
bad('verify: ES256 all-zero signature', () => verify(`${ES}.${P}.${'A'.repeat(86)}`, keySet, { currentDate: NOW }), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
bad('verify: empty signature', () => verify(`${ES}.${P}.`, keySet, { currentDate: NOW }), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
bad('verify: DER-encoded ECDSA signature', () => verify(`${ES}.${P}.${Buffer.from('3044022000000000000000000000000000000000000000000000000000000000000000010220000000000000000000000000000000000000000000000000000000000000000001', 'hex').toString('base64url')}`, keySet, { currentDate: NOW }), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
bad('verify: unknown kid', () => verify(`${h({ alg: 'ES256', kid: 'nope' })}.${P}.${SIG}`, keySet, { currentDate: NOW }), 'ERR_JWKS_NO_MATCHING_KEY', { kid: 'nope', alg: 'ES256' });
// crit is checked after the signature, so these are correctly signed (HS256) and fail on crit alone.
const SECRET = Buffer.alloc(32, 9);
const hsKeySet = () => KeySet.fromJwks({ keys: [{ kty: 'oct', k: SECRET.toString('base64url') }] }, { allowSymmetric: true });
const claimsJson = JSON.stringify(claimsAt());
for (const [name, header, code, crit = []] of [
  ['crit is a string', { alg: 'HS256', crit: 'b64' }, 'ERR_JWS_INVALID'],
  ['crit is empty', { alg: 'HS256', crit: [] }, 'ERR_JWS_INVALID'],
  ['crit names a missing parameter', { alg: 'HS256', crit: ['urn:x'] }, 'ERR_JWS_INVALID', ['urn:x']],
  ['crit names an unknown extension', { alg: 'HS256', crit: ['urn:y'], 'urn:y': 1 }, 'ERR_JOSE_NOT_SUPPORTED'],
  ['b64: false (RFC 7797) is not supported', { alg: 'HS256', b64: false, crit: ['b64'] }, 'ERR_JOSE_NOT_SUPPORTED'],
]) {
  bad(`verify: ${name}`, () => verify(hmacJws('HS256', SECRET, header, claimsJson), hsKeySet(), { currentDate: NOW, crit }), code);
}

// --- JWKS ----------------------------------------------------------------------------------------------------
for (const [name, jwks, details] of [
  ['JSON syntax error', '{"keys": [', {}],
  ['JSON syntax error on line 3', '{\n  "keys": [\n    {"kty": "EC",, }\n  ]\n}', { line: 3 }],
  ['not an object', '[]', {}],
  ['keys missing', '{}', {}],
  ['keys not an array', '{"keys": {}}', {}],
  ['keys a string', { keys: 'abc' }, {}],
  ['empty text', '', {}],
  ['duplicate keys member', '{"keys":[],"keys":[]}', {}],
  ['number', 42, {}],
  ['null', null, {}],
]) {
  bad(`KeySet.fromJwks: ${name}`, () => KeySet.fromJwks(jwks), 'ERR_JWKS_INVALID', details);
}

// --- options -------------------------------------------------------------------------------------------------
const withToken = (options) => () => verify(validToken, keySet, options);
for (const [name, options] of [
  ['currentDate is a string', { currentDate: '2024-01-01' }],
  ['currentDate is an invalid Date', { currentDate: new Date('nope') }],
  ['currentDate is NaN', { currentDate: NaN }],
  ['clockTolerance is "soon"', { clockTolerance: 'soon' }],
  ['clockTolerance is negative', { clockTolerance: -5 }],
  ['clockTolerance is Infinity', { clockTolerance: Infinity }],
  ['maxTokenAge is "1 month"', { maxTokenAge: '1 month' }],
  ['maxTokenAge is an object', { maxTokenAge: {} }],
  ['options is a string', 'strict'],
  ['options is an array', []],
]) {
  bad(`verify options: ${name}`, withToken(options), 'ERR_INVALID_ARGUMENT');
}
for (const [name, options] of [
  ['issuer is a number', { issuer: 5 }],
  ['audience is an object', { audience: { a: 1 } }],
  ['algorithms is a string', { algorithms: 'ES256' }],
  ['requiredClaims is a string', { requiredClaims: 'sub' }],
  ['requireExpiration is a string', { requireExpiration: 'yes' }],
  ['maxTokenSize is negative', { maxTokenSize: -1 }],
]) {
  bad(`verify options (core): ${name}`, withToken({ currentDate: NOW, ...options }), 'ERR_INVALID_ARGUMENT');
}

// --- API misuse ----------------------------------------------------------------------------------------------
bad('verify: keySet is a JWKS object', () => verify(validToken, { keys: [] }), 'ERR_INVALID_ARGUMENT');
bad('verify: keySet missing', () => verify(validToken), 'ERR_INVALID_ARGUMENT');
bad('compactVerify: keySet is null', () => compactVerify(validToken, null), 'ERR_INVALID_ARGUMENT');
bad('check: no options', () => check(validToken), 'ERR_INVALID_ARGUMENT');
bad('check: neither jwks nor keySet', () => check(validToken, { issuer: 'x' }), 'ERR_INVALID_ARGUMENT');
bad('check: both jwks and keySet', () => check(validToken, { jwks: { keys: [] }, keySet }), 'ERR_INVALID_ARGUMENT');
bad('new KeySet()', () => new KeySet(), 'ERR_INVALID_ARGUMENT');
bad('Policy.parse: not JSON', () => Policy.parse('{'), 'ERR_POLICY_INVALID');
bad('Policy.parse: a number', () => Policy.parse(5), 'ERR_POLICY_INVALID');

test(`bad input: ${cases.length} cases, each with its code, no trap`, () => {
  assert.ok(cases.length >= 50, `only ${cases.length} cases`);
  const failures = [];
  for (const { name, fn, code, details } of cases) {
    try {
      expectCode(fn, code, details);
    } catch (e) {
      failures.push(`${name}: ${e.message}`);
    }
  }
  assert.deepEqual(failures, [], `\n${failures.join('\n')}`);
});

test('the same instance still verifies a valid token after all of that', () => {
  const result = verify(validToken, keySet, { currentDate: NOW });
  assert.equal(result.key.kid, 'k');
  assert.equal(KeySet.fromJwks({ keys: [signer.publicJwk] }).keys.length, 1);
});

test('check() never throws for a bad token', () => {
  for (const token of ['', 'a.b', `${ES}.${P}.${SIG}`, `${h({ alg: 'none' })}.${P}.`, 42]) {
    const r = check(token, { keySet, currentDate: NOW });
    assert.equal(r.ok, false);
    assert.ok(['decode', 'keys', 'signature', 'claims'].includes(r.stage), r.stage);
    assert.equal(typeof r.error.code, 'string');
    assert.notEqual(r.error.code, 'ERR_INTERNAL');
  }
  const r = check(validToken, { jwks: '{"keys": [', currentDate: NOW });
  assert.equal(r.ok, false);
  assert.equal(r.stage, 'keys');
  assert.equal(r.error.code, 'ERR_JWKS_INVALID');
});

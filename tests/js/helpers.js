// Shared helpers for the JS tests. The package is imported by its name, exactly as a user does: the root
// package.json depends on `file:./pkg`, so `oidc-trust` resolves through pkg/package.json's `exports` map.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as jose from 'jose';
import * as oidc from 'oidc-trust';
// The full entry: the same API plus the policy dialects beyond AWS and createTestIssuer (its own wasm module).
import * as full from 'oidc-trust/full';

export { oidc, full, jose };

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Shared test vectors: `$OIDC_TRUST_SHARED`, default `../shared` beside the repository. */
export const SHARED = process.env.OIDC_TRUST_SHARED ? resolve(process.env.OIDC_TRUST_SHARED) : resolve(REPO, '..', 'shared');
export const VECTORS = join(SHARED, 'vectors');

export function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** A fixed clock for minted tokens, so that no test depends on the time it runs. */
export const NOW = 1_700_000_000;

export const b64u = {
  encode: (data) => Buffer.from(typeof data === 'string' ? data : data).toString('base64url'),
  json: (value) => Buffer.from(JSON.stringify(value)).toString('base64url'),
  decode: (s) => Buffer.from(s, 'base64url'),
};

export const ASYMMETRIC_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'ES256K', 'EdDSA'];
export const SYMMETRIC_ALGS = ['HS256', 'HS384', 'HS512'];
export const ALL_ALGS = [...ASYMMETRIC_ALGS, ...SYMMETRIC_ALGS];

export const HASH = { 256: 'sha256', 384: 'sha384', 512: 'sha512' };

/**
 * A signer for `alg`: `{ alg, kid, publicJwk, sign(header, claims) }`. Tokens are minted by jose; ES256K, which
 * jose 6 no longer supports, is signed by node:crypto (OpenSSL) — still an implementation we did not write.
 */
export async function makeSigner(alg, kid = `${alg.toLowerCase()}-key`) {
  if (alg === 'ES256K') {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
    return {
      alg,
      kid,
      publicJwk,
      async sign(header, claims) {
        const input = `${b64u.json({ alg, kid, ...header })}.${b64u.json(claims)}`;
        const sig = crypto.sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
        return `${input}.${sig.toString('base64url')}`;
      },
    };
  }
  if (alg.startsWith('HS')) {
    const secret = crypto.randomBytes(Number(alg.slice(2)) / 8 + 16);
    const publicJwk = { kty: 'oct', k: secret.toString('base64url'), kid, alg, use: 'sig' };
    return {
      alg,
      kid,
      publicJwk,
      secret,
      sign: (header, claims) => new jose.SignJWT(claims).setProtectedHeader({ alg, kid, ...header }).sign(secret),
    };
  }
  const { privateKey, publicKey } = await jose.generateKeyPair(alg, { extractable: true, ...(alg.startsWith('RS') || alg.startsWith('PS') ? { modulusLength: 2048 } : {}) });
  const publicJwk = { ...(await jose.exportJWK(publicKey)), kid, alg, use: 'sig' };
  return {
    alg,
    kid,
    publicJwk,
    privateKey,
    sign: (header, claims) => new jose.SignJWT(claims).setProtectedHeader({ alg, kid, ...header }).sign(privateKey),
  };
}

/** Signs an arbitrary compact JWS (header and payload bytes as given) with HMAC. */
export function hmacJws(alg, secret, header, payloadBytes) {
  const input = `${b64u.json(header)}.${Buffer.from(payloadBytes).toString('base64url')}`;
  const mac = crypto.createHmac(HASH[alg.slice(2)], secret).update(input).digest('base64url');
  return `${input}.${mac}`;
}

export function claimsAt(now = NOW, extra = {}) {
  return { iss: 'https://issuer.example', aud: 'https://audience.example', sub: 'repo:o/r:ref:refs/heads/main', iat: now - 10, exp: now + 600, ...extra };
}

/**
 * Runs `fn` and asserts that it throws an `OidcTrustError` with `code` and the given detail fields.
 * @returns {import('oidc-trust').OidcTrustError}
 */
export function expectCode(fn, code, details = {}) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error, `expected ${code}, but nothing was thrown`);
  assert.ok(!(error instanceof WebAssembly.RuntimeError), `wasm trapped: ${error.message}`);
  assert.ok(error instanceof oidc.OidcTrustError, `expected an OidcTrustError, got ${error?.constructor?.name}: ${error?.message}`);
  assert.equal(error.name, 'OidcTrustError');
  assert.notEqual(error.code, 'ERR_INTERNAL', `internal error: ${error.message} (cause: ${error.cause})`);
  assert.equal(error.code, code, `code (message: ${error.message})`);
  for (const [field, value] of Object.entries(details)) {
    assert.deepEqual(error[field], value, `${field} of ${code} (message: ${error.message})`);
  }
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0, 'the error has a message');
  return error;
}

/** Replaces one base64url character in the middle of `segment` by another (a real bit flip, never padding bits). */
export function flipChar(segment, at = Math.floor(segment.length / 2)) {
  const c = segment[at];
  const replacement = c === 'A' ? 'B' : 'A';
  return segment.slice(0, at) + replacement + segment.slice(at + 1);
}

// RSA in the wasm build at every limb configuration of src/alg/rsa_fast.rs (76, 112, 152, 228 and 304 limbs, for
// moduli up to 2126, 3134, 4102, 6154 and 8192 bits) and on both sides of each boundary. The wasm build runs its
// own SIMD Montgomery rows (the native `cargo test` covers only the scalar ones), so this is where they meet keys
// of every size: a valid RS256/RS384/PS256/PS512 signature verifies on the pure backend exactly as on node:crypto,
// and every tampered one fails on both.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { HASH, NOW, REPO, b64u, oidc, readJson } from './helpers.js';

const { KeySet, verify } = oidc;

function sign(privateKey, kid, alg, claims) {
  const input = `${b64u.json({ alg, kid })}.${b64u.json(claims)}`;
  const bits = alg.slice(2);
  const key = alg.startsWith('PS') ? { key: privateKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(bits) / 8 } : privateKey;
  return `${input}.${crypto.sign(HASH[bits], Buffer.from(input), key).toString('base64url')}`;
}

/** The token with one bit of its signature flipped (bit `n` of the signature bytes). */
function tampered(token, n) {
  const dot = token.lastIndexOf('.');
  const sig = b64u.decode(token.slice(dot + 1));
  sig[Math.floor(n / 8) % sig.length] ^= 1 << (n % 8);
  return `${token.slice(0, dot)}.${b64u.encode(sig)}`;
}

/** Verifies `token` on both backends; both must agree, and the verdict is returned. */
function verdicts(jwk, token) {
  const out = {};
  for (const backend of ['wasm', 'native']) {
    const keys = KeySet.fromJwks({ keys: [jwk] }, { backend });
    assert.equal(keys.backend, backend);
    try {
      verify(token, keys, { currentDate: NOW + 1 });
      out[backend] = 'ok';
    } catch (e) {
      out[backend] = e.code;
    }
  }
  assert.equal(out.wasm, out.native, `wasm and node:crypto disagree on ${jwk.kid}`);
  return out.wasm;
}

function check(jwk, token) {
  assert.equal(verdicts(jwk, token), 'ok');
  for (const n of [0, 7, 1000, 2047, 4095, 8191]) assert.equal(verdicts(jwk, tampered(token, n)), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', `bit ${n}`);
}

describe('RSA at every limb configuration, pure wasm against node:crypto', () => {
  // Generated per run: sizes whose key generation is quick.
  for (const bits of [2048, 2126, 2127, 3072, 3134, 3135, 4096, 4102, 4103]) {
    test(`${bits}-bit modulus`, () => {
      const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: bits });
      const jwk = { ...publicKey.export({ format: 'jwk' }), kid: `rsa-${bits}` };
      assert.equal(b64u.decode(jwk.n).length, Math.ceil(bits / 8));
      for (const alg of ['RS256', 'RS384', 'PS256', 'PS512']) {
        check(jwk, sign(privateKey, jwk.kid, alg, { sub: `${bits}`, iat: NOW, exp: NOW + 600 }));
      }
    });
  }

  // Committed: 6144, 6154 (the largest of the 228-limb configuration) and 8192 bits (tests/fixtures/rsa).
  const large = readJson(join(REPO, 'tests', 'fixtures', 'rsa', 'large-keys.json'));
  for (const { bits, jwk, tokens } of large.keys) {
    test(`${bits}-bit modulus (fixture)`, () => {
      for (const token of Object.values(tokens)) check(jwk, token);
    });
  }
});

// Every algorithm, with tokens minted by jose (ES256K by OpenSSL): valid tokens verify, and each mutation fails
// with its exact code and the details a caller acts on.

import assert from 'node:assert/strict';
import { describe, test, before } from 'node:test';
import { ALL_ALGS, NOW, b64u, claimsAt, expectCode, flipChar, jose, makeSigner, oidc } from './helpers.js';

const { KeySet, verify, decode } = oidc;

// An algorithm of another family for each one, to swap into a header (the classic key-confusion attack).
const OTHER_FAMILY = { RS: 'ES256', PS: 'ES256', ES: 'RS256', Ed: 'RS256', HS: 'RS256' };
// Same family, other hash (or curve): the JWK's `alg` must equal the header's.
const SAME_FAMILY = {
  RS256: 'RS384', RS384: 'RS512', RS512: 'RS256',
  PS256: 'PS384', PS384: 'PS512', PS512: 'PS256',
  ES256: 'ES384', ES384: 'ES512', ES512: 'ES256', ES256K: 'ES256',
  EdDSA: 'ES256',
  HS256: 'HS384', HS384: 'HS512', HS512: 'HS256',
};

for (const alg of ALL_ALGS) {
  describe(alg, () => {
    const symmetric = alg.startsWith('HS');
    const ksOptions = symmetric ? { allowSymmetric: true } : undefined;
    const opts = { currentDate: NOW, issuer: 'https://issuer.example', audience: 'https://audience.example' };
    let signer, other, keySet, token;

    before(async () => {
      signer = await makeSigner(alg);
      other = await makeSigner(alg, signer.kid); // same kid, different key material
      keySet = KeySet.fromJwks({ keys: [signer.publicJwk] }, ksOptions);
      token = await signer.sign({ typ: 'JWT' }, claimsAt());
    });

    test('the key set lists the key with its RFC 7638 thumbprint (as jose computes it)', async () => {
      assert.equal(keySet.rejected.length, 0, JSON.stringify(keySet.rejected));
      assert.equal(keySet.keys.length, 1);
      const [info] = keySet.keys;
      assert.equal(info.kid, signer.kid);
      assert.equal(info.kty, signer.publicJwk.kty);
      assert.equal(info.alg, alg);
      assert.equal(info.use, 'sig');
      assert.equal(info.thumbprint, await jose.calculateJwkThumbprint(signer.publicJwk, 'sha256'));
    });

    test('a valid token verifies', async () => {
      const result = verify(token, keySet, opts);
      assert.deepEqual(result.claims, claimsAt());
      assert.equal(result.header.alg, alg);
      assert.equal(result.header.kid, signer.kid);
      assert.equal(result.key.kid, signer.kid);
      assert.equal(result.key.alg, alg);
      assert.equal(result.key.kty, signer.publicJwk.kty);
      assert.equal(result.key.thumbprint, await jose.calculateJwkThumbprint(signer.publicJwk, 'sha256'));
    });

    test('the JWKS may be given as JSON text', () => {
      const ks = KeySet.fromJwks(JSON.stringify({ keys: [signer.publicJwk] }), ksOptions);
      assert.equal(verify(token, ks, opts).key.kid, signer.kid);
    });

    test('a key without alg, use or kid still verifies (kty/crv derived from the header alg)', async () => {
      const { kid: _kid, alg: _alg, use: _use, ...bare } = signer.publicJwk;
      const ks = KeySet.fromJwks({ keys: [bare] }, ksOptions);
      const t = await signer.sign({ kid: undefined }, claimsAt());
      assert.equal(decode(t).header.kid, undefined);
      const result = verify(t, ks, opts);
      assert.equal(result.key.alg, alg);
      // With a kid in the header, a key without kid is not a candidate (as in jose).
      expectCode(() => verify(token, ks, opts), 'ERR_JWKS_NO_MATCHING_KEY', { kid: signer.kid });
    });

    test('tampered payload', () => {
      const [h, , s] = token.split('.');
      const forged = `${h}.${b64u.json(claimsAt(NOW, { sub: 'repo:attacker/r:ref:refs/heads/main' }))}.${s}`;
      expectCode(() => verify(forged, keySet, opts), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    });

    test('tampered signature', () => {
      const [h, p, s] = token.split('.');
      expectCode(() => verify(`${h}.${p}.${flipChar(s)}`, keySet, opts), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    });

    test('truncated signature', () => {
      const [h, p, s] = token.split('.');
      expectCode(() => verify(`${h}.${p}.${s.slice(0, 8)}`, keySet, opts), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    });

    test('signed by another key with the same kid', async () => {
      const forged = await other.sign({}, claimsAt());
      expectCode(() => verify(forged, keySet, opts), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    });

    test(`alg swapped to another family in the header → no key for it`, () => {
      const [h, p, s] = token.split('.');
      const swapped = OTHER_FAMILY[alg.slice(0, 2)];
      const header = { ...JSON.parse(b64u.decode(h)), alg: swapped };
      expectCode(() => verify(`${b64u.json(header)}.${p}.${s}`, keySet, opts), 'ERR_JWKS_NO_MATCHING_KEY', {
        kid: signer.kid,
        alg: swapped,
      });
    });

    test(`alg swapped within the family → the JWK's alg does not match`, () => {
      const [h, p, s] = token.split('.');
      const swapped = SAME_FAMILY[alg];
      const header = { ...JSON.parse(b64u.decode(h)), alg: swapped };
      expectCode(() => verify(`${b64u.json(header)}.${p}.${s}`, keySet, opts), 'ERR_JWKS_NO_MATCHING_KEY', {
        kid: signer.kid,
        alg: swapped,
      });
    });

    test('alg: none is always rejected', () => {
      const [, p] = token.split('.');
      const none = `${b64u.json({ alg: 'none', kid: signer.kid })}.${p}.`;
      expectCode(() => verify(none, keySet, opts), 'ERR_JOSE_NOT_SUPPORTED', { alg: 'none' });
      expectCode(() => verify(none, keySet, { ...opts, algorithms: ['none'] }), 'ERR_JOSE_NOT_SUPPORTED', { alg: 'none' });
    });

    test('options.algorithms excluding the alg', () => {
      const allowed = alg === 'ES256' ? ['RS256'] : ['ES256'];
      expectCode(() => verify(token, keySet, { ...opts, algorithms: allowed }), 'ERR_JOSE_ALG_NOT_ALLOWED', { alg });
      assert.equal(verify(token, keySet, { ...opts, algorithms: [alg] }).key.alg, alg);
    });

    test('padded base64url is rejected', () => {
      const [h, p, s] = token.split('.');
      const pad = (x) => x + '='.repeat((4 - (x.length % 4)) % 4 || 4);
      expectCode(() => verify(`${pad(h)}.${p}.${s}`, keySet, opts), 'ERR_JWS_INVALID');
      expectCode(() => verify(`${h}.${p}.${pad(s)}`, keySet, opts), 'ERR_JWS_INVALID');
    });

    test('decode() returns header and claims without verifying', () => {
      const { header, claims } = decode(token);
      assert.equal(header.alg, alg);
      assert.deepEqual(claims, claimsAt());
    });
  });
}

test('a symmetric key is rejected unless allowSymmetric is set', async () => {
  const signer = await makeSigner('HS256');
  const ks = KeySet.fromJwks({ keys: [signer.publicJwk] });
  assert.equal(ks.keys.length, 0);
  assert.equal(ks.rejected.length, 1);
  assert.equal(ks.rejected[0].index, 0);
  assert.equal(ks.rejected[0].kid, signer.kid);
  assert.equal(typeof ks.rejected[0].code, 'string');
  assert.equal(typeof ks.rejected[0].reason, 'string');
  const token = await signer.sign({}, claimsAt());
  expectCode(() => verify(token, ks, { currentDate: NOW }), 'ERR_JWKS_NO_MATCHING_KEY', { alg: 'HS256', kid: signer.kid });
});

test('the public key of an RSA pair cannot be used as an HMAC secret (key confusion)', async () => {
  const rsa = await makeSigner('RS256', 'rsa');
  const ks = KeySet.fromJwks({ keys: [rsa.publicJwk] }, { allowSymmetric: true });
  // The attacker HMACs with bytes derived from the public key.
  const secret = Buffer.from(JSON.stringify(rsa.publicJwk));
  const forged = await new jose.SignJWT(claimsAt()).setProtectedHeader({ alg: 'HS256', kid: 'rsa' }).sign(secret);
  expectCode(() => verify(forged, ks, { currentDate: NOW }), 'ERR_JWKS_NO_MATCHING_KEY', { alg: 'HS256', kid: 'rsa' });
});

test('keys named inside the token (jwk, jku, x5u, x5c) are never used', async () => {
  const trusted = await makeSigner('ES256', 'trusted');
  const attacker = await makeSigner('ES256', 'trusted');
  const ks = KeySet.fromJwks({ keys: [trusted.publicJwk] });
  const { kid: _k, alg: _a, use: _u, ...attackerJwk } = attacker.publicJwk;
  for (const header of [
    { jwk: attackerJwk },
    { jku: 'https://attacker.example/jwks.json' },
    { x5u: 'https://attacker.example/cert.pem' },
  ]) {
    const forged = await attacker.sign(header, claimsAt());
    expectCode(() => verify(forged, ks, { currentDate: NOW }), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  }
  // A token carrying only an embedded key and an unknown kid finds no key in the set.
  const other = await makeSigner('ES256', 'attacker-kid');
  const forged = await other.sign({ jwk: attackerJwk }, claimsAt());
  expectCode(() => verify(forged, ks, { currentDate: NOW }), 'ERR_JWKS_NO_MATCHING_KEY', { kid: 'attacker-kid', alg: 'ES256' });
  // The embedded header is ignored, not fatal: a legitimately signed token with a `jwk` header still verifies.
  const legit = await trusted.sign({ jwk: attackerJwk }, claimsAt());
  assert.equal(verify(legit, ks, { currentDate: NOW }).key.kid, 'trusted');
});

test('several keys: the one with the token kid is used; without kid each candidate is tried', async () => {
  const a = await makeSigner('ES256', 'a');
  const b = await makeSigner('ES256', 'b');
  const c = await makeSigner('RS256', 'c');
  const ks = KeySet.fromJwks({ keys: [a.publicJwk, b.publicJwk, c.publicJwk] });
  assert.equal(verify(await b.sign({}, claimsAt()), ks, { currentDate: NOW }).key.kid, 'b');
  // No kid in the header: both EC keys are candidates; the one that verifies wins.
  const tokenB = await new jose.SignJWT(claimsAt()).setProtectedHeader({ alg: 'ES256' }).sign(b.privateKey);
  assert.equal(verify(tokenB, ks, { currentDate: NOW }).key.kid, 'b');
  const stranger = await makeSigner('ES256', 'x');
  const tokenX = await new jose.SignJWT(claimsAt()).setProtectedHeader({ alg: 'ES256' }).sign(stranger.privateKey);
  expectCode(() => verify(tokenX, ks, { currentDate: NOW }), 'ERR_JWKS_MULTIPLE_MATCHING_KEYS', { alg: 'ES256' });
  // A kid that is not in the set.
  expectCode(() => verify(tokenX.replace(/^[^.]+/, b64u.json({ alg: 'ES256', kid: 'nope' })), ks, { currentDate: NOW }),
    'ERR_JWKS_NO_MATCHING_KEY', { alg: 'ES256', kid: 'nope' });
});

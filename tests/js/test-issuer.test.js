// createTestIssuer: a throw-away issuer whose tokens verify against its own JWKS — and only against it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NOW, expectCode, jose, oidc } from './helpers.js';

const { createTestIssuer, KeySet, verify, decode } = oidc;

for (const alg of ['ES256', 'EdDSA', 'RS256']) {
  test(`${alg} test issuer: its tokens verify with oidc-trust and with jose`, async () => {
    const issuer = createTestIssuer({ alg, kid: `k-${alg}` });
    assert.equal(issuer.alg, alg);
    assert.equal(issuer.kid, `k-${alg}`);
    assert.deepEqual(Object.keys(issuer.jwks), ['keys']);
    const jwk = issuer.jwks.keys[0];
    for (const secret of ['d', 'p', 'q', 'k']) assert.equal(jwk[secret], undefined, `no ${secret} in the public JWK`);

    const claims = { iss: 'https://issuer.example', sub: 'repo:o/r:ref:refs/heads/main', exp: NOW + 600 };
    const token = issuer.sign(claims, { typ: 'JWT', alg: 'none' });
    const { header } = decode(token);
    assert.equal(header.alg, alg, 'alg cannot be overridden through the header');
    assert.equal(header.kid, `k-${alg}`);

    const keys = KeySet.fromJwks(issuer.jwks);
    const ours = verify(token, keys, { currentDate: NOW, issuer: 'https://issuer.example' });
    assert.deepEqual(ours.claims, claims);
    assert.equal(ours.key.thumbprint, keys.keys[0].thumbprint);
    const theirs = await jose.jwtVerify(token, jose.createLocalJWKSet(issuer.jwks), { currentDate: new Date(NOW * 1000) });
    assert.deepEqual(theirs.payload, claims);

    // Another issuer's key with the same kid does not verify it.
    const other = createTestIssuer({ alg, kid: `k-${alg}` });
    expectCode(() => verify(token, KeySet.fromJwks(other.jwks), { currentDate: NOW }), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });
}

test('test issuer rejects unknown algorithms and non-object claims with codes', () => {
  expectCode(() => createTestIssuer({ alg: 'HS256' }), 'ERR_INVALID_ARGUMENT');
  expectCode(() => createTestIssuer({ algo: 'ES256' }), 'ERR_INVALID_ARGUMENT');
  const issuer = createTestIssuer();
  assert.equal(issuer.alg, 'ES256');
  expectCode(() => issuer.sign('not claims'), 'ERR_INVALID_ARGUMENT');
  expectCode(() => issuer.sign([1, 2]), 'ERR_INVALID_ARGUMENT');
});

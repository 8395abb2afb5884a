// JWT claim rules and verify() options, through the built package.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { NOW, b64u, claimsAt, expectCode, hmacJws, jose, makeSigner, oidc } from './helpers.js';

const { KeySet, verify } = oidc;

describe('claims', () => {
  let signer, keySet;
  const mint = (claims, header = {}) => signer.sign(header, claims);

  before(async () => {
    signer = await makeSigner('ES256', 'claims');
    keySet = KeySet.fromJwks({ keys: [signer.publicJwk] });
  });

  test('expired', async () => {
    const t = await mint(claimsAt(NOW, { exp: NOW - 10 }));
    expectCode(() => verify(t, keySet, { currentDate: NOW }), 'ERR_JWT_EXPIRED', { claim: 'exp', reason: 'check_failed' });
  });

  test('exp equal to now is expired (jose: now >= exp)', async () => {
    const t = await mint(claimsAt(NOW, { exp: NOW }));
    expectCode(() => verify(t, keySet, { currentDate: NOW }), 'ERR_JWT_EXPIRED', { claim: 'exp' });
  });

  test('expired but within clockTolerance (seconds and jose-style strings)', async () => {
    const t = await mint(claimsAt(NOW, { exp: NOW - 10 }));
    for (const clockTolerance of [30, '30s', '1m', '1 minute', '0.5h']) {
      assert.equal(verify(t, keySet, { currentDate: NOW, clockTolerance }).claims.exp, NOW - 10, String(clockTolerance));
    }
    expectCode(() => verify(t, keySet, { currentDate: NOW, clockTolerance: 5 }), 'ERR_JWT_EXPIRED');
    expectCode(() => verify(t, keySet, { currentDate: NOW, clockTolerance: '5s' }), 'ERR_JWT_EXPIRED');
  });

  test('nbf in the future, and within tolerance', async () => {
    const t = await mint(claimsAt(NOW, { nbf: NOW + 100 }));
    expectCode(() => verify(t, keySet, { currentDate: NOW }), 'ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'nbf', reason: 'check_failed' });
    assert.ok(verify(t, keySet, { currentDate: NOW, clockTolerance: '2m' }));
  });

  test('iat in the future', async () => {
    const t = await mint(claimsAt(NOW, { iat: NOW + 300 }));
    expectCode(() => verify(t, keySet, { currentDate: NOW }), 'ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'iat', reason: 'check_failed' });
  });

  test('maxTokenAge', async () => {
    const t = await mint(claimsAt(NOW, { iat: NOW - 600 }));
    // As in jose: a token older than maxTokenAge is expired (JWTExpired on `iat`).
    expectCode(() => verify(t, keySet, { currentDate: NOW, maxTokenAge: '5m' }), 'ERR_JWT_EXPIRED', { claim: 'iat', reason: 'check_failed' });
    assert.ok(verify(t, keySet, { currentDate: NOW, maxTokenAge: 3600 }));
    const noIat = await mint(claimsAt(NOW, { iat: undefined }));
    expectCode(() => verify(noIat, keySet, { currentDate: NOW, maxTokenAge: 60 }), 'ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'iat', reason: 'missing' });
  });

  test('currentDate as a Date equals epoch seconds', async () => {
    const t = await mint(claimsAt(NOW, { exp: NOW + 1 }));
    assert.ok(verify(t, keySet, { currentDate: new Date(NOW * 1000) }));
    expectCode(() => verify(t, keySet, { currentDate: new Date((NOW + 1) * 1000) }), 'ERR_JWT_EXPIRED');
    expectCode(() => verify(t, keySet, { currentDate: new Date((NOW + 1.5) * 1000) }), 'ERR_JWT_EXPIRED');
  });

  test('without currentDate the clock is now', async () => {
    const now = Math.floor(Date.now() / 1000);
    const t = await mint(claimsAt(now));
    assert.ok(verify(t, keySet));
    const old = await mint(claimsAt(NOW));
    expectCode(() => verify(old, keySet), 'ERR_JWT_EXPIRED');
  });

  test('issuer: string or list', async () => {
    const t = await mint(claimsAt());
    assert.ok(verify(t, keySet, { currentDate: NOW, issuer: 'https://issuer.example' }));
    assert.ok(verify(t, keySet, { currentDate: NOW, issuer: ['https://other.example', 'https://issuer.example'] }));
    expectCode(() => verify(t, keySet, { currentDate: NOW, issuer: 'https://other.example' }), 'ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'iss', reason: 'check_failed' });
    const noIss = await mint(claimsAt(NOW, { iss: undefined }));
    expectCode(() => verify(noIss, keySet, { currentDate: NOW, issuer: 'https://issuer.example' }), 'ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'iss', reason: 'missing' });
  });

  test('audience: token aud string or array, option string or list', async () => {
    const single = await mint(claimsAt());
    const multi = await mint(claimsAt(NOW, { aud: ['https://a.example', 'https://audience.example'] }));
    for (const t of [single, multi]) {
      assert.ok(verify(t, keySet, { currentDate: NOW, audience: 'https://audience.example' }));
      assert.ok(verify(t, keySet, { currentDate: NOW, audience: ['x', 'https://audience.example'] }));
      expectCode(() => verify(t, keySet, { currentDate: NOW, audience: 'https://wrong.example' }), 'ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'aud', reason: 'check_failed' });
    }
  });

  test('subject and typ', async () => {
    const t = await mint(claimsAt(), { typ: 'JWT' });
    assert.ok(verify(t, keySet, { currentDate: NOW, subject: 'repo:o/r:ref:refs/heads/main', typ: 'JWT' }));
    expectCode(() => verify(t, keySet, { currentDate: NOW, subject: 'repo:o/other:ref:refs/heads/main' }), 'ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'sub' });
    expectCode(() => verify(t, keySet, { currentDate: NOW, typ: 'at+jwt' }), 'ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'typ' });
  });

  test('requiredClaims', async () => {
    const t = await mint(claimsAt(NOW, { repository: 'o/r' }));
    assert.ok(verify(t, keySet, { currentDate: NOW, requiredClaims: ['repository', 'sub'] }));
    expectCode(() => verify(t, keySet, { currentDate: NOW, requiredClaims: ['environment'] }), 'ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'environment', reason: 'missing' });
  });

  test('a registered claim of the wrong type is an error, never a skipped check', async () => {
    const cases = [
      [{ exp: '9999999999' }, 'exp'],
      [{ nbf: '0' }, 'nbf'],
      [{ iat: 'yesterday' }, 'iat'],
      [{ exp: null }, 'exp'],
      [{ exp: [NOW + 600] }, 'exp'],
      [{ iss: 5 }, 'iss', { issuer: 'https://issuer.example' }],
      [{ aud: 5 }, 'aud', { audience: 'https://audience.example' }],
      [{ aud: [5] }, 'aud', { audience: 'https://audience.example' }],
      [{ sub: {} }, 'sub', { subject: 'x' }],
    ];
    for (const [extra, claim, options = {}] of cases) {
      const t = await mint(claimsAt(NOW, extra));
      const e = expectCode(() => verify(t, keySet, { currentDate: NOW, ...options }), 'ERR_JWT_CLAIM_VALIDATION_FAILED', { claim });
      assert.equal(typeof e.reason, 'string', JSON.stringify(extra));
    }
  });

  test('missing exp is rejected by default; requireExpiration: false accepts it', async () => {
    const t = await mint(claimsAt(NOW, { exp: undefined }));
    expectCode(() => verify(t, keySet, { currentDate: NOW }), 'ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'exp', reason: 'missing' });
    assert.equal(verify(t, keySet, { currentDate: NOW, requireExpiration: false }).claims.exp, undefined);
  });

  test('unknown crit extension is rejected unless the caller understands it', async () => {
    // jose refuses to sign an extension it is not told about; `crit` in its sign options tells it.
    const t = await new jose.SignJWT(claimsAt())
      .setProtectedHeader({ alg: 'ES256', kid: 'claims', crit: ['urn:example:ext'], 'urn:example:ext': true })
      .sign(signer.privateKey, { crit: { 'urn:example:ext': true } });
    expectCode(() => verify(t, keySet, { currentDate: NOW }), 'ERR_JOSE_NOT_SUPPORTED');
    assert.ok(verify(t, keySet, { currentDate: NOW, crit: ['urn:example:ext'] }));
  });

  test('malformed crit is ERR_JWS_INVALID (checked after the signature)', () => {
    const secret = Buffer.alloc(32, 7);
    const ks = KeySet.fromJwks({ keys: [{ kty: 'oct', k: secret.toString('base64url') }] }, { allowSymmetric: true });
    const payload = JSON.stringify(claimsAt());
    for (const crit of ['urn:x', [], [''], [5], ['alg']]) {
      const t = hmacJws('HS256', secret, { alg: 'HS256', crit, 'urn:x': 1 }, payload);
      expectCode(() => verify(t, ks, { currentDate: NOW, crit: ['urn:x'] }), 'ERR_JWS_INVALID');
    }
  });

  test('payload that is not a JSON object → ERR_JWT_INVALID; compactVerify accepts it', async () => {
    const { compactVerify } = oidc;
    for (const payload of ['[1,2]', '"text"', '42', 'not json', '']) {
      const t = await new jose.CompactSign(new TextEncoder().encode(payload))
        .setProtectedHeader({ alg: 'ES256', kid: 'claims' })
        .sign(signer.privateKey);
      expectCode(() => verify(t, keySet, { currentDate: NOW }), 'ERR_JWT_INVALID');
      const { payload: bytes, key } = compactVerify(t, keySet);
      assert.ok(bytes instanceof Uint8Array);
      assert.equal(new TextDecoder().decode(bytes), payload);
      assert.equal(key.kid, 'claims');
    }
  });

  test('verify result key describes the key used', async () => {
    const t = await mint(claimsAt());
    const { key } = verify(t, keySet, { currentDate: NOW });
    assert.deepEqual(Object.keys(key).sort(), ['alg', 'kid', 'kty', 'thumbprint']);
    assert.equal(key.kty, 'EC');
    assert.match(key.thumbprint, /^[A-Za-z0-9_-]{43}$/);
  });

  test('maxTokenSize', async () => {
    const t = await mint(claimsAt(NOW, { pad: 'x'.repeat(20000) }));
    expectCode(() => verify(t, keySet, { currentDate: NOW }), 'ERR_JWS_INVALID');
    assert.ok(verify(t, keySet, { currentDate: NOW, maxTokenSize: 64 * 1024 }));
    expectCode(() => oidc.decode(t), 'ERR_JWS_INVALID');
    assert.ok(oidc.decode(t, { maxTokenSize: 64 * 1024 }));
  });

  test('header segment tampered (typ added) breaks the signature', async () => {
    const t = await mint(claimsAt());
    const [, p, s] = t.split('.');
    const forged = `${b64u.json({ alg: 'ES256', kid: 'claims', typ: 'JWT' })}.${p}.${s}`;
    expectCode(() => verify(forged, keySet, { currentDate: NOW }), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });
});

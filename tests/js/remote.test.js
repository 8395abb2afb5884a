// Remote key sets and the verified-token cache against a loopback server the tests control. Every fault ends in
// a specific error (issuer trouble: ERR_JWKS_* / ERR_DISCOVERY_INVALID; token trouble: the token's own code) and
// no token is ever accepted that should not be.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, test } from 'node:test';
import { oidc } from './helpers.js';
import { faultServer, json, slow, status } from './remote-server.js';

const { createRemoteJWKSet, createTestIssuer, createVerifier, verifyAsync, checkAsync, verify, check, KeySet, OidcTrustError } = oidc;

const ISSUER_A = createTestIssuer({ alg: 'ES256', kid: 'key-a' });
const ISSUER_B = createTestIssuer({ alg: 'ES256', kid: 'key-b' });
const STRANGER = createTestIssuer({ alg: 'ES256', kid: 'key-a' }); // same kid as A, different key

const now = () => Math.floor(Date.now() / 1000);
const claims = (extra = {}) => ({ iss: 'https://issuer.test', aud: 'api', sub: 'user-1', iat: now(), exp: now() + 600, ...extra });
const jwksOf = (...issuers) => ({ keys: issuers.map((i) => i.jwks.keys[0]) });
const FAST = { allowInsecure: true, timeout: 1, cooldown: 0.2, maxAge: 600, maxStale: 3600 };

async function rejects(promise, code, details = {}) {
  let error;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error, `expected ${code}, but it resolved`);
  assert.ok(error instanceof OidcTrustError, `expected an OidcTrustError, got ${error?.constructor?.name}: ${error?.message}`);
  assert.equal(error.code, code, error.message);
  for (const [k, v] of Object.entries(details)) assert.deepEqual(error[k], v, `${k} (${error.message})`);
  return error;
}

let server;
before(async () => {
  server = await faultServer();
});
after(() => server.close());

let n = 0;
/** A fresh path per test, so counts and handlers never leak between tests. */
const fresh = (name = 'jwks') => `/${name}-${++n}`;

describe('createRemoteJWKSet(url)', () => {
  test('fetches once, verifies, and reports the keys it used', async () => {
    const path = fresh();
    server.set(path, jwksOf(ISSUER_A));
    const keys = createRemoteJWKSet(server.url(path), FAST);
    assert.equal(keys.current(), undefined);
    assert.equal(keys.status(), undefined);
    const token = ISSUER_A.sign(claims());
    const result = await verifyAsync(token, keys, { audience: 'api' });
    assert.equal(result.claims.sub, 'user-1');
    assert.equal(result.key.kid, 'key-a');
    assert.equal(result.jwks.uri, server.url(path));
    assert.equal(result.jwks.stale, false);
    assert.ok(result.jwks.age >= 0 && result.jwks.age < 5);
    await verifyAsync(token, keys);
    assert.equal(server.count(path), 1, 'the second verification used the cached key set');
    assert.ok(keys.current() instanceof KeySet);
    assert.equal(keys.uri, server.url(path));
    assert.equal(String(keys), '[object RemoteJWKSet]');
    // The snapshot works with the synchronous API.
    assert.equal(verify(token, keys.current()).key.kid, 'key-a');
  });

  test('a tampered token or a token from another key is still rejected with its own code', async () => {
    const path = fresh();
    server.set(path, jwksOf(ISSUER_A));
    const keys = createRemoteJWKSet(server.url(path), FAST);
    const [h, p, s] = ISSUER_A.sign(claims()).split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify(claims({ sub: 'admin' }))).toString('base64url')}.${s}`;
    await rejects(verifyAsync(forged, keys), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    await rejects(verifyAsync(STRANGER.sign(claims()), keys), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    await rejects(verifyAsync(ISSUER_A.sign(claims({ exp: now() - 100 })), keys), 'ERR_JWT_EXPIRED');
    await rejects(verifyAsync(ISSUER_A.sign(claims()), keys, { audience: 'other' }), 'ERR_JWT_CLAIM_VALIDATION_FAILED', { claim: 'aud' });
    assert.equal(server.count(path), 1, 'no refetch for tokens whose kid is known');
  });

  test('only https: unless allowInsecure; the URL must parse', () => {
    assert.throws(() => createRemoteJWKSet(server.url('/x')), { code: 'ERR_INVALID_ARGUMENT', message: /https/ });
    assert.throws(() => createRemoteJWKSet({ issuer: server.origin }), { code: 'ERR_INVALID_ARGUMENT', message: /https/ });
    assert.throws(() => createRemoteJWKSet('file:///etc/passwd', { allowInsecure: true }), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => createRemoteJWKSet('not a url'), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => createRemoteJWKSet('https://issuer.test/jwks', { timout: 5 }), { code: 'ERR_INVALID_ARGUMENT', message: /timout/ });
    assert.throws(() => createRemoteJWKSet('https://issuer.test/jwks', { timeout: -1 }), { code: 'ERR_INVALID_ARGUMENT' });
    assert.ok(createRemoteJWKSet(new URL('https://issuer.test/jwks')));
  });

  test('the synchronous API rejects a remote set with a clear error', async () => {
    const keys = createRemoteJWKSet('https://issuer.test/jwks');
    const token = ISSUER_A.sign(claims());
    assert.throws(() => verify(token, keys), { code: 'ERR_INVALID_ARGUMENT', message: /verifyAsync.*current\(\)/ });
    assert.throws(() => check(token, { keySet: keys }), { code: 'ERR_INVALID_ARGUMENT', message: /checkAsync/ });
    assert.throws(() => check(token, { keys }), { code: 'ERR_INVALID_ARGUMENT', message: /checkAsync/ });
    assert.throws(() => createVerifier({ keys }).verify(token), { code: 'ERR_INVALID_ARGUMENT', message: /verifyAsync/ });
    assert.throws(() => createVerifier({ keys }).check(token), { code: 'ERR_INVALID_ARGUMENT', message: /checkAsync/ });
  });
});

describe('faults: the issuer is down or misbehaves', () => {
  test('HTTP 500 → ERR_JWKS_FETCH_FAILED with the status', async () => {
    const path = fresh();
    server.set(path, status(500));
    const keys = createRemoteJWKSet(server.url(path), FAST);
    const e = await rejects(verifyAsync(ISSUER_A.sign(claims()), keys), 'ERR_JWKS_FETCH_FAILED', { status: 500, url: server.url(path) });
    assert.match(e.message, /500/);
    // checkAsync reports the issuer being down as an exception too: it is not a verdict on the token.
    await sleep(250);
    await rejects(checkAsync(ISSUER_A.sign(claims()), { keys }), 'ERR_JWKS_FETCH_FAILED', { status: 500 });
  });

  test('a slow response → ERR_JWKS_TIMEOUT after `timeout`', async () => {
    const path = fresh();
    server.set(path, slow(3000, jwksOf(ISSUER_A)));
    const keys = createRemoteJWKSet(server.url(path), { ...FAST, timeout: 0.3 });
    const started = Date.now();
    await rejects(verifyAsync(ISSUER_A.sign(claims()), keys), 'ERR_JWKS_TIMEOUT', { url: server.url(path) });
    const took = Date.now() - started;
    assert.ok(took >= 250 && took < 2500, `timed out after ${took} ms`);
  });

  test('malformed JSON, a non-JWKS, an oversized body → ERR_JWKS_INVALID', async () => {
    for (const body of ['{"keys": [', '[]', '{"keys": {}}', JSON.stringify({ keys: [], pad: 'x'.repeat(1_100_000) })]) {
      const path = fresh();
      server.set(path, json(body));
      const keys = createRemoteJWKSet(server.url(path), FAST);
      await rejects(verifyAsync(ISSUER_A.sign(claims()), keys), 'ERR_JWKS_INVALID');
    }
  });

  test('an unreachable port → ERR_JWKS_FETCH_FAILED', async () => {
    const closed = await faultServer();
    const url = closed.url('/jwks');
    await closed.close();
    await rejects(verifyAsync(ISSUER_A.sign(claims()), createRemoteJWKSet(url, FAST)), 'ERR_JWKS_FETCH_FAILED', { url });
  });

  test('a JWKS that drops the current key: its tokens fail once the set is refreshed', async () => {
    const path = fresh();
    server.set(path, jwksOf(ISSUER_A, ISSUER_B));
    const keys = createRemoteJWKSet(server.url(path), { ...FAST, maxAge: 0.3, cooldown: 0.1 });
    const token = ISSUER_A.sign(claims());
    await verifyAsync(token, keys);
    server.set(path, jwksOf(ISSUER_B));
    await sleep(400);
    await rejects(verifyAsync(token, keys), 'ERR_JWKS_NO_MATCHING_KEY', { kid: 'key-a' });
    assert.equal((await verifyAsync(ISSUER_B.sign(claims()), keys)).key.kid, 'key-b');
  });

  test('a flood of unknown kids: fetches stay bounded by the cooldown, every token is rejected', async () => {
    const path = fresh();
    server.set(path, jwksOf(ISSUER_A));
    const cooldown = 0.25;
    const keys = createRemoteJWKSet(server.url(path), { ...FAST, cooldown });
    const started = Date.now();
    let rejected = 0;
    for (let round = 0; round < 12; round++) {
      const batch = Array.from({ length: 25 }, () => {
        const attacker = Math.random() < 0.5 ? ISSUER_A : STRANGER; // a real signature with a bogus kid, or none
        return verifyAsync(attacker.sign(claims(), { kid: randomUUID() }), keys).then(
          () => assert.fail('a token with an unknown kid was accepted'),
          (e) => {
            assert.equal(e.code, 'ERR_JWKS_NO_MATCHING_KEY');
            rejected++;
          },
        );
      });
      await Promise.all(batch);
      await sleep(50);
    }
    const elapsed = (Date.now() - started) / 1000;
    const bound = 1 + Math.ceil(elapsed / cooldown);
    assert.equal(rejected, 300);
    assert.ok(server.count(path) <= bound, `${server.count(path)} fetches in ${elapsed}s (cooldown ${cooldown}s, bound ${bound})`);
    assert.ok(server.count(path) >= 2, 'an unknown kid did cause a refetch after the cooldown');
    // The real key still verifies after the flood.
    assert.equal((await verifyAsync(ISSUER_A.sign(claims()), keys)).key.kid, 'key-a');
  });

  test('an unknown kid refetches once and picks up a rotated-in key', async () => {
    const path = fresh();
    server.set(path, jwksOf(ISSUER_A));
    const keys = createRemoteJWKSet(server.url(path), { ...FAST, cooldown: 0.1 });
    await verifyAsync(ISSUER_A.sign(claims()), keys);
    server.set(path, jwksOf(ISSUER_A, ISSUER_B));
    await sleep(150);
    const r = await verifyAsync(ISSUER_B.sign(claims()), keys);
    assert.equal(r.key.kid, 'key-b');
    assert.equal(server.count(path), 2);
  });

  test('within the cooldown an unknown kid does not refetch', async () => {
    const path = fresh();
    server.set(path, jwksOf(ISSUER_A));
    const keys = createRemoteJWKSet(server.url(path), { ...FAST, cooldown: 30 });
    await verifyAsync(ISSUER_A.sign(claims()), keys);
    server.set(path, jwksOf(ISSUER_A, ISSUER_B));
    await rejects(verifyAsync(ISSUER_B.sign(claims()), keys), 'ERR_JWKS_NO_MATCHING_KEY');
    assert.equal(server.count(path), 1);
    // reload() is the explicit way past the cooldown.
    await keys.reload();
    assert.equal((await verifyAsync(ISSUER_B.sign(claims()), keys)).key.kid, 'key-b');
    assert.equal(server.count(path), 2);
  });

  test('concurrent callers share one in-flight fetch', async () => {
    const path = fresh();
    server.set(path, slow(200, jwksOf(ISSUER_A)));
    const keys = createRemoteJWKSet(server.url(path), FAST);
    const token = ISSUER_A.sign(claims());
    const results = await Promise.all(Array.from({ length: 20 }, () => verifyAsync(token, keys)));
    assert.equal(results.length, 20);
    assert.equal(server.count(path), 1);
  });

  test('stale keys are served up to maxStale while the issuer is down, visibly', async () => {
    const path = fresh();
    server.set(path, jwksOf(ISSUER_A));
    const keys = createRemoteJWKSet(server.url(path), { ...FAST, maxAge: 0.2, cooldown: 0.1, maxStale: 1 });
    const token = ISSUER_A.sign(claims());
    assert.equal((await verifyAsync(token, keys)).jwks.stale, false);
    server.set(path, status(503));
    await sleep(300);
    const stale = await verifyAsync(token, keys);
    assert.equal(stale.jwks.stale, true);
    assert.ok(stale.jwks.age >= 0.2);
    assert.equal(keys.status().stale, true);
    // Stale keys never accept a bad token.
    await rejects(verifyAsync(STRANGER.sign(claims()), keys), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    await sleep(1100);
    await rejects(verifyAsync(token, keys), 'ERR_JWKS_FETCH_FAILED', { status: 503 });
    // reload() never serves stale keys: it reports the failure.
    await rejects(keys.reload(), 'ERR_JWKS_FETCH_FAILED');
    server.set(path, jwksOf(ISSUER_A));
    await keys.reload();
    assert.equal((await verifyAsync(token, keys)).jwks.stale, false);
  });

  test('Cache-Control: max-age is honoured when shorter than maxAge, ignored when longer', async () => {
    const short = fresh();
    server.set(short, jwksOf(ISSUER_A), { 'cache-control': 'public, max-age=1' });
    const a = createRemoteJWKSet(server.url(short), { ...FAST, cooldown: 0 });
    const token = ISSUER_A.sign(claims());
    await verifyAsync(token, a);
    await verifyAsync(token, a);
    assert.equal(server.count(short), 1);
    await sleep(1100);
    await verifyAsync(token, a);
    assert.equal(server.count(short), 2, 'refetched after the server max-age');

    const long = fresh();
    server.set(long, jwksOf(ISSUER_A), { 'cache-control': 'max-age=86400' });
    const b = createRemoteJWKSet(server.url(long), { ...FAST, cooldown: 0, maxAge: 0.3 });
    await verifyAsync(token, b);
    await sleep(350);
    await verifyAsync(token, b);
    assert.equal(server.count(long), 2, 'refetched after our maxAge despite the long server max-age');
  });

  test('persistence hooks: saved after a fetch, loaded on a cold start (no request), other sources ignored', async () => {
    const path = fresh();
    server.set(path, jwksOf(ISSUER_A));
    let saved;
    const store = { load: async () => saved, save: async (snapshot) => void (saved = structuredClone(snapshot)) };
    const token = ISSUER_A.sign(claims());
    await verifyAsync(token, createRemoteJWKSet(server.url(path), { ...FAST, persist: store }));
    assert.equal(server.count(path), 1);
    assert.equal(saved.source, server.url(path));
    assert.equal(typeof saved.jwks, 'string');
    assert.ok(saved.expiresAt > saved.fetchedAt);

    const cold = createRemoteJWKSet(server.url(path), { ...FAST, persist: store });
    assert.equal((await verifyAsync(token, cold)).key.kid, 'key-a');
    assert.equal(server.count(path), 1, 'the persisted snapshot answered');

    const other = fresh();
    server.set(other, jwksOf(ISSUER_B));
    const elsewhere = createRemoteJWKSet(server.url(other), { ...FAST, persist: store });
    await rejects(verifyAsync(token, elsewhere), 'ERR_JWKS_NO_MATCHING_KEY');
    assert.equal(server.count(other), 1, 'fetched instead of trusting a snapshot of another source');

    const broken = { load: async () => { throw new Error('store down'); }, save: async () => { throw new Error('store down'); } };
    assert.equal((await verifyAsync(token, createRemoteJWKSet(server.url(path), { ...FAST, persist: broken }))).key.kid, 'key-a');
  });
});

describe('createRemoteJWKSet({ issuer }) (OIDC discovery)', () => {
  test('discovery → jwks_uri; the discovered issuer must equal the configured one', async () => {
    const issuer = server.url(fresh('issuer'));
    const jwksPath = fresh();
    server.set(new URL(issuer).pathname + '/.well-known/openid-configuration', { issuer, jwks_uri: server.url(jwksPath) });
    server.set(jwksPath, jwksOf(ISSUER_A));
    const keys = createRemoteJWKSet({ issuer }, FAST);
    const r = await verifyAsync(ISSUER_A.sign(claims({ iss: issuer })), keys, { issuer });
    assert.equal(r.jwks.uri, server.url(jwksPath));
    assert.equal(keys.uri, server.url(jwksPath));
    assert.equal(keys.issuer, issuer);
  });

  test('a discovery document naming another issuer → ERR_DISCOVERY_INVALID', async () => {
    const issuer = server.url(fresh('issuer'));
    const jwksPath = fresh();
    server.set(new URL(issuer).pathname + '/.well-known/openid-configuration', { issuer: 'https://evil.example', jwks_uri: server.url(jwksPath) });
    server.set(jwksPath, jwksOf(ISSUER_A));
    const e = await rejects(verifyAsync(ISSUER_A.sign(claims()), createRemoteJWKSet({ issuer }, FAST)), 'ERR_DISCOVERY_INVALID', {
      expected: issuer,
      actual: 'https://evil.example',
    });
    assert.match(e.message, /evil/);
    assert.equal(server.count(jwksPath), 0, 'the JWKS of a mismatched discovery document is never fetched');
  });

  test('discovery faults: not JSON, no jwks_uri, a non-https jwks_uri, HTTP 404', async () => {
    const cases = [
      ['{ nope', 'ERR_DISCOVERY_INVALID'],
      [(issuer) => ({ issuer }), 'ERR_DISCOVERY_INVALID'],
      [(issuer) => ({ issuer, jwks_uri: 'ftp://x/jwks' }), 'ERR_DISCOVERY_INVALID'],
      [null, 'ERR_JWKS_FETCH_FAILED'],
    ];
    for (const [doc, code] of cases) {
      const issuer = server.url(fresh('issuer'));
      if (doc !== null) server.set(new URL(issuer).pathname + '/.well-known/openid-configuration', typeof doc === 'function' ? doc(issuer) : json(doc));
      await rejects(verifyAsync(ISSUER_A.sign(claims()), createRemoteJWKSet({ issuer }, FAST)), code);
    }
    // Without allowInsecure an http: jwks_uri is refused even when the discovery document itself came over https.
  });
});

describe('checkAsync', () => {
  test('a remote set: ok results carry the key set status; failures are data', async () => {
    const path = fresh();
    server.set(path, jwksOf(ISSUER_A));
    const keys = createRemoteJWKSet(server.url(path), FAST);
    const ok = await checkAsync(ISSUER_A.sign(claims()), { keys, audience: 'api' });
    assert.equal(ok.ok, true);
    assert.equal(ok.stage, 'done');
    assert.equal(ok.jwks.stale, false);
    const bad = await checkAsync(ISSUER_A.sign(claims()), { keys, audience: 'other' });
    assert.equal(bad.ok, false);
    assert.equal(bad.stage, 'claims');
    const garbage = await checkAsync('not-a-token', { keys });
    assert.equal(garbage.stage, 'decode');
  });

  test('a local KeySet or a JWKS behaves as check()', async () => {
    const keySet = KeySet.fromJwks(jwksOf(ISSUER_A));
    const token = ISSUER_A.sign(claims());
    assert.equal((await checkAsync(token, { keys: keySet })).ok, true);
    assert.equal((await checkAsync(token, { keySet })).ok, true);
    assert.equal((await checkAsync(token, { jwks: jwksOf(ISSUER_A) })).ok, true);
    assert.equal((await verifyAsync(token, keySet)).key.kid, 'key-a');
    assert.equal((await verifyAsync(token, keySet)).jwks, undefined);
  });
});

describe('createVerifier and the verified-token cache', () => {
  let keySet;
  beforeEach(() => {
    keySet = KeySet.fromJwks(jwksOf(ISSUER_A, ISSUER_B));
  });

  test('a repeated token is a cache hit; a different token is a miss', () => {
    const v = createVerifier({ keys: keySet, audience: 'api', cache: { maxEntries: 100 } });
    const token = ISSUER_A.sign(claims());
    assert.equal(v.verify(token).claims.sub, 'user-1');
    assert.equal(v.verify(token).claims.sub, 'user-1');
    assert.deepEqual(v.cacheStats(), { hits: 1, misses: 1, size: 1 });
    v.verify(ISSUER_B.sign(claims()));
    assert.deepEqual(v.cacheStats(), { hits: 1, misses: 2, size: 2 });
    v.clearCache();
    assert.equal(v.cacheStats().size, 0);
    assert.equal(createVerifier({ keys: keySet }).cacheStats(), null);
    assert.ok(createVerifier({ keys: keySet, cache: true }).cacheStats());
  });

  test('a tampered copy of a cached token is not a hit and is rejected', () => {
    const v = createVerifier({ keys: keySet, cache: { maxEntries: 10 } });
    const token = ISSUER_A.sign(claims());
    v.verify(token);
    const [h, p, s] = token.split('.');
    const sig = Buffer.from(s, 'base64url');
    sig[5] ^= 1;
    assert.throws(() => v.verify(`${h}.${p}.${sig.toString('base64url')}`), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    assert.throws(() => v.verify(`${h}.${p}.${s}x`), OidcTrustError);
  });

  test('options are applied on hits too', () => {
    const strict = createVerifier({ keys: keySet, audience: 'other', cache: { maxEntries: 10 } });
    const token = ISSUER_A.sign(claims());
    assert.throws(() => strict.verify(token), { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
    assert.throws(() => strict.verify(token), { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
  });

  test('expiry is re-checked on every hit', async () => {
    const v = createVerifier({ keys: keySet, cache: { maxEntries: 10 } });
    const token = ISSUER_A.sign(claims({ exp: now() + 1 }));
    v.verify(token);
    v.verify(token);
    assert.equal(v.cacheStats().hits, 1);
    await sleep(2100);
    assert.throws(() => v.verify(token), { code: 'ERR_JWT_EXPIRED' });
    assert.equal(v.cacheStats().size, 0);
  });

  test('a key set reload invalidates entries verified by keys that are gone', async () => {
    const path = fresh();
    server.set(path, jwksOf(ISSUER_A, ISSUER_B));
    const keys = createRemoteJWKSet(server.url(path), { ...FAST, cooldown: 0 });
    const v = createVerifier({ keys, cache: { maxEntries: 10 } });
    const token = ISSUER_A.sign(claims());
    await v.verifyAsync(token);
    await v.verifyAsync(token);
    assert.equal(v.cacheStats().hits, 1);
    server.set(path, jwksOf(ISSUER_B));
    await keys.reload();
    await rejects(v.verifyAsync(token), 'ERR_JWKS_NO_MATCHING_KEY');
    assert.equal(v.cacheStats().hits, 1, 'no hit for a token whose key left the set');
    // A key with the same kid but different material does not revive the entry.
    server.set(path, jwksOf(STRANGER));
    await keys.reload();
    await rejects(v.verifyAsync(token), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  test('verifyAsync/checkAsync with a remote set, check with a local one', async () => {
    const path = fresh();
    server.set(path, jwksOf(ISSUER_A));
    const v = createVerifier({ keys: createRemoteJWKSet(server.url(path), FAST), audience: 'api' });
    const token = ISSUER_A.sign(claims());
    assert.equal((await v.verifyAsync(token)).jwks.stale, false);
    assert.equal((await v.checkAsync(token)).ok, true);
    assert.equal((await v.checkAsync(ISSUER_A.sign(claims({ aud: 'x' })))).stage, 'claims');
    const local = createVerifier({ keys: keySet, issuer: 'https://issuer.test' });
    assert.equal(local.check(token).ok, true);
    assert.equal(local.check(42).stage, 'decode');
    assert.equal((await local.verifyAsync(token)).key.kid, 'key-a');
    assert.throws(() => createVerifier({ keys: keySet, clockTolerance: 'soon' }), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => createVerifier({ keys: keySet, audiance: 'api' }), { code: 'ERR_INVALID_ARGUMENT' });
    assert.throws(() => createVerifier({}), { code: 'ERR_INVALID_ARGUMENT' });
  });
});

describe('createTestIssuer', () => {
  for (const alg of ['ES256', 'EdDSA', 'RS256']) {
    test(`${alg}: a JWKS and tokens that verify`, () => {
      const issuer = createTestIssuer({ alg });
      assert.equal(issuer.alg, alg);
      assert.equal(issuer.jwks.keys.length, 1);
      const token = issuer.sign({ sub: 'x', exp: now() + 60 }, { typ: 'JWT' });
      const r = verify(token, KeySet.fromJwks(issuer.jwks), { typ: 'JWT' });
      assert.equal(r.key.kid, issuer.kid);
    });
  }
  test('an unknown alg is an ERR_INVALID_ARGUMENT', () => {
    assert.throws(() => createTestIssuer({ alg: 'none' }), { code: 'ERR_INVALID_ARGUMENT' });
  });
});

// The per-call boundary (issue 6): tokens cross into wasm through a reused input buffer, the verified-token cache
// keeps built results in a JS index whose every hit the core decides, and Policy.decide passes only the claims the
// policy reads. Behaviour only: every path must give what the plain path gives.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NOW, claimsAt, expectCode, makeSigner, oidc } from './helpers.js';

const { KeySet, Policy, createVerifier, verify } = oidc;

async function setup(alg = 'ES256', kid = undefined) {
  const signer = await makeSigner(alg, kid);
  const keySet = KeySet.fromJwks({ keys: [signer.publicJwk] }, { allowSymmetric: alg.startsWith('HS') });
  return { signer, keySet };
}

function isDeeplyFrozen(value) {
  if (value === null || typeof value !== 'object') return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeeplyFrozen);
}

describe('verified-token cache: the JS index of built results', () => {
  test('a hit returns the same deeply frozen result the miss built; without a cache results are fresh', async () => {
    const { signer, keySet } = await setup();
    const token = await signer.sign({}, claimsAt(NOW, { groups: ['a', { nested: [1, 2] }] }));
    const v = createVerifier({ keys: keySet, currentDate: NOW, cache: { maxEntries: 10 } });
    const first = v.verify(token);
    const second = v.verify(token);
    assert.equal(second, first);
    assert.ok(isDeeplyFrozen(first));
    assert.throws(() => {
      'use strict';
      first.claims.sub = 'someone else';
    }, TypeError);
    assert.deepEqual(v.cacheStats(), { hits: 1, misses: 1, size: 1 });
    // The same result as the plain path.
    assert.deepEqual(first, verify(token, keySet, { currentDate: NOW }));
    const plain = createVerifier({ keys: keySet, currentDate: NOW });
    const a = plain.verify(token);
    assert.notEqual(plain.verify(token), a);
    assert.ok(!Object.isFrozen(a));
  });

  test('every hit is decided by the core: time, options and the key set of the call', async () => {
    const { signer, keySet } = await setup();
    const other = await setup('ES256', 'another-key');
    const token = await signer.sign({}, claimsAt(NOW, { exp: NOW + 60 }));
    let clock = NOW;
    const v = createVerifier({ keys: keySet, cache: { maxEntries: 10 } });
    // A verifier whose clock is an option checks hits at that time.
    const late = createVerifier({ keys: keySet, currentDate: NOW + 120, cache: { maxEntries: 10 } });
    expectCode(() => late.verify(token), 'ERR_JWT_EXPIRED');
    const early = createVerifier({ keys: keySet, currentDate: clock, cache: { maxEntries: 10 } });
    early.verify(token);
    early.verify(token);
    assert.equal(early.cacheStats().hits, 1);
    // Without a clock option the real clock applies, far past NOW + 60: nothing is cached or returned.
    expectCode(() => v.verify(token), 'ERR_JWT_EXPIRED');
    expectCode(() => v.verify(token), 'ERR_JWT_EXPIRED');
    assert.equal(v.cacheStats().hits, 0);
    // The async path with another local key set: not a hit, the token's key is not there.
    const verifierOnOther = createVerifier({ keys: other.keySet, currentDate: clock, cache: { maxEntries: 10 } });
    await assert.rejects(verifierOnOther.verifyAsync(token), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  test('eviction keeps the index in step with the core: an evicted token is verified again', async () => {
    const { signer, keySet } = await setup('HS256');
    const v = createVerifier({ keys: keySet, currentDate: NOW, cache: { maxEntries: 3 } });
    const tokens = await Promise.all(Array.from({ length: 8 }, (_, i) => signer.sign({}, claimsAt(NOW, { i }))));
    for (const t of tokens) v.verify(t);
    assert.deepEqual(v.cacheStats(), { hits: 0, misses: 8, size: 3 });
    // The last three are hits; the first one was evicted and is a miss (and then evicts another).
    for (const t of tokens.slice(5)) assert.equal(v.verify(t).claims.i, tokens.indexOf(t));
    assert.equal(v.cacheStats().hits, 3);
    assert.equal(v.verify(tokens[0]).claims.i, 0);
    assert.deepEqual(v.cacheStats(), { hits: 3, misses: 9, size: 3 });
    v.clearCache();
    v.verify(tokens[7]);
    assert.deepEqual(v.cacheStats(), { hits: 3, misses: 10, size: 1 });
  });

  test('only the whole token string is a hit', async () => {
    const { signer, keySet } = await setup();
    const token = await signer.sign({}, claimsAt(NOW));
    const v = createVerifier({ keys: keySet, currentDate: NOW, cache: { maxEntries: 10 } });
    v.verify(token);
    for (const near of [`${token}A`, token.slice(0, -2), ` ${token}`, token.slice(0, token.lastIndexOf('.') + 1)]) {
      assert.throws(() => v.verify(near), oidc.OidcTrustError);
    }
    assert.equal(v.cacheStats().hits, 0);
    // The same token as bytes is the same string, hence a hit.
    v.verify(new TextEncoder().encode(token));
    assert.equal(v.cacheStats().hits, 1);
  });
});

describe('results out of wasm: header and key parsed once per distinct text, claims every time', () => {
  /** What the result was before the split text: the token's own header and payload, and the key reference. */
  function expected(token, result) {
    const [h, p] = token.split('.');
    const parse = (s) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    return { header: parse(h), claims: parse(p), key: result.key };
  }

  test('every result equals JSON.parse of the token texts and shares no object with another result', async () => {
    const { signer, keySet } = await setup('HS256', 'kid-é-"q"\\');
    const headers = [{}, { typ: 'JWT' }, { typ: 'jwt', 'x-é': 'ü😀' }, { jwk: { kty: 'oct' }, b: [1, { c: 2 }] }, { typ: 'JWT' }];
    const tokens = [];
    for (let i = 0; i < 20; i++) tokens.push(await signer.sign(headers[i % headers.length], claimsAt(NOW, { i, 'é': ['ü', { n: i }], big: 12345678901234567890 })));
    for (const [name, run] of [
      ['verify', (t) => verify(t, keySet, { currentDate: NOW })],
      ['createVerifier', ((v) => (t) => v.verify(t))(createVerifier({ keys: keySet, currentDate: NOW }))],
      ['createVerifier cache', ((v) => (t) => v.verify(t))(createVerifier({ keys: keySet, currentDate: NOW, cache: { maxEntries: 4 } }))],
    ]) {
      const seen = new Set();
      for (const t of [...tokens, ...tokens]) {
        const r = run(t);
        assert.deepEqual(r, expected(t, r), name);
        assert.deepEqual(Object.keys(r), ['header', 'claims', 'key']);
        assert.deepEqual(r.key, { kid: 'kid-é-"q"\\', alg: 'HS256', kty: 'oct', thumbprint: keySet.keys[0].thumbprint });
        // Results of different calls never share an object (the cache returns its one frozen result per token).
        const objects = [r.header, r.key, r.claims, ...Object.values(r.header).filter((v) => v !== null && typeof v === 'object')];
        if (name !== 'createVerifier cache') for (const o of objects) assert.ok(!seen.has(o), name), seen.add(o);
      }
    }
    // Changing one result changes no other.
    const v = createVerifier({ keys: keySet, currentDate: NOW });
    const a = v.verify(tokens[1]);
    a.header.typ = 'changed';
    a.key.kid = 'changed';
    const b = v.verify(tokens[1]);
    assert.equal(b.header.typ, 'JWT');
    assert.equal(b.key.kid, 'kid-é-"q"\\');
  });
});

describe('strings into wasm through the input buffer', () => {
  test('non-ASCII, lone surrogates and huge strings get the errors they always got, and the buffer recovers', async () => {
    const { signer, keySet } = await setup();
    const token = await signer.sign({}, claimsAt(NOW));
    const v = createVerifier({ keys: keySet, currentDate: NOW });
    expectCode(() => verify(`é${token}`, keySet, { currentDate: NOW }), 'ERR_JWS_INVALID');
    expectCode(() => v.verify(`${token}\ud800`), 'ERR_JWS_INVALID');
    expectCode(() => v.verify('€'.repeat(200_000)), 'ERR_JWS_INVALID', { reason: 'too_large' });
    expectCode(() => v.verify('a'.repeat(300_000)), 'ERR_JWS_INVALID', { reason: 'too_large' });
    assert.equal(v.verify(token).claims.sub, claimsAt(NOW).sub);
    assert.equal(verify(token, keySet, { currentDate: NOW }).claims.sub, claimsAt(NOW).sub);
  });

  test('decode, compactVerify and check take the token the same way, with the same answers and messages', async () => {
    const { signer, keySet } = await setup();
    const jwks = { keys: [signer.publicJwk] };
    const policy = Policy.parse({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRoleWithWebIdentity' }] });
    // Non-ASCII in the header and claims, escapes, and a long claim: the texts arrive intact.
    const token = await signer.sign({ 'x-é': 'ü😀' }, claimsAt(NOW, { name: 'Zoë 😀 \u2028', long: 'x'.repeat(20_000) }));
    const big = { maxTokenSize: 64 * 1024 };
    const v = createVerifier({ keys: keySet, currentDate: NOW, ...big });
    const pv = createVerifier({ keys: keySet, currentDate: NOW, policy, ...big });
    for (let round = 0; round < 3; round++) {
      const d = oidc.decode(token, big);
      assert.equal(d.header['x-é'], 'ü😀');
      assert.equal(d.claims.name, 'Zoë 😀 \u2028');
      const c = oidc.compactVerify(token, keySet, big);
      assert.deepEqual(JSON.parse(Buffer.from(c.payload).toString('utf8')), d.claims);
      for (const r of [
        oidc.check(token, { keySet, currentDate: NOW, ...big }),
        oidc.check(token, { jwks, currentDate: NOW, ...big }),
        oidc.check(token, { keySet, policy, currentDate: NOW, ...big }),
        oidc.check(token, { jwks, policy, currentDate: NOW, ...big }),
        v.check(token),
        pv.check(token),
      ]) {
        assert.equal(r.ok, true, JSON.stringify(r.error));
        assert.deepEqual(r.claims, d.claims);
      }
      // Bad strings: the errors they always got, and the buffer recovers after each.
      expectCode(() => oidc.decode(`é${token}`), 'ERR_JWS_INVALID');
      expectCode(() => oidc.decode(`${token.slice(0, 40)}\ud800`), 'ERR_JWS_INVALID');
      expectCode(() => oidc.decode('€'.repeat(200_000)), 'ERR_JWS_INVALID', { reason: 'too_large' });
      expectCode(() => oidc.compactVerify(`${token}\ud800`, keySet), 'ERR_JWS_INVALID');
      expectCode(() => oidc.compactVerify('a'.repeat(300_000), keySet), 'ERR_JWS_INVALID', { reason: 'too_large' });
      for (const bad of [`é${token}`, `${token}\ud800`, '€'.repeat(200_000)]) {
        for (const r of [oidc.check(bad, { keySet, currentDate: NOW }), oidc.check(bad, { jwks, policy, currentDate: NOW }), v.check(bad), pv.check(bad)]) {
          assert.equal(r.ok, false);
          assert.equal(r.stage, 'decode');
          assert.equal(r.error.code, 'ERR_JWS_INVALID');
        }
      }
    }
  });
});

describe('Policy.decide passes only the claims the policy reads', () => {
  const GH = 'token.actions.githubusercontent.com';
  const FED = `arn:aws:iam::123456789012:oidc-provider/${GH}`;
  const stmt = (Effect, Condition) => ({ Effect, Principal: { Federated: FED }, Action: 'sts:AssumeRoleWithWebIdentity', Condition });
  const policies = [
    {
      Version: '2012-10-17',
      Statement: [
        stmt('Allow', {
          StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${GH}:sub`]: 'repo:o/r:*' },
          'ForAnyValue:StringEquals': { [`${GH}:repository`]: 'o/r' },
        }),
        stmt('Deny', { StringLike: { [`${GH}:sub`]: 'repo:*/fork:*' } }),
      ],
    },
    {
      Version: '2012-10-17',
      Statement: [stmt('Allow', { StringLike: { [`${GH}:sub`]: 'repo:${token.actions.githubusercontent.com:repository}:*' }, Null: { [`${GH}:actor`]: 'false' } })],
    },
  ];

  // Deterministic pseudo-random values of every kind a claims object can hold.
  let seed = 42;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    // The low bits of this generator cycle quickly; the high ones do not.
    return Math.floor((seed / 2 ** 31) * n);
  };
  const values = () => [
    'sts.amazonaws.com', 'repo:o/r:ref:refs/heads/main', 'repo:x/fork:y', 'o/r', 'é-ü', '\ud800', '', 42, 1.5, true, null,
    ['sts.amazonaws.com', 'x'], [], { a: 1 }, undefined, () => 1, new Date(0), new String('o/r'), { toJSON: () => 'o/r' },
  ];
  const NAMES = ['iss', 'aud', 'sub', 'repository', 'actor', 'environment', 'exp'];
  function randomClaims() {
    const claims = {};
    if (rand(4) > 0) claims.iss = ['https://token.actions.githubusercontent.com', 'https://other.example', 'x'][rand(3)];
    for (const name of NAMES.slice(1)) {
      if (rand(3) === 0) continue;
      const pool = values();
      claims[name] = rand(2) === 0 && name === 'sub' ? 'repo:o/r:ref:refs/heads/main' : rand(2) === 0 && name === 'repository' ? 'o/r' : pool[rand(pool.length)];
    }
    return claims;
  }

  // What each policy reads (Policy::claims_read in the core; tests/policy_projection.rs checks that list).
  const reads = [
    ['aud', 'iss', 'repository', 'sub'],
    ['actor', 'iss', 'repository', 'sub'],
  ];
  const pick = (claims, names) => Object.fromEntries(Object.entries(claims).filter(([k]) => names.includes(k)));

  test('decide agrees with evaluate (which passes every claim) on random claims', () => {
    policies.forEach((doc, p) => {
      const policy = Policy.parse(doc);
      const seen = new Set();
      for (let i = 0; i < 2000; i++) {
        const claims = randomClaims();
        let want;
        try {
          want = policy.evaluate(claims).decision;
        } catch {
          // A value that cannot cross as JSON fails evaluate; decide fails the same way exactly when the policy
          // reads that claim.
          let projected;
          try {
            projected = policy.evaluate(pick(claims, reads[p])).decision;
          } catch (error) {
            expectCode(() => policy.decide(claims), error.code);
            continue;
          }
          assert.equal(policy.decide(claims), projected);
          continue;
        }
        assert.equal(policy.decide(claims), want, JSON.stringify(claims));
        assert.equal(policy.decide(claims, { issuer: 'https://token.actions.githubusercontent.com' }), policy.evaluate(claims, { issuer: 'https://token.actions.githubusercontent.com' }).decision);
        seen.add(want);
      }
      assert.ok(seen.size > 1, `${[...seen]}`);
    });
  });

  test('what JSON.stringify would skip stays missing; a claim the policy never reads is never serialized', () => {
    const policy = Policy.parse(policies[0]);
    const good = { iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', sub: 'repo:o/r:ref:refs/heads/main', repository: 'o/r' };
    assert.equal(policy.decide(good), 'allow');
    // Inherited and non-enumerable members are not claims.
    assert.equal(policy.decide(Object.create(good)), 'implicit-deny');
    const hidden = { ...good };
    Object.defineProperty(hidden, 'aud', { value: 'sts.amazonaws.com', enumerable: false });
    assert.equal(policy.decide(hidden), policy.evaluate(hidden).decision);
    // A toJSON on the claims object decides what it serializes to, as before.
    assert.equal(policy.decide({ toJSON: () => good }), 'allow');
    // A claim the policy reads must serialize; one it does not read is not looked at.
    expectCode(() => policy.decide({ ...good, sub: 10n }), 'ERR_INVALID_ARGUMENT');
    const cyclic = { ...good };
    cyclic.self = cyclic;
    assert.equal(policy.decide({ ...good, other: 10n }), 'allow');
    assert.equal(policy.decide(cyclic), 'allow');
    expectCode(() => policy.decide({ ...good, sub: '\ud800' }), 'ERR_INVALID_ARGUMENT');
    // Values on both sides of the short-length table (1024 units) and of the 15-bit length halves, ASCII and not:
    // the subject must arrive whole for the glob to see its end.
    for (const units of [1023, 1024, 1025, 32767, 32768, 40000]) {
      for (const filler of ['x', 'é', '😀']) {
        const count = Math.floor(units / filler.length);
        const pad = filler.repeat(count) + 'x'.repeat(units - count * filler.length);
        assert.equal(pad.length, units);
        const allowed = { ...good, sub: `repo:o/r:ref:refs/heads/${pad}` };
        assert.equal(policy.decide(allowed), 'allow', `${units} ${filler}`);
        const forked = { ...good, sub: `repo:o/r:ref:refs/heads/${pad}/fork:x` };
        assert.equal(policy.decide(forked), policy.evaluate(forked).decision, `${units} ${filler}`);
      }
    }
  });
});

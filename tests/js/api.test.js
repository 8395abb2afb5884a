// The JS surface itself: error objects, option conversion, KeySet/Policy objects and check().

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { NOW, claimsAt, expectCode, makeSigner, oidc } from './helpers.js';

const { KeySet, Policy, verify, check, OidcTrustError } = oidc;

describe('OidcTrustError', () => {
  test('is an Error subclass with name, code, details and a stack', () => {
    const e = expectCode(() => KeySet.fromJwks('{\n"keys": [,]\n}'), 'ERR_JWKS_INVALID');
    assert.ok(e instanceof Error);
    assert.ok(e instanceof OidcTrustError);
    assert.equal(e.name, 'OidcTrustError');
    assert.equal(e.line, 2);
    assert.equal(typeof e.column, 'number');
    assert.match(e.stack, /OidcTrustError/);
    const json = JSON.parse(JSON.stringify(e));
    assert.equal(json.code, 'ERR_JWKS_INVALID');
    assert.equal(json.message, e.message);
  });

  test('can be constructed by callers (e.g. for their own wrappers)', () => {
    const e = new OidcTrustError('ERR_JWT_EXPIRED', 'expired', { claim: 'exp', reason: 'check_failed' });
    assert.equal(e.code, 'ERR_JWT_EXPIRED');
    assert.equal(e.claim, 'exp');
    assert.equal(String(e), 'OidcTrustError: expired');
  });

  test('anything else thrown inside (a trap, a glue TypeError) becomes ERR_INTERNAL with the cause kept', async () => {
    // Internal module, imported by path: the package's exports map does not expose it.
    const { toOidcTrustError } = await import('../../pkg/src/errors.js');
    const trap = new WebAssembly.RuntimeError('unreachable');
    const e = toOidcTrustError(trap);
    assert.ok(e instanceof OidcTrustError);
    assert.equal(e.code, 'ERR_INTERNAL');
    assert.equal(e.cause, trap);
    const data = toOidcTrustError({ code: 'ERR_JWT_EXPIRED', message: 'm', claim: 'exp', kid: null });
    assert.equal(data.code, 'ERR_JWT_EXPIRED');
    assert.equal(data.claim, 'exp');
    assert.equal('kid' in data, false, 'null details are omitted');
  });

  test('the exported class is the one thrown by every entry point', () => {
    try {
      oidc.decode('x');
      assert.fail('no throw');
    } catch (e) {
      assert.equal(e.constructor, OidcTrustError);
    }
  });
});

describe('options conversion', () => {
  let signer, keySet, token;
  before(async () => {
    signer = await makeSigner('EdDSA', 'ed');
    keySet = KeySet.fromJwks({ keys: [signer.publicJwk] });
    token = await signer.sign({}, claimsAt(NOW, { exp: NOW - 89 })); // jose: expired when exp <= now - tolerance
  });

  for (const [value, ok] of [
    [89, false],
    [89.5, true],
    [90, true],
    ['90s', true],
    ['90 seconds', true],
    ['1.5m', true],
    ['1.5 mins', true],
    ['2m', true],
    ['1h', true],
    ['1 hour', true],
    ['1d', true],
    ['1 week', true],
    ['1y', true],
    ['89 secs', false],
  ]) {
    test(`clockTolerance ${JSON.stringify(value)} → ${ok ? 'accepted' : 'expired'}`, () => {
      if (ok) assert.ok(verify(token, keySet, { currentDate: NOW, clockTolerance: value }));
      else expectCode(() => verify(token, keySet, { currentDate: NOW, clockTolerance: value }), 'ERR_JWT_EXPIRED');
    });
  }

  test('the caller’s options object is not modified', () => {
    const options = Object.freeze({ currentDate: new Date(NOW * 1000), clockTolerance: '2m' });
    verify(token, keySet, options);
    assert.equal(options.clockTolerance, '2m');
  });

  test('undefined option values are ignored', () => {
    assert.ok(verify(token, keySet, { currentDate: NOW, clockTolerance: 120, issuer: undefined, audience: undefined }));
  });
});

describe('KeySet', () => {
  test('keys and rejected are frozen snapshots', async () => {
    const a = await makeSigner('ES256', 'a');
    const ks = KeySet.fromJwks({ keys: [a.publicJwk, { kty: 'RSA', kid: 'short', n: 'AQAB', e: 'AQAB' }, { kty: 'nope', kid: 'x' }] });
    assert.equal(ks.keys.length, 1);
    assert.deepEqual(ks.rejected.map((r) => [r.index, r.kid]), [[1, 'short'], [2, 'x']]);
    for (const r of ks.rejected) {
      assert.match(r.code, /^ERR_/);
      assert.ok(r.reason.length > 0);
    }
    assert.ok(Object.isFrozen(ks.keys));
    assert.strictEqual(ks.keys, ks.keys);
    assert.equal(Object.prototype.toString.call(ks), '[object KeySet]');
  });

  test('real issuer JWKS parse (openpubkey zoo)', async () => {
    const { VECTORS, readJson } = await import('./helpers.js');
    const { join } = await import('node:path');
    for (const name of ['github-actions', 'gitlab', 'google', 'azure', 'aws-cognito', 'forgejo-actions']) {
      const jwks = readJson(join(VECTORS, 'oidc', 'jwks', `openpubkey-zoo_${name}.json`));
      const ks = KeySet.fromJwks(jwks);
      assert.ok(ks.keys.length > 0, `${name}: ${JSON.stringify(ks.rejected)}`);
    }
  });
});

// A typical GitHub Actions trust policy: repository and branch pinned, audience sts.amazonaws.com.
const GITHUB_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
        StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:octo-org/octo-repo:ref:refs/heads/*' },
      },
    },
  ],
};

function githubClaims(extra = {}) {
  return {
    iss: 'https://token.actions.githubusercontent.com',
    aud: 'sts.amazonaws.com',
    sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
    repository: 'octo-org/octo-repo',
    ref: 'refs/heads/main',
    iat: NOW - 10,
    nbf: NOW - 10,
    exp: NOW + 300,
    ...extra,
  };
}

describe('Policy and check()', () => {
  let signer, keySet;
  before(async () => {
    signer = await makeSigner('RS256', 'gh');
    keySet = KeySet.fromJwks({ keys: [signer.publicJwk] });
  });

  test('Policy.parse → dialect, lints, evaluate', () => {
    const policy = Policy.parse(GITHUB_POLICY);
    assert.equal(policy.dialect, 'aws');
    assert.ok(Array.isArray(policy.lints));
    const allow = policy.evaluate(githubClaims());
    assert.equal(allow.decision, 'allow');
    assert.ok(Array.isArray(allow.statements));
    const deny = policy.evaluate(githubClaims({ sub: 'repo:octo-org/octo-repo:environment:prod' }));
    assert.equal(deny.decision, 'implicit-deny');
    assert.equal(Policy.parse(JSON.stringify(GITHUB_POLICY), { dialect: 'aws' }).dialect, 'aws');
  });

  test('a malformed policy throws ERR_POLICY_INVALID with a path', () => {
    const e = expectCode(() => Policy.parse({ Version: '2012-10-17', Statement: [{ Principal: '*' }] }), 'ERR_POLICY_INVALID');
    assert.equal(typeof e.path, 'string');
  });

  test('check: token allowed by policy', async () => {
    const token = await signer.sign({}, githubClaims());
    const r = check(token, { keySet, policy: GITHUB_POLICY, currentDate: NOW, audience: 'sts.amazonaws.com' });
    assert.equal(r.stage, 'done', JSON.stringify(r.error));
    assert.equal(r.ok, true);
    assert.equal(r.key.kid, 'gh');
    assert.equal(r.policy.decision, 'allow');
  });

  test('check: token denied by policy is a result, not an exception', async () => {
    const token = await signer.sign({}, githubClaims({ sub: 'repo:octo-org/other:ref:refs/heads/main' }));
    const r = check(token, { keySet, policy: Policy.parse(GITHUB_POLICY), currentDate: NOW });
    assert.equal(r.ok, false);
    assert.equal(r.stage, 'policy');
    assert.equal(r.policy.decision, 'implicit-deny');
    assert.equal(r.claims.sub, 'repo:octo-org/other:ref:refs/heads/main');
  });

  test('check: stages signature and claims', async () => {
    const token = await signer.sign({}, githubClaims());
    const [h, p] = token.split('.');
    const sig = check(`${h}.${p}.${'A'.repeat(342)}`, { keySet, currentDate: NOW });
    assert.equal(sig.stage, 'signature');
    assert.equal(sig.error.code, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    assert.equal(sig.header.kid, 'gh');
    const expired = check(token, { keySet, currentDate: NOW + 3600 });
    assert.equal(expired.stage, 'claims');
    assert.equal(expired.error.code, 'ERR_JWT_EXPIRED');
    assert.equal(expired.error.claim, 'exp');
    const noKey = check(token, { jwks: { keys: [] }, currentDate: NOW });
    assert.equal(noKey.stage, 'keys');
    assert.equal(noKey.error.code, 'ERR_JWKS_NO_MATCHING_KEY');
    const ok = check(token, { jwks: { keys: [signer.publicJwk] }, currentDate: NOW });
    assert.equal(ok.ok, true);
    assert.equal(ok.stage, 'done');
    assert.equal(ok.policy, undefined);
  });
});

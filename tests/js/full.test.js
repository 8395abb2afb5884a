// The two entry points: `oidc-trust` (the default module: verification, keys, the AWS policy engine, check) and
// `oidc-trust/full` (its own wasm instance with every policy dialect and the test issuer). Both load in Node as ESM
// and CommonJS, export the same API, and the default one says where the missing parts are.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import * as full from 'oidc-trust/full';
import { oidc, jose } from './helpers.js';

const require = createRequire(import.meta.url);

const VAULT_ROLE = {
  role_type: 'jwt',
  bound_audiences: ['https://github.com/o'],
  user_claim: 'sub',
  bound_claims_type: 'glob',
  bound_claims: { sub: 'repo:o/*' },
};
const VAULT_CLAIMS = {
  iss: 'https://token.actions.githubusercontent.com',
  aud: 'https://github.com/o',
  sub: 'repo:o/a:ref:refs/heads/main',
  iat: 1_700_000_000,
  nbf: 1_700_000_000,
  exp: 1_700_000_600,
};

const AWS_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
        StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:octo-org/*' },
      },
    },
    {
      Effect: 'Deny',
      Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:*/fork:*' } },
    },
  ],
};

test('both entries export the same names, over different wasm modules', () => {
  assert.deepEqual(Object.keys(full).sort(), Object.keys(oidc).sort());
  assert.notEqual(full.KeySet, oidc.KeySet);
  const cjsFull = require('oidc-trust/full');
  assert.deepEqual(Object.keys(cjsFull).filter((k) => k !== 'default').sort(), Object.keys(oidc).sort());
});

test('the full entry has the other dialects; the default one names where they are', () => {
  const role = full.Policy.parse(VAULT_ROLE);
  assert.equal(role.dialect, 'vault');
  const d = role.evaluate(VAULT_CLAIMS, { currentDate: 1_700_000_100 });
  assert.equal(d.decision, 'allow');
  assert.equal(role.decide(VAULT_CLAIMS, { currentDate: 1_700_000_100 }), 'allow');

  assert.throws(
    () => oidc.Policy.parse(VAULT_ROLE, { dialect: 'vault' }),
    (e) => e instanceof oidc.OidcTrustError && e.code === 'ERR_JOSE_NOT_SUPPORTED' && /oidc-trust\/full/.test(e.message),
  );
  assert.throws(
    () => oidc.Policy.parse(VAULT_ROLE),
    (e) => e.code === 'ERR_POLICY_INVALID' && /oidc-trust\/full/.test(e.message),
  );
  // CommonJS loads the full module too.
  assert.equal(require('oidc-trust/full').Policy.parse(VAULT_ROLE).dialect, 'vault');
});

test('Policy.decide is evaluate(…).decision without the trace, in both entries', () => {
  const cases = [
    { aud: 'sts.amazonaws.com', sub: 'repo:octo-org/r:ref:refs/heads/main' },
    { aud: 'sts.amazonaws.com', sub: 'repo:other/r:ref:refs/heads/main' },
    { aud: 'sts.amazonaws.com', sub: 'repo:octo-org/fork:x' },
  ].map((c) => ({ iss: 'https://token.actions.githubusercontent.com', ...c }));
  for (const api of [oidc, full]) {
    const policy = api.Policy.parse(AWS_POLICY);
    const seen = cases.map((claims) => {
      const decided = policy.decide(claims);
      assert.equal(decided, policy.evaluate(claims).decision, JSON.stringify(claims));
      return decided;
    });
    assert.deepEqual(seen, ['allow', 'implicit-deny', 'deny']);
    assert.throws(() => policy.decide(null), (e) => e.code === 'ERR_INVALID_ARGUMENT');
  }
});

test('the test issuer is in the full module only; its tokens verify in the default one', async () => {
  assert.throws(
    () => oidc.createTestIssuer({ alg: 'ES256' }),
    (e) => e instanceof oidc.OidcTrustError && e.code === 'ERR_JOSE_NOT_SUPPORTED' && /oidc-trust\/full/.test(e.message),
  );
  for (const alg of ['ES256', 'EdDSA']) {
    const issuer = full.createTestIssuer({ alg });
    const token = issuer.sign({ iss: 'https://issuer.example', sub: 'me', exp: 4_000_000_000 });
    const r = oidc.verify(token, oidc.KeySet.fromJwks(issuer.jwks), { issuer: 'https://issuer.example' });
    assert.equal(r.claims.sub, 'me');
    // An implementation we did not write agrees.
    const { payload } = await jose.jwtVerify(token, jose.createLocalJWKSet(issuer.jwks));
    assert.equal(payload.sub, 'me');
  }
});

// AWS trust policies through the built package, end to end: jose-minted tokens shaped like real GitHub Actions and
// Fly.io tokens (claim sets as in their docs), Policy.parse/evaluate, check(), the traces and the lints.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { NOW, expectCode, makeSigner, oidc } from './helpers.js';

const { KeySet, Policy, check } = oidc;

const GH = 'token.actions.githubusercontent.com';
const ACCOUNT = 'arn:aws:iam::123456789012:oidc-provider';

// The claims GitHub documents for an Actions OIDC token (docs.github.com, "About security hardening with OpenID
// Connect"), for a job on main and, with `environment`, for a job that deploys to an environment.
function githubClaims({ environment, ref = 'refs/heads/main', repo = 'octo-org/octo-repo' } = {}) {
  const claims = {
    jti: 'example-id',
    sub: environment ? `repo:${repo}:environment:${environment}` : `repo:${repo}:ref:${ref}`,
    aud: 'sts.amazonaws.com',
    ref,
    sha: 'example-sha',
    repository: repo,
    repository_owner: repo.split('/')[0],
    repository_owner_id: '65',
    repository_id: '74',
    repository_visibility: 'private',
    actor_id: '12',
    actor: 'octocat',
    workflow: 'example-workflow',
    workflow_ref: `${repo}/.github/workflows/example-workflow.yml@${ref}`,
    workflow_sha: 'example-sha',
    head_ref: '',
    base_ref: '',
    event_name: 'workflow_dispatch',
    ref_type: 'branch',
    job_workflow_ref: `${repo}/.github/workflows/example-workflow.yml@${ref}`,
    job_workflow_sha: 'example-sha',
    runner_environment: 'github-hosted',
    iss: `https://${GH}`,
    nbf: NOW - 5,
    exp: NOW + 295,
    iat: NOW,
    run_id: '6', run_number: '3', run_attempt: '1',
  };
  if (environment) claims.environment = environment;
  return claims;
}

// Fly.io Machines tokens (fly.io docs, "OpenID Connect"): iss https://oidc.fly.io/<org>, sub <org>:<app>:<machine>.
function flyClaims({ app = 'web', org = 'acme' } = {}) {
  return {
    app_id: '3671581',
    app_name: app,
    aud: 'sts.amazonaws.com',
    image: `registry.fly.io/${app}:deployment-01H5RGGB9FY1BNHCYBSDQ2S4G8`,
    image_digest: 'sha256:0a91e7b1b0bc3c1e1d4f1e3d1f2b9c5a8d6e4f1a2b3c4d5e6f708192a3b4c5d6',
    iss: `https://oidc.fly.io/${org}`,
    jti: '98b4c9b5-8e5a-4c94-9b8d-5d7e0e0f2d10',
    machine_id: '148e21ea7e46e8',
    machine_name: 'blue-cloud-5243',
    machine_version: '01H5RGH4FQZ8GKWD8RRHBWEV6A',
    nbf: NOW - 5,
    iat: NOW,
    exp: NOW + 600,
    org_id: '12345',
    org_name: org,
    region: 'iad',
    sub: `${org}:${app}:148e21ea7e46e8`,
  };
}

const githubPolicy = (subPattern = 'repo:octo-org/octo-repo:ref:refs/heads/*') => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'GitHubMain',
      Effect: 'Allow',
      Principal: { Federated: `${ACCOUNT}/${GH}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
        StringLike: { [`${GH}:sub`]: subPattern },
      },
    },
  ],
});

// The policy from Fly.io's AWS docs: the audience and every Machine of one app.
const flyPolicy = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: `${ACCOUNT}/oidc.fly.io/acme` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'oidc.fly.io/acme:aud': 'sts.amazonaws.com' },
        StringLike: { 'oidc.fly.io/acme:sub': 'acme:web:*' },
      },
    },
  ],
};

/** The decision, recomputed from the trace alone: explicit deny wins, then any allow. */
function recompute(decision) {
  for (const s of decision.statements) {
    assert.equal(s.conditionsMatched, s.conditions.every((c) => c.matched), `statement ${s.index}: conditionsMatched`);
    assert.equal(s.matched, s.principalMatched && s.actionMatched && s.conditionsMatched, `statement ${s.index}: matched`);
  }
  if (decision.statements.some((s) => s.matched && s.effect === 'Deny')) return 'deny';
  return decision.statements.some((s) => s.matched && s.effect === 'Allow') ? 'allow' : 'implicit-deny';
}

function evaluate(policy, claims, options) {
  const d = Policy.parse(policy).evaluate(claims, options);
  assert.equal(recompute(d), d.decision, 'the decision recomputes from its trace');
  return d;
}

const condition = (d, key) => d.statements.flatMap((s) => s.conditions).find((c) => c.key.endsWith(key));

describe('AWS trust policies through the package', () => {
  test('GitHub job on main: allow, and every condition row says why', () => {
    const d = evaluate(githubPolicy(), githubClaims());
    assert.equal(d.decision, 'allow');
    assert.equal(d.dialect, 'aws');
    assert.equal(d.provider, GH);
    const [s] = d.statements;
    assert.equal(s.sid, 'GitHubMain');
    assert.equal(s.principal.tokenValue, GH);
    const sub = condition(d, ':sub');
    assert.equal(sub.operator, 'StringLike');
    assert.equal(sub.claim, 'sub');
    assert.deepEqual(sub.policyValues, ['repo:octo-org/octo-repo:ref:refs/heads/*']);
    assert.deepEqual(sub.tokenValues, ['repo:octo-org/octo-repo:ref:refs/heads/main']);
    assert.equal(sub.matched, true);
    assert.equal(sub.path, `$.Statement[0].Condition.StringLike['${GH}:sub']`);
    // Conditions come in document order.
    assert.deepEqual(s.conditions.map((c) => c.operator), ['StringEquals', 'StringLike']);
  });

  test('GitHub environment changes sub: implicit deny, with the reason and the lint', () => {
    const d = evaluate(githubPolicy(), githubClaims({ environment: 'prod' }));
    assert.equal(d.decision, 'implicit-deny');
    const sub = condition(d, ':sub');
    assert.equal(sub.matched, false);
    assert.equal(
      sub.reason,
      'sub "repo:octo-org/octo-repo:environment:prod" does not match "repo:octo-org/octo-repo:ref:refs/heads/*" (StringLike is case-sensitive; compared whole string)',
    );
    const lint = d.lints.find((l) => l.code === 'github-environment-changes-sub');
    assert.ok(lint, JSON.stringify(d.lints));
    assert.equal(lint.severity, 'warning');
    assert.match(lint.message, /environment "prod"/);
    assert.match(d.reason, /implicit deny/);
  });

  test('explicit Deny wins over a matching Allow', () => {
    const policy = githubPolicy('repo:octo-org/*');
    policy.Statement.push({
      Effect: 'Deny',
      Principal: { Federated: `${ACCOUNT}/${GH}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${GH}:sub`]: 'repo:octo-org/x:ref:refs/heads/main' } },
    });
    assert.equal(evaluate(policy, githubClaims({ repo: 'octo-org/x' })).decision, 'deny');
    assert.equal(evaluate(policy, githubClaims({ repo: 'octo-org/y' })).decision, 'allow');
  });

  test('`?` is one character, `*` any run', () => {
    const d = evaluate(githubPolicy('repo:octo-org/octo-repo:ref:refs/heads/rel-??'), githubClaims({ ref: 'refs/heads/rel-1' }));
    assert.equal(d.decision, 'implicit-deny');
    assert.equal(evaluate(githubPolicy('repo:octo-org/octo-repo:ref:refs/heads/rel-??'), githubClaims({ ref: 'refs/heads/rel-10' })).decision, 'allow');
  });

  test('lints on the policy itself: no sub condition, a key AWS does not expose, StringEquals with a wildcard', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: `${ACCOUNT}/${GH}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com', [`${GH}:run_id`]: '6', [`${GH}:repository`]: 'octo-org/*' } },
        },
      ],
    };
    const p = Policy.parse(policy);
    const codes = p.lints.map((l) => l.code);
    for (const code of ['missing-sub-condition', 'key-not-exposed', 'string-equals-with-wildcard']) {
      assert.ok(codes.includes(code), `${code} in ${codes}`);
    }
    const missingSub = p.lints.find((l) => l.code === 'missing-sub-condition');
    assert.equal(missingSub.severity, 'error');
    assert.equal(missingSub.path, '$.Statement[0]');
    // run_id is not a condition key AWS exposes: evaluated as missing.
    const d = p.evaluate(githubClaims());
    const runId = condition(d, ':run_id');
    assert.equal(runId.tokenValues, null);
    assert.equal(runId.matched, false);
    assert.equal(d.decision, 'implicit-deny');
  });

  test('Fly.io: allow for the app, implicit deny for another app', () => {
    assert.equal(evaluate(flyPolicy, flyClaims()).decision, 'allow');
    const d = evaluate(flyPolicy, flyClaims({ app: 'web-2' }));
    assert.equal(d.decision, 'implicit-deny');
    assert.match(condition(d, ':sub').reason, /"acme:web-2:148e21ea7e46e8" does not match "acme:web:\*"/);
    // Another Fly org is another provider: the principal does not match.
    const other = evaluate(flyPolicy, flyClaims({ org: 'evil' }));
    assert.equal(other.statements[0].principalMatched, false);
    assert.equal(other.decision, 'implicit-deny');
  });

  test('the caller can name the provider instead of deriving it from iss', () => {
    const claims = { ...flyClaims(), iss: 'https://elsewhere.example' };
    assert.equal(evaluate(flyPolicy, claims).decision, 'implicit-deny');
    const d = evaluate(flyPolicy, claims, { issuer: 'https://oidc.fly.io/acme' });
    assert.equal(d.provider, 'oidc.fly.io/acme');
    assert.equal(d.decision, 'allow');
  });

  test('malformed policies throw ERR_POLICY_INVALID with the path', () => {
    const cases = [
      [{ Statement: [{ Principal: { Federated: `${ACCOUNT}/${GH}` }, Action: 'sts:AssumeRoleWithWebIdentity' }] }, '$.Statement[0]'],
      [{ Statement: [{ Effect: 'Allow', Principal: { Federated: `${ACCOUNT}/${GH}` }, Action: 'sts:AssumeRoleWithWebIdentity', Resource: '*' }] }, '$.Statement[0].Resource'],
      [{ Statement: [{ Effect: 'Allow', Principal: { Federated: `${ACCOUNT}/${GH}` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquls: { [`${GH}:sub`]: 'x' } } }] }, '$.Statement[0].Condition.StringEquls'],
    ];
    for (const [doc, path] of cases) {
      const e = expectCode(() => Policy.parse(doc), 'ERR_POLICY_INVALID');
      assert.equal(e.path, path, e.message);
    }
    const syntax = expectCode(() => Policy.parse('{\n  "Statement": [\n    }'), 'ERR_POLICY_INVALID');
    assert.ok(syntax.message.length > 0);
  });
});

describe('check(): signature, claims and policy in one result', () => {
  let github, fly;
  before(async () => {
    github = await makeSigner('RS256', 'gh-actions');
    fly = await makeSigner('ES256', 'fly');
  });

  test('a GitHub token on main is accepted end to end', async () => {
    const token = await github.sign({ typ: 'JWT' }, githubClaims());
    const r = check(token, { keySet: KeySet.fromJwks({ keys: [github.publicJwk] }), policy: githubPolicy(), currentDate: NOW, issuer: `https://${GH}`, audience: 'sts.amazonaws.com' });
    assert.equal(r.ok, true, JSON.stringify(r.error));
    assert.equal(r.stage, 'done');
    assert.equal(r.key.kid, 'gh-actions');
    assert.equal(r.policy.decision, 'allow');
  });

  test('the environment trap: verified token, policy says no, and the lint says why', async () => {
    const token = await github.sign({}, githubClaims({ environment: 'prod' }));
    const r = check(token, { jwks: { keys: [github.publicJwk] }, policy: githubPolicy(), currentDate: NOW });
    assert.equal(r.ok, false);
    assert.equal(r.stage, 'policy');
    assert.equal(r.error, undefined);
    assert.equal(r.key.kid, 'gh-actions');
    assert.ok(r.policy.lints.some((l) => l.code === 'github-environment-changes-sub'));
  });

  test('a Fly token: tampered payload fails at the signature, expired at the claims, each with the policy trace', async () => {
    const keySet = KeySet.fromJwks({ keys: [fly.publicJwk] });
    const token = await fly.sign({}, flyClaims());
    assert.equal(check(token, { keySet, policy: flyPolicy, currentDate: NOW }).ok, true);
    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...flyClaims(), sub: 'acme:web:evil' })).toString('base64url')}.${s}`;
    const bad = check(forged, { keySet, policy: flyPolicy, currentDate: NOW });
    assert.equal(bad.ok, false);
    assert.equal(bad.stage, 'signature');
    assert.equal(bad.error.code, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    assert.equal(bad.policy.decision, 'allow', 'the policy alone would allow the forged claims: only the signature stops them');
    const late = check(token, { keySet, policy: flyPolicy, currentDate: NOW + 3600 });
    assert.equal(late.stage, 'claims');
    assert.equal(late.error.code, 'ERR_JWT_EXPIRED');
    assert.equal(late.key.kid, 'fly', 'the key that verified the signature is reported even when claims fail');
  });
});

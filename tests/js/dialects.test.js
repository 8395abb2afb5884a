// The trust-policy dialects beyond AWS (Vault, octo-sts, Entra, Google Cloud WIF) through the built package, as a
// user calls them: Policy.parse with auto-detection or an explicit dialect, evaluate with its options, check() with
// real signed tokens, the Decision/trace shapes index.d.ts promises, and each edge case the dialect docs name.
//
// The rules themselves are tested in Rust (tests/policy_*.rs); this file proves they reach JS intact.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { expectCode, makeSigner } from './helpers.js';

// The dialects ship in the package's full build: `oidc-trust/full` once the wasm is split, `oidc-trust` before.
const oidc = await import('oidc-trust/full').catch((error) => {
  if (error?.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return import('oidc-trust');
  throw error;
});
const { Policy, check, KeySet, OidcTrustError } = oidc;

const NOW = 1_772_530_230; // 2026-03-03T09:30:30Z
const GH = 'https://token.actions.githubusercontent.com';
const SUB = 'repo:octo-org/octo-repo:ref:refs/heads/main';
const GCP_NAME = 'projects/123456789/locations/global/workloadIdentityPools/github/providers/octo-org';

/** GitHub Actions-shaped claims (strings where GitHub sends strings). */
const claims = (extra = {}) => ({
  iss: GH,
  sub: SUB,
  aud: 'https://github.com/octo-org',
  ref: 'refs/heads/main',
  ref_protected: 'true',
  ref_type: 'branch',
  repository: 'octo-org/octo-repo',
  repository_owner: 'octo-org',
  job_workflow_ref: 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main',
  workflow: 'Deploy',
  event_name: 'push',
  iat: NOW - 60,
  nbf: NOW - 60,
  exp: NOW + 240,
  ...extra,
});

const VAULT = {
  role_type: 'jwt',
  bound_audiences: ['https://github.com/octo-org'],
  bound_subject: SUB,
  bound_claims_type: 'glob',
  bound_claims: { ref: 'refs/heads/*', repository: 'octo-org/*' },
  user_claim: 'repository',
};

const OCTO_YAML = `# .github/chainguard/deploy.sts.yaml
issuer: ${GH}
subject_pattern: repo:octo-org/octo-repo:ref:refs/heads/(main|release-.*)
claim_pattern:
  event_name: push|workflow_dispatch
permissions:
  contents: read
`;

const ENTRA = {
  name: 'deploy-main',
  issuer: GH,
  subject: SUB,
  audiences: ['api://AzureADTokenExchange'],
};

const GCP = {
  name: GCP_NAME,
  oidc: { issuerUri: GH },
  attributeMapping: {
    'google.subject': 'assertion.sub',
    'attribute.repository': 'assertion.repository',
    'attribute.ref': 'assertion.ref',
  },
  attributeCondition: "assertion.repository_owner == 'octo-org' && assertion.ref == 'refs/heads/main'",
};

const DOCS = { vault: VAULT, 'octo-sts': OCTO_YAML, entra: ENTRA, gcp: GCP };
/** The claims each dialect's document allows. */
const ALLOWED = {
  vault: claims(),
  'octo-sts': claims({ aud: 'octo-sts.dev' }),
  entra: claims({ aud: 'api://AzureADTokenExchange' }),
  gcp: claims({ aud: `https://iam.googleapis.com/${GCP_NAME}` }),
};

/** The decision, recomputed from the trace alone (explicit deny wins, then any allow), as Decision::recompute. */
function recompute(d) {
  let allowed = false;
  for (const s of d.statements) {
    assert.equal(s.conditionsMatched, s.conditions.every((c) => c.matched), `statement ${s.index}: conditionsMatched`);
    assert.equal(s.matched, s.principalMatched && s.actionMatched && s.conditionsMatched, `statement ${s.index}: matched`);
    if (s.matched && s.effect === 'Deny') return 'deny';
    if (s.matched && s.effect === 'Allow') allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}

/** Evaluates and checks the trace contract on every decision this file looks at. */
function evaluate(policy, c, options) {
  const d = policy.evaluate(c, options);
  assert.equal(recompute(d), d.decision, `the decision recomputes from its trace: ${d.reason}`);
  return d;
}

const conditions = (d) => d.statements.flatMap((s) => s.conditions);
const failing = (d) => conditions(d).filter((c) => !c.matched);

describe('Policy.parse: dialects by shape and by name', () => {
  for (const [dialect, doc] of Object.entries(DOCS)) {
    test(`${dialect}: auto-detected, and parsed the same when named`, () => {
      const auto = Policy.parse(doc);
      assert.equal(auto.dialect, dialect);
      assert.equal(Policy.parse(doc, { dialect: 'auto' }).dialect, dialect);
      const named = Policy.parse(doc, { dialect });
      assert.equal(named.dialect, dialect);
      assert.deepEqual(named.lints, auto.lints);
      assert.ok(Object.isFrozen(auto.lints));
      const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
      assert.equal(Policy.parse(text).dialect, dialect, 'JSON text as well as an object');
    });
  }

  test('wrapped documents: `vault read -format=json` data and an ARM resource', () => {
    assert.equal(Policy.parse({ request_id: 'x', data: VAULT }).dialect, 'vault');
    assert.equal(Policy.parse({ id: '/subscriptions/…', type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials', properties: ENTRA }).dialect, 'entra');
  });

  test('octo-sts as JSON too', () => {
    const p = Policy.parse({ issuer: GH, subject: SUB });
    assert.equal(p.dialect, 'octo-sts');
    assert.equal(evaluate(p, ALLOWED['octo-sts']).decision, 'allow');
  });

  test('an ambiguous document is ERR_POLICY_INVALID listing the candidates; naming the dialect settles it', () => {
    const doc = { Statement: [], bound_claims: { ref: 'refs/heads/main' }, bound_audiences: ['a'], user_claim: 'sub' };
    const e = expectCode(() => Policy.parse(doc), 'ERR_POLICY_INVALID', { path: '$' });
    assert.match(e.message, /ambiguous/);
    assert.match(e.message, /candidates: aws, vault/);
    assert.equal(Policy.parse(doc, { dialect: 'vault' }).dialect, 'vault');
  });

  test('a document of no known shape lists what each dialect needs', () => {
    const e = expectCode(() => Policy.parse({ hello: 'world' }), 'ERR_POLICY_INVALID', { path: '$' });
    for (const d of ['aws', 'vault', 'octo-sts', 'entra', 'gcp']) assert.match(e.message, new RegExp(`\\b${d}\\b`));
  });

  test('a dialect given explicitly is used even when the shape says otherwise', () => {
    const e = expectCode(() => Policy.parse(ENTRA, { dialect: 'gcp' }), 'ERR_POLICY_INVALID');
    assert.ok(e.path?.startsWith('$'), e.path);
  });

  test('an unknown dialect name is ERR_INVALID_ARGUMENT naming every dialect', () => {
    const e = expectCode(() => Policy.parse(VAULT, { dialect: 'azure' }), 'ERR_INVALID_ARGUMENT');
    assert.match(e.message, /"auto", "aws", "vault", "octo-sts", "entra" or "gcp"/);
  });

  test('YAML syntax errors carry line and column; JSON-looking text gets the JSON error', () => {
    const y = expectCode(() => Policy.parse('issuer: a\nsubject: [b\n', { dialect: 'octo-sts' }), 'ERR_POLICY_INVALID');
    assert.equal(typeof y.line, 'number');
    assert.equal(typeof y.column, 'number');
    // Broken JSON is a JSON error even where YAML's flow syntax would accept it (a trailing comma, single quotes).
    for (const text of ['{"issuer": "a",\n "subject": }', '{"issuer": "a",\n "subject": "b",\n}', "{'Statement': []}"]) {
      const j = expectCode(() => Policy.parse(text), 'ERR_POLICY_INVALID');
      assert.match(j.message, /not valid JSON/);
      assert.equal(typeof j.line, 'number', text);
    }
  });
});

describe('Decision and trace shapes (as index.d.ts declares them)', () => {
  const DECISION_KEYS = ['decision', 'dialect', 'provider', 'statements', 'lints', 'warnings', 'reason'];
  const STATEMENT_KEYS = ['index', 'sid', 'effect', 'principalMatched', 'actionMatched', 'conditionsMatched', 'matched', 'conditions', 'path'];
  const CONDITION_KEYS = ['operator', 'baseOperator', 'setOperator', 'ifExists', 'key', 'claim', 'policyValues', 'tokenValues', 'matched', 'reason', 'path'];

  for (const [dialect, doc] of Object.entries(DOCS)) {
    test(`${dialect}: one Allow statement without principal or action; every condition fully described`, () => {
      const d = evaluate(Policy.parse(doc), ALLOWED[dialect], { currentDate: NOW });
      assert.deepEqual(Object.keys(d).sort(), [...DECISION_KEYS].sort());
      assert.equal(d.decision, 'allow', d.reason);
      assert.equal(d.dialect, dialect);
      assert.ok(d.provider === null || typeof d.provider === 'string');
      assert.equal(typeof d.reason, 'string');
      assert.ok(Array.isArray(d.warnings));
      assert.equal(d.statements.length, 1);
      const [s] = d.statements;
      assert.deepEqual(Object.keys(s).sort(), [...STATEMENT_KEYS].sort(), 'no principal/action element');
      assert.equal(s.effect, 'Allow');
      assert.equal(s.principalMatched, true);
      assert.equal(s.actionMatched, true);
      assert.ok(s.conditions.length >= 2);
      for (const c of s.conditions) {
        const keys = Object.keys(c).filter((k) => k !== 'unconfirmed');
        assert.deepEqual(keys.sort(), [...CONDITION_KEYS].sort());
        assert.equal(typeof c.operator, 'string');
        assert.equal(typeof c.baseOperator, 'string');
        assert.equal(c.setOperator, null);
        assert.equal(c.ifExists, false);
        assert.ok(c.claim === null || typeof c.claim === 'string');
        assert.ok(Array.isArray(c.policyValues));
        assert.ok(c.tokenValues === null || Array.isArray(c.tokenValues));
        assert.equal(typeof c.reason, 'string');
        assert.match(c.path, /^\$/);
      }
      for (const l of d.lints) {
        assert.deepEqual(Object.keys(l).sort(), ['code', 'message', 'path', 'severity']);
        assert.ok(['error', 'warning', 'info'].includes(l.severity));
      }
    });
  }

  test('warnings: { rule, message, path, decisive }, and the condition names its unconfirmed rule', () => {
    const p = Policy.parse({ issuer: GH, subject_pattern: 'repo:octo-org/a|repo:octo-org/b' });
    const d = evaluate(p, claims({ aud: 'octo-sts.dev', sub: 'repo:octo-org/a-and-more' }));
    assert.equal(d.decision, 'allow');
    assert.equal(d.warnings.length, 1);
    assert.deepEqual(Object.keys(d.warnings[0]).sort(), ['decisive', 'message', 'path', 'rule']);
    assert.equal(d.warnings[0].rule, 'octo-sts-pattern-anchoring');
    assert.equal(d.warnings[0].decisive, true);
    assert.equal(conditions(d).find((c) => c.operator === 'subject_pattern').unconfirmed, 'octo-sts-pattern-anchoring');
  });
});

describe('Policy.evaluate options', () => {
  test('currentDate: a Date or epoch seconds, converted like verify does (Vault time checks)', () => {
    const p = Policy.parse(VAULT);
    const c = claims();
    const atNumber = evaluate(p, c, { currentDate: NOW });
    const atDate = evaluate(p, c, { currentDate: new Date(NOW * 1000) });
    assert.deepEqual(atDate, atNumber);
    assert.equal(atDate.decision, 'allow');
    // exp + 60 s skew + 1: expired for Vault, whose leeways never extend a present exp.
    const late = evaluate(p, c, { currentDate: new Date((c.exp + 61) * 1000) });
    assert.equal(late.decision, 'implicit-deny');
    assert.deepEqual(failing(late).map((x) => x.operator), ['expiration']);
    assert.match(late.reason, /token is expired/);
    // Without currentDate the check runs at the real now: this 2026 token is either valid or expired, never skipped.
    const now = evaluate(p, c);
    assert.ok(conditions(now).some((x) => x.operator === 'expiration'));
  });

  test('currentDate that is not a Date or a number, and unknown options, are ERR_INVALID_ARGUMENT', () => {
    const p = Policy.parse(VAULT);
    expectCode(() => p.evaluate(claims(), { currentDate: new Date('nope') }), 'ERR_INVALID_ARGUMENT', { path: 'options.currentDate' });
    expectCode(() => p.evaluate(claims(), { currentDate: '2026-03-03' }), 'ERR_INVALID_ARGUMENT', { path: 'options.currentDate' });
    expectCode(() => p.evaluate(claims(), { octoStsDomian: 'x' }), 'ERR_INVALID_ARGUMENT');
    expectCode(() => p.evaluate(claims(), []), 'ERR_INVALID_ARGUMENT');
  });

  test('octoStsDomain: the audience required when the policy names none', () => {
    const p = Policy.parse({ issuer: GH, subject: SUB });
    const c = claims({ aud: 'sts.example.com' });
    const byDefault = evaluate(p, c);
    assert.equal(byDefault.decision, 'implicit-deny');
    assert.match(failing(byDefault)[0].reason, /octo-sts\.dev/);
    assert.equal(evaluate(p, c, { octoStsDomain: 'sts.example.com' }).decision, 'allow');
  });

  test('octoStsAnchoring: legacy ^a|b$ accepts a prefix match (linted); grouped does not', () => {
    const p = Policy.parse(`issuer: ${GH}\nsubject_pattern: repo:octo-org/a|repo:octo-org/b\n`);
    assert.deepEqual(p.lints.map((l) => l.code), ['unanchored-alternation']);
    const c = claims({ aud: 'octo-sts.dev', sub: 'repo:octo-org/a-fork-of-anything' });
    assert.equal(evaluate(p, c).decision, 'allow');
    assert.equal(evaluate(p, c, { octoStsAnchoring: 'legacy' }).decision, 'allow');
    assert.equal(evaluate(p, c, { octoStsAnchoring: 'grouped' }).decision, 'implicit-deny');
    expectCode(() => p.evaluate(c, { octoStsAnchoring: 'anchored' }), 'ERR_INVALID_ARGUMENT');
  });

  test('options another dialect uses are accepted and ignored', () => {
    for (const [dialect, doc] of Object.entries(DOCS)) {
      const d = evaluate(Policy.parse(doc), ALLOWED[dialect], { issuer: GH, currentDate: new Date(NOW * 1000), octoStsDomain: 'octo-sts.dev', octoStsAnchoring: 'grouped' });
      assert.equal(d.decision, 'allow', `${dialect}: ${d.reason}`);
    }
  });
});

describe('Vault JWT roles', () => {
  test('allow: every check in Vault order, the alias name from user_claim', () => {
    const d = evaluate(Policy.parse(VAULT), claims(), { currentDate: NOW });
    assert.equal(d.decision, 'allow');
    assert.deepEqual(conditions(d).map((c) => c.operator), [
      'bound_subject', 'bound_audiences', 'not_before', 'expiration', 'issued_at', 'user_claim', 'bound_claims(glob)', 'bound_claims(glob)',
    ]);
    const user = conditions(d).find((c) => c.operator === 'user_claim');
    assert.deepEqual(user.tokenValues, ['octo-org/octo-repo']);
  });

  test('glob mode: `?` is a literal question mark (linted), only `*` is special', () => {
    const p = Policy.parse({ ...VAULT, bound_claims: { ref: 'refs/heads/ma?n' } });
    assert.ok(p.lints.some((l) => l.code === 'glob-question-mark-literal' && l.path === '$.bound_claims.ref'));
    const d = evaluate(p, claims(), { currentDate: NOW });
    assert.equal(d.decision, 'implicit-deny');
    assert.equal(d.reason, 'implicit-deny: Vault would answer "error validating claims: claim "ref" does not match any associated bound claim values"');
    assert.equal(evaluate(p, claims({ ref: 'refs/heads/ma?n' }), { currentDate: NOW }).decision, 'allow');
  });

  test('string mode: "true" ≠ true (types are kept)', () => {
    const p = Policy.parse({ ...VAULT, bound_claims_type: 'string', bound_claims: { ref_protected: true } });
    const d = evaluate(p, claims({ ref_protected: 'true' }), { currentDate: NOW });
    assert.equal(d.decision, 'implicit-deny');
    const [c] = failing(d);
    assert.equal(c.operator, 'bound_claims(string)');
    assert.deepEqual(c.policyValues, [true]);
    assert.deepEqual(c.tokenValues, ['true']);
    assert.match(d.reason, /error validating claims: claim "ref_protected" does not match any associated bound claim values/);
    assert.equal(evaluate(p, claims({ ref_protected: true }), { currentDate: NOW }).decision, 'allow');
  });

  test('Vault messages: wrong audience, missing bound claim, JSON pointer keys', () => {
    const p = Policy.parse({ ...VAULT, bound_claims: { '/repository_owner': 'octo-org', missing_claim: 'x' } });
    const d = evaluate(p, claims({ aud: 'https://github.com/other' }), { currentDate: NOW });
    assert.match(d.reason, /audience claim does not match any expected audience/);
    const reasons = failing(d).map((c) => c.reason).join('\n');
    assert.match(reasons, /claim "missing_claim" is missing/);
    assert.ok(conditions(d).some((c) => c.key === '/repository_owner' && c.matched));
  });

  test('malformed role: ERR_POLICY_INVALID with the JSON path', () => {
    expectCode(() => Policy.parse({ ...VAULT, bound_claims_type: 'regex' }), 'ERR_POLICY_INVALID', { path: '$.bound_claims_type' });
    expectCode(() => Policy.parse({ ...VAULT, bound_claims: { ref: ['refs/heads/main', 7] } }), 'ERR_POLICY_INVALID', { path: '$.bound_claims.ref[1]' });
  });
});

describe('octo-sts trust policies', () => {
  test('allow from YAML: token checks, then issuer, subject_pattern, default audience, claim_pattern', () => {
    const d = evaluate(Policy.parse(OCTO_YAML), ALLOWED['octo-sts']);
    assert.equal(d.decision, 'allow', d.reason);
    assert.deepEqual(conditions(d).map((c) => c.operator), [
      'token_check', 'token_check', 'token_check', 'issuer', 'subject_pattern', 'audience(default)', 'claim_pattern',
    ]);
  });

  test('claim_pattern: booleans are compared as "true"/"false"; numbers are rejected', () => {
    const p = Policy.parse(`issuer: ${GH}\nsubject: ${SUB}\nclaim_pattern:\n  ref_protected: "true"\n  run_number: "[0-9]+"\n`);
    const d = evaluate(p, claims({ aud: 'octo-sts.dev', ref_protected: true, run_number: 42 }));
    assert.equal(d.decision, 'implicit-deny');
    const rows = Object.fromEntries(conditions(d).filter((c) => c.operator === 'claim_pattern').map((c) => [c.key, c]));
    assert.equal(rows.ref_protected.matched, true);
    assert.match(rows.ref_protected.reason, /boolean, stringified/);
    assert.equal(rows.run_number.matched, false);
    assert.match(rows.run_number.reason, /number, not a string/);
    assert.equal(d.reason, 'implicit-deny: octo-sts would answer "trust policy: expected claim "run_number" not a string"');
    assert.equal(evaluate(p, claims({ aud: 'octo-sts.dev', ref_protected: true, run_number: '42' })).decision, 'allow');
  });

  test('unknown fields and both of a pair are rejected as octo-sts does', () => {
    expectCode(() => Policy.parse(`issuer: ${GH}\nsubject: a\nsubjet_pattern: b\n`, { dialect: 'octo-sts' }), 'ERR_POLICY_INVALID');
    const e = expectCode(() => Policy.parse({ issuer: GH, issuer_pattern: '.*', subject: 'a' }), 'ERR_POLICY_INVALID');
    assert.match(e.message, /only one of issuer or issuer_pattern/);
  });
});

describe('Entra federated identity credentials', () => {
  test('classic: byte-exact subject; a miss is AADSTS70021', () => {
    const p = Policy.parse(ENTRA);
    assert.equal(evaluate(p, ALLOWED.entra).decision, 'allow');
    const d = evaluate(p, claims({ aud: 'api://AzureADTokenExchange', sub: 'repo:octo-org/octo-repo:environment:prod', environment: 'prod' }));
    assert.equal(d.decision, 'implicit-deny');
    assert.match(d.reason, /^AADSTS70021: No matching federated identity record found for presented assertion\./);
    assert.ok(d.lints.some((l) => l.code === 'github-environment-changes-sub'));
    assert.equal(d.statements[0].sid, 'deploy-main');
  });

  test('flexible expression: matches with *, one row per term', () => {
    const p = Policy.parse({ ...ENTRA, subject: undefined, claimsMatchingExpression: { value: "claims['sub'] matches 'repo:octo-org/octo-repo:ref:refs/heads/*' and claims['job_workflow_ref'] eq 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main'", languageVersion: 1 } });
    const d = evaluate(p, ALLOWED.entra);
    assert.equal(d.decision, 'allow', d.reason);
    assert.deepEqual(conditions(d).map((c) => c.operator), ['issuer', 'matches', 'eq', 'audiences']);
  });

  test('a claim outside the issuer\'s allow-list is rejected at parse time, with its position', () => {
    const value = "claims['sub'] eq 'x' and claims['repository'] eq 'octo-org/octo-repo'";
    const e = expectCode(
      () => Policy.parse({ issuer: GH, audiences: ['api://AzureADTokenExchange'], claimsMatchingExpression: { value, languageVersion: 1 } }),
      'ERR_POLICY_INVALID',
      { path: '$.claimsMatchingExpression.value' },
    );
    assert.match(e.message, /claim 'repository' cannot be used/);
    assert.match(e.message, /allowed: sub, job_workflow_ref/);
    assert.equal(e.position, value.indexOf('repository'));
  });
});

describe('Google Cloud Workload Identity Federation providers', () => {
  test('allow: the default resource-name audience and the mapped attributes in the trace', () => {
    const d = evaluate(Policy.parse(GCP), ALLOWED.gcp);
    assert.equal(d.decision, 'allow', d.reason);
    const mapped = Object.fromEntries(conditions(d).filter((c) => c.operator === 'attributeMapping').map((c) => [c.key, c.tokenValues]));
    assert.deepEqual(mapped, { 'google.subject': [SUB], 'attribute.repository': ['octo-org/octo-repo'], 'attribute.ref': ['refs/heads/main'] });
    const aud = conditions(d).find((c) => c.operator === 'audiences');
    assert.match(aud.reason, /default audience/);
  });

  test('CEL matches is a substring search (linted when unanchored)', () => {
    const p = Policy.parse({ ...GCP, attributeCondition: "assertion.ref.matches('main')" });
    assert.ok(p.lints.some((l) => l.code === 'unanchored-regex'));
    assert.equal(evaluate(p, claims({ aud: ALLOWED.gcp.aud, ref: 'refs/heads/not-mainline' })).decision, 'allow');
  });

  test('a missing key is an error, and an error rejects', () => {
    const p = Policy.parse({ ...GCP, attributeCondition: "assertion.environment == 'prod'" });
    const d = evaluate(p, ALLOWED.gcp);
    assert.equal(d.decision, 'implicit-deny');
    assert.match(d.reason, /^unauthorized_client: The given credential is rejected by the attribute condition\./);
    assert.match(d.reason, /no such key: 'environment'/);
    const [row] = failing(d);
    assert.equal(row.operator, 'attributeCondition');
    assert.equal(row.tokenValues, null);
    // has() tests presence without the error; || absorbs the error on the side that does not decide.
    const guarded = Policy.parse({ ...GCP, attributeCondition: "!has(assertion.environment) || assertion.environment == 'prod'" });
    assert.equal(evaluate(guarded, ALLOWED.gcp).decision, 'allow');
    const absorbed = Policy.parse({ ...GCP, attributeCondition: "assertion.environment == 'prod' || assertion.repository_owner == 'octo-org'" });
    assert.equal(evaluate(absorbed, ALLOWED.gcp).decision, 'allow');
  });

  test('google.subject over 127 bytes rejects the token', () => {
    const d = evaluate(Policy.parse(GCP), claims({ aud: ALLOWED.gcp.aud, sub: `repo:${'x'.repeat(130)}` }));
    assert.equal(d.decision, 'implicit-deny');
    assert.match(failing(d)[0].reason, /127/);
  });

  test('CEL syntax errors carry the byte position inside the expression', () => {
    const e = expectCode(() => Policy.parse({ ...GCP, attributeCondition: "assertion.ref == 'x' &&" }), 'ERR_POLICY_INVALID', { path: '$.attributeCondition' });
    assert.equal(typeof e.position, 'number');
  });
});

describe('check(): signature, claims and each dialect in one result', () => {
  let signer, keySet;
  before(async () => {
    signer = await makeSigner('ES256', 'dialects-test');
    keySet = KeySet.fromJwks({ keys: [signer.publicJwk] });
  });

  const FAILING = {
    vault: { ...claims(), aud: 'https://github.com/someone-else' },
    'octo-sts': { ...ALLOWED['octo-sts'], event_name: 'pull_request_target' },
    entra: { ...ALLOWED.entra, sub: 'repo:octo-org/octo-repo:pull_request' },
    gcp: { ...ALLOWED.gcp, repository_owner: 'evil-org' },
  };
  const FAILING_REASON = {
    vault: /audience claim does not match any expected audience/,
    'octo-sts': /event_name/,
    entra: /^AADSTS70021/,
    gcp: /^unauthorized_client/,
  };

  for (const dialect of Object.keys(DOCS)) {
    test(`${dialect}: an allowed token is ok at stage done; a refused one stops at stage policy`, async () => {
      const policy = Policy.parse(DOCS[dialect]);
      const good = await signer.sign({}, ALLOWED[dialect]);
      const r = check(good, { keySet, policy, currentDate: new Date(NOW * 1000) });
      assert.equal(r.stage, 'done', JSON.stringify(r.error ?? r.policy?.reason));
      assert.equal(r.ok, true);
      assert.equal(r.policy.dialect, dialect);
      assert.equal(r.policy.decision, 'allow');
      // A document (not a compiled Policy) works too, auto-detected.
      assert.equal(check(good, { keySet, policy: DOCS[dialect], currentDate: NOW }).ok, true);

      const bad = await signer.sign({}, FAILING[dialect]);
      const f = check(bad, { keySet, policy, currentDate: NOW });
      assert.equal(f.ok, false);
      assert.equal(f.stage, 'policy');
      assert.equal(f.policy.decision, 'implicit-deny');
      assert.match(f.policy.reason, FAILING_REASON[dialect]);
      assert.equal(recompute(f.policy), f.policy.decision);
    });
  }

  test('octo-sts options given to Policy.parse reach check() and createVerifier; evaluate options still win', async () => {
    const doc = `issuer: ${GH}\nsubject_pattern: repo:octo-org/a|repo:octo-org/b\n`;
    const policy = Policy.parse(doc, { octoStsDomain: 'sts.example.com', octoStsAnchoring: 'grouped' });
    const fork = await signer.sign({}, claims({ aud: 'sts.example.com', sub: 'repo:octo-org/a-fork-of-anything' }));
    const exact = await signer.sign({}, claims({ aud: 'sts.example.com', sub: 'repo:octo-org/b' }));
    const publicAud = await signer.sign({}, claims({ aud: 'octo-sts.dev', sub: 'repo:octo-org/b' }));
    const run = (token) => check(token, { keySet, policy, currentDate: NOW });
    assert.equal(run(exact).ok, true, JSON.stringify(run(exact).policy?.reason));
    // Grouped anchoring: the prefix match the legacy reading would allow is refused.
    assert.equal(run(fork).stage, 'policy');
    assert.equal(run(fork).policy.decision, 'implicit-deny');
    // The required audience is the given domain, not octo-sts.dev.
    assert.match(run(publicAud).policy.reason, /sts\.example\.com/);
    const verifier = oidc.createVerifier({ keys: keySet, policy, currentDate: NOW });
    assert.equal(verifier.check(exact).ok, true);
    assert.equal(verifier.check(fork).policy.decision, 'implicit-deny');
    // Without the options: the public instance and the legacy anchoring, as before.
    const plain = Policy.parse(doc);
    assert.equal(check(fork, { keySet, policy: plain, currentDate: NOW }).policy.decision, 'implicit-deny', 'wrong audience');
    assert.equal(plain.evaluate(claims({ aud: 'octo-sts.dev', sub: 'repo:octo-org/a-fork-of-anything' })).decision, 'allow');
    // An evaluation's own options override the parsed ones.
    const forkClaims = claims({ aud: 'octo-sts.dev', sub: 'repo:octo-org/a-fork-of-anything' });
    assert.equal(policy.evaluate(forkClaims).decision, 'implicit-deny');
    assert.equal(policy.evaluate(forkClaims, { octoStsDomain: 'octo-sts.dev', octoStsAnchoring: 'legacy' }).decision, 'allow');
    assert.equal(policy.decide(forkClaims, { octoStsDomain: 'octo-sts.dev', octoStsAnchoring: 'legacy' }), 'allow');
    expectCode(() => Policy.parse(doc, { octoStsAnchoring: 'anchored' }), 'ERR_INVALID_ARGUMENT');
    expectCode(() => Policy.parse(doc, { octoStsDomian: 'x' }), 'ERR_INVALID_ARGUMENT');
  });

  test('a policy document that does not parse throws ERR_POLICY_INVALID (API misuse, not a verdict)', async () => {
    const token = await signer.sign({}, ALLOWED.vault);
    assert.throws(() => check(token, { keySet, policy: { Statement: [], bound_claims: {} } }), (e) => e instanceof OidcTrustError && e.code === 'ERR_POLICY_INVALID');
  });
});

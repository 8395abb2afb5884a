// Regenerates the playground presets in www/presets/.
//
// The GitHub Actions preset is real data copied from ../shared/vectors/oidc (see PROVENANCE there).
// The Fly.io, "GitHub environment" and dialect presets (Vault, octo-sts, Entra, Google Cloud WIF: one allow and one
// failing case each) are shaped like real tokens but signed with throw-away keys made here, because presets must
// verify and we hold no issuer's private key. The private keys are never written out: every run makes new keys, so
// the committed tokens and JWKS change together. `--only` regenerates some groups and leaves the others' files
// untouched (the manifest is always rewritten whole).
//
// Usage: node scripts/gen-presets.mjs [path/to/shared/vectors] [--only github,fly,github-environment,dialects]
//        (needs `npm ci --prefix www` for jose)
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'www', 'package.json'));
const jose = await import(require.resolve('jose'));

const out = path.join(root, 'www', 'presets');
mkdirSync(out, { recursive: true });
const args = process.argv.slice(2);
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? new Set(args.splice(onlyAt, 2)[1]?.split(',')) : null;
const GROUPS = ['github', 'fly', 'github-environment', 'dialects'];
for (const g of only ?? []) if (!GROUPS.includes(g)) throw new Error(`--only: unknown group ${g} (${GROUPS.join(', ')})`);
const regenerate = (group) => only === null || only.has(group);
const vectors = path.resolve(args[0] ?? path.join(root, '..', 'shared', 'vectors'));
const candidates = [vectors, '/work/shared/vectors'];
const vectorDir = candidates.find((d) => existsSync(path.join(d, 'oidc')));
if (!vectorDir) throw new Error(`shared vectors not found (tried ${candidates.join(', ')})`);

const json = (v) => JSON.stringify(v, null, 2) + '\n';
let writing = true;
const write = (name, text) => { if (writing) writeFileSync(path.join(out, name), text); };

const iso = (s) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');

// 1. Real GitHub Actions token + GitHub's JWKS (copied unmodified).
writing = regenerate('github');
const ghToken = readFileSync(path.join(vectorDir, 'oidc/tokens/github-actions_neu-se-autograder-action.jwt'), 'utf8').trim();
const ghJwks = readFileSync(path.join(vectorDir, 'oidc/jwks/github-actions_crates-io-load_jwks.json'), 'utf8');
write('github-actions.jwt', ghToken + '\n');
write('github-actions.jwks.json', ghJwks);
const ghClaims = jose.decodeJwt(ghToken);
const ghPolicy = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AutograderMainBranch',
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': ghClaims.aud,
          'token.actions.githubusercontent.com:sub': ghClaims.sub,
        },
        StringLike: {
          'token.actions.githubusercontent.com:job_workflow_ref': 'neu-se/autograder-action/.github/workflows/*@refs/heads/main',
        },
      },
    },
  ],
};
write('github-actions.policy.json', json(ghPolicy));

// 2. Fly.io-shaped token (claims as in Fly's OpenID Connect docs) + the trust policy from those docs.
writing = regenerate('fly');
const flyIat = Date.UTC(2026, 5, 1, 12, 0, 0) / 1000;
const flyKeys = await jose.generateKeyPair('ES256', { extractable: true });
const flyJwk = { ...(await jose.exportJWK(flyKeys.publicKey)), kid: 'playground-fly-es256', alg: 'ES256', use: 'sig' };
const flyClaims = {
  app_id: '3671581',
  app_name: 'weather-cats',
  aud: 'sts.amazonaws.com',
  image: 'registry.fly.io/weather-cats:deployment-01J0B7Q6V3',
  image_digest: 'sha256:5a1c4f06d4b4a9b5c7b5e8f6a39e2d7c0f3b1a8e9d2c6b4a7f0e1d3c5b7a9e8f',
  iss: 'https://oidc.fly.io/example',
  jti: '5f3c2a1e-8b4d-4e6f-9a0b-1c2d3e4f5a6b',
  machine_id: '3d8d9e21c76e89',
  machine_name: 'ancient-snow-4824',
  machine_version: '01J0B7Q6V3X9K2M4N6P8R0T2V4',
  nbf: flyIat,
  iat: flyIat,
  exp: flyIat + 600,
  org_id: '29873298',
  org_name: 'example',
  region: 'yyz',
  sub: 'example:weather-cats:ancient-snow-4824',
};
const flyToken = await new jose.SignJWT(flyClaims)
  .setProtectedHeader({ alg: 'ES256', kid: flyJwk.kid, typ: 'JWT' })
  .sign(flyKeys.privateKey);
write('fly.jwt', flyToken + '\n');
write('fly.jwks.json', json({ keys: [flyJwk] }));
write('fly.policy.json', json({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::123456123456:oidc-provider/oidc.fly.io/example' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'oidc.fly.io/example:aud': 'sts.amazonaws.com' },
        StringLike: { 'oidc.fly.io/example:sub': 'example:weather-cats:*' },
      },
    },
  ],
}));

// 3. A GitHub-shaped token from a job with `environment: prod` against a policy written for a branch.
writing = regenerate('github-environment');
const envIat = Date.UTC(2026, 2, 3, 9, 30, 0) / 1000;
const envKeys = await jose.generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
const envJwk = { ...(await jose.exportJWK(envKeys.publicKey)), kid: 'playground-github-env-rs256', alg: 'RS256', use: 'sig' };
const envClaims = {
  jti: '7c1e9a52-3f0b-4d8e-b6a4-2e9d8c7b6a50',
  sub: 'repo:o/r:environment:prod',
  environment: 'prod',
  aud: 'sts.amazonaws.com',
  ref: 'refs/heads/main',
  sha: '2b7e151628aed2a6abf7158809cf4f3c762e7160',
  repository: 'o/r',
  repository_owner: 'o',
  repository_owner_id: '1000001',
  run_id: '9000000001',
  run_number: '42',
  run_attempt: '1',
  repository_visibility: 'private',
  repository_id: '2000002',
  actor_id: '3000003',
  actor: 'octocat',
  workflow: 'Deploy',
  head_ref: '',
  base_ref: '',
  event_name: 'push',
  ref_protected: 'true',
  ref_type: 'branch',
  workflow_ref: 'o/r/.github/workflows/deploy.yml@refs/heads/main',
  workflow_sha: '2b7e151628aed2a6abf7158809cf4f3c762e7160',
  job_workflow_ref: 'o/r/.github/workflows/deploy.yml@refs/heads/main',
  job_workflow_sha: '2b7e151628aed2a6abf7158809cf4f3c762e7160',
  runner_environment: 'github-hosted',
  iss: 'https://token.actions.githubusercontent.com',
  nbf: envIat - 600,
  exp: envIat + 300,
  iat: envIat,
};
const envToken = await new jose.SignJWT(envClaims)
  .setProtectedHeader({ alg: 'RS256', kid: envJwk.kid, typ: 'JWT' })
  .sign(envKeys.privateKey);
write('github-environment.jwt', envToken + '\n');
write('github-environment.jwks.json', json({ keys: [envJwk] }));
write('github-environment.policy.json', json({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DeployFromMain',
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': 'repo:o/r:ref:refs/heads/main',
        },
      },
    },
  ],
}));

// 4. The other dialects: GitHub-shaped tokens from one throw-away ES256 key, each against the document its target
// service reads (a Vault JWT role, an octo-sts trust policy in YAML, an Entra federated identity credential, a
// Google Cloud WIF provider): one that allows and one that fails for the reason the dialect is known for.
writing = regenerate('dialects');
const dIat = Date.UTC(2026, 3, 1, 10, 0, 0) / 1000;
const dKeys = await jose.generateKeyPair('ES256', { extractable: true });
const dJwk = { ...(await jose.exportJWK(dKeys.publicKey)), kid: 'playground-dialects-es256', alg: 'ES256', use: 'sig' };
write('dialects.jwks.json', json({ keys: [dJwk] }));
const GH_ISS = 'https://token.actions.githubusercontent.com';
const GCP_PROVIDER = 'projects/123456789012/locations/global/workloadIdentityPools/github/providers/octo-org';
/** A GitHub Actions token's claims for octo-org/octo-repo (a push to main unless `extra` says otherwise). */
const ghShaped = (n, extra) => ({
  jti: `4d2b6a10-8c3e-4f51-9e7a-0b1c2d3e4f${String(n).padStart(2, '0')}`,
  sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
  aud: 'https://github.com/octo-org',
  ref: 'refs/heads/main',
  sha: '9fceb02d0ae598e95dc970b74767f19372d61af8',
  repository: 'octo-org/octo-repo',
  repository_owner: 'octo-org',
  repository_owner_id: '1000042',
  run_id: '13000000042',
  run_number: '118',
  run_attempt: '1',
  repository_visibility: 'private',
  repository_id: '2000042',
  actor_id: '3000042',
  actor: 'monalisa',
  workflow: 'Release',
  head_ref: '',
  base_ref: '',
  event_name: 'push',
  ref_protected: 'true',
  ref_type: 'branch',
  workflow_ref: 'octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main',
  workflow_sha: '9fceb02d0ae598e95dc970b74767f19372d61af8',
  job_workflow_ref: 'octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main',
  job_workflow_sha: '9fceb02d0ae598e95dc970b74767f19372d61af8',
  runner_environment: 'github-hosted',
  iss: GH_ISS,
  nbf: dIat - 5,
  exp: dIat + 300,
  iat: dIat,
  ...extra,
});
const dialectToken = async (name, claims) => {
  const token = await new jose.SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: dJwk.kid, typ: 'JWT' }).sign(dKeys.privateKey);
  write(`${name}.jwt`, token + '\n');
  return claims;
};

// Vault: a JWT auth role as `vault read -format=json auth/jwt/role/deploy` prints it. The failing role binds
// `ref_protected` in `string` mode to the boolean true; GitHub sends the string "true", and Vault keeps types.
const vaultClaims = await dialectToken('vault', ghShaped(1, {}));
const vaultRole = (data) => ({
  request_id: '6f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
  lease_id: '',
  lease_duration: 0,
  renewable: false,
  data: {
    role_type: 'jwt',
    bound_audiences: ['https://github.com/octo-org'],
    user_claim: 'repository',
    claim_mappings: { actor: 'actor', workflow: 'workflow' },
    clock_skew_leeway: 60,
    expiration_leeway: 150,
    not_before_leeway: 150,
    token_policies: ['deploy'],
    token_ttl: 900,
    ...data,
  },
  warnings: null,
});
write('vault-allow.policy.json', json(vaultRole({
  bound_claims_type: 'glob',
  bound_claims: { repository: 'octo-org/octo-repo', ref: 'refs/heads/*', job_workflow_ref: 'octo-org/octo-repo/.github/workflows/release.yml@*' },
})));
write('vault-fail.policy.json', json(vaultRole({
  bound_claims_type: 'string',
  bound_claims: { repository: 'octo-org/octo-repo', ref_protected: true },
})));

// octo-sts: a `.github/chainguard/*.sts.yaml` trust policy (YAML, as octo-sts reads it); the token's audience is
// octo-sts.dev, the public instance. The failing case is a pull_request token against a subject_pattern whose
// top-level `|` octo-sts anchors at one end per alternative (linted).
const octoClaims = await dialectToken('octo-sts-allow', ghShaped(2, { aud: 'octo-sts.dev' }));
const octoPrClaims = await dialectToken('octo-sts-fail', ghShaped(3, {
  aud: 'octo-sts.dev',
  sub: 'repo:octo-org/octo-repo:pull_request',
  ref: 'refs/pull/77/merge',
  ref_protected: 'false',
  event_name: 'pull_request',
  head_ref: 'monalisa/patch-1',
  base_ref: 'main',
  workflow_ref: 'octo-org/octo-repo/.github/workflows/release.yml@refs/pull/77/merge',
  job_workflow_ref: 'octo-org/octo-repo/.github/workflows/release.yml@refs/pull/77/merge',
}));
write('octo-sts-allow.policy.yaml', `# .github/chainguard/release.sts.yaml in octo-org/octo-repo
issuer: https://token.actions.githubusercontent.com
subject: repo:octo-org/octo-repo:ref:refs/heads/main

claim_pattern:
  job_workflow_ref: octo-org/octo-repo/\\.github/workflows/release\\.yml@refs/heads/main
  ref_protected: "true"

permissions:
  contents: write
`);
write('octo-sts-fail.policy.yaml', `# .github/chainguard/release.sts.yaml in octo-org/octo-repo
issuer: https://token.actions.githubusercontent.com
subject_pattern: repo:octo-org/octo-repo:ref:refs/heads/main|repo:octo-org/octo-repo:ref:refs/tags/v[0-9.]+

claim_pattern:
  event_name: push|workflow_dispatch

permissions:
  contents: write
`);

// Entra: a federated identity credential (Microsoft Graph JSON). The failing case is a job in the `production`
// environment, whose sub GitHub changes to …:environment:production, against a flexible expression for branches.
const entraClaims = await dialectToken('entra-allow', ghShaped(4, { aud: 'api://AzureADTokenExchange' }));
const entraEnvClaims = await dialectToken('entra-fail', ghShaped(5, {
  aud: 'api://AzureADTokenExchange',
  sub: 'repo:octo-org/octo-repo:environment:production',
  environment: 'production',
}));
write('entra-allow.policy.json', json({
  '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#applications(\'00000000-0000-0000-0000-000000000000\')/federatedIdentityCredentials/$entity',
  id: '3e0b4a1c-5d6f-4a7b-8c9d-0e1f2a3b4c5d',
  name: 'octo-repo-main',
  issuer: GH_ISS,
  subject: 'repo:octo-org/octo-repo:ref:refs/heads/main',
  description: 'Deploy from the main branch of octo-org/octo-repo',
  audiences: ['api://AzureADTokenExchange'],
}));
write('entra-fail.policy.json', json({
  id: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
  name: 'octo-repo-branches',
  issuer: GH_ISS,
  description: 'Deploy from any branch of octo-org/octo-repo',
  audiences: ['api://AzureADTokenExchange'],
  claimsMatchingExpression: { value: "claims['sub'] matches 'repo:octo-org/octo-repo:ref:refs/heads/*'", languageVersion: 1 },
}));

// Google Cloud WIF: a workload identity pool provider (IAM API JSON). No allowedAudiences, so the audience must be
// the provider's resource name (google-github-actions/auth requests it). The failing condition reads
// `assertion.environment`, which a push token does not have: in CEL a missing key is an error, and an error rejects.
const gcpClaims = await dialectToken('gcp', ghShaped(6, { aud: `https://iam.googleapis.com/${GCP_PROVIDER}` }));
const gcpProvider = (condition) => ({
  name: GCP_PROVIDER,
  displayName: 'GitHub Actions (octo-org)',
  state: 'ACTIVE',
  disabled: false,
  attributeMapping: {
    'google.subject': 'assertion.sub',
    'attribute.repository': 'assertion.repository',
    'attribute.repository_owner': 'assertion.repository_owner',
    'attribute.ref': 'assertion.ref',
  },
  attributeCondition: condition,
  oidc: { issuerUri: GH_ISS },
});
write('gcp-allow.policy.json', json(gcpProvider("assertion.repository_owner == 'octo-org' && attribute.ref == 'refs/heads/main'")));
write('gcp-fail.policy.json', json(gcpProvider("assertion.repository_owner == 'octo-org' && assertion.environment == 'production'")));
writing = true;

const dialectPreset = (id, group, title, description, token, policy, claims, expect) => ({
  id,
  group,
  title,
  label: expect.decision === 'allow' ? 'allows' : 'fails',
  description,
  provenance: 'Generated by scripts/gen-presets.mjs with jose: a GitHub Actions-shaped token signed by a throw-away ES256 key (the JWKS is its public half); the policy document is written in the shape the service returns it.',
  token: `${token}.jwt`,
  jwks: 'dialects.jwks.json',
  policy,
  options: { issuer: claims.iss, audience: claims.aud, clock: iso(dIat + 30), clockTolerance: 0 },
  expect: { ...expect, kid: dJwk.kid },
});
const dialectPresets = [
  dialectPreset('vault', 'Vault', 'Vault JWT role (allows)',
    'A HashiCorp Vault JWT auth role as `vault read -format=json auth/jwt/role/deploy` prints it: bound audience, glob bound claims on repository, ref and workflow, the leeways and user_claim. The trace lists every check in Vault\'s order.',
    'vault', 'vault-allow.policy.json', vaultClaims, { decision: 'allow', dialect: 'vault' }),
  dialectPreset('vault-fail', 'Vault', 'Vault: "true" is not true (fails)',
    'The same token against a role that binds ref_protected in string mode to the boolean true. GitHub sends the string "true", and Vault keeps JSON types, so the login fails with Vault\'s own message.',
    'vault', 'vault-fail.policy.json', vaultClaims, { decision: 'implicit-deny', dialect: 'vault' }),
  dialectPreset('octo-sts', 'octo-sts', 'octo-sts trust policy (allows)',
    'An octo-sts trust policy in YAML (.github/chainguard/release.sts.yaml): exact issuer and subject, claim patterns anchored as octo-sts anchors them. The token\'s audience is octo-sts.dev, the public instance.',
    'octo-sts-allow', 'octo-sts-allow.policy.yaml', octoClaims, { decision: 'allow', dialect: 'octo-sts' }),
  dialectPreset('octo-sts-fail', 'octo-sts', 'octo-sts: pull request (fails)',
    'A pull_request token against a policy for main and release tags. The subject_pattern has a top-level | that octo-sts compiled as ^a|b$ (anchoring each alternative at one end only), which the lint flags.',
    'octo-sts-fail', 'octo-sts-fail.policy.yaml', octoPrClaims, { decision: 'implicit-deny', dialect: 'octo-sts' }),
  dialectPreset('entra', 'Entra', 'Entra federated credential (allows)',
    'A Microsoft Entra federated identity credential (Microsoft Graph JSON): issuer, subject and audience compared byte for byte.',
    'entra-allow', 'entra-allow.policy.json', entraClaims, { decision: 'allow', dialect: 'entra' }),
  dialectPreset('entra-fail', 'Entra', 'Entra: environment changes sub (fails)',
    'A job in the production environment: GitHub sets sub to repo:octo-org/octo-repo:environment:production, so a flexible credential for branches rejects it with AADSTS70021.',
    'entra-fail', 'entra-fail.policy.json', entraEnvClaims, { decision: 'implicit-deny', dialect: 'entra' }),
  dialectPreset('gcp', 'Google Cloud', 'Google Cloud WIF provider (allows)',
    'A Google Cloud Workload Identity Federation provider: the default audience (the provider\'s resource name), the attribute mapping in CEL (the mapped values are in the trace) and the attribute condition.',
    'gcp', 'gcp-allow.policy.json', gcpClaims, { decision: 'allow', dialect: 'gcp' }),
  dialectPreset('gcp-fail', 'Google Cloud', 'Google Cloud: missing claim (fails)',
    'The same token against a condition that reads assertion.environment, which a push token does not carry: in CEL a missing key is an error, and an error rejects the token.',
    'gcp', 'gcp-fail.policy.json', gcpClaims, { decision: 'implicit-deny', dialect: 'gcp' }),
];

// The manifest the page reads. `clock` is set inside each token's validity window.
const manifest = [
  {
    id: 'github',
    group: 'AWS',
    title: 'GitHub Actions (real token)',
    label: 'GitHub Actions (real)',
    description:
      'A real GitHub Actions OIDC token and GitHub\'s published JWKS, with an AWS trust policy for its repository and branch. ' +
      'The token expired in January 2025, so the clock is set to a minute after it was issued.',
    provenance:
      'Token: neu-se/autograder-action @ c0943ef3 (src/main.ts), MIT. JWKS: GitHub Actions\' published JWKS as embedded in ' +
      'rust-lang/crates.io @ 7e5faacb (crates/crates_io_trustpub/src/keystore/load_jwks.rs), MIT OR Apache-2.0. Both copied unmodified.',
    token: 'github-actions.jwt', jwks: 'github-actions.jwks.json', policy: 'github-actions.policy.json',
    options: { issuer: ghClaims.iss, audience: ghClaims.aud, clock: iso(ghClaims.iat + 60), clockTolerance: 0 },
    expect: { decision: 'allow', dialect: 'aws', kid: '1F2AB83404C08EC9EA0BB99DAED02186B091DBF4' },
  },
  {
    id: 'fly',
    group: 'AWS',
    title: 'Fly.io Machine',
    label: 'Fly.io',
    description:
      'A token shaped like Fly.io\'s (claims and trust policy as in Fly\'s OpenID Connect docs). Fly\'s signing key is not ours, ' +
      'so this token is signed with a throw-away ES256 key generated once by scripts/gen-presets.mjs; its public half is the JWKS.',
    provenance: 'Generated by scripts/gen-presets.mjs with jose; claim set and policy shaped after Fly.io\'s OpenID Connect documentation.',
    token: 'fly.jwt', jwks: 'fly.jwks.json', policy: 'fly.policy.json',
    options: { issuer: flyClaims.iss, audience: flyClaims.aud, clock: iso(flyIat + 120), clockTolerance: 0 },
    expect: { decision: 'allow', dialect: 'aws', kid: flyJwk.kid },
  },
  {
    id: 'github-environment',
    group: 'AWS',
    title: 'GitHub environment changes sub (fails)',
    label: 'GitHub environment (fails)',
    description:
      'A GitHub-shaped token from a job that runs in the `prod` environment: GitHub then sets sub to repo:o/r:environment:prod, ' +
      'so a policy written for the main branch (repo:o/r:ref:refs/heads/main) never matches. Signed with a throw-away RS256 key.',
    provenance: 'Generated by scripts/gen-presets.mjs with jose; claim set shaped after GitHub\'s OIDC token reference.',
    token: 'github-environment.jwt', jwks: 'github-environment.jwks.json', policy: 'github-environment.policy.json',
    options: { issuer: envClaims.iss, audience: envClaims.aud, clock: iso(envIat + 30), clockTolerance: 0 },
    expect: { decision: 'implicit-deny', dialect: 'aws', kid: envJwk.kid },
  },
  ...dialectPresets,
];
write('presets.json', json(manifest));
console.log(`wrote ${manifest.length} presets to ${path.relative(root, out)}/`);

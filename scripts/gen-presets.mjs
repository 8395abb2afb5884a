// Regenerates the playground presets in www/presets/.
//
// The GitHub Actions preset is real data copied from ../shared/vectors/oidc (see PROVENANCE there).
// The Fly.io and "GitHub environment" presets are shaped like real tokens but signed with throw-away keys made
// here, because presets must verify and we hold no issuer's private key. The private keys are never written out:
// every run makes new keys, so the committed token and JWKS change together.
//
// Usage: node scripts/gen-presets.mjs [path/to/shared/vectors]   (needs `npm ci --prefix www` for jose)
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'www', 'package.json'));
const jose = await import(require.resolve('jose'));

const out = path.join(root, 'www', 'presets');
mkdirSync(out, { recursive: true });
const vectors = path.resolve(process.argv[2] ?? path.join(root, '..', 'shared', 'vectors'));
const candidates = [vectors, '/work/shared/vectors'];
const vectorDir = candidates.find((d) => existsSync(path.join(d, 'oidc')));
if (!vectorDir) throw new Error(`shared vectors not found (tried ${candidates.join(', ')})`);

const json = (v) => JSON.stringify(v, null, 2) + '\n';
const write = (name, text) => writeFileSync(path.join(out, name), text);
const iso = (s) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');

// 1. Real GitHub Actions token + GitHub's JWKS (copied unmodified).
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

// The manifest the page reads. `clock` is set inside each token's validity window.
const manifest = [
  {
    id: 'github',
    title: 'GitHub Actions (real token)',
    description:
      'A real GitHub Actions OIDC token and GitHub\'s published JWKS, with an AWS trust policy for its repository and branch. ' +
      'The token expired in January 2025, so the clock is set to a minute after it was issued.',
    provenance:
      'Token: neu-se/autograder-action @ c0943ef3 (src/main.ts), MIT. JWKS: GitHub Actions\' published JWKS as embedded in ' +
      'rust-lang/crates.io @ 7e5faacb (crates/crates_io_trustpub/src/keystore/load_jwks.rs), MIT OR Apache-2.0. Both copied unmodified.',
    token: 'github-actions.jwt', jwks: 'github-actions.jwks.json', policy: 'github-actions.policy.json',
    options: { issuer: ghClaims.iss, audience: ghClaims.aud, clock: iso(ghClaims.iat + 60), clockTolerance: 0 },
    expect: { decision: 'allow', kid: '1F2AB83404C08EC9EA0BB99DAED02186B091DBF4' },
  },
  {
    id: 'fly',
    title: 'Fly.io Machine',
    description:
      'A token shaped like Fly.io\'s (claims and trust policy as in Fly\'s OpenID Connect docs). Fly\'s signing key is not ours, ' +
      'so this token is signed with a throw-away ES256 key generated once by scripts/gen-presets.mjs; its public half is the JWKS.',
    provenance: 'Generated by scripts/gen-presets.mjs with jose; claim set and policy shaped after Fly.io\'s OpenID Connect documentation.',
    token: 'fly.jwt', jwks: 'fly.jwks.json', policy: 'fly.policy.json',
    options: { issuer: flyClaims.iss, audience: flyClaims.aud, clock: iso(flyIat + 120), clockTolerance: 0 },
    expect: { decision: 'allow', kid: flyJwk.kid },
  },
  {
    id: 'github-environment',
    title: 'GitHub environment changes sub (fails)',
    description:
      'A GitHub-shaped token from a job that runs in the `prod` environment: GitHub then sets sub to repo:o/r:environment:prod, ' +
      'so a policy written for the main branch (repo:o/r:ref:refs/heads/main) never matches. Signed with a throw-away RS256 key.',
    provenance: 'Generated by scripts/gen-presets.mjs with jose; claim set shaped after GitHub\'s OIDC token reference.',
    token: 'github-environment.jwt', jwks: 'github-environment.jwks.json', policy: 'github-environment.policy.json',
    options: { issuer: envClaims.iss, audience: envClaims.aud, clock: iso(envIat + 30), clockTolerance: 0 },
    expect: { decision: 'implicit-deny', kid: envJwk.kid },
  },
];
write('presets.json', json(manifest));
console.log(`wrote ${manifest.length} presets to ${path.relative(root, out)}/`);

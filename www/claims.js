// One-line descriptions of the claims a person meets in CI and cloud OIDC tokens, in our own words, after
// RFC 7519 §4.1, OpenID Connect Core §2, GitHub's "OpenID Connect reference", GitLab's "OpenID Connect (OIDC)
// Authentication Using ID Tokens" and Fly.io's "OpenID Connect" docs.

const REGISTERED = {
  iss: 'Issuer: who made and signed the token (an HTTPS URL whose /.well-known/openid-configuration names the JWKS).',
  sub: 'Subject: the workload or user the token is about; trust policies mostly match on this.',
  aud: 'Audience: who the token is for; a verifier must find itself here.',
  exp: 'Expiration time: the token must be rejected at or after this instant.',
  nbf: 'Not before: the token must be rejected before this instant.',
  iat: 'Issued at: when the issuer made the token.',
  jti: 'JWT ID: a unique identifier for this token, usable to detect replay.',
  azp: 'Authorized party: the client the token was issued to (OpenID Connect).',
  amr: 'Authentication methods references: how the subject authenticated (OpenID Connect).',
  auth_time: 'When the end user authenticated (OpenID Connect).',
  nonce: 'A value from the authentication request, echoed to bind the token to it (OpenID Connect).',
  email: 'The subject\'s e-mail address (OpenID Connect).',
  email_verified: 'Whether the issuer verified that e-mail address (OpenID Connect).',
  scope: 'Scopes granted with the token.',
  client_id: 'The OAuth client the token was issued to.',
};

const GITHUB = {
  actor: 'The GitHub account that started the workflow run.',
  actor_id: 'Numeric ID of that account (stable when the account is renamed).',
  base_ref: 'Target branch of the pull request (pull_request events only).',
  head_ref: 'Source branch of the pull request (pull_request events only).',
  environment: 'Deployment environment of the job. When present, GitHub sets sub to repo:OWNER/REPO:environment:NAME instead of the ref form.',
  event_name: 'The event that triggered the workflow run (push, pull_request, workflow_dispatch, …).',
  job_workflow_ref: 'Path and ref of the workflow file that defines this job; for a reusable workflow, the called workflow.',
  job_workflow_sha: 'Commit SHA of the workflow file that defines this job.',
  ref: 'The Git ref that triggered the run, e.g. refs/heads/main or refs/tags/v1.',
  ref_protected: '"true" when the ref has branch protection or rulesets.',
  ref_type: 'Whether ref is a branch or a tag.',
  repository: 'The repository the workflow runs in, as OWNER/REPO.',
  repository_id: 'Numeric ID of the repository (stable across renames and transfers).',
  repository_owner: 'The user or organization that owns the repository.',
  repository_owner_id: 'Numeric ID of that owner.',
  repository_visibility: 'Visibility of the repository: public, private or internal.',
  run_attempt: 'How many times this workflow run has been attempted.',
  run_id: 'Unique ID of the workflow run.',
  run_number: 'Number of this run of this workflow in the repository.',
  runner_environment: 'github-hosted or self-hosted runner.',
  sha: 'The commit SHA that triggered the run.',
  workflow: 'Name of the workflow.',
  workflow_ref: 'Path and ref of the caller workflow file.',
  workflow_sha: 'Commit SHA of the caller workflow file.',
  enterprise: 'Slug of the GitHub enterprise that owns the repository.',
  enterprise_id: 'Numeric ID of that enterprise.',
  check_run_id: 'ID of the check run of this job.',
};

const GITLAB = {
  namespace_id: 'ID of the group or user namespace of the project.',
  namespace_path: 'Path of the group or user namespace of the project.',
  project_id: 'ID of the project.',
  project_path: 'Path of the project, as GROUP/PROJECT.',
  user_id: 'ID of the user who runs the job.',
  user_login: 'Username of the user who runs the job.',
  user_email: 'E-mail address of the user who runs the job.',
  user_access_level: 'Access level of that user in the project.',
  user_identities: 'External identities linked to that user (when configured).',
  pipeline_id: 'ID of the pipeline.',
  pipeline_source: 'What started the pipeline (push, web, schedule, merge_request_event, …).',
  job_id: 'ID of the job.',
  ref: 'The branch or tag the job runs for (no refs/heads/ prefix on GitLab).',
  ref_type: 'Whether ref is a branch or a tag.',
  ref_path: 'Fully qualified ref, e.g. refs/heads/main.',
  ref_protected: '"true" when the ref is protected.',
  groups_direct: 'Groups the user is a direct member of (limited in number).',
  environment: 'Environment the job deploys to.',
  environment_protected: '"true" when that environment is protected.',
  deployment_tier: 'Tier of that environment (production, staging, …).',
  environment_action: 'What the job does to the environment (start, prepare, stop, …).',
  runner_id: 'ID of the runner executing the job.',
  runner_environment: 'gitlab-hosted or self-hosted runner.',
  sha: 'The commit SHA the job runs for.',
  ci_config_ref_uri: 'Reference to the pipeline definition (.gitlab-ci.yml) that ran.',
  ci_config_sha: 'Commit SHA of that pipeline definition.',
  project_visibility: 'Visibility of the project: public, internal or private.',
};

const FLY = {
  app_id: 'ID of the Fly.io app.',
  app_name: 'Name of the Fly.io app.',
  org_id: 'ID of the Fly.io organization.',
  org_name: 'Slug of the Fly.io organization (also the last part of iss).',
  machine_id: 'ID of the Machine that requested the token.',
  machine_name: 'Name of that Machine.',
  machine_version: 'Version of the Machine\'s configuration.',
  image: 'Container image the Machine runs.',
  image_digest: 'Digest of that image.',
  region: 'Fly.io region the Machine runs in (e.g. yyz).',
};

/** Which family of claims a token's issuer belongs to. */
export function providerOf(iss) {
  if (typeof iss !== 'string') return 'generic';
  if (/^https:\/\/token\.actions\.githubusercontent\.com(\/|$)/.test(iss) || /^https:\/\/github\.com\/enterprises\//.test(iss) || /\/_services\/token$/.test(iss)) return 'github';
  if (/^https:\/\/oidc\.fly\.io\//.test(iss)) return 'fly';
  if (/gitlab/i.test(iss)) return 'gitlab';
  return 'generic';
}

export const PROVIDER_NAMES = { github: 'GitHub Actions', gitlab: 'GitLab CI', fly: 'Fly.io', generic: '' };

/** The one-line description of a claim, or '' when we know none. Provider claims win over guesses. */
export function describeClaim(name, iss) {
  const provider = providerOf(iss);
  const table = { github: GITHUB, gitlab: GITLAB, fly: FLY }[provider];
  if (table && Object.hasOwn(table, name)) return table[name];
  if (Object.hasOwn(REGISTERED, name)) return REGISTERED[name];
  if (provider === 'generic') {
    for (const t of [GITHUB, GITLAB, FLY]) if (Object.hasOwn(t, name)) return t[name];
  }
  return '';
}

export const TIME_CLAIMS = new Set(['exp', 'nbf', 'iat', 'auth_time']);

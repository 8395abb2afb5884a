// Types of the public API of `oidc-trust`. Hand-written and checked by `tsc --noEmit --strict` in `make test`.

/** A decoded JOSE protected header. `alg` is always present in a header this package accepts. */
export interface ProtectedHeader {
  alg: string;
  kid?: string;
  typ?: string;
  cty?: string;
  crit?: string[];
  /** Keys named inside a token are never used for verification. */
  jwk?: Record<string, unknown>;
  jku?: string;
  x5u?: string;
  x5c?: string[];
  x5t?: string;
  b64?: boolean;
  [parameter: string]: unknown;
}

/** A JWT claims set (RFC 7519 registered claims plus anything the issuer adds). */
export interface JWTClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  [claim: string]: unknown;
}

export interface DecodeOptions {
  /** Largest accepted token in bytes. Default 16384. */
  maxTokenSize?: number;
}

export interface DecodedToken<C extends JWTClaims = JWTClaims> {
  header: ProtectedHeader;
  claims: C;
}

/** Decodes a compact JWT without verifying it. Throws `ERR_JWS_INVALID` or `ERR_JWT_INVALID`. */
export function decode<C extends JWTClaims = JWTClaims>(token: string | Uint8Array, options?: DecodeOptions): DecodedToken<C>;

export interface KeySetOptions {
  /** Accept `kty: "oct"` keys (HS256/384/512). Off by default: a public JWKS never contains a shared secret. */
  allowSymmetric?: boolean;
  /**
   * Where signatures are checked. `'auto'` (default): the runtime's synchronous `node:crypto` in Node and Bun, the
   * wasm core elsewhere (Deno, browsers, workerd). `'native'`: `node:crypto`, throws `ERR_JOSE_NOT_SUPPORTED` where
   * it is not offered. `'wasm'`: the pure reference.
   * Decoding, key selection, the alg ↔ key binding and claims run in wasm either way; HMAC always does.
   */
  backend?: 'auto' | 'native' | 'wasm';
}

/** A usable key of a `KeySet`. */
export interface KeyInfo {
  kid?: string | null;
  kty: 'RSA' | 'EC' | 'OKP' | 'oct' | (string & {});
  alg?: string | null;
  use?: string | null;
  crv?: string | null;
  /** RFC 7638 SHA-256 thumbprint, base64url. */
  thumbprint: string;
}

/** A key the set skipped, and why. A bad key does not poison the rest of the set. */
export interface RejectedKey {
  /** Position in the JWKS `keys` array. */
  index: number;
  kid?: string | null;
  code: ErrorCode;
  reason: string;
}

/** A parsed JWKS, reused for many verifications. */
export class KeySet {
  private constructor();
  /** Parses a JWKS once. Throws `ERR_JWKS_INVALID` (with `line`/`column` for JSON text) when it is not a JWKS. */
  static fromJwks(jwks: string | JSONWebKeySet, options?: KeySetOptions): KeySet;
  readonly keys: readonly KeyInfo[];
  readonly rejected: readonly RejectedKey[];
  /** `'native'` when at least one of the set's keys is checked by `node:crypto`, else `'wasm'`. */
  readonly backend: 'native' | 'wasm';
}

export interface JSONWebKeySet {
  keys: Array<Record<string, unknown>>;
}

/** A duration: seconds, or a jose-style string such as `"30s"`, `"5m"`, `"2h"`, `"1 day"`. */
export type Duration = number | string;

export type Algorithm =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'ES256K'
  | 'EdDSA'
  | 'HS256'
  | 'HS384'
  | 'HS512';

export interface CompactVerifyOptions {
  /** Accepted `alg` values. Default: every algorithm the selected key supports. */
  algorithms?: Array<Algorithm | (string & {})>;
  maxTokenSize?: number;
}

export interface VerifyOptions extends CompactVerifyOptions {
  /** Expected `iss`; a list accepts any of them. */
  issuer?: string | string[];
  /** Expected audience; the token's `aud` (string or array) must contain one of them. */
  audience?: string | string[];
  /** Leeway for `exp`, `nbf` and `iat`. Default 0. */
  clockTolerance?: Duration;
  /** Largest accepted age measured from `iat` (which then becomes required). */
  maxTokenAge?: Duration;
  /** Claims that must be present. */
  requiredClaims?: string[];
  /** Expected `sub`. */
  subject?: string;
  /** Expected `typ` header parameter. */
  typ?: string;
  /** The time to verify at: a Date or epoch seconds. Default: now. */
  currentDate?: Date | number;
  /** Reject tokens without `exp`. Default true. */
  requireExpiration?: boolean;
  /** Extension header parameters the caller understands: `crit` may name only these. */
  crit?: string[];
}

/** The key that verified a token. */
export interface VerifiedKey {
  kid?: string | null;
  alg: string;
  kty: string;
  thumbprint: string;
}

export interface VerifyResult<C extends JWTClaims = JWTClaims> {
  header: ProtectedHeader;
  claims: C;
  key: VerifiedKey;
}

export interface CompactVerifyResult {
  header: ProtectedHeader;
  payload: Uint8Array;
  key: VerifiedKey;
}

/** Verifies a JWT's signature with `keySet` and its claims with `options`. Throws `OidcTrustError`. */
export function verify<C extends JWTClaims = JWTClaims>(
  token: string | Uint8Array,
  keySet: KeySet,
  options?: VerifyOptions,
): VerifyResult<C>;

/** Verifies a compact JWS with any payload (no JWT claim rules), like jose's `compactVerify`. */
export function compactVerify(jws: string | Uint8Array, keySet: KeySet, options?: CompactVerifyOptions): CompactVerifyResult;

// ---------------------------------------------------------------------------------------------------------------
// Trust policies

/** The trust-policy dialects. */
export type PolicyDialect = 'aws' | 'vault' | 'octo-sts' | 'entra' | 'gcp';

/** What `Policy.parse` takes: a dialect, or `auto` to recognise it by the document's shape. */
export type Dialect = 'auto' | PolicyDialect;

export interface PolicyParseOptions {
  /**
   * `auto` (default) recognises the dialect by the document's shape; a document with the shape of several dialects
   * is `ERR_POLICY_INVALID` listing the candidates.
   */
  dialect?: Dialect;
  /**
   * octo-sts: the deployment's domain (the audience required when a policy sets none) and pattern anchoring, used
   * by every evaluation that does not give its own — `check`, a verifier's `check`, `evaluate`/`decide` without
   * these options. Default `octo-sts.dev` and `legacy`. Other dialects ignore them.
   */
  octoStsDomain?: string;
  octoStsAnchoring?: 'legacy' | 'grouped';
}

export interface PolicyEvaluateOptions {
  /** AWS: the provider to evaluate the token as (default: the token's `iss`), for `Principal.Federated`. */
  issuer?: string;
  /** Vault: the time for the `exp`/`nbf`/`iat` checks, a Date or epoch seconds. Default: now. */
  currentDate?: Date | number;
  /**
   * octo-sts: the service's own domain, required in `aud` when a policy sets no audience. Default: the one given to
   * `Policy.parse`, else `octo-sts.dev`.
   */
  octoStsDomain?: string;
  /**
   * octo-sts: how a `*_pattern` is anchored (default: the one given to `Policy.parse`, else `legacy`). `legacy`:
   * `^` + p + `$`, as octo-sts did before GHSA-mwqh-2vg8-rhj3 (a top-level `a|b` is anchored at one end per
   * alternative); `grouped`: `^(?:p)$`.
   */
  octoStsAnchoring?: 'legacy' | 'grouped';
}

/** Stable lint codes (the kebab-case string is the public API). */
export type LintCode =
  | 'missing-sub-condition'
  | 'missing-aud-condition'
  | 'for-all-values-single-valued'
  | 'for-any-value-single-valued'
  | 'for-all-values-missing-key-allows'
  | 'multi-valued-key-without-set-operator'
  | 'string-like-without-wildcard'
  | 'string-equals-with-wildcard'
  | 'case-only-mismatch'
  | 'github-environment-changes-sub'
  | 'key-not-exposed'
  | 'key-provider-mismatch'
  | 'key-not-from-token'
  | 'variables-not-enabled'
  | 'unknown-variable'
  | 'principal-wildcard'
  | 'principal-not-federated'
  | 'action-not-web-identity'
  | 'unconfirmed-rule'
  | 'subject-exact-not-glob'
  | 'glob-question-mark-literal'
  | 'issuer-on-role'
  | 'user-claim-pointer-disabled'
  | 'unanchored-alternation'
  | 'pattern-matches-anything'
  | 'missing-attribute-condition'
  | 'default-audience-unknown'
  | 'unanchored-regex';

export interface Lint {
  code: LintCode | (string & {});
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** JSON path of the policy element, e.g. `$.Statement[0].Condition.StringLike` or `$.bound_claims.ref`. */
  path: string;
}

/** An UNCONFIRMED rule (no primary source settles it) that this evaluation applied. */
export interface Warning {
  /** Stable rule id, e.g. `octo-sts-pattern-anchoring`, `gcp-aud-array-any`. */
  rule: string;
  message: string;
  path: string;
  /** True when flipping the rule would change the decision. */
  decisive: boolean;
}

/**
 * One checked condition. AWS: one (operator, key) pair of a `Condition` block. Other dialects: one check of the
 * role or credential, e.g. `bound_claims(glob)` (Vault), `subject_pattern`/`claim_pattern`/`token_check`
 * (octo-sts), `issuer`/`subject`/`matches`/`eq`/`audiences` (Entra), `attributeMapping`/`attributeCondition` (GCP).
 */
export interface ConditionTrace {
  /** As written (`ForAnyValue:StringLikeIfExists`), or the dialect's check name (`bound_claims(glob)`). */
  operator: string;
  /** The operator without prefix or `IfExists` (`StringLike`), or the check's family (`bound_claims`, `time`). */
  baseOperator: string;
  setOperator: 'ForAnyValue' | 'ForAllValues' | null;
  ifExists: boolean;
  /**
   * As written in the policy: a condition key, a bound claim (or JSON pointer), an Entra expression term, a GCP
   * attribute (`google.subject`, `attribute.repo`) or attribute-condition conjunct.
   */
  key: string;
  /** The token claim it reads, or null when it reads none (or an unexposed key). */
  claim: string | null;
  /** The policy's side: values, patterns, a mapping or condition expression, or Vault's leeways. */
  policyValues: unknown[];
  /**
   * The token's side, or null when the claim is missing. GCP `attributeMapping`: the mapped value;
   * `attributeCondition`: the conjunct's result (`[true]`, `[false]`, or null on an error).
   */
  tokenValues: unknown[] | null;
  matched: boolean;
  reason: string;
  /** JSON path of the element in the policy document. */
  path: string;
  /** The UNCONFIRMED rule this result depends on, if any. */
  unconfirmed?: string;
}

/** An AWS `Principal` or `Action`/`NotAction` element. */
export interface ElementTrace {
  field: 'Principal' | 'Action' | 'NotAction' | (string & {});
  policyValues: string[];
  /** What the token was compared as (the provider prefix, or the requested action). */
  tokenValue: string | null;
  matched: boolean;
  reason: string;
  path: string;
}

/**
 * One statement. Dialects without principals or actions (Vault, octo-sts, Entra, GCP) describe the role or
 * credential as one Allow statement with `principalMatched`/`actionMatched` true, no `principal`/`action`, and
 * every check as a condition.
 */
export interface StatementTrace {
  index: number;
  sid: string | null;
  effect: 'Allow' | 'Deny';
  principalMatched: boolean;
  actionMatched: boolean;
  conditionsMatched: boolean;
  /** principalMatched && actionMatched && conditionsMatched. */
  matched: boolean;
  principal?: ElementTrace;
  action?: ElementTrace;
  conditions: ConditionTrace[];
  path: string;
}

/** What `evaluate` found out. The decision recomputes from the statements' `effect` and `matched`. */
export interface Decision {
  decision: 'allow' | 'deny' | 'implicit-deny';
  dialect: PolicyDialect;
  /** AWS: the provider the token was evaluated as; Entra: the token's `iss`; otherwise null. */
  provider: string | null;
  statements: StatementTrace[];
  /** Parse-time lints, then the ones this token revealed. */
  lints: Lint[];
  warnings: Warning[];
  /** One line for people: why this decision (the service's own message where it has one, e.g. AADSTS70021). */
  reason: string;
}

/** A compiled trust policy, reused for many evaluations. */
export class Policy {
  private constructor();
  /**
   * Compiles a policy once: JSON text or an object (octo-sts also YAML text). Throws `ERR_POLICY_INVALID` with
   * `path`, and `line`/`column` for JSON or YAML text or `position` (a byte offset) inside an expression.
   */
  static parse(doc: string | object, options?: PolicyParseOptions): Policy;
  /** The dialect it was parsed as (the one `auto` chose). */
  readonly dialect: PolicyDialect;
  readonly lints: readonly Lint[];
  evaluate(claims: JWTClaims, options?: PolicyEvaluateOptions): Decision;
  /**
   * The verdict alone (`evaluate(…).decision`) without building the trace: the fast path for many tokens. For an
   * AWS policy only the claims it can read (the ones its condition keys and variables map to, and `iss`) are
   * passed into wasm, so a claim it never reads is not serialized (and cannot make the call fail).
   */
  decide(claims: JWTClaims, options?: PolicyEvaluateOptions): Decision['decision'];
}

// ---------------------------------------------------------------------------------------------------------------
// The one-shot pipeline

export type CheckStage = 'decode' | 'keys' | 'signature' | 'claims' | 'policy' | 'done';

export type CheckOptions = VerifyOptions & {
  /** A trust policy (compiled, or a document to compile). */
  policy?: Policy | string | object;
  /** With `jwks`: accept `oct` keys, as `KeySet.fromJwks`'s option. */
  allowSymmetric?: boolean;
} & (
    | { jwks: string | JSONWebKeySet; keySet?: never; keys?: never }
    | { keySet: KeySet; jwks?: never; keys?: never }
    | { keys: KeySet; jwks?: never; keySet?: never }
  );

export interface ErrorData extends ErrorDetails {
  code: ErrorCode;
  message: string;
}

export interface CheckResult<C extends JWTClaims = JWTClaims> {
  /** True only when the signature and the claims verify and the policy (if any) allows. */
  ok: boolean;
  /** The stage that failed, or `done`. */
  stage: CheckStage;
  header?: ProtectedHeader;
  claims?: C;
  key?: VerifiedKey;
  error?: ErrorData;
  policy?: Decision;
}

/** Runs decode → keys → signature → claims → policy. Never throws for a bad token; API misuse throws. */
export function check<C extends JWTClaims = JWTClaims>(token: string | Uint8Array, options: CheckOptions): CheckResult<C>;


// ---------------------------------------------------------------------------------------------------------------
// Errors

export type ErrorCode =
  | 'ERR_JWS_INVALID'
  | 'ERR_JWT_INVALID'
  | 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'
  | 'ERR_JOSE_ALG_NOT_ALLOWED'
  | 'ERR_JOSE_NOT_SUPPORTED'
  | 'ERR_JWKS_INVALID'
  | 'ERR_JWK_INVALID'
  | 'ERR_JWKS_NO_MATCHING_KEY'
  | 'ERR_JWKS_MULTIPLE_MATCHING_KEYS'
  | 'ERR_JWT_EXPIRED'
  | 'ERR_JWT_CLAIM_VALIDATION_FAILED'
  | 'ERR_POLICY_INVALID'
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_INTERNAL'
  | RemoteErrorCode;

export interface ErrorDetails {
  /** The claim that failed (`exp`, `aud`, …). */
  claim?: string;
  /** A short machine reason (`check_failed`, `missing`, `invalid_type`, …). */
  reason?: string;
  expected?: unknown;
  actual?: unknown;
  kid?: string;
  alg?: string;
  /** JSON path inside a policy, JWKS or options object. */
  path?: string;
  /** 1-based position of a JSON syntax error. */
  line?: number;
  column?: number;
  /** Position inside an expression. */
  position?: number;
  /** HTTP status of a failed key set or discovery fetch. */
  status?: number;
  /** The URL of a failed key set or discovery fetch. */
  url?: string;
}

export class OidcTrustError extends Error implements ErrorDetails {
  constructor(code: ErrorCode | (string & {}), message: string, details?: ErrorDetails & { cause?: unknown });
  readonly name: 'OidcTrustError';
  code: ErrorCode;
  claim?: string;
  reason?: string;
  expected?: unknown;
  actual?: unknown;
  kid?: string;
  alg?: string;
  path?: string;
  line?: number;
  column?: number;
  position?: number;
  status?: number;
  url?: string;
  /** With the async API and a remote key set: the status of the keys the token was checked against. */
  jwks?: JwksStatus;
  toJSON(): ErrorData & { name: 'OidcTrustError' };
}

// ---------------------------------------------------------------------------------------------------------------
// Remote key sets, the asynchronous API and configured verifiers

/** Errors of fetching keys: the issuer, not the token, is at fault. */
export type RemoteErrorCode = 'ERR_JWKS_TIMEOUT' | 'ERR_JWKS_FETCH_FAILED' | 'ERR_JWKS_INVALID' | 'ERR_DISCOVERY_INVALID';

export interface RemoteJWKSetOptions {
  /** Fetch timeout. Default 5 s. */
  timeout?: Duration;
  /** Longest a fetched key set is used before it is refetched. Default 10 min; a shorter `Cache-Control: max-age` wins. */
  maxAge?: Duration;
  /** Least time between two fetches (an unknown `kid` or an issuer that is down cannot cause more). Default 30 s. */
  cooldown?: Duration;
  /** How long past its max age a key set is still served while the issuer cannot be reached. Default 1 h. */
  maxStale?: Duration;
  /** Allow `http:` URLs (loopback tests only). Default false: only `https:`. */
  allowInsecure?: boolean;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** A `fetch` implementation (default: the global one). */
  fetch?: (input: string, init: { headers: Record<string, string>; signal: AbortSignal; redirect: 'follow' }) => Promise<Response>;
  /** Hooks to keep the fetched key set across cold starts (e.g. in a KV store). Failures of either are ignored. */
  persist?: {
    load(): RemoteJWKSetSnapshot | undefined | null | Promise<RemoteJWKSetSnapshot | undefined | null>;
    save(snapshot: RemoteJWKSetSnapshot): void | Promise<void>;
  };
}

/** What `persist.save` receives and `persist.load` returns: plain JSON. */
export interface RemoteJWKSetSnapshot {
  version: 1;
  /** The configured JWKS URL or issuer; a snapshot of another source is ignored. */
  source: string;
  /** The JWKS URL it came from. */
  uri: string;
  /** The JWKS as fetched (JSON text). */
  jwks: string;
  /** Epoch seconds. */
  fetchedAt: number;
  /** Epoch seconds after which it is refetched. */
  expiresAt: number;
}

/** How fresh the keys behind a result were. */
export interface JwksStatus {
  /** The JWKS URL. */
  uri: string;
  /** Epoch seconds of the fetch. */
  fetchedAt: number;
  /** Seconds since the fetch. */
  age: number;
  /** True when the key set is past its max age (served because the issuer could not be reached). */
  stale: boolean;
}

/** An issuer's key set, fetched and refreshed as needed. Use it with the async API or `createVerifier`. */
export interface RemoteJWKSet {
  /** The issuer, when created with `{ issuer }`. */
  readonly issuer: string | undefined;
  /** The JWKS URL (known after discovery when created with `{ issuer }`). */
  readonly uri: string | undefined;
  /** The loaded snapshot for the synchronous API, or undefined before the first load. */
  current(): KeySet | undefined;
  /** Loads when needed (max age, cooldown, maxStale) and returns the snapshot. */
  getKeySet(): Promise<KeySet>;
  /** Fetches now, ignoring the cooldown; rejects when the fetch fails (no stale fallback). */
  reload(): Promise<KeySet>;
  /** Status of the loaded snapshot, or undefined before the first load. */
  status(): JwksStatus | undefined;
  readonly [Symbol.toStringTag]: 'RemoteJWKSet';
}

/** A key set fetched from `url` (`https:`), or found through OIDC discovery of `issuer`. */
export function createRemoteJWKSet(source: string | URL | { issuer: string }, options?: RemoteJWKSetOptions): RemoteJWKSet;

/** Keys for the asynchronous API: a local `KeySet` or a remote set. */
export type Keys = KeySet | RemoteJWKSet;

export interface AsyncVerifyResult<C extends JWTClaims = JWTClaims> extends VerifyResult<C> {
  /** Present when the keys came from a remote set. */
  jwks?: JwksStatus;
}

export interface AsyncCheckResult<C extends JWTClaims = JWTClaims> extends CheckResult<C> {
  /** Present when the keys came from a remote set. */
  jwks?: JwksStatus;
}

/**
 * `verify` with a `KeySet` or a remote key set (fetched as needed; on an unknown `kid`, one refetch subject to the
 * cooldown). Rejects with the token's error code, or with a `RemoteErrorCode` when the keys cannot be had.
 */
export function verifyAsync<C extends JWTClaims = JWTClaims>(token: string | Uint8Array, keys: Keys, options?: VerifyOptions): Promise<AsyncVerifyResult<C>>;

export type AsyncCheckOptions = VerifyOptions & {
  policy?: Policy | string | object;
  allowSymmetric?: boolean;
} & (
    | { keys: Keys; keySet?: never; jwks?: never }
    | { keySet: KeySet; keys?: never; jwks?: never }
    | { jwks: string | JSONWebKeySet; keys?: never; keySet?: never }
  );

/** `check` with remote keys too. A bad token is a result; keys that cannot be fetched reject (`RemoteErrorCode`). */
export function checkAsync<C extends JWTClaims = JWTClaims>(token: string | Uint8Array, options: AsyncCheckOptions): Promise<AsyncCheckResult<C>>;

export interface VerifierCacheOptions {
  /** Most tokens remembered (oldest evicted first). Default 1000. */
  maxEntries?: number;
}

export type VerifierOptions = VerifyOptions & {
  keys: Keys;
  /** A trust policy for `check`/`checkAsync`, compiled once. */
  policy?: Policy | string | object;
  /**
   * Remember verified tokens (keyed by the whole token) until `exp` or eviction. Every claim rule (`exp`, `nbf`,
   * `iat`, `maxTokenAge`, …) is re-checked in the core on every hit; entries verified by a key that left the key set
   * are dropped. Off by default. With a cache, `verify` returns deeply frozen results, and a repeated token gets
   * the same (frozen) object again: copy it before changing it.
   */
  cache?: boolean | VerifierCacheOptions;
};

export interface CacheStats {
  hits: number;
  misses: number;
  size: number;
}

/** Options (and a policy) parsed once; one call per token — the shape a worker wants per request. */
export interface Verifier {
  /** Synchronous: needs `keys` to be a `KeySet`. With `cache`, the result is deeply frozen and shared by hits. */
  verify<C extends JWTClaims = JWTClaims>(token: string | Uint8Array): VerifyResult<C>;
  verifyAsync<C extends JWTClaims = JWTClaims>(token: string | Uint8Array): Promise<AsyncVerifyResult<C>>;
  /** Synchronous: needs `keys` to be a `KeySet`. */
  check<C extends JWTClaims = JWTClaims>(token: string | Uint8Array): CheckResult<C>;
  checkAsync<C extends JWTClaims = JWTClaims>(token: string | Uint8Array): Promise<AsyncCheckResult<C>>;
  /** Null without a cache. */
  cacheStats(): CacheStats | null;
  clearCache(): void;
}

export function createVerifier(options: VerifierOptions): Verifier;

// ---------------------------------------------------------------------------------------------------------------
// Test issuer

export interface TestIssuerOptions {
  /** Default `ES256`. */
  alg?: 'ES256' | 'EdDSA' | 'RS256';
  kid?: string;
}

/** A throw-away key pair that signs tokens, for tests and the playground. Never for production tokens. */
export interface TestIssuer {
  readonly alg: 'ES256' | 'EdDSA' | 'RS256';
  readonly kid: string;
  /** The public JWKS (one key). */
  readonly jwks: JSONWebKeySet;
  sign(claims: JWTClaims, header?: Record<string, unknown>): string;
}

export function createTestIssuer(options?: TestIssuerOptions): TestIssuer;

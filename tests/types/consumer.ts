// A TypeScript consumer using every public API; `make test` compiles it with `tsc --strict` against the shipped
// types, resolved through the package's exports map exactly as a user's project resolves them.
import {
  check,
  compactVerify,
  createTestIssuer,
  decode,
  KeySet,
  OidcTrustError,
  Policy,
  verify,
  type CheckResult,
  type ConditionTrace,
  type Decision,
  type Dialect,
  type PolicyDialect,
  type Warning,
  type ErrorCode,
  type KeyInfo,
  type Lint,
  type RejectedKey,
  type TestIssuer,
  type VerifyOptions,
} from 'oidc-trust';

interface GitHubClaims {
  repository: string;
  [claim: string]: unknown;
}

const token: string = 'a.b.c';
const keySet: KeySet = KeySet.fromJwks('{"keys":[]}');
const symmetric: KeySet = KeySet.fromJwks({ keys: [] }, { allowSymmetric: true });
const pinned: KeySet = KeySet.fromJwks({ keys: [] }, { backend: 'wasm' });
const where: 'native' | 'wasm' = pinned.backend;
// @ts-expect-error — not a backend
KeySet.fromJwks({ keys: [] }, { backend: 'openssl' });
const keys: readonly KeyInfo[] = keySet.keys;
const rejected: readonly RejectedKey[] = symmetric.rejected;
const thumbprints: string[] = keys.map((k) => k.thumbprint);
const reasons: string[] = rejected.map((r) => `${r.index} ${r.kid ?? '-'} ${r.code}: ${r.reason}`);

const { header, claims } = decode(token, { maxTokenSize: 1024 });
const alg: string = header.alg;
const exp: number | undefined = claims.exp;

const options: VerifyOptions = {
  issuer: ['https://token.actions.githubusercontent.com'],
  audience: 'sts.amazonaws.com',
  algorithms: ['RS256'],
  clockTolerance: '30s',
  maxTokenAge: 600,
  requiredClaims: ['repository'],
  subject: 'repo:o/r:ref:refs/heads/main',
  typ: 'JWT',
  currentDate: new Date(),
  requireExpiration: true,
  maxTokenSize: 16384,
};
const verified = verify<GitHubClaims & { exp: number }>(token, keySet, options);
const repository: string = verified.claims.repository;
const kid: string | null | undefined = verified.key.kid;

const jws = compactVerify(new TextEncoder().encode(token), keySet, { algorithms: ['EdDSA'] });
const payload: Uint8Array = jws.payload;

const policy = Policy.parse({ Version: '2012-10-17', Statement: [] }, { dialect: 'auto' });
const dialect: string = policy.dialect;
const lints: readonly Lint[] = policy.lints;
const decision: Decision = policy.evaluate(claims, { issuer: 'https://token.actions.githubusercontent.com' });
const verdict: 'allow' | 'deny' | 'implicit-deny' = decision.decision;
const firstCondition = decision.statements[0]?.conditions[0];
const matched: boolean | undefined = firstCondition?.matched;

const result: CheckResult = check(token, { jwks: '{"keys":[]}', policy, currentDate: 1700000000 });
const result2 = check(token, { keySet, policy: '{}', clockTolerance: 5 });
if (!result.ok && result.error) {
  const code: ErrorCode = result.error.code;
  const stage: 'decode' | 'keys' | 'signature' | 'claims' | 'policy' | 'done' = result.stage;
  console.log(code, stage, result2.ok);
}

try {
  verify(token, keySet);
} catch (error) {
  if (error instanceof OidcTrustError) {
    const code: ErrorCode = error.code;
    const details = [error.claim, error.reason, error.kid, error.alg, error.path, error.line, error.column, error.position];
    console.log(code, details, error.expected, error.actual, error.toJSON().message);
  }
}

// @ts-expect-error — verify needs a KeySet, not a raw JWKS
verify(token, { keys: [] });
// @ts-expect-error — check takes jwks or keySet, not both
check(token, { jwks: '{}', keySet });
// @ts-expect-error — the constructor is private: use KeySet.fromJwks
new KeySet();

const issuer: TestIssuer = createTestIssuer({ alg: 'EdDSA' });
const minted: string = issuer.sign({ sub: 'x' }, { typ: 'JWT' });
const mintedKeys: KeySet = KeySet.fromJwks(issuer.jwks);
// @ts-expect-error — HS256 is not a test-issuer algorithm
createTestIssuer({ alg: 'HS256' });

// Every dialect, its evaluate options, and the trace fields as the core serializes them.
const chosen: Dialect = 'octo-sts';
const octo = Policy.parse('issuer: https://token.actions.githubusercontent.com\nsubject: x\n', { dialect: chosen });
const parsedAs: PolicyDialect = octo.dialect;
const vaultDecision: Decision = Policy.parse('{"bound_audiences":["a"],"user_claim":"sub"}', { dialect: 'vault' }).evaluate(claims, {
  currentDate: new Date(),
});
octo.evaluate(claims, { currentDate: 1700000000, octoStsDomain: 'sts.example.com', octoStsAnchoring: 'grouped' });
// @ts-expect-error — not an anchoring mode
octo.evaluate(claims, { octoStsAnchoring: 'strict' });
// @ts-expect-error — not a dialect
Policy.parse('{}', { dialect: 'azure' });
Policy.parse('issuer: x\nsubject: y\n', { octoStsDomain: 'sts.example.com', octoStsAnchoring: 'grouped' });
// @ts-expect-error — not an anchoring mode
Policy.parse('issuer: x\nsubject: y\n', { octoStsAnchoring: 'strict' });
const rows: ConditionTrace[] = vaultDecision.statements.flatMap((s) => s.conditions);
const mapped: Array<unknown[] | null> = rows.map((c) => c.tokenValues);
const expected: unknown[][] = rows.map((c) => c.policyValues);
const rules: string[] = rows.flatMap((c) => (c.unconfirmed ? [c.unconfirmed] : []));
const warnings: Warning[] = vaultDecision.warnings;
const decisive: boolean[] = warnings.map((w) => w.decisive);
const reason: string = vaultDecision.reason;
const provider: string | null = vaultDecision.provider;
const severities: Array<'error' | 'warning' | 'info'> = vaultDecision.lints.map((l) => l.severity);

console.log(alg, exp, thumbprints, reasons, repository, kid, payload, dialect, lints, verdict, matched, minted, mintedKeys);
console.log(parsedAs, mapped, expected, rules, decisive, reason, provider, severities);

// A TypeScript consumer of the remote key set, async, verifier and test issuer API (issue 4); compiled with
// `tsc --strict` against the shipped types, here and from the packed tarball (tests/e2e/cli.test.js).
import {
  check,
  checkAsync,
  createRemoteJWKSet,
  createTestIssuer,
  createVerifier,
  KeySet,
  OidcTrustError,
  Policy,
  verify,
  verifyAsync,
  type AsyncCheckResult,
  type AsyncVerifyResult,
  type CacheStats,
  type JwksStatus,
  type Keys,
  type RemoteErrorCode,
  type RemoteJWKSet,
  type RemoteJWKSetSnapshot,
  type TestIssuer,
  type Verifier,
} from 'oidc-trust';

interface ActionsClaims {
  repository: string;
  [claim: string]: unknown;
}

const issuer: TestIssuer = createTestIssuer({ alg: 'ES256', kid: 'k1' });
const rsaIssuer: TestIssuer = createTestIssuer();
const token: string = issuer.sign({ sub: 'x', exp: 2_000_000_000 }, { typ: 'JWT' });
const local: KeySet = KeySet.fromJwks(issuer.jwks);
const kid: string = issuer.kid + rsaIssuer.alg;

let saved: RemoteJWKSetSnapshot | undefined;
const remote: RemoteJWKSet = createRemoteJWKSet('https://issuer.example/.well-known/jwks.json', {
  timeout: '5s',
  maxAge: 600,
  cooldown: '30s',
  maxStale: '1h',
  allowInsecure: false,
  headers: { 'user-agent': 'consumer' },
  fetch: (input, init) => fetch(input, init),
  persist: {
    load: async () => saved,
    save: (snapshot) => {
      saved = snapshot;
    },
  },
});
const discovered: RemoteJWKSet = createRemoteJWKSet({ issuer: 'https://token.actions.githubusercontent.com' });
const byUrl: RemoteJWKSet = createRemoteJWKSet(new URL('https://issuer.example/jwks'));
const snapshot: KeySet | undefined = remote.current();
const where: string | undefined = discovered.uri ?? discovered.issuer ?? byUrl.uri;
const status: JwksStatus | undefined = remote.status();

async function main(): Promise<void> {
  const keys: Keys = Math.random() > 0.5 ? remote : local;
  const loaded: KeySet = await remote.getKeySet();
  const reloaded: KeySet = await remote.reload();
  const v: AsyncVerifyResult<ActionsClaims> = await verifyAsync<ActionsClaims>(token, keys, { audience: 'api', clockTolerance: '30s' });
  const repo: string = v.claims.repository;
  const stale: boolean | undefined = v.jwks?.stale;
  const c: AsyncCheckResult = await checkAsync(token, { keys, policy: '{}', issuer: 'https://issuer.example' });
  const c2: AsyncCheckResult = await checkAsync(token, { keySet: loaded });
  const c3: AsyncCheckResult = await checkAsync(token, { jwks: issuer.jwks });
  const ok: boolean = c.ok && c2.ok && c3.ok;

  const verifier: Verifier = createVerifier({ keys: reloaded, issuer: 'https://issuer.example', audience: ['a', 'b'], cache: { maxEntries: 500 } });
  const withPolicy: Verifier = createVerifier({ keys: remote, policy: Policy.parse('{}'), cache: true });
  const r1 = verifier.verify<ActionsClaims>(token);
  const r2 = await withPolicy.verifyAsync(token);
  const r3 = verifier.check(token);
  const r4 = await withPolicy.checkAsync(token);
  const stats: CacheStats | null = verifier.cacheStats();
  verifier.clearCache();
  const sync = check(token, { keys: local });
  const syncVerified = verify(token, snapshot ?? local);
  console.log(repo, stale, ok, r1.claims.repository, r2.jwks?.age, r3.stage, r4.policy?.decision, stats?.hits, sync.ok, syncVerified.key.kid, status?.uri, where, kid);

  // @ts-expect-error the synchronous API takes a KeySet only
  verify(token, remote);
  // @ts-expect-error … and so does check
  check(token, { keys: remote });
  try {
    await verifyAsync(token, remote);
  } catch (e) {
    if (e instanceof OidcTrustError) {
      const remoteCodes: RemoteErrorCode[] = ['ERR_JWKS_TIMEOUT', 'ERR_JWKS_FETCH_FAILED', 'ERR_JWKS_INVALID', 'ERR_DISCOVERY_INVALID'];
      if ((remoteCodes as string[]).includes(e.code)) console.log('issuer trouble', e.status, e.url, e.jwks?.uri);
    }
  }
}

void main();

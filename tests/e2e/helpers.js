// Shared by the end-to-end tests: the packed tarball installed into a fresh project (what users get), the runtime
// binaries that ship inside npm packages (tests/e2e/node_modules), and one smoke test written for every runtime.

import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const E2E = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(E2E, '..', '..');
export const BIN = (name) => join(E2E, 'node_modules', '.bin', name);
export const ROOT_BIN = (name) => join(REPO, 'node_modules', '.bin', name);
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const FIXTURES = join(REPO, 'tests', 'fixtures', 'oidc');
/** A real GitHub Actions token (RS256) and its issuer's JWKS; verified with the clock set before its exp. */
export const TOKEN = readFileSync(join(FIXTURES, 'github-actions_neu-se-autograder-action.jwt'), 'utf8').trim();
export const JWKS = JSON.parse(readFileSync(join(FIXTURES, 'github-actions_crates-io-load_jwks.json'), 'utf8'));

export const EXPECTED_SMOKE = {
  kid: '1F2AB83404C08EC9EA0BB99DAED02186B091DBF4',
  repository: 'neu-se/autograder-action',
  tampered: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  isOidcTrustError: true,
};

/**
 * The smoke test as source text, runnable in every runtime (web APIs only): verifies the real token and rejects
 * a copy whose payload names another repository. `api` is the package's namespace.
 */
export const SMOKE_SOURCE = `
async function smoke(api, token, jwks) {
  const b64uDecode = (s) => new TextDecoder().decode(Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));
  const b64uEncode = (s) => btoa(String.fromCharCode(...new TextEncoder().encode(s))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  const keySet = api.KeySet.fromJwks(jwks);
  const [h, p, s] = token.split('.');
  const claims = JSON.parse(b64uDecode(p));
  const options = { issuer: 'https://token.actions.githubusercontent.com', currentDate: claims.exp - 60 };
  const ok = api.verify(token, keySet, options);
  const forged = h + '.' + b64uEncode(JSON.stringify({ ...claims, repository: 'evil/repo' })) + '.' + s;
  let tampered = 'ACCEPTED';
  let isOidcTrustError = false;
  try {
    api.verify(forged, keySet, options);
  } catch (e) {
    tampered = e.code;
    isOidcTrustError = e instanceof api.OidcTrustError && e instanceof Error;
  }
  return { kid: ok.key.kid, repository: ok.claims.repository, tampered, isOidcTrustError };
}
`;

let installed;
/**
 * \`npm pack ./pkg\` and \`npm install <tarball>\` into a fresh temporary project (once per test process).
 * @returns {{ dir: string, tarball: string, packed: any, pkgDir: string }}
 */
export function installTarball() {
  if (installed) return installed;
  const dir = mkdtempSync(join(tmpdir(), 'oidc-trust-e2e-'));
  const [packed] = JSON.parse(execFileSync('npm', ['pack', join(REPO, 'pkg'), '--json', '--pack-destination', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'e2e-consumer', private: true, version: '1.0.0' }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', join(dir, packed.filename)], { cwd: dir, stdio: 'pipe' });
  installed = { dir, tarball: join(dir, packed.filename), packed, pkgDir: join(dir, 'node_modules', 'oidc-trust') };
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return installed;
}

/** A fresh folder inside the installed project (so \`oidc-trust\` resolves from its node_modules). */
export function subproject(name) {
  const { dir } = installTarball();
  const sub = join(dir, name);
  cpSync(join(dir, 'package.json'), join(sub, 'package.json'));
  return sub;
}

/** Runs a command; resolves `{ code, stdout, stderr }` (never rejects on a non-zero exit). */
export function run(cmd, args, { cwd, input, env, timeout = 60_000 } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, timeout, maxBuffer: 16 << 20, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(Object.assign(error, { stdout, stderr }));
        return;
      }
      resolvePromise({ code: error ? error.code : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

export async function freePort() {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePromise(port));
    });
  });
}

export async function waitFor(check, { timeout = 20_000, interval = 100, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

// The package as users get it: `npm pack ./pkg`, installed into a fresh folder, loaded with `require` and `import`.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO } from './helpers.js';

const fixtures = join(REPO, 'tests', 'fixtures', 'oidc');
const TOKEN = readFileSync(join(fixtures, 'github-actions_neu-se-autograder-action.jwt'), 'utf8').trim();
const JWKS = readFileSync(join(fixtures, 'github-actions_crates-io-load_jwks.json'), 'utf8');

// Verifies the real token (clock before exp) and rejects a tampered copy; prints one line of JSON.
const body = `
const token = ${JSON.stringify(TOKEN)};
const keySet = KeySet.fromJwks(${JSON.stringify(JWKS)});
const { claims } = decode(token);
const ok = verify(token, keySet, { currentDate: claims.exp - 60 });
const [h, p, s] = token.split('.');
const forged = h + '.' + Buffer.from(JSON.stringify({ ...claims, sub: 'repo:evil/r:ref:refs/heads/main' })).toString('base64url') + '.' + s;
let rejected;
try { verify(forged, keySet, { currentDate: claims.exp - 60 }); } catch (e) {
  rejected = { code: e.code, name: e.name, isError: e instanceof Error, isOidcTrustError: e instanceof OidcTrustError };
}
console.log(JSON.stringify({ kid: ok.key.kid, repository: ok.claims.repository, rejected }));
`;

const expected = {
  kid: '1F2AB83404C08EC9EA0BB99DAED02186B091DBF4',
  repository: 'neu-se/autograder-action',
  rejected: { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', name: 'OidcTrustError', isError: true, isOidcTrustError: true },
};

describe('packed tarball installed into a fresh folder', () => {
  let dir;
  let tarball;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'oidc-trust-consumer-'));
    const packed = JSON.parse(execFileSync('npm', ['pack', join(REPO, 'pkg'), '--json', '--pack-destination', dir], { encoding: 'utf8' }));
    tarball = packed[0];
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }));
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(dir, tarball.filename)], {
      cwd: dir,
      stdio: 'pipe',
    });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the tarball holds the entries, the types and the wasm, and nothing else', () => {
    const files = tarball.files.map((f) => f.path).sort();
    for (const f of ['package.json', 'index.d.ts', 'src/api.js', 'src/errors.js', 'src/node.js', 'src/browser.js', 'src/deno.js', 'src/workerd.js', 'dist/oidc_trust.js', 'dist/oidc_trust_bg.wasm', 'dist/node.cjs']) {
      assert.ok(files.includes(f), `${f} missing from ${files.join(', ')}`);
    }
    assert.ok(!files.some((f) => f.endsWith('.map') || f.includes('node_modules')), files.join(', '));
    assert.equal(tarball.name, 'oidc-trust');
    assert.equal(tarball.version, '0.1.0');
  });

  test('the package has zero runtime dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', 'oidc-trust', 'package.json'), 'utf8'));
    assert.equal(pkg.dependencies, undefined);
    assert.equal(pkg.type, 'module');
    assert.equal(pkg.sideEffects, false);
  });

  test('require("oidc-trust") (CommonJS)', () => {
    const file = join(dir, 'consumer.cjs');
    writeFileSync(file, `const { decode, verify, KeySet, OidcTrustError } = require('oidc-trust');\n${body}`);
    assert.deepEqual(JSON.parse(execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' })), expected);
  });

  test('import from "oidc-trust" (ESM)', () => {
    const file = join(dir, 'consumer.mjs');
    writeFileSync(file, `import { decode, verify, KeySet, OidcTrustError } from 'oidc-trust';\n${body}`);
    assert.deepEqual(JSON.parse(execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' })), expected);
  });

  test('dynamic import() from CommonJS', () => {
    const file = join(dir, 'dynamic.cjs');
    writeFileSync(file, `import('oidc-trust').then(({ decode, verify, KeySet, OidcTrustError }) => {\n${body}\n});`);
    assert.deepEqual(JSON.parse(execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' })), expected);
  });

  test('the exports map resolves each runtime condition to a file in the package', () => {
    const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', 'oidc-trust', 'package.json'), 'utf8'));
    const root = pkg.exports['.'];
    for (const condition of ['types', 'workerd', 'worker', 'browser', 'deno', 'node', 'default']) {
      assert.ok(root[condition], `exports["."].${condition}`);
    }
    const targets = [root.types, root.workerd, root.worker, root.browser, root.deno, root.node.import, root.node.require, root.default];
    for (const target of targets) readFileSync(join(dir, 'node_modules', 'oidc-trust', target));
  });
});

// The packed tarball in every runtime the README claims: Node 20 (ESM and CommonJS), Deno, Bun, workerd and
// Chromium (native ES modules with an import map, and the same page bundled by esbuild). Each verifies one real
// token and rejects one tampered copy. Runtime binaries come from npm packages (tests/e2e/node_modules);
// Chromium is Debian's (scripts/ensure-chromium.sh).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  BIN,
  CHROMIUM,
  EXPECTED_SMOKE,
  JWKS,
  ROOT_BIN,
  SMOKE_SOURCE,
  TOKEN,
  freePort,
  installTarball,
  run,
  subproject,
  waitFor,
} from './helpers.js';

const INPUTS = `const TOKEN = ${JSON.stringify(TOKEN)};\nconst JWKS = ${JSON.stringify(JWKS)};\n`;
const esmProgram = `import * as api from 'oidc-trust';\n${INPUTS}${SMOKE_SOURCE}\nconsole.log(JSON.stringify(await smoke(api, TOKEN, JWKS)));\n`;

let project;
before(() => {
  project = installTarball();
});

function lastJsonLine(stdout) {
  const line = stdout.trim().split('\n').pop();
  return JSON.parse(line);
}

describe('server runtimes (packed tarball, fresh project)', () => {
  test('Node 20, ESM import', async () => {
    const dir = subproject('node-esm');
    writeFileSync(join(dir, 'main.mjs'), esmProgram);
    const r = await run(process.execPath, ['main.mjs'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lastJsonLine(r.stdout), EXPECTED_SMOKE);
  });

  test('Node 20, CommonJS require', async () => {
    const dir = subproject('node-cjs');
    writeFileSync(join(dir, 'main.cjs'), `const api = require('oidc-trust');\n${INPUTS}${SMOKE_SOURCE}\nsmoke(api, TOKEN, JWKS).then((r) => console.log(JSON.stringify(r)));\n`);
    const r = await run(process.execPath, ['main.cjs'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lastJsonLine(r.stdout), EXPECTED_SMOKE);
  });

  test('Deno (no permission flags)', async () => {
    const dir = subproject('deno');
    writeFileSync(join(dir, 'main.mjs'), esmProgram);
    const r = await run(BIN('deno'), ['run', '--no-prompt', 'main.mjs'], { cwd: dir, env: { DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(dir, '.deno') } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lastJsonLine(r.stdout), EXPECTED_SMOKE);
  });

  test('Bun', async () => {
    const dir = subproject('bun');
    writeFileSync(join(dir, 'main.mjs'), esmProgram);
    const r = await run(BIN('bun'), ['main.mjs'], { cwd: dir, env: { BUN_INSTALL_CACHE_DIR: join(dir, '.bun') } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lastJsonLine(r.stdout), EXPECTED_SMOKE);
  });

  test('workerd: a worker verifying the token of each request, over real HTTP on 127.0.0.1', async (t) => {
    const dir = subproject('workerd');
    // The worker reads the token from the Authorization header, as an API gateway would.
    writeFileSync(
      join(dir, 'worker.js'),
      `import { KeySet, verify, OidcTrustError } from 'oidc-trust';
const JWKS = ${JSON.stringify(JWKS)};
const keySet = KeySet.fromJwks(JWKS);
export default {
  async fetch(request) {
    const token = (request.headers.get('authorization') ?? '').replace(/^Bearer /, '');
    const currentDate = Number(new URL(request.url).searchParams.get('at'));
    try {
      const { claims, key } = verify(token, keySet, { issuer: 'https://token.actions.githubusercontent.com', currentDate });
      return Response.json({ ok: true, kid: key.kid, repository: claims.repository });
    } catch (e) {
      return Response.json({ ok: false, code: e.code, isOidcTrustError: e instanceof OidcTrustError }, { status: 401 });
    }
  },
};
`,
    );
    // What wrangler does: bundle with the workerd conditions, keep the .wasm import as a separate Wasm module.
    const bundle = await run(ROOT_BIN('esbuild'), ['worker.js', '--bundle', '--format=esm', '--platform=neutral', '--conditions=workerd,worker', '--external:*.wasm', '--outfile=src/worker.js', '--log-level=warning'], { cwd: dir });
    assert.equal(bundle.code, 0, bundle.stderr);
    const bundled = readFileSync(join(dir, 'src', 'worker.js'), 'utf8');
    const wasmImport = /from\s+"(\.\.\/dist\/oidc_trust_bg\.wasm)"/.exec(bundled);
    assert.ok(wasmImport, 'the workerd entry (with its .wasm module import) was selected by the exports map');
    const port = await freePort();
    writeFileSync(
      join(dir, 'config.capnp'),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "src/worker.js", esModule = embed "src/worker.js"),
    (name = "dist/oidc_trust_bg.wasm", wasm = embed "../node_modules/oidc-trust/dist/oidc_trust_bg.wasm"),
  ],
  compatibilityDate = "2024-09-23",
);
`,
    );
    const server = spawn(BIN('workerd'), ['serve', 'config.capnp'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    server.stdout.on('data', (d) => (log += d));
    server.stderr.on('data', (d) => (log += d));
    let exited = false;
    server.on('exit', () => (exited = true));
    t.after(() => server.kill('SIGTERM'));
    const at = JSON.parse(Buffer.from(TOKEN.split('.')[1], 'base64url')).exp - 60;
    const ask = (token) => fetch(`http://127.0.0.1:${port}/?at=${at}`, { headers: { authorization: `Bearer ${token}` } });
    const first = await waitFor(
      () => {
        if (exited) throw new Error('workerd exited');
        return ask(TOKEN).catch(() => undefined);
      },
      { what: `workerd on port ${port}` },
    ).catch((e) => {
      throw new Error(`${e.message}\n${log}`);
    });
    assert.equal(first.status, 200, log);
    assert.deepEqual(await first.json(), { ok: true, kid: EXPECTED_SMOKE.kid, repository: EXPECTED_SMOKE.repository });
    const [h, p, s] = TOKEN.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url'));
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, repository: 'evil/repo' })).toString('base64url')}.${s}`;
    const second = await ask(forged);
    assert.equal(second.status, 401);
    assert.deepEqual(await second.json(), { ok: false, code: EXPECTED_SMOKE.tampered, isOidcTrustError: true });
    // A second valid request on the same isolate: one module instance serves many requests.
    assert.equal((await ask(TOKEN)).status, 200);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Chromium

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

async function staticServer(root) {
  const requests = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    requests.push(path);
    const file = normalize(join(root, path));
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    try {
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${server.address().port}`, requests, close: () => new Promise((r) => server.close(r)) };
}

describe('Chromium (playwright-core driving Debian chromium)', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} missing (scripts/ensure-chromium.sh installs it)` }, () => {
  let browser, server, dir;
  before(async () => {
    const { chromium } = await import('playwright-core');
    dir = subproject('browser');
    const pkg = JSON.parse(readFileSync(join(dir, '..', 'node_modules', 'oidc-trust', 'package.json'), 'utf8'));
    const browserEntry = pkg.exports['.'].browser.replace(/^\.\//, '');
    const program = `${INPUTS}${SMOKE_SOURCE}\ntry { window.__result = await smoke(api, TOKEN, JWKS); } catch (e) { window.__result = { error: String(e && e.stack || e) }; }\n`;
    // Native ES modules: the import map points the bare name at the package's `browser` entry.
    writeFileSync(
      join(dir, 'native.html'),
      `<!doctype html><meta charset="utf-8"><title>native</title>
<script type="importmap">${JSON.stringify({ imports: { 'oidc-trust': `/node_modules/oidc-trust/${browserEntry}` } })}</script>
<script type="module">
import * as api from 'oidc-trust';
${program}
</script>`,
    );
    // The same page through esbuild (browser platform: the exports map's `browser` condition), no plugins or flags.
    writeFileSync(join(dir, 'page.js'), `import * as api from 'oidc-trust';\n${program}`);
    mkdirSync(join(dir, 'out'), { recursive: true });
    const bundle = await run(ROOT_BIN('esbuild'), ['page.js', '--bundle', '--format=esm', '--outfile=out/page.js', '--log-level=warning'], { cwd: dir });
    assert.equal(bundle.code, 0, bundle.stderr);
    writeFileSync(join(dir, 'bundled.html'), `<!doctype html><meta charset="utf-8"><title>bundled</title><script type="module" src="/browser/out/page.js"></script>`);
    server = await staticServer(join(dir, '..'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function load(page) {
    const tab = await browser.newPage();
    const errors = [];
    tab.on('pageerror', (e) => errors.push(String(e)));
    await tab.goto(`${server.origin}/browser/${page}`);
    const result = await tab.waitForFunction(() => window.__result, null, { timeout: 30_000 }).then((h) => h.jsonValue());
    await tab.close();
    return { result, errors };
  }

  test('<script type="module"> importing the package (import map)', async () => {
    server.requests.length = 0;
    const { result, errors } = await load('native.html');
    assert.deepEqual(result, EXPECTED_SMOKE, JSON.stringify({ result, errors }));
    assert.ok(server.requests.includes('/node_modules/oidc-trust/dist/oidc_trust_bg.wasm'), 'the .wasm was fetched');
    assert.ok(!server.requests.some((r) => r.includes('inline')), 'the inlined fallback was not downloaded');
  });

  test('the same page bundled by esbuild', async () => {
    const { result, errors } = await load('bundled.html');
    assert.deepEqual(result, EXPECTED_SMOKE, JSON.stringify({ result, errors }));
  });
});

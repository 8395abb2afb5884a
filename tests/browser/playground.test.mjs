// The playground in a real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core).
//
// Serves the built folder (www/dist/, `make www`) on 127.0.0.1, runs every preset, a tampered token, a malformed
// JWKS, minting and a shared link, records every request the page makes and checks that each one went to the
// page's own origin for one of its own static files. Screenshots go to test-results/screenshots/.
//
// Run: node --test tests/browser/    (env: OIDC_TRUST_WWW_DIST, CHROMIUM)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(root, 'www', 'package.json'));
const { chromium } = require('playwright-core');

const DIST = path.resolve(process.env.OIDC_TRUST_WWW_DIST ?? path.join(root, 'www', 'dist'));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = path.join(root, 'test-results', 'screenshots');
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];
const PRESETS = JSON.parse(readFileSync(path.join(root, 'www', 'presets', 'presets.json'), 'utf8'));

let server; let origin; let context; let page; let userDataDir;
const requests = [];
const pageErrors = [];

function distFiles() {
  const files = new Set();
  const walk = (dir) => {
    for (const f of readdirSync(dir)) {
      const p = path.join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else files.add('/' + path.relative(DIST, p).split(path.sep).join('/'));
    }
  };
  walk(DIST);
  files.add('/');
  return files;
}

/** Waits until the page has evaluated at least once after `before` (a value of body[data-evaluations]). */
async function settled(p, beforeCount) {
  await p.waitForFunction((n) => Number(document.body.dataset.evaluations ?? 0) > n, beforeCount, { timeout: 10_000 });
  await p.waitForFunction(() => document.body.dataset.fragmentSynced !== 'false', null, { timeout: 10_000 });
}

const evaluations = (p) => p.evaluate(() => Number(document.body.dataset.evaluations ?? 0));

async function usePreset(p, id) {
  const n = await evaluations(p);
  await p.click(`button[data-preset="${id}"]`);
  await settled(p, n);
}

async function setField(p, selector, value) {
  const n = await evaluations(p);
  await p.fill(selector, value);
  await settled(p, n);
}

async function shoot(p, name, { scheme = 'light', width = 1280, height = 800, scrollTo } = {}) {
  await p.emulateMedia({ colorScheme: scheme });
  await p.setViewportSize({ width, height });
  await p.evaluate(() => window.scrollTo(0, 0));
  // A state whose point is further down (a failing condition row) is shot with that element in view.
  if (scrollTo) await p.locator(scrollTo).first().evaluate((e) => e.scrollIntoView({ block: 'center' }));
  await p.screenshot({ path: path.join(SHOTS, `${name}-${scheme}-${width}x${height}.png`) });
}

const text = (p, selector) => p.locator(selector).first().innerText();

before(async () => {
  assert.ok(existsSync(path.join(DIST, 'index.html')), `${DIST} is not built: run \`make www\` (node scripts/build-www.mjs) first`);
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} not found: run scripts/ensure-chromium.sh (Debian package chromium)`);
  mkdirSync(SHOTS, { recursive: true });
  ({ server, url: origin } = await serve({ dir: DIST, port: 0 }));
  origin = new URL(origin).origin;
  userDataDir = mkdtempSync(path.join(tmpdir(), 'oidc-trust-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 },
    colorScheme: 'light',
  });
  context.on('request', (r) => requests.push(r.url()));
  context.on('weberror', (e) => pageErrors.push(String(e.error())));
  page = context.pages()[0] ?? await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${origin}/`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  const loadError = page.locator('#load-error');
  assert.equal(await loadError.isHidden(), true, `the page reported: ${await loadError.innerText().catch(() => '')}`);
});

after(async () => {
  await context?.close();
  server?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

test('every input has a label and the presets are keyboard reachable', async () => {
  const unlabeled = await page.evaluate(() => [...document.querySelectorAll('input, textarea, select')]
    .filter((e) => !e.labels?.length && !e.getAttribute('aria-label')).map((e) => e.id || e.outerHTML));
  assert.deepEqual(unlabeled, []);
  await page.focus('#copy-link');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.dataset?.preset ?? document.activeElement?.id);
  assert.ok(PRESETS.some((p) => p.id === focused), `Tab from "Copy link" should land on a preset button, got ${focused}`);
});

test('preset: real GitHub Actions token allows', async () => {
  await usePreset(page, 'github');
  assert.match(await text(page, '#verdict .verdict-main'), /verifies and the policy allows/);
  assert.match(await text(page, '#policy-out .decision-word'), /^Allow$/);
  assert.equal(await text(page, '#key-out .matched-kid'), '1F2AB83404C08EC9EA0BB99DAED02186B091DBF4');
  const sub = page.locator('#policy-out .cond-row', { hasText: ':sub' }).first();
  assert.equal(await sub.locator('.expected').innerText(), '"repo:neu-se/autograder-action:ref:refs/heads/main"');
  assert.equal(await sub.locator('.actual').innerText(), '"repo:neu-se/autograder-action:ref:refs/heads/main"');
  assert.match(await sub.innerText(), /✓ match/);
  // A policy pinned to one repository, branch and workflow: nothing to warn about.
  assert.equal(await page.locator('#policy-out .lint').count(), 0, await text(page, '#policy-out'));
  assert.match(await text(page, '#policy-out .no-lints'), /No lints/);
  // Time claims read as UTC and relative to the preset's clock.
  assert.match(await text(page, '#claim-exp'), /2025-01-29 01:54:23 UTC/);
  assert.match(await text(page, '#claim-exp'), /expires in 4 min/);
  assert.match(await text(page, '#claims-out'), /GitHub Actions/);
  // Selecting a condition highlights the claim it read.
  await sub.click();
  assert.equal(await page.locator('#claims-out tr.selected').getAttribute('data-claim'), 'sub');
  await sub.focus();
  await shoot(page, 'github-allow', { scheme: 'light' });
  await shoot(page, 'github-allow', { scheme: 'dark' });
  await shoot(page, 'github-allow', { scheme: 'light', width: 390, height: 844 });
  await shoot(page, 'github-allow', { scheme: 'dark', width: 390, height: 844 });
  await page.setViewportSize({ width: 1280, height: 800 });
});

test('preset: Fly.io machine allows', async () => {
  const preset = PRESETS.find((p) => p.id === 'fly');
  await usePreset(page, 'fly');
  assert.match(await text(page, '#verdict .verdict-main'), /verifies and the policy allows/);
  assert.equal(await text(page, '#key-out .matched-kid'), preset.expect.kid);
  const sub = page.locator('#policy-out .cond-row', { hasText: 'oidc.fly.io/example:sub' }).first();
  assert.equal(await sub.locator('.expected').innerText(), '"example:weather-cats:*"');
  assert.equal(await sub.locator('.actual').innerText(), '"example:weather-cats:ancient-snow-4824"');
  assert.equal(await page.locator('#policy-out .lint').count(), 0, await text(page, '#policy-out'));
  assert.match(await text(page, '#claims-out'), /Fly\.io/);
  assert.match(await text(page, '#preset-note'), /throw-away ES256 key/);
  await shoot(page, 'fly-allow', { scheme: 'light' });
});

test('preset: GitHub environment changes sub → implicit deny with the lint', async () => {
  await usePreset(page, 'github-environment');
  assert.match(await text(page, '#verdict .verdict-main'), /policy does not allow/);
  assert.match(await text(page, '#policy-out .decision-word'), /Implicit deny/);
  assert.equal(await text(page, '#key-out .matched-kid'), 'playground-github-env-rs256');
  const sub = page.locator('#policy-out .cond-row.fail', { hasText: ':sub' }).first();
  assert.equal(await sub.locator('.expected').innerText(), '"repo:o/r:ref:refs/heads/main"');
  assert.equal(await sub.locator('.actual').innerText(), '"repo:o/r:environment:prod"');
  const lints = page.locator('#policy-out .lint');
  assert.ok(await lints.count() >= 1, 'the environment lint is shown');
  assert.match(await lints.allInnerTexts().then((t) => t.join('\n')), /environment/i);
  await shoot(page, 'github-environment-deny', { scheme: 'light' });
  await shoot(page, 'github-environment-deny', { scheme: 'dark' });
  await shoot(page, 'github-environment-deny', { scheme: 'dark', width: 390, height: 844 });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'light' });
});

test('a tampered token shows a signature failure', async () => {
  await usePreset(page, 'github');
  const token = PRESETS.find((p) => p.id === 'github') && (await page.inputValue('#token'));
  const [h, p, s] = token.split('.');
  const i = 20; // well inside the signature, so every bit of the changed character is signature bits
  const tampered = `${h}.${p}.${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
  await setField(page, '#token', tampered);
  assert.match(await text(page, '#verdict .verdict-main'), /signature does not verify/);
  assert.match(await text(page, '#key-out'), /Signature check failed/);
  assert.equal(await page.locator('#key-out .matched-kid').count(), 0);
  assert.match(await text(page, '#verdict'), /policy on unverified claims/);
  await shoot(page, 'tampered-signature', { scheme: 'light' });
});

test('the real token without the preset clock is expired, and says since when', async () => {
  await usePreset(page, 'github');
  await setField(page, '#clock', '');
  assert.match(await text(page, '#verdict .verdict-main'), /claim check failed/);
  assert.match(await text(page, '#verdict'), /ERR_JWT_EXPIRED/);
  assert.match(await text(page, '#claims-out .warnings'), /Expired \d+ (days|years) ago \(2025-01-29 01:54:23 UTC\)/);
  assert.match(await text(page, '#claim-exp'), /expired \d+ (days|years) ago/);
  assert.match(await text(page, '#key-out'), /Signature verified/);
  assert.match(await text(page, '#key-out'), /1F2AB83404C08EC9EA0BB99DAED02186B091DBF4/);
  assert.match(await text(page, '#verdict'), /policy on unverified claims/);
});

test('a malformed token segment is outlined and named', async () => {
  await usePreset(page, 'fly');
  const [h, , sig] = (await page.inputValue('#token')).split('.');
  await setField(page, '#token', `${h}.!!!.${sig}`);
  assert.match(await text(page, '#token-error'), /ERR_JWS_INVALID/);
  assert.match(await text(page, '#token-error'), /payload segment/);
  assert.equal(await page.locator('#token-parts .part-payload.bad').count(), 1);
  assert.match(await text(page, '#verdict .verdict-main'), /did not decode/);
});

test('malformed JSON in the JWKS shows the error with its line', async () => {
  await usePreset(page, 'fly');
  await setField(page, '#jwks', '{\n  "keys": [\n    { "kty": "EC", }\n  ]\n}');
  const error = page.locator('#jwks-error');
  assert.equal(await error.isVisible(), true);
  const t = await error.innerText();
  assert.match(t, /ERR_JWKS_INVALID/);
  assert.match(t, /line 3/);
  assert.match(await text(page, '#verdict .verdict-main'), /JWKS does not parse/);
  await page.click('#jwks-error button');
  const caret = await page.evaluate(() => { const el = document.getElementById('jwks'); return el.value.slice(0, el.selectionStart).split('\n').length; });
  assert.equal(caret, 3, '"Show in editor" puts the caret on the bad line');
  await shoot(page, 'jwks-syntax-error', { scheme: 'light' });
});

test('a malformed policy shows ERR_POLICY_INVALID with its path', async () => {
  await usePreset(page, 'fly');
  await setField(page, '#policy', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::123456123456:oidc-provider/oidc.fly.io/example' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringLikeish: { 'a:sub': 'x' } } }] }, null, 2));
  const t = await text(page, '#policy-error');
  assert.match(t, /ERR_POLICY_INVALID/);
  assert.match(t, /\$\.Statement\[0\]\.Condition/);
  await page.click('#policy-error button');
  const selected = await page.evaluate(() => { const el = document.getElementById('policy'); return el.value.slice(el.selectionStart, el.selectionEnd); });
  assert.match(selected, /StringLikeish/, '"Show in editor" selects the element the path names');
  await shoot(page, 'policy-invalid', { scheme: 'dark' });
  await page.emulateMedia({ colorScheme: 'light' });
});

test('mint a test token: it verifies and the generated policy allows it', async (t) => {
  const hasIssuer = await page.evaluate(async () => typeof (await import('./oidc-trust.js')).createTestIssuer === 'function');
  if (!hasIssuer) {
    t.skip('this build of oidc-trust has no createTestIssuer()');
    return;
  }
  for (const alg of ['ES256', 'EdDSA', 'RS256']) {
    await page.evaluate(() => { document.getElementById('mint').open = true; });
    await page.selectOption('#mint-alg', alg);
    const n = await evaluations(page);
    await page.click('#mint-go');
    await settled(page, n);
    assert.match(await text(page, '#verdict .verdict-main'), /verifies and the policy allows/, `${alg}: ${await text(page, '#verdict')}`);
    assert.match(await text(page, '#key-out'), /Signature verified/);
    assert.match(await text(page, '#header-out'), new RegExp(alg));
  }
  await shoot(page, 'minted', { scheme: 'light' });
  // The starting policy is written in the dialect the selector names, and allows the minted token.
  for (const dialect of ['vault', 'octo-sts', 'entra', 'gcp', 'aws']) {
    let n = await evaluations(page);
    await page.selectOption('#dialect', dialect);
    await settled(page, n);
    n = await evaluations(page);
    await page.click('#mint-go');
    await settled(page, n);
    assert.equal(await page.inputValue('#dialect'), dialect);
    assert.match(await text(page, '#policy-out .decision-meta'), new RegExp(`dialect ${dialect}`), await text(page, '#policy-out'));
    assert.match(await text(page, '#verdict .verdict-main'), /verifies and the policy allows/, `${dialect}: ${await text(page, '#verdict')}`);
  }
  const n = await evaluations(page);
  await page.selectOption('#dialect', 'auto');
  await settled(page, n);
  assert.match(await text(page, '#policy-out .decision-meta'), /dialect aws/);
});

// One allow and one failing preset per dialect beyond AWS: the decision, the dialect the page detected, one
// condition row with its two sides, and what the dialect is known for (Vault's own message, AADSTS70021, a CEL
// missing key, the octo-sts alternation lint, GCP's mapped attributes).
const DIALECT_PRESETS = [
  { id: 'vault', dialect: 'vault', allow: true,
    row: { op: 'bound_claims(glob)', key: 'ref', expected: '"refs/heads/*"', actual: '"refs/heads/main"' } },
  { id: 'vault-fail', dialect: 'vault', allow: false,
    row: { op: 'bound_claims(string)', key: 'ref_protected', expected: 'true', actual: '"true"' },
    reason: /Vault would answer "error validating claims: claim "ref_protected" does not match any associated bound claim values"/ },
  { id: 'octo-sts', dialect: 'octo-sts', allow: true,
    row: { op: 'subject', key: 'sub', expected: '"repo:octo-org/octo-repo:ref:refs/heads/main"', actual: '"repo:octo-org/octo-repo:ref:refs/heads/main"' } },
  { id: 'octo-sts-fail', dialect: 'octo-sts', allow: false,
    row: { op: 'subject_pattern', key: 'sub', actual: '"repo:octo-org/octo-repo:pull_request"' },
    reason: /octo-sts would answer "trust policy: subject .* did not match pattern/, lint: 'unanchored-alternation' },
  { id: 'entra', dialect: 'entra', allow: true,
    row: { op: 'subject', key: 'subject', expected: '"repo:octo-org/octo-repo:ref:refs/heads/main"', actual: '"repo:octo-org/octo-repo:ref:refs/heads/main"' } },
  { id: 'entra-fail', dialect: 'entra', allow: false,
    row: { op: 'matches', key: "claims['sub'] matches 'repo:octo-org/octo-repo:ref:refs/heads/*'", actual: '"repo:octo-org/octo-repo:environment:production"' },
    reason: /^AADSTS70021: No matching federated identity record found for presented assertion\./, lint: 'github-environment-changes-sub' },
  { id: 'gcp', dialect: 'gcp', allow: true,
    row: { op: 'attributeMapping', key: 'google.subject', expected: 'assertion.sub', actual: '"repo:octo-org/octo-repo:ref:refs/heads/main"', labels: ['mapping', 'mapped value'] } },
  { id: 'gcp-fail', dialect: 'gcp', allow: false,
    row: { op: 'attributeCondition', key: "assertion.environment == 'production'", expected: "assertion.environment == 'production'", actual: 'error', labels: ['condition', 'result'] },
    reason: /^unauthorized_client: .*no such key: 'environment'/ },
];

for (const c of DIALECT_PRESETS) {
  test(`preset ${c.id}: ${c.dialect} ${c.allow ? 'allows' : 'fails'}, with the dialect detected and its condition rows`, async () => {
    const preset = PRESETS.find((p) => p.id === c.id);
    assert.ok(preset, `preset ${c.id} is in presets.json`);
    assert.equal(preset.expect.decision, c.allow ? 'allow' : 'implicit-deny');
    await usePreset(page, c.id);
    assert.equal(await page.inputValue('#dialect'), 'auto');
    assert.equal(await text(page, '#dialect-detected'), `found ${c.dialect}`);
    assert.match(await text(page, '#verdict .verdict-main'), c.allow ? /verifies and the policy allows/ : /policy does not allow/);
    assert.match(await text(page, '#policy-out .decision-word'), c.allow ? /^Allow$/ : /^Implicit deny$/);
    assert.match(await text(page, '#policy-out .decision-meta'), new RegExp(`dialect ${c.dialect}`));
    assert.equal(await text(page, '#key-out .matched-kid'), preset.expect.kid);
    // No principal/action for these dialects: the heading counts the checks instead.
    assert.equal(await page.locator('#policy-out .statement h3 .tag', { hasText: /principal/ }).count(), 0);
    assert.match(await text(page, '#policy-out .statement h3'), c.allow ? /all \d+ checks pass/ : /\d+ of \d+ checks fail/);

    const rows = page.locator('#policy-out .cond-row').filter({ has: page.locator('code.op', { hasText: new RegExp(`^${c.row.op.replace(/[()]/g, '\\$&')}$`) }) })
      .filter({ has: page.locator('code.key', { hasText: new RegExp(`^${c.row.key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });
    assert.equal(await rows.count(), 1, `one ${c.row.op} row for ${c.row.key}: ${await text(page, '#policy-out')}`);
    const row = rows.first();
    assert.match(await row.innerText(), c.allow ? /✓ match/ : /✗ no match/);
    if (c.row.expected !== undefined) assert.equal(await row.locator('.expected').innerText(), c.row.expected);
    assert.equal(await row.locator('.actual').innerText(), c.row.actual);
    if (c.row.labels) assert.deepEqual(await row.locator('.cond-vals dt').allInnerTexts(), c.row.labels);
    if (c.reason) {
      assert.match(await text(page, '#policy-out .reason.service'), c.reason);
      assert.match(await text(page, '#verdict .verdict-detail'), c.reason);
    }
    if (c.lint) assert.ok((await page.locator('#policy-out .lint-code').allInnerTexts()).includes(c.lint), await text(page, '#policy-out'));
    // The row's claim (when it reads one) is highlighted in the claims table on selection.
    const claim = await row.getAttribute('data-claim');
    if (claim && await page.locator(`#claims-out tr[data-claim="${claim}"]`).count()) {
      await row.click();
      assert.equal(await page.locator('#claims-out tr.selected').getAttribute('data-claim'), claim);
    }
    await shoot(page, `${c.id}`, { scheme: c.allow ? 'light' : 'dark', scrollTo: c.allow ? undefined : '#policy-out .cond-row.fail' });
    await page.emulateMedia({ colorScheme: 'light' });
  });
}

test('GCP: every mapped attribute is a row showing its mapped value', async () => {
  await usePreset(page, 'gcp');
  const mapped = await page.locator('#policy-out .cond-row', { has: page.locator('code.op', { hasText: /^attributeMapping$/ }) }).evaluateAll((rows) =>
    rows.map((r) => [r.querySelector('code.key').textContent, r.querySelector('.actual').textContent]));
  assert.deepEqual(mapped, [
    ['google.subject', '"repo:octo-org/octo-repo:ref:refs/heads/main"'],
    ['attribute.repository', '"octo-org/octo-repo"'],
    ['attribute.repository_owner', '"octo-org"'],
    ['attribute.ref', '"refs/heads/main"'],
  ]);
  await shoot(page, 'gcp-allow-mobile', { scheme: 'dark', width: 390, height: 844 });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'light' });
});

test('the dialect selector overrides detection', async () => {
  await usePreset(page, 'vault');
  // A Vault role that also carries a `Statement` field has the shape of two dialects: auto refuses to guess.
  const role = JSON.parse(await page.inputValue('#policy'));
  await setField(page, '#policy', JSON.stringify({ Statement: [], ...role.data }, null, 2));
  const ambiguous = await text(page, '#policy-error');
  assert.match(ambiguous, /ERR_POLICY_INVALID/);
  assert.match(ambiguous, /candidates: aws, vault/);
  assert.equal(await text(page, '#dialect-detected'), '');
  // Naming the dialect settles it; the page says nothing was detected, because nothing was.
  let n = await evaluations(page);
  await page.selectOption('#dialect', 'vault');
  await settled(page, n);
  assert.equal(await page.locator('#policy-error').isHidden(), true);
  assert.match(await text(page, '#policy-out .decision-meta'), /dialect vault/);
  assert.match(await text(page, '#verdict .verdict-main'), /verifies and the policy allows/);
  assert.equal(await text(page, '#dialect-detected'), '');
  // And a wrong choice is an error of that dialect, with its path, even on a document auto would read.
  await usePreset(page, 'entra');
  n = await evaluations(page);
  await page.selectOption('#dialect', 'gcp');
  await settled(page, n);
  assert.match(await text(page, '#policy-error'), /ERR_POLICY_INVALID/);
  assert.match(await text(page, '#verdict'), /policy does not parse/);
  // The choice is part of the shared state.
  const url = page.url();
  const other = await context.newPage();
  other.on('pageerror', (e) => pageErrors.push(e.message));
  await other.goto(url);
  await other.waitForSelector('body[data-ready="true"]');
  assert.equal(await other.inputValue('#dialect'), 'gcp');
  await other.close();
  n = await evaluations(page);
  await page.selectOption('#dialect', 'auto');
  await settled(page, n);
  assert.equal(await text(page, '#dialect-detected'), 'found entra');
});

test('octo-sts options: shown for an octo-sts policy only; the domain and the anchoring reach the policy and the link', async () => {
  const octoOptions = page.locator('[data-dialect="octo-sts"]');
  await usePreset(page, 'github');
  assert.deepEqual(await octoOptions.evaluateAll((els) => els.map((e) => e.hidden)), [true, true]);
  await usePreset(page, 'octo-sts');
  assert.deepEqual(await octoOptions.evaluateAll((els) => els.map((e) => e.hidden)), [false, false]);
  assert.match(await text(page, '#verdict .verdict-main'), /verifies and the policy allows/);
  // The policy names no audience: octo-sts requires its own domain, which the token's aud (octo-sts.dev) is not.
  await setField(page, '#octo-sts-domain', 'sts.example.com');
  assert.match(await text(page, '#verdict .verdict-main'), /policy does not allow/);
  assert.match(await text(page, '#policy-out'), /sts\.example\.com/);
  await setField(page, '#octo-sts-domain', 'octo-sts.dev');
  assert.match(await text(page, '#verdict .verdict-main'), /verifies and the policy allows/);
  // The anchoring shows in the pattern the subject is compared with.
  await usePreset(page, 'octo-sts-fail');
  assert.equal(await page.inputValue('#octo-sts-domain'), '', 'a preset resets the options');
  const subjectRow = () => page.locator('#policy-out .cond-row').filter({ has: page.locator('code.op', { hasText: /^subject_pattern$/ }) }).first().innerText();
  assert.match(await subjectRow(), /does not match "\^repo:octo-org/);
  const n = await evaluations(page);
  await page.selectOption('#octo-sts-anchoring', 'grouped');
  await settled(page, n);
  assert.match(await subjectRow(), /does not match "\^\(\?:repo:octo-org/);
  // Both are part of the shared state.
  await setField(page, '#octo-sts-domain', 'sts.example.com');
  const other = await context.newPage();
  other.on('pageerror', (e) => pageErrors.push(e.message));
  await other.goto(page.url());
  await other.waitForSelector('body[data-ready="true"]');
  assert.equal(await other.inputValue('#octo-sts-anchoring'), 'grouped');
  assert.equal(await other.inputValue('#octo-sts-domain'), 'sts.example.com');
  assert.equal(await text(other, '#policy-out'), await text(page, '#policy-out'));
  await other.close();
});

test('an error inside an expression points at its position', async () => {
  await usePreset(page, 'gcp');
  const doc = JSON.parse(await page.inputValue('#policy'));
  doc.attributeCondition = "assertion.repository_owner == 'octo-org' && assertion.ref ==";
  await setField(page, '#policy', JSON.stringify(doc, null, 2));
  const t = await text(page, '#policy-error');
  assert.match(t, /ERR_POLICY_INVALID/);
  assert.match(t, /\$\.attributeCondition/);
  assert.match(t, /offset \d+/);
  await page.click('#policy-error button');
  const selected = await page.evaluate(() => {
    const el = document.getElementById('policy');
    const line = el.value.slice(0, el.selectionStart).split('\n').pop();
    return { line, start: el.selectionStart, end: el.selectionEnd };
  });
  // The parser stopped at the end of the expression: the caret is right after its last character.
  assert.match(selected.line, /"attributeCondition": "assertion\.repository_owner == 'octo-org' && assertion\.ref ==$/, '"Show in editor" goes to the position in the expression');
  await shoot(page, 'gcp-condition-error', { scheme: 'light' });
});

test('a shared link restores the same state', async () => {
  await usePreset(page, 'github-environment');
  await setField(page, '#tolerance', '30');
  const url = page.url();
  assert.ok(new URL(url).hash.startsWith('#v1.'), `state is in the fragment: ${url}`);
  assert.equal(new URL(url).search, '', 'nothing in the query string');
  const fields = ['#token', '#jwks', '#policy', '#issuer', '#audience', '#clock', '#tolerance', '#dialect'];
  const values = async (p) => Promise.all(fields.map((f) => p.inputValue(f)));
  const want = await values(page);
  const verdict = await text(page, '#verdict');
  const other = await context.newPage();
  other.on('pageerror', (e) => pageErrors.push(e.message));
  await other.goto(url);
  await other.waitForSelector('body[data-ready="true"]');
  assert.deepEqual(await values(other), want);
  assert.equal(await text(other, '#verdict'), verdict);
  await other.reload();
  await other.waitForSelector('body[data-ready="true"]');
  assert.deepEqual(await values(other), want);
  await other.close();
});

test('the page requested only its own static files', async () => {
  const files = distFiles();
  assert.ok(requests.length > 0);
  const foreign = [];
  for (const u of requests) {
    const url = new URL(u);
    if (url.protocol === 'data:') continue; // the inline empty favicon: not a network request
    if (url.origin !== origin || !files.has(url.pathname) || url.search) foreign.push(u);
  }
  assert.deepEqual(foreign, [], 'requests outside the page\'s own static files');
  assert.deepEqual(pageErrors, []);
});

// Every runtime entry exports the same names (each lists them: see the note in pkg/src/node.js), and those are the
// names index.d.ts declares.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO, oidc } from './helpers.js';

// The `oidc-trust/full` entries (full-*.js) export the same names over the full module.
const ENTRIES = ['node.js', 'browser.js', 'deno.js', 'workerd.js'].flatMap((e) => [e, `full-${e}`]);

function exportedNames(source) {
  // The Node and Deno entries also pass what their runtime offers (the native signature backend).
  const list = /export const \{([^}]*)\} = createApi\(wasm(?:, [^;]*)?\);/.exec(source);
  assert.ok(list, 'the entry exports a destructured createApi(wasm, …)');
  const names = list[1].split(',').map((s) => s.trim()).filter(Boolean);
  if (/export \{ OidcTrustError \} from '\.\/errors\.js';/.test(source)) names.push('OidcTrustError');
  return names.sort();
}

test('the runtime entries (default and full) export the same names as the Node build', () => {
  const node = Object.keys(oidc).sort();
  for (const entry of ENTRIES) {
    assert.deepEqual(exportedNames(readFileSync(join(REPO, 'pkg', 'src', entry), 'utf8')), node, entry);
  }
});

test('index.d.ts declares every exported name', () => {
  const dts = readFileSync(join(REPO, 'pkg', 'index.d.ts'), 'utf8');
  for (const name of Object.keys(oidc)) {
    assert.match(dts, new RegExp(`export (declare )?(function|class) ${name}\\b`), name);
  }
});

// The full entries are the default ones with the module's file names changed: everything after each file's leading
// comment must be exactly that, so a fix in one entry cannot be forgotten in its full twin.
test('each full-*.js is its default entry with oidc_trust → oidc_trust_full, below the leading comment', () => {
  const body = (source) => source.replace(/^(\/\/.*\n)+/, '');
  for (const entry of ['node.js', 'browser.js', 'deno.js', 'workerd.js']) {
    const base = body(readFileSync(join(REPO, 'pkg', 'src', entry), 'utf8'));
    const full = body(readFileSync(join(REPO, 'pkg', 'src', `full-${entry}`), 'utf8'));
    assert.match(base, /oidc_trust(_bg\.wasm|\.js|_inline\.js)/, `${entry} names the default module`);
    assert.equal(full, base.replace(/\boidc_trust(?=(_bg\.wasm|\.js|_inline\.js)\b)/g, 'oidc_trust_full'), `full-${entry}`);
  }
});

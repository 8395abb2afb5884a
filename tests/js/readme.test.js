// The README's quick start is run as written, so the first code a user copies works.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO } from './helpers.js';

test('README quick start runs and prints the verified repository', () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start'));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(code, 'no js block in the quick start');
  // Inside the repository so that `oidc-trust` resolves like an installed dependency and fixture paths work.
  const file = join(REPO, 'tests', 'js', '.readme-quickstart.mjs');
  writeFileSync(file, code);
  try {
    const out = execFileSync(process.execPath, [file], { cwd: REPO, encoding: 'utf8' });
    assert.match(out, /^neu-se\/autograder-action signed by 1F2AB83404C08EC9EA0BB99DAED02186B091DBF4 \(RS256\)$/m);
  } finally {
    rmSync(file, { force: true });
  }
});

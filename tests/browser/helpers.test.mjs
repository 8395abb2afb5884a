// The playground's DOM-free helpers, in Node: time wording, fragment state, JSON-path location, claim lookup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatUtc, formatRelative, describeTimeClaim, toInputValue, fromInputValue } from '../../www/time.js';
import { encodeState, decodeFragment } from '../../www/state.js';
import { locateJsonPath, parsePath } from '../../www/locate.js';
import { describeClaim, providerOf } from '../../www/claims.js';

test('time claims read as UTC and relative to the clock', () => {
  assert.equal(formatUtc(1738115663), '2025-01-29 01:54:23 UTC');
  assert.equal(describeTimeClaim('exp', 1000, 1180), 'expired 3 min ago');
  assert.equal(describeTimeClaim('exp', 1300, 1000), 'expires in 5 min');
  assert.equal(describeTimeClaim('nbf', 1120, 1000), 'not valid yet (starts in 2 min)');
  assert.equal(describeTimeClaim('iat', 1000 - 7200, 1000), 'issued 2 h ago');
  assert.equal(formatRelative(1000, 1000), 'now');
  assert.equal(formatRelative(0, 86400 * 3), '3 days ago');
  assert.equal(toInputValue(1738115423), '2025-01-29T01:50:23');
  assert.equal(fromInputValue('2025-01-29T01:50:23'), 1738115423);
  assert.equal(fromInputValue('2025-01-29T01:50'), 1738115400);
  assert.equal(fromInputValue(''), null);
});

test('state round-trips through the fragment and never holds unknown fields', async () => {
  const state = { token: 'a.b.c', jwks: '{"keys":[]}', policy: '{"Statement":[]}', dialect: 'aws', issuer: 'https://x', audience: '', clock: '2025-01-29T01:50:23', tolerance: '5' };
  const fragment = await encodeState({ ...state, secret: 'not state' });
  assert.match(fragment, /^v1\.[A-Za-z0-9_-]+$/);
  const got = await decodeFragment(`#${fragment}`);
  const { audience: _empty, ...rest } = state;
  assert.deepEqual(got, { state: rest });
  assert.deepEqual(await decodeFragment('#preset=fly'), { preset: 'fly' });
  assert.equal(await decodeFragment(''), null);
  assert.equal(await decodeFragment('#results'), null);
  await assert.rejects(decodeFragment('#v1.not-deflate'));
});

test('a JSON path is found in the policy text', () => {
  const text = '{\n  "Statement": {\n    "Effect": "Allow",\n    "Condition": { "StringLike": { "a:sub": "x" } }\n  }\n}';
  assert.deepEqual(parsePath('$.Statement[0].Condition["StringLike"]'), ['Statement', 0, 'Condition', 'StringLike']);
  const at = (p) => { const s = locateJsonPath(text, p); return s && text.slice(s.start, s.end); };
  assert.equal(at('$.Statement[0].Effect'), '"Effect": "Allow"');
  assert.equal(at('$.Statement[0].Condition.StringLike'), '"StringLike": { "a:sub": "x" }');
  assert.equal(at('$.statement[0].condition.stringlike["a:sub"]'), '"a:sub": "x"');
  assert.equal(at('$.Statement[0].Nope'), text.slice(text.indexOf('{\n    "Effect"'), text.lastIndexOf('}\n}') + 1));
  assert.equal(locateJsonPath('{ broken', '$.a'), null);
});

test('claims are described for their issuer', () => {
  assert.equal(providerOf('https://token.actions.githubusercontent.com'), 'github');
  assert.equal(providerOf('https://oidc.fly.io/example'), 'fly');
  assert.equal(providerOf('https://gitlab.com'), 'gitlab');
  assert.match(describeClaim('environment', 'https://token.actions.githubusercontent.com'), /repo:OWNER\/REPO:environment:NAME/);
  assert.match(describeClaim('ref', 'https://gitlab.com'), /no refs\/heads\//);
  assert.match(describeClaim('machine_id', 'https://oidc.fly.io/example'), /Machine/);
  assert.match(describeClaim('exp', 'https://example.com'), /Expiration/);
  assert.equal(describeClaim('no_such_claim', 'https://example.com'), '');
});

test('an error position inside an expression maps to the character in the policy text', async () => {
  const { errorSpan } = await import('../../www/render.js');
  const doc = JSON.stringify({ name: 'x', attributeCondition: "assertion.ref == 'é' && assertion.sub ==" }, null, 2);
  const cond = "assertion.ref == 'é' && assertion.sub ==";
  // Byte offset of "&&" (é is two bytes in UTF-8, one character in the text).
  const bytes = Buffer.byteLength(cond.slice(0, cond.indexOf('&&')));
  const span = errorSpan(doc, { path: '$.attributeCondition', position: bytes });
  assert.equal(doc.slice(span.start, span.end), '&');
  assert.equal(doc.slice(span.start, span.start + 2), '&&');
  // At the very end (an unexpected end of expression) the caret sits before the closing quote.
  const end = errorSpan(doc, { path: '$.attributeCondition', position: Buffer.byteLength(cond) });
  assert.equal(doc[end.start], '"');
  assert.equal(end.start, end.end);
  // With escapes in the literal, the whole member is the best it can do; line/column always win.
  const escaped = JSON.stringify({ attributeCondition: 'a == "b" &&' });
  assert.deepEqual(errorSpan(escaped, { path: '$.attributeCondition', position: 10 }), locateJsonPath(escaped, '$.attributeCondition'));
  assert.deepEqual(errorSpan('{\n  "a": 1,\n}', { line: 3, column: 1, path: '$', position: 12 }), { start: 12, end: 13 });
});

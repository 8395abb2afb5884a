// Pure rendering: result objects from the oidc-trust package in, DOM out. Nothing here decides whether a token
// verifies or a policy allows; it only shows what the package said. Every string from a token, key set or policy
// reaches the DOM as text (never as HTML).
import { describeClaim, providerOf, PROVIDER_NAMES, TIME_CLAIMS } from './claims.js';
import { formatUtc, describeTimeClaim, formatDuration } from './time.js';
import { locateJsonPath } from './locate.js';

/** h('div', { class: 'x' }, 'text', child) — attributes starting with "on" become listeners. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

const code = (text, cls) => h('code', { class: cls }, text);

/** A JSON value as compact readable text: strings quoted, arrays and objects as JSON. */
export function showValue(v) {
  if (v === undefined) return '(missing)';
  return JSON.stringify(v);
}

function fill(container, ...nodes) {
  container.replaceChildren(...nodes.flat().filter(Boolean));
  container.classList.toggle('empty', false);
}

export function empty(container, text) {
  container.replaceChildren(text);
  container.classList.add('empty');
}

// ---------- token parts ----------

/** The pasted token split into coloured parts; `badSegment` (0..2) is outlined when decoding blamed it. */
export function renderTokenParts(container, token, badSegment) {
  const t = token.trim();
  if (!t) return empty(container, '');
  const parts = t.split('.');
  const names = ['header', 'payload', 'signature'];
  const nodes = [];
  parts.forEach((p, i) => {
    if (i) nodes.push(h('span', { class: 'dot' }, '.'));
    const cls = `part part-${names[i] ?? 'extra'}${i === badSegment ? ' bad' : ''}`;
    nodes.push(h('span', { class: cls, title: names[i] ?? 'unexpected extra segment' }, p || '∅'));
  });
  const legend = h('div', { class: 'legend' },
    h('span', { class: 'part-header' }, 'header'), ' · ',
    h('span', { class: 'part-payload' }, 'payload'), ' · ',
    h('span', { class: 'part-signature' }, 'signature'),
    parts.length !== 3 ? h('span', { class: 'warn-text' }, ` — ${parts.length} segment${parts.length === 1 ? '' : 's'}, a compact JWS has 3`) : null);
  fill(container, legend, h('div', { class: 'token-text' }, nodes));
}

// ---------- errors ----------

/** Character offset of (line, column), both 1-based, in `text`. */
export function offsetOf(text, line, column) {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return Math.min(text.length, off + Math.max(0, column - 1));
}

/** Selects [start, end) in a textarea and brings it into view. */
export function selectSpan(textarea, start, end) {
  textarea.focus();
  textarea.setSelectionRange(start, end);
  // Chrome scrolls a focused textarea to the caret only on some edits: place it by the line the span starts on.
  const line = textarea.value.slice(0, start).split('\n').length - 1;
  const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 16;
  textarea.scrollTop = Math.max(0, line * lineHeight - textarea.clientHeight / 3);
}

/** Where an error points in the text of its pane: its line and column, else its JSON path (and the position inside
 *  the string there, for an error in an expression such as a CEL condition or an Entra claims expression). */
export function errorSpan(text, error) {
  if (error?.line) {
    const at = offsetOf(text, error.line, error.column ?? 1);
    return { start: at, end: Math.min(text.length, at + 1) };
  }
  const span = error?.path ? locateJsonPath(text, error.path) : null;
  if (span && typeof error.position === 'number') return positionInString(text, span, error.position) ?? span;
  return span;
}

/** The character at byte offset `position` of the JSON string literal at `span`, when the literal has no escapes. */
function positionInString(text, span, position) {
  // A member's span starts at its key: skip `"key": ` to the value.
  const keyPart = /^"(?:[^"\\]|\\.)*"\s*:\s*/.exec(text.slice(span.start, span.end));
  if (keyPart) span = { start: span.start + keyPart[0].length, end: span.end };
  const raw = text.slice(span.start, span.end);
  if (!raw.startsWith('"') || !raw.endsWith('"') || raw.includes('\\')) return null;
  const inner = raw.slice(1, -1);
  const bytes = new TextEncoder().encode(inner);
  if (position > bytes.length) return null;
  const chars = new TextDecoder().decode(bytes.subarray(0, position)).length;
  const at = span.start + 1 + chars;
  return { start: at, end: Math.min(at + 1, span.end - 1) };
}

/** An error from the package under the pane it belongs to, with where it is and a button that shows the spot. */
export function renderFieldError(container, error, textarea) {
  if (!error) { container.hidden = true; container.replaceChildren(); return; }
  const where = [];
  if (error.line) where.push(h('span', { class: 'where' }, `line ${error.line}${error.column ? `, column ${error.column}` : ''}`));
  if (error.path) where.push(h('span', { class: 'where' }, 'at ', code(error.path, 'path')));
  if (typeof error.position === 'number' && !error.line) where.push(h('span', { class: 'where' }, `offset ${error.position}`));
  const span = textarea ? errorSpan(textarea.value, error) : null;
  const go = span ? h('button', {
    type: 'button', class: 'btn small', onclick: () => selectSpan(textarea, span.start, span.end),
  }, 'Show in editor') : null;
  container.replaceChildren(...[
    h('div', { class: 'err-head' }, error.code ? code(error.code, 'err-code') : null, ' ', where.length ? where : null),
    h('div', { class: 'err-msg' }, error.message ?? String(error)),
    go,
  ].filter(Boolean));
  container.hidden = false;
}

// ---------- header ----------

const HEADER_NOTES = {
  alg: 'Signature algorithm the token claims to use.',
  kid: 'Key ID: which key of the issuer\'s JWKS signed it.',
  typ: 'Media type of the token (JWT).',
  x5t: 'SHA-1 thumbprint of the signing certificate.',
  'x5t#S256': 'SHA-256 thumbprint of the signing certificate.',
  cty: 'Content type of the payload.',
  crit: 'Extensions the verifier must understand or reject the token.',
  jku: 'URL of a JWKS — never trusted by oidc-trust: keys come only from the JWKS you give.',
  jwk: 'An embedded key — never trusted by oidc-trust: keys come only from the JWKS you give.',
  x5u: 'URL of a certificate chain — never trusted.',
};
const USUAL_ALGS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);

/** Hints about the header a person should notice; the package's verdict stays the authority. */
export function headerWarnings(header) {
  const w = [];
  const alg = header?.alg;
  if (alg === undefined) w.push('No alg in the header.');
  else if (typeof alg === 'string' && alg.toLowerCase() === 'none') w.push('alg is "none": an unsigned token. Never accept it.');
  else if (typeof alg === 'string' && /^HS/.test(alg)) w.push(`alg ${alg} is a shared-secret MAC: unusual for OIDC, where issuers sign with public keys.`);
  else if (!USUAL_ALGS.has(alg)) w.push(`alg ${JSON.stringify(alg)} is unusual for OIDC.`);
  for (const k of ['jku', 'jwk', 'x5u']) if (header && k in header) w.push(`Header carries ${k}; it is ignored, keys come only from your JWKS.`);
  return w;
}

export function renderHeader(container, header) {
  if (!header) return empty(container, 'No token.');
  const rows = Object.entries(header).map(([k, v]) => h('tr', {},
    h('th', { scope: 'row' }, code(k)),
    h('td', { class: 'val' }, code(showValue(v))),
    h('td', { class: 'desc' }, HEADER_NOTES[k] ?? '')));
  fill(container,
    warningList(headerWarnings(header)),
    h('table', { class: 'kv' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Parameter'), h('th', { scope: 'col' }, 'Value'), h('th', { scope: 'col' }, 'Meaning'))), h('tbody', {}, rows)));
}

function warningList(items, cls = 'warnings') {
  if (!items.length) return null;
  return h('ul', { class: cls }, items.map((t) => h('li', {}, t)));
}

// ---------- claims ----------

/** Hints about a token's times, relative to `now` (seconds). */
export function timeWarnings(claims, now, tolerance = 0) {
  const w = [];
  if (!claims) return w;
  const { exp, nbf, iat } = claims;
  if (typeof exp === 'number' && exp <= now - tolerance) w.push(`Expired ${formatDuration(now - exp)} ago (${formatUtc(exp)}).`);
  if (typeof nbf === 'number' && nbf > now + tolerance) w.push(`Not valid yet: starts in ${formatDuration(nbf - now)} (${formatUtc(nbf)}).`);
  if (typeof iat === 'number' && iat > now + tolerance) w.push(`Issued in the future (${formatUtc(iat)}).`);
  if (exp === undefined) w.push('No exp claim: the token never expires.');
  const start = typeof nbf === 'number' ? nbf : iat;
  if (typeof exp === 'number' && typeof start === 'number' && exp - start > 3600) w.push(`Lifetime is ${formatDuration(exp - start)}, over 1 h: CI tokens usually live minutes.`);
  return w;
}

export function renderClaims(container, claims, { now, tolerance = 0 } = {}) {
  if (!claims) return empty(container, 'No token.');
  const iss = claims.iss;
  const provider = providerOf(iss);
  const first = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti'];
  const entries = [...first.filter((k) => Object.hasOwn(claims, k)).map((k) => [k, claims[k]]),
    ...Object.entries(claims).filter(([k]) => !first.includes(k))];
  const rows = entries.map(([k, v]) => {
    const isTime = TIME_CLAIMS.has(k) && typeof v === 'number';
    const value = isTime
      ? h('div', {}, code(String(v)), h('div', { class: 'time' }, formatUtc(v)), h('div', { class: `rel${k === 'exp' && v <= now ? ' bad-text' : ''}` }, describeTimeClaim(k, v, now)))
      : code(showValue(v));
    return h('tr', { id: `claim-${k}`, dataset: { claim: k } },
      h('th', { scope: 'row' }, code(k)),
      h('td', { class: 'val' }, value),
      h('td', { class: 'desc' }, describeClaim(k, iss)));
  });
  fill(container,
    provider !== 'generic' ? h('p', { class: 'provider' }, `Claims described as ${PROVIDER_NAMES[provider]} defines them.`) : null,
    warningList(timeWarnings(claims, now, tolerance)),
    h('div', { class: 'table-scroll' }, h('table', { class: 'kv claims' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Claim'), h('th', { scope: 'col' }, 'Value'), h('th', { scope: 'col' }, 'Meaning'))), h('tbody', {}, rows))));
}

/** Outline the claim a condition read (and scroll to it); '' clears. */
export function highlightClaim(root, claim) {
  for (const el of root.querySelectorAll('tr.selected')) el.classList.remove('selected');
  if (!claim) return null;
  const row = root.querySelector(`tr[data-claim="${CSS.escape(claim)}"]`);
  if (row) {
    row.classList.add('selected');
    row.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }
  return row;
}

// ---------- keys ----------

/** The key that verified the token, the error when none did, and the set's accepted and rejected keys. */
export function renderKeys(container, { result, keySet, keysError }) {
  const nodes = [];
  const matchedKid = result?.key?.kid;
  if (result?.key) {
    const k = result.key;
    nodes.push(h('div', { class: 'key-match ok' },
      h('div', { class: 'key-line' }, h('strong', {}, 'Signature verified'), ' with key ', code(k.kid ?? '(no kid)', 'matched-kid')),
      h('dl', { class: 'key-facts' },
        h('dt', {}, 'alg'), h('dd', {}, code(k.alg ?? result.header?.alg ?? '')),
        h('dt', {}, 'kty'), h('dd', {}, code(k.kty ?? '')),
        h('dt', {}, 'thumbprint'), h('dd', {}, code(k.thumbprint ?? '', 'thumb')))));
  } else if (result?.stage === 'claims') {
    nodes.push(h('div', { class: 'key-match ok' },
      h('div', { class: 'key-line' }, h('strong', {}, 'Signature verified'), '; then a claim check failed (see the verdict).'),
      result.header?.kid !== undefined ? h('dl', { class: 'key-facts' }, h('dt', {}, 'kid in header'), h('dd', {}, code(String(result.header.kid))),
        h('dt', {}, 'alg'), h('dd', {}, code(String(result.header.alg ?? '')))) : null));
  } else if (result?.error && (result.stage === 'keys' || result.stage === 'signature')) {
    nodes.push(h('div', { class: 'key-match bad' },
      h('div', { class: 'key-line' }, h('strong', {}, result.stage === 'keys' ? 'No usable key' : 'Signature check failed')),
      h('div', { class: 'err-head' }, code(result.error.code, 'err-code')),
      h('div', { class: 'err-msg' }, result.error.message),
      detailList(result.error, ['kid', 'alg', 'expected', 'actual'])));
  } else if (result && result.stage === 'decode') {
    nodes.push(h('p', { class: 'muted' }, 'The token did not decode, so no key was tried.'));
  } else if (keysError) {
    nodes.push(h('p', { class: 'muted' }, 'The JWKS did not parse (see the JWKS pane).'));
  }

  if (keySet) {
    const keys = keySet.keys ?? [];
    const rejected = keySet.rejected ?? [];
    nodes.push(h('h3', {}, `Key set: ${keys.length} usable key${keys.length === 1 ? '' : 's'}${rejected.length ? `, ${rejected.length} rejected` : ''}`));
    if (keys.length) {
      nodes.push(h('table', { class: 'keys' },
        h('thead', {}, h('tr', {}, ['kid', 'kty', 'alg', 'use', 'thumbprint'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, keys.map((k) => h('tr', { class: matchedKid !== undefined && k.kid === matchedKid ? 'matched' : '' },
          h('td', {}, code(k.kid ?? '—'), matchedKid !== undefined && k.kid === matchedKid ? h('span', { class: 'tag ok' }, 'signed this token') : null),
          h('td', {}, k.kty ?? ''), h('td', {}, k.alg ?? '—'), h('td', {}, k.use ?? '—'), h('td', {}, code(k.thumbprint ?? '', 'thumb')))))));
    }
    if (rejected.length) {
      nodes.push(h('ul', { class: 'rejected' }, rejected.map((r) => h('li', {},
        `Key #${r.index}`, r.kid ? [' (kid ', code(r.kid), ')'] : '', ' rejected: ', r.code ? [code(r.code, 'err-code'), ' '] : '', r.reason ?? ''))));
    }
  }
  if (!nodes.length) return empty(container, 'No token.');
  fill(container, nodes);
}

function detailList(error, fields) {
  const items = fields.filter((f) => error[f] !== undefined && error[f] !== null);
  if (!items.length) return null;
  return h('dl', { class: 'key-facts' }, items.flatMap((f) => [h('dt', {}, f), h('dd', {}, code(typeof error[f] === 'string' ? error[f] : JSON.stringify(error[f])))]));
}

// ---------- policy ----------

const DECISION_TEXT = { allow: 'Allow', deny: 'Deny (explicit)', 'implicit-deny': 'Implicit deny' };

/** The dialects' names for people (the package's names are the keys). */
export const DIALECT_NAMES = {
  aws: 'AWS IAM role trust policy',
  vault: 'HashiCorp Vault JWT role',
  'octo-sts': 'octo-sts trust policy',
  entra: 'Microsoft Entra federated credential',
  gcp: 'Google Cloud WIF provider',
};

/** What a dialect's one statement is called (dialects other than AWS describe the document as one statement). */
const DOCUMENT_NAMES = { vault: 'Vault role', 'octo-sts': 'octo-sts trust policy', entra: 'Federated credential', gcp: 'Workload identity provider' };

/** How a condition row labels its two sides, by the check's family: most compare values, some are expressions. */
function sideLabels(c) {
  switch (c.baseOperator) {
    case 'attributeMapping': return { expected: 'mapping', actual: 'mapped value', expression: true };
    case 'attributeCondition': return { expected: 'condition', actual: 'result', expression: true };
    case 'time': return { expected: 'leeways', actual: 'token' };
    case 'token_check': return { expected: 'rule', actual: 'token' };
    default: return { expected: 'expected', actual: 'actual' };
  }
}

function yesNo(v, label) {
  if (v === undefined || v === null) return null;
  return h('span', { class: `tag ${v ? 'ok' : 'bad'}` }, `${label} ${v ? '✓' : '✗'}`);
}

function operatorText(c) {
  return c.operator ?? [c.setOperator ? `${c.setOperator}:` : '', c.baseOperator ?? '', c.ifExists ? 'IfExists' : ''].join('');
}

function valuesText(values) {
  if (values === null || values === undefined) return null;
  return Array.isArray(values) ? values.map((v) => JSON.stringify(v)).join(', ') : JSON.stringify(values);
}

/** A Decision as statements with their condition rows; selecting a row highlights the claim it read. */
export function renderDecision(container, decision, { unverified = false, onSelectClaim, onSelectPath } = {}) {
  if (!decision) return empty(container, 'No policy.');
  const head = h('div', { class: `decision decision-${decision.decision}` },
    h('span', { class: 'decision-word' }, DECISION_TEXT[decision.decision] ?? decision.decision),
    h('span', { class: 'decision-meta' },
      decision.dialect ? ['dialect ', code(decision.dialect)] : null,
      decision.provider ? [' · provider ', code(decision.provider)] : null));
  const nodes = [head];
  const aws = !decision.dialect || decision.dialect === 'aws';
  if (unverified) nodes.push(h('p', { class: 'note' }, 'The token did not verify, so this is what the policy would decide on its unverified claims.'));
  // The verdict above already carries the reason of a verified token's decision; other dialects' reasons quote the
  // service's own answer (Vault's error, AADSTS70021, …), which belongs with the trace too.
  if (decision.reason && unverified) nodes.push(h('p', { class: 'reason' }, decision.reason));
  else if (decision.reason && !aws && decision.decision !== 'allow') nodes.push(h('p', { class: 'reason service' }, decision.reason));

  for (const st of decision.statements ?? []) {
    const docName = DOCUMENT_NAMES[decision.dialect];
    // A Google provider's name is its resource path: its last segment names it; the whole path is the tooltip.
    const sid = st.sid && docName ? st.sid.split('/').pop() : st.sid;
    const title = docName ? `${docName}${sid ? ` “${sid}”` : ''}` : `Statement ${st.index}${sid ? ` “${sid}”` : ''}`;
    const rows = (st.conditions ?? []).map((c, i) => {
      const labels = sideLabels(c);
      const missingText = c.baseOperator === 'attributeCondition' ? 'error' : 'missing';
      const actual = c.tokenValues === null || c.tokenValues === undefined ? h('span', { class: 'missing' }, missingText) : code(valuesText(c.tokenValues));
      const expected = labels.expression && (c.policyValues ?? []).every((v) => typeof v === 'string')
        ? code(c.policyValues.join('\n'), 'expr')
        : code(c.policyValues?.length ? valuesText(c.policyValues) : '—');
      const row = h('li', {
        class: `cond-row ${c.matched ? 'pass' : 'fail'}`, tabindex: '0',
        dataset: { claim: c.claim ?? '', index: String(i) },
        'aria-label': `${operatorText(c)} ${c.key}: ${c.matched ? 'matched' : 'did not match'}.${c.claim ? ` Select to highlight claim ${c.claim}.` : ''}`,
      },
      h('div', { class: 'cond-top' },
        h('span', { class: `tag ${c.matched ? 'ok' : 'bad'}` }, c.matched ? '✓ match' : '✗ no match'), ' ',
        code(operatorText(c), 'op'), ' ', code(c.key ?? '', 'key'),
        h('span', { class: 'claim-of' }, c.claim ? ['reads claim ', code(c.claim)] : 'reads no claim'),
        c.unconfirmed ? [' ', h('span', { class: 'tag warn', title: 'No primary source settles this rule: see the warnings' }, `UNCONFIRMED ${c.unconfirmed}`)] : null),
      h('dl', { class: 'cond-vals' },
        // octo-sts's token checks compare against rules, not policy values: the reason says which.
        labels.expected === 'rule' && !c.policyValues?.length ? null : [h('dt', {}, labels.expected), h('dd', { class: 'expected' }, expected)],
        h('dt', {}, labels.actual), h('dd', { class: 'actual' }, actual)),
      c.reason ? h('div', { class: 'why' }, c.reason) : null);
      const select = () => {
        for (const r of container.querySelectorAll('.cond-row.selected')) r.classList.remove('selected');
        row.classList.add('selected');
        onSelectClaim?.(c.claim ?? '');
      };
      row.addEventListener('click', select);
      row.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(); } });
      return row;
    });
    nodes.push(h('section', { class: `statement ${st.matched ? 'matched' : 'unmatched'}` },
      aws
        ? h('h3', {}, title, ' ', h('span', { class: `effect effect-${String(st.effect).toLowerCase()}` }, st.effect ?? ''),
          ' ', yesNo(st.principalMatched, 'principal'), ' ', yesNo(st.actionMatched, 'action'), ' ', yesNo(st.conditionsMatched, 'conditions'),
          ' ', h('span', { class: `tag strong ${st.matched ? 'ok' : 'bad'}` }, st.matched ? 'statement matches' : 'statement does not match'))
        // No principal or action: the document is one statement whose checks are the rows.
        : h('h3', { title: st.sid ?? '' }, title, ' ', h('span', { class: `tag strong ${st.matched ? 'ok' : 'bad'}` },
          st.matched ? `all ${st.conditions?.length ?? 0} checks pass` : `${(st.conditions ?? []).filter((c) => !c.matched).length} of ${st.conditions?.length ?? 0} checks fail`)),
      rows.length ? h('ul', { class: 'conds', 'aria-label': `Conditions of ${title}` }, rows) : h('p', { class: 'muted' }, 'No conditions.')));
  }

  const lints = decision.lints ?? [];
  nodes.push(h('h3', {}, lints.length ? `Lints (${lints.length})` : 'Lints'));
  nodes.push(lints.length
    ? h('ul', { class: 'lints' }, lints.map((l) => h('li', { class: `lint sev-${l.severity ?? 'warning'}` },
      h('span', { class: 'sev' }, l.severity ?? 'warning'), ' ', code(l.code ?? '', 'lint-code'), ' ', h('span', { class: 'lint-msg' }, l.message ?? ''),
      l.path ? h('div', { class: 'lint-path' }, 'at ', code(l.path, 'path'),
        onSelectPath ? [' ', h('button', { type: 'button', class: 'btn small', onclick: () => onSelectPath(l.path) }, 'Show in policy')] : null) : null)))
    : h('p', { class: 'muted no-lints' }, 'No lints: nothing risky spotted in this policy.'));
  const warnings = decision.warnings ?? [];
  if (warnings.length) {
    nodes.push(h('h3', {}, 'Warnings'));
    nodes.push(h('ul', { class: 'warnings' }, warnings.map((w) => h('li', {}, typeof w === 'string' ? w : [
      w.rule ? [code(w.rule, 'lint-code'), ' '] : null,
      w.decisive ? [h('span', { class: 'tag bad' }, 'decisive'), ' '] : null,
      w.message ?? JSON.stringify(w)]))));
  }
  fill(container, nodes);
}

/** Lints of a parsed policy when there is no token to evaluate it on. */
export function renderPolicyOnly(container, policy) {
  const lints = policy?.lints ?? [];
  fill(container,
    h('p', { class: 'muted' }, `Parsed as ${DIALECT_NAMES[policy?.dialect] ?? policy?.dialect ?? 'a policy'}. Paste a token to evaluate it.`),
    lints.length ? h('ul', { class: 'lints' }, lints.map((l) => h('li', { class: `lint sev-${l.severity ?? 'warning'}` },
      h('span', { class: 'sev' }, l.severity ?? 'warning'), ' ', code(l.code ?? '', 'lint-code'), ' ', l.message ?? ''))) : null);
}

// ---------- verdict ----------

const STAGE_TEXT = {
  decode: 'The token did not decode',
  keys: 'No key in the JWKS can check this token',
  signature: 'The signature does not verify',
  claims: 'The signature verifies, but a claim check failed',
  policy: 'The token verifies, but the policy does not allow it',
  done: 'The token verifies and the policy allows it',
};

/** One line at the top: the outcome of check(), or why nothing could be checked. */
export function renderVerdict(container, { result, decision, missing, unverified = false, policyError = null, tone = 'neutral' }) {
  const policyBroken = Boolean(policyError);
  let cls = tone;
  let main;
  let detail = null;
  if (missing) {
    main = missing;
  } else if (result) {
    const verified = result.stage === 'policy' || result.stage === 'done';
    if (verified && !decision) {
      cls = policyBroken ? 'bad' : 'ok';
      main = policyBroken ? 'The token verifies, but the policy does not parse' : 'The token verifies (no policy given)';
    } else if (result.ok) { cls = 'ok'; main = STAGE_TEXT.done; }
    else if (result.stage === 'policy' || (verified && decision && decision.decision !== 'allow')) { cls = 'bad'; main = STAGE_TEXT.policy; }
    else { cls = 'bad'; main = STAGE_TEXT[result.stage] ?? `Failed at ${result.stage}`; }
    if (result.error) detail = [code(result.error.code ?? '', 'err-code'), ' ', result.error.message ?? ''];
    else if (policyError) detail = [code(policyError.code ?? '', 'err-code'), ' ', policyError.path ? [code(policyError.path, 'path'), ': '] : '', policyError.message ?? ''];
    else if (decision?.reason) detail = decision.reason;
  }
  container.className = `verdict verdict-${cls}`;
  container.replaceChildren(...[
    h('span', { class: 'verdict-main' }, main),
    decision ? h('span', { class: `verdict-decision ${unverified ? 'unverified' : `decision-${decision.decision}`}` },
      unverified ? `policy on unverified claims: ${DECISION_TEXT[decision.decision] ?? decision.decision}` : `policy: ${DECISION_TEXT[decision.decision] ?? decision.decision}`) : null,
    detail ? h('div', { class: 'verdict-detail' }, detail) : null,
  ].filter(Boolean));
}

// Wiring: read the panes, call the oidc-trust package once per change, hand its results to render.js, keep the
// state in the URL fragment. All token, key and policy logic is the package's.
import {
  h, selectSpan, renderTokenParts, renderFieldError, renderHeader, renderClaims, renderKeys, renderDecision,
  renderPolicyOnly, renderVerdict, highlightClaim, empty, DIALECT_NAMES,
} from './render.js';
import { encodeState, decodeFragment } from './state.js';
import { fromInputValue, toInputValue } from './time.js';
import { locateJsonPath } from './locate.js';

const $ = (id) => document.getElementById(id);
const el = {
  token: $('token'), jwks: $('jwks'), policy: $('policy'), dialect: $('dialect'),
  issuer: $('issuer'), audience: $('audience'), clock: $('clock'), tolerance: $('tolerance'),
  tokenParts: $('token-parts'), tokenError: $('token-error'), jwksError: $('jwks-error'), policyError: $('policy-error'),
  verdict: $('verdict'), loadError: $('load-error'), policyOut: $('policy-out'), keyOut: $('key-out'),
  claimsOut: $('claims-out'), headerOut: $('header-out'), presetButtons: $('preset-buttons'), presetNote: $('preset-note'),
  dialectDetected: $('dialect-detected'), copyLink: $('copy-link'), copyStatus: $('copy-status'), clockNow: $('clock-now'),
  octoStsDomain: $('octo-sts-domain'), octoStsAnchoring: $('octo-sts-anchoring'),
  mintAlg: $('mint-alg'), mintClaims: $('mint-claims'), mintGo: $('mint-go'), mintStatus: $('mint-status'), mintError: $('mint-error'),
};
const STATE_FIELDS = ['token', 'jwks', 'policy', 'dialect', 'issuer', 'audience', 'clock', 'tolerance', 'octoStsDomain', 'octoStsAnchoring'];
// Select fields and what an absent state value means for them.
const SELECT_DEFAULTS = { dialect: 'auto', octoStsAnchoring: 'legacy' };

let api = null;
let presets = [];

/** A thrown OidcTrustError (or anything) as a plain object with the fields the renderers show. */
function errorInfo(e) {
  if (!e || typeof e !== 'object') return { message: String(e) };
  const out = { code: e.code, message: e.message ?? String(e) };
  for (const k of ['line', 'column', 'path', 'position', 'claim', 'reason', 'expected', 'actual', 'kid', 'alg', 'segment']) if (e[k] !== undefined) out[k] = e[k];
  return out;
}

function badSegmentOf(error) {
  if (!error) return undefined;
  if (typeof error.segment === 'number') return error.segment;
  const names = { header: 0, payload: 1, signature: 2 };
  if (typeof error.segment === 'string' && error.segment in names) return names[error.segment];
  const m = /\b(header|payload|signature)\b/i.exec(error.message ?? '');
  return m ? names[m[1].toLowerCase()] : undefined;
}

function readState() {
  const s = {};
  for (const k of STATE_FIELDS) s[k] = el[k].value;
  return s;
}

function writeState(s) {
  for (const k of STATE_FIELDS) el[k].value = s[k] ?? SELECT_DEFAULTS[k] ?? '';
}

function nowSeconds() {
  return fromInputValue(el.clock.value) ?? Math.floor(Date.now() / 1000);
}

// ---------- evaluation ----------

function evaluate() {
  if (!api) return;
  const token = el.token.value.trim();
  const jwksText = el.jwks.value.trim();
  const policyText = el.policy.value.trim();
  const now = nowSeconds();
  const tolerance = Number(el.tolerance.value) || 0;
  el.loadError.hidden = true;

  let keySet = null; let keysError = null;
  if (jwksText) {
    try { keySet = api.KeySet.fromJwks(jwksText); } catch (e) { keysError = errorInfo(e); }
  }
  renderFieldError(el.jwksError, keysError, el.jwks);

  let policy = null; let policyError = null;
  if (policyText) {
    // The octo-sts options belong to the compiled policy: check() and the unverified evaluation below use them.
    const parseOptions = { dialect: el.dialect.value, octoStsAnchoring: el.octoStsAnchoring.value };
    if (el.octoStsDomain.value.trim()) parseOptions.octoStsDomain = el.octoStsDomain.value.trim();
    try { policy = api.Policy.parse(policyText, parseOptions); } catch (e) { policyError = errorInfo(e); }
  }
  const octoSts = policy?.dialect === 'octo-sts' || el.dialect.value === 'octo-sts';
  for (const opt of document.querySelectorAll('[data-dialect="octo-sts"]')) opt.hidden = !octoSts;
  renderFieldError(el.policyError, policyError, el.policy);
  el.dialectDetected.textContent = policy && el.dialect.value === 'auto' ? `found ${policy.dialect}` : '';
  el.dialectDetected.title = policy ? `Parsed as ${DIALECT_NAMES[policy.dialect] ?? policy.dialect}` : '';

  let result = null; let decision = null; let unverified = false; let fault = null;
  const decodeOnly = () => {
    try {
      const d = api.decode(token);
      return { ok: false, stage: 'keys', header: d.header, claims: d.claims };
    } catch (e) {
      return { ok: false, stage: 'decode', error: errorInfo(e) };
    }
  };
  if (token && keySet) {
    const options = { keySet, clockTolerance: tolerance };
    if (policy) options.policy = policy;
    if (el.issuer.value.trim()) options.issuer = el.issuer.value.trim();
    if (el.audience.value.trim()) options.audience = el.audience.value.trim();
    if (el.clock.value) options.currentDate = new Date(now * 1000);
    try {
      result = api.check(token, options);
      decision = result.policy ?? null;
      // check() also evaluates the policy when the token failed earlier: those claims are unverified.
      unverified = Boolean(decision) && result.stage !== 'policy' && result.stage !== 'done';
    } catch (e) {
      // check() throws only for misuse (or a bug): say so, and still show what the token contains.
      fault = e;
      result = decodeOnly();
      result.stage = result.stage === 'decode' ? 'decode' : 'fault';
    }
  } else if (token) {
    result = decodeOnly();
  }
  // When the token stopped before the policy stage, show what the policy says about its (unverified) claims:
  // the package evaluates it once, here, and the page says the claims are unverified.
  if (!decision && policy && result?.claims && result.stage !== 'policy' && result.stage !== 'done') {
    try {
      decision = policy.evaluate(result.claims, { currentDate: now });
      unverified = true;
    } catch (e) {
      fault ??= e;
    }
  }
  if (fault) showLoadError(`oidc-trust threw: ${fault?.code ? `${fault.code}: ` : ''}${fault?.message ?? fault}`);

  renderTokenParts(el.tokenParts, el.token.value, result?.stage === 'decode' ? badSegmentOf(result.error) : undefined);
  renderFieldError(el.tokenError, result?.stage === 'decode' ? result.error : null, null);
  renderHeader(el.headerOut, result?.header);
  renderClaims(el.claimsOut, result?.claims, { now, tolerance });
  renderKeys(el.keyOut, { result: token && keySet ? result : (result?.stage === 'decode' ? result : null), keySet, keysError });
  if (decision) {
    renderDecision(el.policyOut, decision, {
      unverified,
      onSelectClaim: (claim) => highlightClaim(el.claimsOut, claim),
      onSelectPath: (path) => { const span = locateJsonPath(el.policy.value, path); if (span) selectSpan(el.policy, span.start, span.end); },
    });
  } else if (policy) {
    renderPolicyOnly(el.policyOut, policy);
  } else {
    empty(el.policyOut, policyError ? 'The policy did not parse (see the policy pane).' : 'No policy.');
  }

  let missing = null;
  if (!token) missing = 'Paste a token, a JWKS and a policy, or pick a preset.';
  else if (!jwksText) missing = 'Paste the issuer\'s JWKS to check the signature.';
  else if (keysError) missing = 'The JWKS does not parse, so the signature cannot be checked.';
  else if (fault) missing = 'oidc-trust failed on this input (see the message below).';
  renderVerdict(el.verdict, {
    result: missing ? null : result, decision: missing ? null : decision, missing, unverified, policyError,
    tone: keysError || fault ? 'bad' : 'neutral',
  });
  if (missing && result?.stage === 'decode') renderVerdict(el.verdict, { result, decision: null });
  // Lets tests (and anyone curious) wait for the page to settle after an edit.
  document.body.dataset.evaluations = String(Number(document.body.dataset.evaluations ?? 0) + 1);
}

function showLoadError(text) {
  el.loadError.replaceChildren(text);
  el.loadError.hidden = false;
}

// ---------- fragment ----------

let fragmentTimer = 0;
function scheduleFragment() {
  clearTimeout(fragmentTimer);
  fragmentTimer = setTimeout(async () => {
    const fragment = await encodeState(readState());
    // replaceState: typing is not navigation, and the fragment is never sent to a server.
    history.replaceState(null, '', `${location.pathname}#${fragment}`);
    document.body.dataset.fragmentSynced = 'true';
  }, 150);
  document.body.dataset.fragmentSynced = 'false';
}

let evalTimer = 0;
function onInput() {
  clearTimeout(evalTimer);
  evalTimer = setTimeout(evaluate, 120);
  el.presetNote.hidden = true;
  scheduleFragment();
}

// ---------- presets ----------

async function loadPresets() {
  const manifest = await (await fetch('./presets/presets.json')).json();
  presets = await Promise.all(manifest.map(async (p) => {
    const [token, jwks, policy] = await Promise.all([p.token, p.jwks, p.policy].map(async (f) => (await fetch(`./presets/${f}`)).text()));
    return { ...p, token: token.trim(), jwks, policy };
  }));
  // One cluster per dialect, in manifest order: "AWS: GitHub Actions · Fly.io · …", "Vault: allows · fails", …
  const groups = new Map();
  for (const p of presets) {
    const g = p.group ?? 'Presets';
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(p);
  }
  el.presetButtons.replaceChildren(...[...groups].map(([name, items]) => h('span', { class: 'preset-group', role: 'group', 'aria-label': `${name} presets` },
    h('span', { class: 'preset-group-name' }, name),
    items.map((p) => h('button', {
      type: 'button', class: `btn preset${p.expect?.decision && p.expect.decision !== 'allow' ? ' preset-fails' : ''}`,
      dataset: { preset: p.id }, title: p.title, onclick: () => applyPreset(p.id),
    }, p.label ?? p.title)))));
}

function applyPreset(id) {
  const p = presets.find((x) => x.id === id);
  if (!p) return;
  const o = p.options ?? {};
  writeState({
    token: p.token, jwks: p.jwks, policy: p.policy, dialect: o.dialect ?? 'auto',
    issuer: o.issuer ?? '', audience: o.audience ?? '',
    clock: o.clock ? o.clock.replace(/Z$/, '') : '', tolerance: o.clockTolerance ? String(o.clockTolerance) : '',
  });
  el.presetNote.replaceChildren(h('strong', {}, p.title), ': ', p.description, ' ', h('span', { class: 'prov' }, `Source: ${p.provenance}`));
  el.presetNote.hidden = false;
  evaluate();
  scheduleFragment();
}

// ---------- mint ----------

const MINT_TEMPLATE = {
  iss: 'https://token.actions.githubusercontent.com',
  aud: 'sts.amazonaws.com',
  sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
  repository: 'octo-org/octo-repo',
  repository_owner: 'octo-org',
  ref: 'refs/heads/main',
  ref_type: 'branch',
  workflow: 'Deploy',
  job_workflow_ref: 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main',
  event_name: 'push',
  runner_environment: 'github-hosted',
};

/**
 * A starting policy for minted claims in the dialect the selector names (AWS for "Detect"), pinning the issuer,
 * the audience and the subject exactly, so that the minted token is allowed and each pinned claim shows as a row.
 */
function policyFor(claims, dialect) {
  const iss = String(claims.iss ?? '');
  const auds = (Array.isArray(claims.aud) ? claims.aud : claims.aud === undefined ? [] : [claims.aud]).map(String);
  const sub = claims.sub === undefined ? undefined : String(claims.sub);
  const json = (doc) => JSON.stringify(doc, null, 2);
  switch (dialect) {
    case 'vault': {
      // A JWT auth role as `vault read auth/jwt/role/<name>` shows it.
      const role = { role_type: 'jwt', user_claim: 'sub', bound_audiences: auds };
      if (sub !== undefined) role.bound_subject = sub;
      return json({ data: role });
    }
    case 'octo-sts': {
      // .github/chainguard/<name>.sts.yaml; without an audience octo-sts requires its own domain.
      const lines = [`issuer: ${JSON.stringify(iss)}`, `subject: ${JSON.stringify(sub ?? '')}`];
      if (auds.length) lines.push(`audience: ${JSON.stringify(auds[0])}`);
      lines.push('permissions:', '  contents: read');
      return `${lines.join('\n')}\n`;
    }
    case 'entra':
      return json({ name: 'minted-token', issuer: iss, subject: sub ?? '', audiences: auds.slice(0, 1) });
    case 'gcp': {
      const provider = {
        name: 'projects/123456789012/locations/global/workloadIdentityPools/minted/providers/minted',
        attributeMapping: { 'google.subject': 'assertion.sub' },
        oidc: { issuerUri: iss },
      };
      if (auds.length) provider.oidc.allowedAudiences = auds;
      return json(provider);
    }
    default: {
      const prefix = iss.replace(/^https:\/\//, '');
      const condition = { StringEquals: {} };
      if (claims.aud !== undefined) condition.StringEquals[`${prefix}:aud`] = claims.aud;
      if (sub !== undefined) condition.StringEquals[`${prefix}:sub`] = sub;
      return json({
        Version: '2012-10-17',
        Statement: [{
          Sid: 'MintedTokenOnly',
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${prefix}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: condition,
        }],
      });
    }
  }
}

async function mint() {
  el.mintError.hidden = true;
  el.mintStatus.textContent = '';
  let claims;
  try {
    claims = JSON.parse(el.mintClaims.value);
    if (!claims || typeof claims !== 'object' || Array.isArray(claims)) throw new Error('The claims must be a JSON object.');
  } catch (e) {
    renderFieldError(el.mintError, { message: `Claims: ${e.message}` }, null);
    return;
  }
  if (typeof api?.createTestIssuer !== 'function') {
    renderFieldError(el.mintError, { message: 'This build of oidc-trust has no createTestIssuer(): minting is not available.' }, null);
    return;
  }
  try {
    const now = Math.floor(Date.now() / 1000);
    const full = { iat: now, nbf: now, exp: now + 300, jti: crypto.randomUUID(), ...claims };
    el.mintStatus.textContent = `Generating a ${el.mintAlg.value} key…`;
    el.mintGo.disabled = true;
    // Key generation runs synchronously in wasm (RSA takes a moment): let the status paint first.
    await new Promise((resolve) => setTimeout(resolve, 16));
    const issuer = await api.createTestIssuer({ alg: el.mintAlg.value });
    const token = await issuer.sign(full);
    const jwks = typeof issuer.jwks === 'function' ? issuer.jwks() : issuer.jwks;
    writeState({
      ...readState(), token, jwks: JSON.stringify(jwks, null, 2), policy: policyFor(full, el.dialect.value), dialect: el.dialect.value,
      issuer: typeof full.iss === 'string' ? full.iss : '', audience: typeof full.aud === 'string' ? full.aud : '', clock: '', tolerance: '',
    });
    el.mintStatus.textContent = `Signed with a new ${el.mintAlg.value} key.`;
    evaluate();
    scheduleFragment();
  } catch (e) {
    el.mintStatus.textContent = '';
    renderFieldError(el.mintError, errorInfo(e), null);
  } finally {
    el.mintGo.disabled = false;
  }
}

// ---------- share ----------

async function copyLink() {
  clearTimeout(fragmentTimer);
  const fragment = await encodeState(readState());
  history.replaceState(null, '', `${location.pathname}#${fragment}`);
  const url = location.href;
  try {
    await navigator.clipboard.writeText(url);
    el.copyStatus.textContent = 'Link copied. It holds the token: share it only where the token may go.';
  } catch {
    el.copyStatus.textContent = 'Copy the address bar: the link holds the whole state.';
  }
}

function jumpTo(id) {
  const target = document.getElementById(id);
  target?.scrollIntoView({ block: 'start' });
  target?.focus({ preventScroll: true });
}

// ---------- start ----------

async function restoreFromFragment() {
  try {
    const got = await decodeFragment(location.hash);
    if (!got) return false;
    if (got.preset) { applyPreset(got.preset); return true; }
    writeState(got.state);
    return true;
  } catch (e) {
    showLoadError(`Could not read the link: ${e.message}`);
    return false;
  }
}

async function start() {
  el.mintClaims.value = JSON.stringify(MINT_TEMPLATE, null, 2);
  for (const k of STATE_FIELDS) el[k].addEventListener('input', onInput);
  el.dialect.addEventListener('change', onInput);
  el.octoStsAnchoring.addEventListener('change', onInput);
  el.clockNow.addEventListener('click', () => { el.clock.value = toInputValue(Math.floor(Date.now() / 1000)); onInput(); });
  el.copyLink.addEventListener('click', copyLink);
  el.mintGo.addEventListener('click', mint);
  window.addEventListener('hashchange', async () => { if (await restoreFromFragment()) evaluate(); });
  // In-page links would overwrite the fragment that holds the state: move focus instead.
  for (const a of document.querySelectorAll('a[data-jump]')) {
    a.addEventListener('click', (e) => { e.preventDefault(); jumpTo(a.dataset.jump); });
  }

  try {
    api = await import('./oidc-trust.js');
    // wasm-bindgen's web target exports an init function as default; the package may already be initialised.
    if (typeof api.default === 'function' && !api.check) await api.default();
  } catch (e) {
    showLoadError(`oidc-trust failed to load: ${e.message}`);
  }
  try { await loadPresets(); } catch (e) { showLoadError(`Presets failed to load: ${e.message}`); }
  await restoreFromFragment();
  evaluate();
  document.body.dataset.ready = 'true';
}

start();

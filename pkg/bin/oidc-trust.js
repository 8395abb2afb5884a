#!/usr/bin/env node
// `oidc-trust` — explain a token from a shell or a CI log, with the same wasm as the library.
//
//   oidc-trust decode [token|-]
//   oidc-trust verify [token|-] --jwks <file|url> [--issuer …] [--audience …]
//   oidc-trust check  [token|-] --jwks <file|url> --policy <file> [--dialect <d>] [verify options]
//
// Exit codes: 0 valid/allowed, 1 invalid/denied, 2 usage or input error (bad flags, unreadable file, JWKS or
// policy that does not parse, issuer unreachable).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
// The CLI explains policies of every dialect, so it loads the package's full entry (`oidc-trust/full`, by the
// package's own name: Node resolves a package's self-reference through its exports map) where the package has one,
// and the default entry otherwise.
const api = await import('oidc-trust/full').catch((error) => {
  if (error?.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return import('../src/node.js');
  throw error;
});
const { checkAsync, createRemoteJWKSet, decode, KeySet, OidcTrustError, Policy } = api;

const USAGE = `Usage:
  oidc-trust decode [token|-] [--json]
  oidc-trust verify [token|-] --jwks <file|url> [options] [--json]
  oidc-trust check  [token|-] --jwks <file|url> --policy <file> [--dialect <d>] [options] [--json]
  oidc-trust verify [token|-] --issuer <url> --discover [options]

The token is read from standard input when it is absent or "-".

Options:
  --jwks <file|url>         the issuer's JWKS: a file, or an https: URL (fetched with a 5 s timeout)
  --discover                find the JWKS through <issuer>/.well-known/openid-configuration
  --issuer <iss>            expected "iss" (repeat for a list)
  --audience <aud>          expected "aud" (repeat for a list)
  --subject <sub>           expected "sub"
  --algorithms <a,b>        accepted algorithms
  --typ <typ>               expected "typ" header
  --clock-tolerance <d>     leeway for exp/nbf/iat: seconds or "30s", "5m"
  --max-token-age <d>       largest age from "iat"
  --current-date <date>     verify at this time (ISO 8601 or epoch seconds) instead of now
  --required-claim <name>   a claim that must be present (repeat)
  --allow-symmetric         accept "oct" keys in the JWKS
  --allow-insecure          allow an http: JWKS URL (loopback tests only)
  --policy <file>           a trust policy (check): an AWS IAM role trust policy, a Vault JWT role
                            (vault read -format=json), an octo-sts trust policy (YAML or JSON), an Entra
                            federated identity credential or a Google Cloud WIF provider (JSON)
  --dialect <d>             the policy's dialect: auto (default: recognised by its shape), aws, vault,
                            octo-sts, entra or gcp
  --octo-sts-domain <d>     octo-sts: the service's domain, the audience a policy without one requires
                            (default octo-sts.dev)
  --octo-sts-anchoring <m>  octo-sts: legacy (default, "^" + p + "$") or grouped ("^(?:" + p + ")$")
  --json                    machine-readable output
  -h, --help                this text
  --version                 the package version

Exit codes: 0 valid/allowed, 1 invalid/denied, 2 usage or input error.`;

class UsageError extends Error {}

const FLAGS = {
  jwks: 'value',
  discover: 'bool',
  issuer: 'list',
  audience: 'list',
  subject: 'value',
  algorithms: 'value',
  typ: 'value',
  'clock-tolerance': 'value',
  'max-token-age': 'value',
  'current-date': 'value',
  'required-claim': 'list',
  'allow-symmetric': 'bool',
  'allow-insecure': 'bool',
  policy: 'value',
  dialect: 'value',
  'octo-sts-domain': 'value',
  'octo-sts-anchoring': 'value',
  json: 'bool',
  help: 'bool',
};

function parseArgs(argv) {
  const flags = {};
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h') {
      flags.help = true;
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') {
      positional.push(arg);
      continue;
    }
    let [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    const kind = FLAGS[name];
    if (kind === undefined) throw new UsageError(`unknown option --${name}`);
    if (kind === 'bool') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    if (kind === 'list') (flags[name] ??= []).push(value);
    else if (flags[name] !== undefined) throw new UsageError(`--${name} given twice`);
    else flags[name] = value;
  }
  return { flags, positional };
}

function readStdin() {
  if (process.stdin.isTTY) throw new UsageError('no token: pass it as an argument or on standard input');
  try {
    return readFileSync(0, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read standard input: ${error.message}`);
  }
}

function tokenFrom(positional) {
  if (positional.length > 1) throw new UsageError(`expected one token, got ${positional.length} arguments`);
  const raw = positional.length === 0 || positional[0] === '-' ? readStdin() : positional[0];
  const token = raw.trim();
  if (token === '') throw new UsageError('the token is empty');
  return token;
}

function readInput(path, what) {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the ${what} ${path}: ${error.code ?? error.message}`);
  }
}

function currentDate(value) {
  if (value === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`--current-date: not a date: ${value}`);
  return ms / 1000;
}

function verifyOptions(flags) {
  const one = (list) => (list === undefined ? undefined : list.length === 1 ? list[0] : list);
  const opts = {
    issuer: one(flags.issuer),
    audience: one(flags.audience),
    subject: flags.subject,
    algorithms: flags.algorithms?.split(',').map((a) => a.trim()).filter(Boolean),
    typ: flags.typ,
    clockTolerance: flags['clock-tolerance'] === undefined ? undefined : durationFlag(flags['clock-tolerance']),
    maxTokenAge: flags['max-token-age'] === undefined ? undefined : durationFlag(flags['max-token-age']),
    currentDate: currentDate(flags['current-date']),
    requiredClaims: flags['required-claim'],
  };
  return Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
}

const durationFlag = (value) => (/^\d+(\.\d+)?$/.test(value) ? Number(value) : value);

function keysFrom(flags) {
  if (flags.discover) {
    if (flags.jwks !== undefined) throw new UsageError('--discover and --jwks exclude each other');
    if (flags.issuer?.length !== 1) throw new UsageError('--discover needs exactly one --issuer');
    return createRemoteJWKSet({ issuer: flags.issuer[0] }, { allowInsecure: flags['allow-insecure'] === true });
  }
  if (flags.jwks === undefined) throw new UsageError('--jwks <file|url> is required (or --issuer <url> --discover)');
  if (/^https?:\/\//i.test(flags.jwks)) {
    return createRemoteJWKSet(flags.jwks, { allowInsecure: flags['allow-insecure'] === true });
  }
  const text = readInput(flags.jwks, 'JWKS file');
  return KeySet.fromJwks(text, { allowSymmetric: flags['allow-symmetric'] === true });
}

// ---------------------------------------------------------------------------------------------------------------
// Human output

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (s) => (useColor ? `\x1b[${code}m${s}\x1b[0m` : s);
const green = paint(32);
const red = paint(31);
const dim = paint(2);
const yellow = paint(33);
const bold = paint(1);
const OK = green('ok  ');
const FAIL = red('FAIL');

function relative(seconds, now) {
  const delta = seconds - now;
  const abs = Math.abs(delta);
  const units = [
    [86400 * 365, 'year'],
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  const [size, unit] = units.find(([s]) => abs >= s) ?? [1, 'second'];
  const n = Math.floor(abs / size);
  const text = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return delta >= 0 ? `in ${text}` : `${text} ago`;
}

function humanTime(seconds, now) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return JSON.stringify(seconds);
  const date = new Date(seconds * 1000);
  const iso = Number.isNaN(date.getTime()) ? 'out of range' : date.toISOString().replace('.000Z', 'Z');
  return `${seconds}  ${iso}  (${relative(seconds, now)})`;
}

const TIME_CLAIMS = new Set(['exp', 'nbf', 'iat', 'auth_time', 'updated_at']);

function printObject(title, obj, now) {
  console.log(bold(title));
  const width = Math.min(24, Math.max(0, ...Object.keys(obj).map((k) => k.length)));
  for (const [k, v] of Object.entries(obj)) {
    const value = TIME_CLAIMS.has(k) ? humanTime(v, now) : typeof v === 'string' ? v : JSON.stringify(v);
    console.log(`  ${k.padEnd(width)}  ${value}`);
  }
}

function describeError(error) {
  const where = [
    error.claim && `claim ${error.claim}`,
    error.kid && `kid ${error.kid}`,
    error.alg && `alg ${error.alg}`,
    error.path && `at ${error.path}`,
    error.line && `line ${error.line}${error.column ? `, column ${error.column}` : ''}`,
    typeof error.position === 'number' && !error.line && `offset ${error.position}`,
  ].filter(Boolean).join(', ');
  const expected = error.expected !== undefined ? `; expected ${JSON.stringify(error.expected)}` : '';
  const actual = error.actual !== undefined ? `, got ${JSON.stringify(error.actual)}` : '';
  return `${error.code}${where ? ` (${where})` : ''}: ${error.message}${expected}${actual}`;
}

/** One line per check that ran, derived from the result and the options the caller asked for. */
function checkLines(result, options, now) {
  const lines = [];
  const stageOrder = ['decode', 'keys', 'signature', 'claims', 'policy', 'done'];
  const reached = stageOrder.indexOf(result.stage);
  const failedAt = result.ok ? -1 : reached;
  const line = (stageIndex, label, detail) => {
    if (failedAt !== -1 && stageIndex > failedAt) return;
    const failed = stageIndex === failedAt;
    lines.push(`  ${failed ? FAIL : OK}  ${label.padEnd(10)} ${failed ? describeError(result.error) : detail}`);
  };
  line(0, 'decode', `${result.header?.alg ?? ''} compact JWS`);
  const kid = result.key?.kid ?? result.header?.kid;
  line(1, 'key', result.key ? `kid ${kid ?? '(none)'} (${result.key.kty}, thumbprint ${result.key.thumbprint})` : `kid ${kid ?? '(none)'} selected`);
  line(2, 'signature', `${result.key?.alg ?? result.header?.alg ?? ''} verified`);
  if (failedAt === 3) {
    line(3, 'claims', '');
  } else if (failedAt === -1 || failedAt > 3) {
    const c = result.claims ?? {};
    if (c.exp !== undefined) lines.push(`  ${OK}  ${'exp'.padEnd(10)} expires ${humanTime(c.exp, now)}`);
    if (c.nbf !== undefined) lines.push(`  ${OK}  ${'nbf'.padEnd(10)} valid from ${humanTime(c.nbf, now)}`);
    if (c.iat !== undefined) lines.push(`  ${OK}  ${'iat'.padEnd(10)} issued ${humanTime(c.iat, now)}`);
    if (options.issuer !== undefined) lines.push(`  ${OK}  ${'iss'.padEnd(10)} ${c.iss} is expected`);
    if (options.audience !== undefined) lines.push(`  ${OK}  ${'aud'.padEnd(10)} ${JSON.stringify(c.aud)} contains an expected audience`);
    if (options.subject !== undefined) lines.push(`  ${OK}  ${'sub'.padEnd(10)} ${c.sub} is expected`);
    for (const claim of options.requiredClaims ?? []) lines.push(`  ${OK}  ${claim.padEnd(10)} present`);
  }
  if (result.policy !== undefined || failedAt === 4) {
    const decision = result.policy?.decision ?? 'deny';
    const reason = result.policy?.reason ?? '';
    // Some dialects' reasons already start with the decision ("implicit-deny: Vault would answer …").
    const text = reason.startsWith(decision) ? reason : `${decision}${reason ? `: ${reason}` : ''}`;
    lines.push(`  ${result.ok ? OK : FAIL}  ${'policy'.padEnd(10)} ${text}`);
  }
  return lines;
}

const DIALECT_NAMES = {
  aws: 'AWS IAM role trust policy',
  vault: 'HashiCorp Vault JWT role',
  'octo-sts': 'octo-sts trust policy',
  entra: 'Microsoft Entra federated identity credential',
  gcp: 'Google Cloud Workload Identity Federation provider',
};
const DOCUMENT_NAMES = { vault: 'role', 'octo-sts': 'trust policy', entra: 'credential', gcp: 'provider' };

/** One condition row: what was compared, as the dialect reads it, then the core's reason. */
function conditionLine(c) {
  const values = (list) => (list ?? []).map((v) => JSON.stringify(v)).join(', ');
  const claim = c.claim && c.claim !== c.key ? ` (claim ${c.claim})` : '';
  let what;
  switch (c.baseOperator) {
    case 'attributeMapping': // google.subject = "…" (from assertion.sub) is the reason itself
      what = `${c.operator} ${c.key}: ${c.tokenValues ? values(c.tokenValues) : 'no value'} from ${(c.policyValues ?? []).join(' ')}`;
      break;
    case 'attributeCondition':
      what = `${c.operator} ${c.key}: ${c.tokenValues ? values(c.tokenValues) : 'error'}`;
      break;
    case 'token_check':
      what = `${c.operator} ${c.key}: ${c.tokenValues ? values(c.tokenValues) : 'missing'}`;
      break;
    default:
      what = `${c.operator} ${c.key}${claim}: token ${c.tokenValues ? values(c.tokenValues) : 'missing'} vs ${values(c.policyValues)}`;
  }
  const unconfirmed = c.unconfirmed ? ` ${yellow(`[UNCONFIRMED ${c.unconfirmed}]`)}` : '';
  // A mapping's reason restates the line ("google.subject = … (from assertion.sub)") unless it failed.
  const reason = c.reason && !(c.baseOperator === 'attributeMapping' && c.matched) ? `\n          ${dim(c.reason)}` : '';
  return `    ${c.matched ? OK : FAIL}  ${what}${unconfirmed}${reason}`;
}

function printTrace(decision) {
  const dialect = decision.dialect ?? 'aws';
  console.log(bold(`Policy trace (${DIALECT_NAMES[dialect] ?? dialect})`));
  for (const s of decision.statements ?? []) {
    const matched = s.matched ?? (s.principalMatched && s.actionMatched && s.conditionsMatched);
    if (dialect === 'aws') {
      const name = s.sid ? `${s.index} "${s.sid}"` : `${s.index}`;
      console.log(`  statement ${name} ${s.effect}: ${matched ? green('matches') : red('does not match')}`);
      const element = (label, ok, trace) => console.log(`    ${ok ? OK : FAIL}  ${label}${trace?.reason ? `  ${dim(trace.reason)}` : ''}`);
      element('principal', s.principalMatched, s.principal);
      element('action', s.actionMatched, s.action);
    } else {
      // One document, no principal or action: its checks are the rows, in the service's order.
      const failed = (s.conditions ?? []).filter((c) => !c.matched).length;
      const name = `${DOCUMENT_NAMES[dialect] ?? 'document'}${s.sid ? ` "${s.sid}"` : ''}`;
      console.log(`  ${name}: ${matched ? green(`all ${s.conditions.length} checks pass`) : red(`${failed} of ${s.conditions.length} checks fail`)}`);
    }
    for (const c of s.conditions ?? []) console.log(conditionLine(c));
  }
  for (const lint of decision.lints ?? []) console.log(`  ${lint.severity} ${lint.code}: ${lint.message} ${dim(lint.path ?? '')}`);
  for (const w of decision.warnings ?? []) {
    console.log(`  ${yellow('UNCONFIRMED')} ${w.rule}${w.decisive ? ' (decisive)' : ''}: ${w.message} ${dim(w.path ?? '')}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Commands

function runDecode(token, flags) {
  const now = Date.now() / 1000;
  let decoded;
  try {
    decoded = decode(token);
  } catch (error) {
    if (!(error instanceof OidcTrustError)) throw error;
    if (flags.json) console.log(JSON.stringify({ ok: false, error: error.toJSON() }, null, 2));
    else console.log(`${FAIL}  ${describeError(error)}`);
    return 1;
  }
  if (flags.json) {
    console.log(JSON.stringify(decoded, null, 2));
  } else {
    printObject('Header', decoded.header, now);
    printObject('Claims', decoded.claims, now);
    console.log(dim('(decoded only: the signature and claims were not verified)'));
  }
  return 0;
}

async function runVerify(command, token, flags) {
  const options = verifyOptions(flags);
  const keys = keysFrom(flags);
  let policy;
  if (command === 'check') {
    if (flags.policy === undefined) throw new UsageError('check needs --policy <file>');
    const dialect = flags.dialect ?? 'auto';
    if (!['auto', 'aws', 'vault', 'octo-sts', 'entra', 'gcp'].includes(dialect)) {
      throw new UsageError(`--dialect: unknown dialect ${JSON.stringify(dialect)} (auto, aws, vault, octo-sts, entra or gcp)`);
    }
    // The octo-sts options belong to the compiled policy, so check() evaluates with them.
    const parseOptions = { dialect };
    if (flags['octo-sts-domain'] !== undefined) parseOptions.octoStsDomain = flags['octo-sts-domain'];
    if (flags['octo-sts-anchoring'] !== undefined) parseOptions.octoStsAnchoring = flags['octo-sts-anchoring'];
    try {
      policy = Policy.parse(readInput(flags.policy, 'policy file'), parseOptions);
    } catch (error) {
      // "ambiguous …; pass the dialect explicitly": say how, here.
      if (error instanceof OidcTrustError && /pass the dialect explicitly/.test(error.message)) error.message += ' with --dialect';
      throw error;
    }
  } else {
    for (const flag of ['policy', 'dialect', 'octo-sts-domain', 'octo-sts-anchoring']) {
      if (flags[flag] !== undefined) throw new UsageError(`--${flag} belongs to the check command`);
    }
  }
  const result = await checkAsync(token, { keys, ...options, ...(policy ? { policy } : {}) });
  // A JWKS file that does not parse is an input error, not a verdict on the token.
  if (result.stage === 'keys' && ['ERR_JWKS_INVALID'].includes(result.error?.code)) {
    throw new UsageError(`the JWKS does not parse: ${result.error.message}`);
  }
  const now = options.currentDate ?? Date.now() / 1000;
  if (flags.json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    if (result.header) printObject('Header', result.header, now);
    if (result.claims) printObject('Claims', result.claims, now);
    console.log(bold('Checks'));
    for (const l of checkLines(result, options, now)) console.log(l);
    if (result.policy) printTrace(result.policy);
    if (result.jwks) console.log(dim(`keys from ${result.jwks.uri}, fetched ${Math.round(result.jwks.age)} s ago${result.jwks.stale ? ' (STALE: the issuer did not answer)' : ''}`));
    const verdict = command === 'check' ? (result.ok ? 'ALLOWED' : result.stage === 'policy' ? 'DENIED' : 'INVALID') : result.ok ? 'VALID' : 'INVALID';
    console.log(result.ok ? green(bold(verdict)) : red(bold(verdict)));
  }
  return result.ok ? 0 : 1;
}

async function main(argv) {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version') {
    const require = createRequire(import.meta.url);
    console.log(require('../package.json').version);
    return 0;
  }
  const { flags, positional } = parseArgs(rest);
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (command === 'decode') return runDecode(tokenFrom(positional), flags);
  if (command === 'verify' || command === 'check') return runVerify(command, tokenFrom(positional), flags);
  throw new UsageError(`unknown command ${JSON.stringify(command)} (decode, verify or check)`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    const json = process.argv.includes('--json');
    const message = error instanceof UsageError || error instanceof OidcTrustError ? (error.code ? describeError(error) : error.message) : String(error?.stack ?? error);
    if (json) console.log(JSON.stringify({ ok: false, error: error instanceof OidcTrustError ? error.toJSON() : { code: 'ERR_USAGE', message: error.message } }, null, 2));
    console.error(`oidc-trust: ${message}`);
    if (error instanceof UsageError) console.error('Run "oidc-trust --help" for usage.');
    process.exitCode = 2;
  },
);

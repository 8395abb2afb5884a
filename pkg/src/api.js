// The public API, built on an initialised wasm-bindgen module.
//
// Every runtime entry (node.js, browser.js, deno.js, workerd.js) initialises the same wasm in the way its runtime
// allows and hands the module to `createApi`; everything a caller sees is defined here once. This layer only
// adapts JS conveniences (Dates, "5m" durations, classes, Error objects): every rule about tokens, keys, claims and
// policies lives in the Rust core, so no verdict is computed twice.

import { OidcTrustError, toOidcTrustError, invalidArgument } from './errors.js';
import { inputFor, verifiedReader } from './io.js';
import { createRemoteKeySets, remoteController } from './remote.js';
import { createAsyncApi, createTestIssuerFactory } from './verifier.js';

export { OidcTrustError };

// `call` is the single choke point between JS and wasm: whatever comes out of it is an `OidcTrustError`.
function call(fn) {
  try {
    return fn();
  } catch (thrown) {
    throw toOidcTrustError(thrown);
  }
}

// jose's duration grammar ("30s", "5 minutes", "1h", "2 days", …), so options copied from jose keep working.
const DURATION = /^(\d+|\d+\.\d+) ?(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)$/i;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31557600 };

function unitSeconds(unit) {
  const u = unit.toLowerCase();
  if (u.startsWith('mo')) return undefined;
  if (u === 'm' || u.startsWith('min')) return UNIT_SECONDS.m;
  return UNIT_SECONDS[u[0]];
}

/** Seconds from a number of seconds or a jose-style duration string; throws ERR_INVALID_ARGUMENT otherwise. */
export function toSeconds(value, option) {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw invalidArgument(`options.${option} must be a finite, non-negative number of seconds`, {
        path: `options.${option}`,
        actual: String(value),
      });
    }
    return value;
  }
  if (typeof value === 'string') {
    const match = DURATION.exec(value.trim());
    const unit = match && unitSeconds(match[2]);
    if (match && unit !== undefined) return Math.round(parseFloat(match[1]) * unit);
    throw invalidArgument(`options.${option} is not a duration: ${JSON.stringify(value)} (use seconds or e.g. "30s", "5m", "2h")`, {
      path: `options.${option}`,
      actual: value,
    });
  }
  throw invalidArgument(`options.${option} must be a number of seconds or a duration string`, {
    path: `options.${option}`,
    actual: typeof value,
  });
}

/** Epoch seconds (possibly fractional) from a Date or a number of epoch seconds. */
export function toEpochSeconds(value, option = 'currentDate') {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw invalidArgument(`options.${option} is an invalid Date`, { path: `options.${option}` });
    return ms / 1000;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw invalidArgument(`options.${option} must be a Date or a number of epoch seconds`, {
    path: `options.${option}`,
    actual: typeof value,
  });
}

// Options the JS layer owns; everything else is passed through for the core to validate.
const JS_ONLY_CHECK_OPTIONS = new Set(['jwks', 'keySet', 'keys', 'policy']);

function verifyOptionsForWasm(options, { dropCheckOptions = false } = {}) {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgument('options must be an object', { path: 'options', actual: Array.isArray(options) ? 'array' : typeof options });
  }
  const out = {};
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (dropCheckOptions && JS_ONLY_CHECK_OPTIONS.has(name)) continue;
    switch (name) {
      case 'clockTolerance':
      case 'maxTokenAge':
        out[name] = toSeconds(value, name);
        break;
      case 'currentDate':
        out[name] = toEpochSeconds(value, name);
        break;
      default:
        out[name] = value;
    }
  }
  return out;
}

function plainOptions(options, what) {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgument(`${what} options must be an object`, { path: 'options', actual: Array.isArray(options) ? 'array' : typeof options });
  }
  return options;
}

// Evaluate options go to the core as they are (it rejects unknown names and wrong types), except `currentDate`,
// which is a Date or epoch seconds here and epoch seconds there — the same conversion `verify` does.
function evaluateOptionsForWasm(options) {
  const opts = plainOptions(options, 'Policy.evaluate');
  if (opts === undefined || opts.currentDate === undefined) return opts;
  return { ...opts, currentDate: toEpochSeconds(opts.currentDate, 'currentDate') };
}

const textDecoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true });

function tokenString(token, code = 'ERR_JWS_INVALID') {
  if (typeof token === 'string') return token;
  if (token instanceof Uint8Array) {
    try {
      return textDecoder.decode(token);
    } catch {
      throw new OidcTrustError(code, 'the token bytes are not valid UTF-8');
    }
  }
  throw new OidcTrustError(code, `a compact JWS must be a string or a Uint8Array, got ${token === null ? 'null' : typeof token}`);
}

const DECISIONS = ['allow', 'deny', 'implicit-deny'];
const isEnumerable = Object.prototype.propertyIsEnumerable;
// A string with a lone surrogate goes as JSON, which the core refuses exactly as it would in a whole claims object.
const isWellFormed = String.prototype.isWellFormed ?? (() => false);

/**
 * The members of `claims` named in `names` (the core's `claimsRead`), in the form `decideInput` reads: per member
 * present as `JSON.stringify(claims)` would have written it (own, enumerable, not undefined or a function), one
 * character each for its index in `names`, its tag (0: the string itself, 1: JSON text) and its length in two
 * 15-bit halves, then the text. A missing claim has no entry, so it stays missing. Undefined when the claims
 * object's own `toJSON` decides what it serializes to (then the whole object goes, as JSON).
 */
function encodeClaims(claims, names) {
  if (typeof claims.toJSON === 'function') return undefined;
  let out = '';
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (!isEnumerable.call(claims, name)) continue;
    const value = claims[name];
    let tag = 0;
    let text = value;
    if (typeof value !== 'string' || !isWellFormed.call(value)) {
      if (value !== null && typeof value === 'object' && typeof value.toJSON === 'function') {
        // toJSON receives the member name, exactly as inside the whole object.
        const member = JSON.stringify({ [name]: value });
        if (member === '{}') continue;
        text = member.slice(JSON.stringify(name).length + 2, -1);
      } else {
        text = JSON.stringify(value);
        if (text === undefined) continue;
      }
      tag = 1;
    }
    const length = text.length;
    // The entry's head from cached pieces: a new 4-character string per claim was a tenth of a decision.
    out += (HEADS[i * 2 + tag] ??= String.fromCharCode(i, tag)) + (length < SHORT ? (SHORT_LENGTHS[length] ??= String.fromCharCode(0, length)) : String.fromCharCode(length >>> 15, length & 0x7fff)) + text;
  }
  return out;
}

// `[index][tag]` heads and the two-character lengths of short values, each made on first use.
const HEADS = [];
const SHORT = 1024;
const SHORT_LENGTHS = [];

// Handed out by `createApi` so that instances are only made through the static factories.
const CONSTRUCT = Symbol('oidc-trust.construct');

const BACKENDS = ['auto', 'native', 'wasm'];

/**
 * Builds the public API on an initialised wasm-bindgen module (the `--target web` glue after `initSync`/`init`).
 * @param {any} wasm
 * @param {{ native?: { attach: (inner: any, algNames: readonly string[]) => number, auto: boolean } }} [runtime]
 *   what the runtime offers beyond wasm: the Node entry (also Bun's) passes pkg/src/native.js (`attach`) and whether
 *   `backend: 'auto'` (the default) uses it there
 */
export function createApi(wasm, runtime = {}) {
  const innerKeySets = new WeakMap();
  const innerPolicies = new WeakMap();
  const native = runtime.native;
  const withInput = inputFor(wasm);
  const readVerified = verifiedReader();
  let algNames;

  // The signature backend of a new key set: `auto` is native where the entry says the runtime's node:crypto has
  // passed the differential tests (Node, Bun), wasm elsewhere; `native` insists; `wasm` is the pure reference.
  function chooseBackend(inner, backend) {
    if (!BACKENDS.includes(backend)) {
      throw invalidArgument(`options.backend must be 'auto', 'native' or 'wasm', got ${JSON.stringify(backend)}`, {
        path: 'options.backend',
        expected: BACKENDS,
        actual: String(backend),
      });
    }
    if (backend === 'wasm' || (backend === 'auto' && !native?.auto)) return;
    if (native === undefined) {
      throw new OidcTrustError('ERR_JOSE_NOT_SUPPORTED', "backend 'native' needs Node's or Bun's synchronous node:crypto; use 'auto' or 'wasm' here", {
        path: 'options.backend',
      });
    }
    algNames ??= wasm.algorithmNames();
    native.attach(inner, algNames);
  }

  class KeySet {
    #keys;
    #rejected;

    constructor(token, inner) {
      if (token !== CONSTRUCT) throw invalidArgument('use KeySet.fromJwks(jwks) to create a KeySet');
      innerKeySets.set(this, inner);
    }

    /**
     * Parses a JWKS (JSON text or object) once. Bad keys are listed in `rejected`, not thrown.
     * @param {string | object} jwks
     * @param {{ allowSymmetric?: boolean, backend?: 'auto' | 'native' | 'wasm' }} [options]
     */
    static fromJwks(jwks, options) {
      if (typeof jwks !== 'string' && (jwks === null || typeof jwks !== 'object')) {
        throw new OidcTrustError('ERR_JWKS_INVALID', `a JWKS must be a JSON string or an object, got ${jwks === null ? 'null' : typeof jwks}`);
      }
      const { backend = 'auto', ...opts } = plainOptions(options, 'KeySet.fromJwks') ?? {};
      const inner = call(() => wasm.WasmKeySet.fromJwks(jwks, opts));
      try {
        chooseBackend(inner, backend);
      } catch (error) {
        inner.free();
        throw toOidcTrustError(error);
      }
      return new KeySet(CONSTRUCT, inner);
    }

    /** @returns {'native' | 'wasm'} where this set's signatures are checked */
    get backend() {
      return innerKeySets.get(this).backend === 'native' ? 'native' : 'wasm';
    }

    /** @returns {readonly object[]} `{ kid, kty, alg, use, crv, thumbprint }` of each usable key */
    get keys() {
      this.#keys ??= Object.freeze(call(() => innerKeySets.get(this).keys()).map((k) => Object.freeze(k)));
      return this.#keys;
    }

    /** @returns {readonly object[]} `{ index, kid, code, reason }` of each key that was skipped */
    get rejected() {
      this.#rejected ??= Object.freeze(call(() => innerKeySets.get(this).rejected()).map((k) => Object.freeze(k)));
      return this.#rejected;
    }

    get [Symbol.toStringTag]() {
      return 'KeySet';
    }
  }

  class Policy {
    #lints;
    #claimsRead;
    #decidePlain;

    constructor(token, inner) {
      if (token !== CONSTRUCT) throw invalidArgument('use Policy.parse(document) to create a Policy');
      innerPolicies.set(this, inner);
    }

    /**
     * Compiles a trust policy document once: JSON text or an object (and, for octo-sts, YAML text).
     * @param {string | object} doc
     * @param {{ dialect?: 'auto' | 'aws' | 'vault' | 'octo-sts' | 'entra' | 'gcp' }} [options]
     */
    static parse(doc, options) {
      if (typeof doc !== 'string' && (doc === null || typeof doc !== 'object')) {
        throw new OidcTrustError('ERR_POLICY_INVALID', `a policy must be a JSON string or an object, got ${doc === null ? 'null' : typeof doc}`, { path: '$' });
      }
      const opts = plainOptions(options, 'Policy.parse');
      return new Policy(CONSTRUCT, call(() => wasm.WasmPolicy.parse(doc, opts)));
    }

    get dialect() {
      return call(() => innerPolicies.get(this).dialect);
    }

    get lints() {
      this.#lints ??= Object.freeze(call(() => innerPolicies.get(this).lints()));
      return this.#lints;
    }

    /**
     * Evaluates the policy on a token's (already verified) claims.
     * @param {object} claims
     * @param {{ issuer?: string, currentDate?: Date | number, octoStsDomain?: string, octoStsAnchoring?: 'legacy' | 'grouped' }} [options]
     */
    evaluate(claims, options) {
      if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
        throw invalidArgument('Policy.evaluate needs the claims object of a token', { path: 'claims' });
      }
      const opts = evaluateOptionsForWasm(options);
      return call(() => innerPolicies.get(this).evaluate(claims, opts));
    }

    /**
     * The decision alone — `'allow'`, `'deny'` or `'implicit-deny'`, the same as `evaluate(…).decision` — without
     * building the trace: for deciding many tokens quickly.
     * @param {object} claims
     * @param {{ issuer?: string }} [options]
     */
    decide(claims, options) {
      if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
        throw invalidArgument('Policy.decide needs the claims object of a token', { path: 'claims' });
      }
      // Without options only integers cross the boundary, through a function made once per policy; the common
      // call (no options, after the first) needs neither the options check nor the inner policy.
      let plain = options === undefined ? this.#decidePlain : undefined;
      let opts;
      let inner;
      if (plain === undefined) {
        opts = plainOptions(options, 'Policy.decide');
        inner = innerPolicies.get(this);
        // Only the claims this policy can read cross into wasm (the core names them once; null: all of them).
        if (this.#claimsRead === undefined) this.#claimsRead = call(() => inner.claimsRead()) ?? null;
        if (opts === undefined && this.#claimsRead !== null) plain = this.#decidePlain = (len) => inner.decideInputPlain(len);
      }
      let text;
      try {
        text = this.#claimsRead === null ? undefined : encodeClaims(claims, this.#claimsRead);
      } catch {
        throw invalidArgument('the claims cannot be serialized as JSON (cyclic or too deep)');
      }
      if (text === undefined) return call(() => (inner ?? innerPolicies.get(this)).decide(claims, opts));
      if (plain === undefined) return DECISIONS[call(() => withInput(text, (len) => inner.decideInput(len, opts)))];
      try {
        return DECISIONS[withInput(text, plain)];
      } catch (thrown) {
        throw toOidcTrustError(thrown);
      }
    }

    get [Symbol.toStringTag]() {
      return 'Policy';
    }
  }

  function innerKeySet(keySet, fn) {
    if (remoteController(keySet) !== undefined) {
      throw invalidArgument(
        `${fn} is synchronous and cannot fetch a remote key set: use ${fn}Async (or createVerifier(…).${fn}Async), or pass remoteKeySet.current(), its loaded snapshot`,
        { path: 'keySet' },
      );
    }
    const inner = keySet !== null && typeof keySet === 'object' ? innerKeySets.get(keySet) : undefined;
    if (inner === undefined) {
      throw invalidArgument(`${fn} needs a KeySet from KeySet.fromJwks(jwks)`, { path: 'keySet' });
    }
    return inner;
  }

  /** Decodes a compact JWT without verifying it. */
  function decode(token, options) {
    const t = tokenString(token);
    const opts = plainOptions(options, 'decode');
    return call(() => withInput(t, (len) => wasm.decode(len, opts)));
  }

  /** Verifies a JWT's signature against `keySet` and its claims against `options`. */
  function verify(token, keySet, options) {
    const inner = innerKeySet(keySet, 'verify');
    const t = tokenString(token);
    const opts = verifyOptionsForWasm(options);
    return readVerified(call(() => withInput(t, (len) => wasm.verifyInput(len, inner, opts))));
  }

  /** Verifies a compact JWS of any payload (no JWT claim rules). */
  function compactVerify(jws, keySet, options) {
    const inner = innerKeySet(keySet, 'compactVerify');
    const t = tokenString(jws);
    const opts = verifyOptionsForWasm(options);
    return call(() => withInput(t, (len) => wasm.compactVerify(len, inner, opts)));
  }

  /**
   * Decode, keys, signature, claims and policy as one result. A bad token (or a JWKS that does not parse) is a
   * result with `ok: false` and the failing `stage`; only API misuse (and a malformed policy) throws.
   */
  function check(token, options) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw invalidArgument('check(token, options) needs options with `jwks` or `keySet`', { path: 'options' });
    }
    const { jwks, policy } = options;
    if ([options.keys, options.keySet, jwks].filter((v) => v !== undefined).length > 1) {
      throw invalidArgument('check(token, options) takes one of `keys`, `keySet` or `jwks`', { path: 'options' });
    }
    // `keys` is the name the async API and createVerifier use; here it must be a KeySet.
    const keySet = options.keySet ?? options.keys;
    if (keySet === undefined && jwks === undefined) {
      throw invalidArgument('check(token, options) needs `jwks` or `keySet`', { path: 'options' });
    }
    const inner = keySet === undefined ? undefined : innerKeySet(keySet, 'check');
    let policyInner;
    if (policy !== undefined) policyInner = innerPolicies.get(policy instanceof Policy ? policy : Policy.parse(policy));
    const opts = verifyOptionsForWasm(options, { dropCheckOptions: true });

    let t;
    try {
      t = tokenString(token);
    } catch (error) {
      return { ok: false, stage: 'decode', error: errorData(error) };
    }
    // The core reports a JWKS that fails to parse as stage `keys`, the same way for every caller.
    if (inner !== undefined) {
      return call(() => withInput(t, (len) => (policyInner ? policyInner.checkWithKeySet(len, inner, opts) : wasm.checkWithKeySet(len, inner, opts))));
    }
    return call(() => withInput(t, (len) => (policyInner ? policyInner.checkWithJwks(len, jwks, opts) : wasm.checkWithJwks(len, jwks, opts))));
  }

  const innerPolicy = (policy) => innerPolicies.get(policy);
  const { createRemoteJWKSet } = createRemoteKeySets({ KeySet, toSeconds });
  const { verifyAsync, checkAsync, createVerifier } = createAsyncApi({
    wasm,
    call,
    verify,
    check,
    Policy,
    innerKeySet,
    innerPolicy,
    verifyOptionsForWasm,
    tokenString,
    errorData,
    withInput,
  });
  const createTestIssuer = createTestIssuerFactory({ wasm, call });

  return {
    decode,
    verify,
    compactVerify,
    check,
    verifyAsync,
    checkAsync,
    createVerifier,
    createRemoteJWKSet,
    createTestIssuer,
    KeySet,
    Policy,
    OidcTrustError,
  };
}

// `check` reports failures as data (`{ code, message, ...details }`), the same shape the core's check returns.
function errorData(error) {
  if (!(error instanceof OidcTrustError)) return { code: 'ERR_INTERNAL', message: String(error) };
  const { name: _name, ...data } = error.toJSON();
  return data;
}

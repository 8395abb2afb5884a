// The asynchronous API (`verifyAsync`, `checkAsync`) and `createVerifier`: the same core calls as the synchronous
// API, plus what only JS can do — await a remote key set, refetch once when a token names a key the snapshot lacks,
// and report how old (or stale) the keys were.

import { OidcTrustError, invalidArgument } from './errors.js';
import { verifiedReader } from './io.js';
import { remoteController } from './remote.js';

const NO_MATCHING_KEY = 'ERR_JWKS_NO_MATCHING_KEY';

function outcomeOf(fn) {
  try {
    return { value: fn() };
  } catch (error) {
    return { error };
  }
}

const unknownKid = (outcome) =>
  outcome.error?.code === NO_MATCHING_KEY || (outcome.value?.ok === false && outcome.value.error?.code === NO_MATCHING_KEY);

/**
 * Runs `attempt(keySet)` with a local `KeySet`, or with a remote set's snapshot: when the token names an unknown
 * key, one refetch (subject to the cooldown) and one retry. Returns `{ outcome, status }`.
 */
async function withKeys(keys, attempt) {
  const remote = remoteController(keys);
  if (remote === undefined) return { outcome: outcomeOf(() => attempt(keys)), status: undefined };
  let snap = await remote.get();
  let outcome = outcomeOf(() => attempt(snap.keySet));
  if (unknownKid(outcome)) {
    const next = await remote.afterUnknownKid(snap);
    if (next !== snap) {
      snap = next;
      outcome = outcomeOf(() => attempt(snap.keySet));
    }
  }
  return { outcome, status: remote.status(snap) };
}

function settle({ outcome, status }) {
  if (outcome.error) {
    if (status !== undefined && outcome.error instanceof OidcTrustError) outcome.error.jwks = status;
    throw outcome.error;
  }
  return status === undefined ? outcome.value : { ...outcome.value, jwks: status };
}

/**
 * @param {object} deps what `createApi` shares: the sync API and the accessors for the wasm objects
 */
export function createAsyncApi({ wasm, call, verify, check, Policy, innerKeySet, innerPolicy, verifyOptionsForWasm, tokenString, errorData, withInput }) {
  function requireKeys(keys, fn) {
    if (remoteController(keys) !== undefined) return;
    innerKeySet(keys, fn);
  }

  /** `verify` for a `KeySet` or a remote key set; fetches the remote keys as needed. */
  async function verifyAsync(token, keys, options) {
    requireKeys(keys, 'verifyAsync');
    return settle(await withKeys(keys, (keySet) => verify(token, keySet, options)));
  }

  /** `check` with `keys` (a `KeySet` or a remote key set), `keySet` or `jwks`; fetches the remote keys as needed. */
  async function checkAsync(token, options) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw invalidArgument('checkAsync(token, options) needs options with `keys`, `keySet` or `jwks`', { path: 'options' });
    }
    const { keys, ...rest } = options;
    if (keys === undefined || remoteController(keys) === undefined) {
      return check(token, keys === undefined ? options : { ...rest, keySet: keys });
    }
    if (rest.keySet !== undefined || rest.jwks !== undefined) {
      throw invalidArgument('checkAsync takes one of `keys`, `keySet` or `jwks`', { path: 'options' });
    }
    // The policy is compiled once, not once per attempt.
    const policy = rest.policy === undefined || rest.policy instanceof Policy ? rest.policy : Policy.parse(rest.policy);
    return settle(await withKeys(keys, (keySet) => check(token, { ...rest, policy, keySet })));
  }

  /**
   * Options (and a policy) parsed once; `verify`, `verifyAsync`, `check`, `checkAsync` for one token each.
   * `cache: { maxEntries }` remembers verified tokens (see the core's `Verifier`).
   */
  function createVerifier(config) {
    if (config === null || typeof config !== 'object' || Array.isArray(config)) {
      throw invalidArgument('createVerifier({ keys, ...verifyOptions }) needs an options object', { path: 'options' });
    }
    const { keys, policy, cache, ...verifyOptions } = config;
    if (keys === undefined) throw invalidArgument('createVerifier needs `keys`: a KeySet or a remote key set', { path: 'options.keys' });
    requireKeys(keys, 'createVerifier');
    let cacheArgs;
    if (cache === true) cacheArgs = {};
    else if (cache !== undefined && cache !== false) {
      if (cache === null || typeof cache !== 'object' || Array.isArray(cache)) {
        throw invalidArgument('options.cache must be true or { maxEntries }', { path: 'options.cache' });
      }
      cacheArgs = cache;
    }
    const inner = call(() => wasm.WasmVerifier.create(verifyOptionsForWasm(verifyOptions) ?? {}, cacheArgs));
    const compiled = policy === undefined ? undefined : innerPolicy(policy instanceof Policy ? policy : Policy.parse(policy));

    // A local key set is resolved once; a remote one per call (its snapshot changes).
    const local = remoteController(keys) === undefined ? innerKeySet(keys, 'createVerifier') : undefined;
    const index = cacheArgs === undefined ? undefined : createResultIndex(inner, call);
    const readVerified = verifiedReader();

    const verifyWith = (token, keySet) => {
      const ks = keySet === keys && local !== undefined ? local : innerKeySet(keySet, 'verify');
      const t = tokenString(token);
      if (index === undefined) return readVerified(call(() => withInput(t, (len) => inner.verifyInput(len, ks))));
      const hit = index.hit(t, ks);
      if (hit !== undefined) return hit;
      const result = deepFreeze(readVerified(call(() => withInput(t, (len) => inner.verifyInput(len, ks)))));
      index.remember(t, result);
      return result;
    };
    const checkWith = (token, keySet) => {
      const ks = innerKeySet(keySet, 'check');
      let t;
      try {
        t = tokenString(token);
      } catch (error) {
        return { ok: false, stage: 'decode', error: errorData(error) };
      }
      return call(() => withInput(t, (len) => (compiled === undefined ? inner.check(len, ks) : inner.checkWithPolicy(len, ks, compiled))));
    };

    return Object.freeze({
      /** Synchronous; needs a local `KeySet` (a remote set: use verifyAsync). */
      verify: (token) => verifyWith(token, keys),
      verifyAsync: async (token) => settle(await withKeys(keys, (keySet) => verifyWith(token, keySet))),
      check: (token) => checkWith(token, keys),
      checkAsync: async (token) => settle(await withKeys(keys, (keySet) => checkWith(token, keySet))),
      /** `{ hits, misses, size }` of the verified-token cache, or null without one. */
      cacheStats: () => call(() => inner.cacheStats()),
      clearCache: () => {
        call(() => inner.clearCache());
        index?.clear();
      },
    });
  }

  return { verifyAsync, checkAsync, createVerifier };
}

// Slot value meaning "the cache did not keep this token" (u32::MAX on the Rust side).
const NO_SLOT = 0xffffffff;

/**
 * The verified-token cache's JS half: token string → the result object already built for it, with the cache
 * slot and generation the core stored the token under. Only JS can hold JS objects and look a JS string up
 * without copying it into wasm memory; the decision stays in the core, which `revalidate` asks on every hit
 * (the slot still holds that token, its key is still in the set, every claim rule passes at this moment). The
 * key is the whole token string. Each slot has at most one entry here (a slot's new token replaces the old one),
 * so this index is bounded by the core's `maxEntries` and holds nothing the core has let go of for long.
 */
function createResultIndex(inner, call) {
  const byToken = new Map();
  const occupants = [];

  function forget(token, entry) {
    byToken.delete(token);
    if (occupants[entry.slot] === token) occupants[entry.slot] = undefined;
  }

  return {
    /** The cached result when the core says it still stands; undefined for a miss (verify it again). */
    hit(token, ks) {
      const entry = byToken.get(token);
      if (entry === undefined) return undefined;
      let valid = false;
      try {
        valid = call(() => inner.revalidate(entry.slot, entry.generation, ks));
      } finally {
        if (!valid) forget(token, entry);
      }
      return valid ? entry.result : undefined;
    },
    /** After a miss: where the core keeps the token now, next to its result. */
    remember(token, result) {
      const slot = inner.lastSlot;
      if (slot === NO_SLOT) return;
      const previous = occupants[slot];
      if (previous !== undefined && byToken.get(previous)?.slot === slot) byToken.delete(previous);
      occupants[slot] = token;
      byToken.set(token, { slot, generation: inner.lastGeneration, result });
    },
    clear() {
      byToken.clear();
      occupants.length = 0;
    },
  };
}

/** Results shared between hits are frozen all the way down, so no caller can change what the next one gets. */
function deepFreeze(value) {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze(value[key]);
  }
  return value;
}

/** A throw-away issuer (ES256, EdDSA or RS256) for tests and the playground. Never for production tokens. */
export function createTestIssuerFactory({ wasm, call }) {
  return function createTestIssuer(options) {
    const inner = call(() => wasm.WasmTestIssuer.create(options ?? {}));
    const jwks = call(() => inner.jwks());
    const key = jwks.keys[0];
    return Object.freeze({
      alg: key.alg,
      kid: key.kid,
      /** The public JWKS (one key). */
      jwks,
      /** Signs `claims` (and extra header parameters) into a compact JWT. */
      sign: (claims, header) => call(() => inner.sign(claims, header)),
    });
  };
}

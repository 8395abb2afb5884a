// Remote key sets: an issuer's JWKS fetched over HTTPS, cached, refreshed and rotated — the part that must be JS
// (fetch, timers, promises). Parsing and every verdict stay in the wasm core: a fetched JWKS becomes an ordinary
// `KeySet` snapshot, and verification runs on that snapshot exactly as on a local one.
//
// The URL comes from the caller (or the issuer's discovery document), never from a token.

import { OidcTrustError, invalidArgument } from './errors.js';

const DEFAULTS = { timeout: 5, maxAge: 600, cooldown: 30, maxStale: 3600 };
/** Largest JWKS or discovery document accepted, in bytes: a key set is a few KiB. */
const MAX_BODY_BYTES = 1 << 20;
const DISCOVERY_PATH = '/.well-known/openid-configuration';

const controllers = new WeakMap();

/** The controller behind a public remote key set, or undefined for anything else. */
export function remoteController(value) {
  return value !== null && typeof value === 'object' ? controllers.get(value) : undefined;
}

function httpUrl(value, what, allowInsecure) {
  let url;
  try {
    url = new URL(value instanceof URL ? value.href : value);
  } catch {
    throw invalidArgument(`${what} is not a URL: ${JSON.stringify(String(value))}`, { path: what, actual: String(value) });
  }
  if (url.protocol !== 'https:' && !(allowInsecure && url.protocol === 'http:')) {
    throw invalidArgument(`${what} must be an https: URL (http: only with allowInsecure, for loopback tests), got ${url.protocol}`, {
      path: what,
      actual: url.href,
    });
  }
  return url;
}

/** `max-age` of a Cache-Control header in seconds, 0 for `no-store`/`no-cache`, or undefined. */
export function cacheControlMaxAge(header) {
  if (typeof header !== 'string') return undefined;
  let maxAge;
  for (const directive of header.toLowerCase().split(',')) {
    const [name, value] = directive.trim().split('=');
    if (name === 'no-store' || name === 'no-cache') return 0;
    if (name === 'max-age' && /^"?\d+"?$/.test(value ?? '')) maxAge = Number(value.replaceAll('"', ''));
  }
  return maxAge;
}

async function readBody(response, url) {
  const length = Number(response.headers.get('content-length'));
  if (length > MAX_BODY_BYTES) {
    throw new OidcTrustError('ERR_JWKS_INVALID', `${url} sent ${length} bytes; the limit is ${MAX_BODY_BYTES}`, { url });
  }
  if (!response.body || typeof response.body.getReader !== 'function') return response.text();
  const reader = response.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      throw new OidcTrustError('ERR_JWKS_INVALID', `${url} sent more than ${MAX_BODY_BYTES} bytes`, { url });
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new OidcTrustError('ERR_JWKS_INVALID', `${url} sent a body that is not UTF-8`, { url });
  }
}

/**
 * @param {{ KeySet: any, toSeconds: (value: unknown, option: string) => number }} deps
 */
export function createRemoteKeySets({ KeySet, toSeconds }) {
  class Controller {
    constructor(source, options) {
      const opts = options ?? {};
      if (typeof opts !== 'object' || Array.isArray(opts)) throw invalidArgument('createRemoteJWKSet options must be an object', { path: 'options' });
      const known = new Set(['timeout', 'maxAge', 'cooldown', 'maxStale', 'allowInsecure', 'headers', 'fetch', 'persist']);
      for (const name of Object.keys(opts)) {
        if (!known.has(name)) throw invalidArgument(`unknown createRemoteJWKSet option ${JSON.stringify(name)}`, { path: `options.${name}` });
      }
      this.allowInsecure = opts.allowInsecure === true;
      const ms = (name) => toSeconds(opts[name] ?? DEFAULTS[name], name) * 1000;
      this.timeoutMs = ms('timeout');
      this.maxAgeMs = ms('maxAge');
      this.cooldownMs = ms('cooldown');
      this.maxStaleMs = ms('maxStale');
      this.headers = opts.headers ?? {};
      this.fetch = opts.fetch ?? globalThis.fetch?.bind(globalThis);
      if (typeof this.fetch !== 'function') throw invalidArgument('no fetch() in this runtime: pass options.fetch', { path: 'options.fetch' });
      if (opts.persist !== undefined && (typeof opts.persist?.load !== 'function' || typeof opts.persist?.save !== 'function')) {
        throw invalidArgument('options.persist needs load() and save(snapshot)', { path: 'options.persist' });
      }
      this.persist = opts.persist;

      if (source !== null && typeof source === 'object' && !(source instanceof URL)) {
        if (typeof source.issuer !== 'string') throw invalidArgument('createRemoteJWKSet({ issuer }) needs the issuer as a string', { path: 'issuer' });
        httpUrl(source.issuer, 'issuer', this.allowInsecure);
        this.issuer = source.issuer;
        this.jwksUri = undefined;
        this.source = source.issuer;
      } else {
        this.jwksUri = httpUrl(source, 'url', this.allowInsecure).href;
        this.issuer = undefined;
        this.source = this.jwksUri;
      }

      this.snapshot = undefined;
      this.lastAttempt = -Infinity;
      this.lastError = undefined;
      this.inflight = undefined;
      this.persistLoaded = this.persist === undefined;
    }

    // -------------------------------------------------------------------------------------------------------------
    // HTTP

    async getText(url) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.timeoutMs);
      try {
        const request = () =>
          this.fetch(url, { headers: { accept: 'application/json', ...this.headers }, signal: controller.signal, redirect: 'follow' });
        // A pooled keep-alive connection the server has closed fails at once ("other side closed"): the GET is
        // idempotent, so it is sent once more on a fresh connection, within the same timeout.
        const response = await request().catch((error) => {
          if (controller.signal.aborted) throw error;
          return request();
        });
        if (response.url && !this.allowInsecure && !response.url.startsWith('https:')) {
          throw new OidcTrustError('ERR_JWKS_FETCH_FAILED', `GET ${url} was redirected to a non-https URL`, { url, actual: response.url });
        }
        if (!response.ok) {
          await response.body?.cancel?.().catch(() => {});
          throw new OidcTrustError('ERR_JWKS_FETCH_FAILED', `GET ${url} answered HTTP ${response.status}`, { url, status: response.status });
        }
        const text = await readBody(response, url);
        return { text, maxAge: cacheControlMaxAge(response.headers.get('cache-control')) };
      } catch (error) {
        if (error instanceof OidcTrustError) throw error;
        if (controller.signal.aborted) {
          throw new OidcTrustError('ERR_JWKS_TIMEOUT', `GET ${url} took longer than ${this.timeoutMs / 1000}s`, { url, cause: error });
        }
        throw new OidcTrustError('ERR_JWKS_FETCH_FAILED', `GET ${url} failed: ${error?.message ?? error}`, { url, cause: error });
      } finally {
        clearTimeout(timer);
      }
    }

    /** OIDC discovery: `<issuer>/.well-known/openid-configuration` → `jwks_uri`, with the issuer checked. */
    async discover() {
      const url = this.issuer.replace(/\/+$/, '') + DISCOVERY_PATH;
      const { text } = await this.getText(url);
      let doc;
      try {
        doc = JSON.parse(text);
      } catch (error) {
        throw new OidcTrustError('ERR_DISCOVERY_INVALID', `${url} is not JSON: ${error.message}`, { url });
      }
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
        throw new OidcTrustError('ERR_DISCOVERY_INVALID', `${url} is not a JSON object`, { url });
      }
      if (doc.issuer !== this.issuer) {
        throw new OidcTrustError('ERR_DISCOVERY_INVALID', `${url} names the issuer ${JSON.stringify(doc.issuer)}, expected ${JSON.stringify(this.issuer)}`, {
          url,
          claim: 'issuer',
          expected: this.issuer,
          actual: doc.issuer,
        });
      }
      if (typeof doc.jwks_uri !== 'string') {
        throw new OidcTrustError('ERR_DISCOVERY_INVALID', `${url} has no jwks_uri`, { url, claim: 'jwks_uri' });
      }
      try {
        return httpUrl(doc.jwks_uri, 'jwks_uri', this.allowInsecure).href;
      } catch (error) {
        throw new OidcTrustError('ERR_DISCOVERY_INVALID', `${url}: ${error.message}`, { url, claim: 'jwks_uri', actual: doc.jwks_uri });
      }
    }

    async fetchSnapshot() {
      const uri = this.issuer === undefined ? this.jwksUri : await this.discover();
      const { text, maxAge } = await this.getText(uri);
      let keySet;
      try {
        keySet = KeySet.fromJwks(text);
      } catch (error) {
        throw new OidcTrustError('ERR_JWKS_INVALID', `${uri}: ${error.message}`, { url: uri, line: error.line, column: error.column, cause: error });
      }
      const fetchedAt = Date.now();
      // Never fresher than the cooldown allows a refetch; never longer than the server or the caller allows.
      const lifetime = Math.max(this.cooldownMs, Math.min(this.maxAgeMs, maxAge === undefined ? Infinity : maxAge * 1000));
      this.jwksUri = uri;
      return { keySet, jwks: text, uri, fetchedAt, freshUntil: fetchedAt + lifetime };
    }

    // -------------------------------------------------------------------------------------------------------------
    // Persistence across cold starts

    async loadPersisted() {
      if (this.persistLoaded) return;
      this.persistLoaded = true;
      let saved;
      try {
        saved = await this.persist.load();
      } catch {
        return; // a cache store that is down must not stop verification: the issuer is asked instead
      }
      if (!saved || typeof saved !== 'object' || saved.source !== this.source || typeof saved.jwks !== 'string') return;
      if (!Number.isFinite(saved.fetchedAt) || !Number.isFinite(saved.expiresAt)) return;
      try {
        const fetchedAt = saved.fetchedAt * 1000;
        // A clock that moved backwards, or a forged far-future expiry, cannot extend the caller's max age.
        const freshUntil = Math.min(saved.expiresAt * 1000, fetchedAt + Math.max(this.maxAgeMs, this.cooldownMs));
        if (this.snapshot === undefined && fetchedAt <= Date.now()) {
          this.snapshot = { keySet: KeySet.fromJwks(saved.jwks), jwks: saved.jwks, uri: saved.uri, fetchedAt, freshUntil };
          if (typeof saved.uri === 'string') this.jwksUri ??= saved.uri;
        }
      } catch {
        // An unusable saved JWKS is ignored: the issuer is asked instead.
      }
    }

    async savePersisted(snap) {
      if (this.persist === undefined) return;
      try {
        await this.persist.save({
          version: 1,
          source: this.source,
          uri: snap.uri,
          jwks: snap.jwks,
          fetchedAt: snap.fetchedAt / 1000,
          expiresAt: snap.freshUntil / 1000,
        });
      } catch {
        // Persisting is an optimisation for the next cold start; failing to is not a verification failure.
      }
    }

    // -------------------------------------------------------------------------------------------------------------
    // Refresh policy

    usable(snap, now) {
      return snap !== undefined && now <= snap.freshUntil + this.maxStaleMs;
    }

    /**
     * Fetches a new snapshot unless the cooldown forbids it (`force` skips the cooldown). Concurrent callers share
     * one request. On failure a snapshot within `maxStale` is served; `strict` throws instead.
     */
    refresh({ force = false, strict = false } = {}) {
      if (this.inflight) return this.inflight.then((snap) => snap, (error) => (strict ? Promise.reject(error) : this.fallback(error)));
      const now = Date.now();
      if (!force && now - this.lastAttempt < this.cooldownMs) {
        if (this.usable(this.snapshot, now)) return Promise.resolve(this.snapshot);
        return Promise.reject(this.lastError ?? new OidcTrustError('ERR_JWKS_FETCH_FAILED', `no key set from ${this.source} yet`, { url: this.source }));
      }
      this.lastAttempt = now;
      const attempt = (async () => {
        try {
          const snap = await this.fetchSnapshot();
          this.snapshot = snap;
          this.lastError = undefined;
          await this.savePersisted(snap);
          return snap;
        } catch (error) {
          this.lastError = error;
          throw error;
        } finally {
          this.inflight = undefined;
        }
      })();
      this.inflight = attempt;
      return attempt.then((snap) => snap, (error) => (strict ? Promise.reject(error) : this.fallback(error)));
    }

    fallback(error) {
      if (this.usable(this.snapshot, Date.now())) return this.snapshot;
      throw error;
    }

    /** A snapshot to verify with: the current one while fresh, else a refreshed (or, if the issuer is down, stale) one. */
    async get() {
      if (!this.persistLoaded) await this.loadPersisted();
      const snap = this.snapshot;
      if (snap !== undefined && Date.now() < snap.freshUntil) return snap;
      return this.refresh();
    }

    /**
     * After a token named a key that `used` does not have: a newer snapshot if one appeared meanwhile, else one
     * refetch subject to the cooldown. Returns `used` when nothing new can be had.
     */
    async afterUnknownKid(used) {
      if (this.snapshot !== used && this.snapshot !== undefined) return this.snapshot;
      try {
        return await this.refresh();
      } catch {
        return used;
      }
    }

    status(snap) {
      const now = Date.now();
      return {
        uri: snap.uri,
        fetchedAt: snap.fetchedAt / 1000,
        age: Math.max(0, (now - snap.fetchedAt) / 1000),
        stale: now >= snap.freshUntil,
      };
    }
  }

  class RemoteJWKSet {
    constructor(controller) {
      controllers.set(this, controller);
    }

    /** The issuer, when created with `{ issuer }`. */
    get issuer() {
      return controllers.get(this).issuer;
    }

    /** The JWKS URL (after discovery, when created with `{ issuer }`). */
    get uri() {
      return controllers.get(this).jwksUri;
    }

    /** The loaded snapshot as a `KeySet` for the synchronous API, or undefined before the first load. */
    current() {
      return controllers.get(this).snapshot?.keySet;
    }

    /** Loads the key set when needed (respecting max age, cooldown and maxStale) and returns the snapshot. */
    async getKeySet() {
      return (await controllers.get(this).get()).keySet;
    }

    /** Fetches now, ignoring the cooldown (shares a request already in flight); throws when the fetch fails. */
    async reload() {
      const ctl = controllers.get(this);
      if (!ctl.persistLoaded) await ctl.loadPersisted();
      return (await ctl.refresh({ force: true, strict: true })).keySet;
    }

    /** `{ uri, fetchedAt, age, stale }` of the loaded snapshot, or undefined before the first load. */
    status() {
      const ctl = controllers.get(this);
      return ctl.snapshot === undefined ? undefined : ctl.status(ctl.snapshot);
    }

    get [Symbol.toStringTag]() {
      return 'RemoteJWKSet';
    }
  }

  /**
   * A key set fetched from `url`, or found through OIDC discovery with `{ issuer }`.
   * @param {string | URL | { issuer: string }} source
   * @param {object} [options]
   */
  function createRemoteJWKSet(source, options) {
    return new RemoteJWKSet(new Controller(source, options));
  }

  return { createRemoteJWKSet };
}

// The native signature backend: runtimes with a synchronous node:crypto (Node, Deno, Bun) check RS*/PS*/ES*/EdDSA
// signatures there, while decoding, key selection, the alg ↔ key binding, claims and policy stay in wasm.
//
// Only the Node and Deno entries import this file (the browser and workerd entries never touch node:crypto).
// Each accepted public key is imported into a KeyObject once, when the KeySet is built, from the canonical public
// members the core hands out; HMAC secrets never leave wasm (HMAC there is already fast). A key the runtime cannot
// import stays on the wasm backend. The wasm side passes views into its memory, so nothing is copied per token.
//
// Parameters are chosen to give the pure backend's verdicts exactly (tests/js/native-backend.test.js runs every
// Wycheproof vector through both): ECDSA signatures are r‖s of fixed length (`ieee-p1363`; high S accepted, as
// OpenSSL does), PSS salt length = hash length with MGF1 over the same hash, PKCS#1 v1.5 re-encoded and compared.

import { constants, createPublicKey, verify } from 'node:crypto';

const HASH = { 256: 'sha256', 384: 'sha384', 512: 'sha512' };

// OpenSSL's names for the JWK curves (`asymmetricKeyDetails.namedCurve`).
const CURVES = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1', secp256k1: 'secp256k1' };
const ALG_CURVE = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521', ES256K: 'secp256k1' };

/** The KeyObject for a public JWK, or undefined when this runtime cannot hold it as exactly that key type. */
function importKey(jwk) {
  let key;
  try {
    key = createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    return undefined;
  }
  const type = key.asymmetricKeyType;
  if (jwk.kty === 'RSA' && type === 'rsa') return key;
  if (jwk.kty === 'EC' && type === 'ec' && key.asymmetricKeyDetails?.namedCurve === CURVES[jwk.crv]) return key;
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && type === 'ed25519') return key;
  return undefined;
}

/** `[digest, key argument]` for `crypto.verify`, or null when `key` cannot verify `alg`. */
function verifyArgs(alg, key, jwk) {
  const family = alg.slice(0, 2);
  const bits = alg.slice(2, 5);
  if ((family === 'RS' || family === 'PS') && jwk.kty === 'RSA') {
    return family === 'RS'
      ? [HASH[bits], { key, padding: constants.RSA_PKCS1_PADDING }]
      : [HASH[bits], { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(bits) / 8 }];
  }
  if (family === 'ES' && jwk.kty === 'EC' && ALG_CURVE[alg] === jwk.crv) {
    return [HASH[bits], { key, dsaEncoding: 'ieee-p1363' }];
  }
  if (alg === 'EdDSA' && jwk.kty === 'OKP') return [null, key];
  return null;
}

/**
 * Moves a freshly parsed wasm key set onto node:crypto. Returns the number of keys imported natively (0: the set
 * stays entirely on the wasm backend, e.g. an HMAC-only set).
 * @param {any} inner a `WasmKeySet`
 * @param {readonly string[]} algNames `algorithmNames()` of the wasm module: the alg code → name table
 */
export function attachNativeBackend(inner, algNames) {
  const jwks = inner.publicJwks();
  const keys = [];
  const handles = [];
  for (let i = 0; i < jwks.length; i++) {
    if (jwks[i] === null) continue;
    const key = importKey(jwks[i]);
    if (key === undefined) continue;
    keys[i] = key;
    handles.push(i);
  }
  if (handles.length === 0) return 0;

  const algCount = algNames.length;
  // Per (key, alg): the arguments of crypto.verify, built on first use and reused.
  const args = new Map();
  const verifier = {
    verify(handle, alg, message, signature) {
      const slot = handle * algCount + alg;
      let a = args.get(slot);
      if (a === undefined) {
        a = verifyArgs(algNames[alg], keys[handle], jwks[handle]);
        args.set(slot, a);
      }
      if (a === null) return false;
      try {
        return verify(a[0], message, a[1], signature);
      } catch {
        // OpenSSL refuses some malformed inputs with an exception instead of `false`: not a valid signature.
        return false;
      }
    },
  };
  inner.useNativeBackend(verifier, Uint32Array.from(handles));
  return handles.length;
}

// The native signature backend (node:crypto) against the pure wasm backend, the reference: every Wycheproof
// primitive vector, the Wycheproof JWS suite and jose-minted tokens (plus tampered variants) for every algorithm go
// through both, and the verdicts must be identical. The primitive vectors are messages, not tokens, so they use the
// wasm module's raw `verifySignature` on each backend; everything else goes through the public API.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ALL_ALGS, NOW, VECTORS, b64u, claimsAt, makeSigner, oidc, readJson } from './helpers.js';
// The same module instance the package entry initialised (node_modules/oidc-trust links to pkg/).
import * as wasm from '../../pkg/dist/oidc_trust.js';
import { attachNativeBackend } from '../../pkg/src/native.js';

const { KeySet, verify, compactVerify, OidcTrustError } = oidc;
// On Node every public key must go native. This file also runs under Bun (`bun test --timeout 60000`), whose
// BoringSSL has no secp256k1: such keys stay on wasm there, which is the designed fallback.
const ON_NODE = !process.versions.bun && globalThis.Deno === undefined;
const ALG_NAMES = wasm.algorithmNames();

const hex = (s) => Buffer.from(s, 'hex');

/** The pure and the native raw key set of one JWK (JWK index 0). */
function backends(jwk) {
  const opts = { allowSymmetric: jwk.kty === 'oct' };
  let pure;
  try {
    pure = wasm.WasmKeySet.fromJwks({ keys: [jwk] }, opts);
  } catch (e) {
    return { refused: e.message ?? String(e) };
  }
  if (pure.backend !== 'pure' || JSON.parse(JSON.stringify(pure.rejected())).length > 0) {
    return { refused: pure.rejected()[0]?.reason ?? 'rejected' };
  }
  const native = wasm.WasmKeySet.fromJwks({ keys: [jwk] }, opts);
  const imported = attachNativeBackend(native, ALG_NAMES);
  return { pure, native, imported };
}

const WYCHEPROOF = [
  ['ecdsa_secp256r1_sha256_p1363_test.json', 'ES256'],
  ['ecdsa_secp384r1_sha384_p1363_test.json', 'ES384'],
  ['ecdsa_secp521r1_sha512_p1363_test.json', 'ES512'],
  ['ecdsa_secp256k1_sha256_p1363_test.json', 'ES256K'],
  ['ed25519_test.json', 'EdDSA'],
  ['rsa_signature_2048_sha256_test.json', 'RS256'],
  ['rsa_signature_2048_sha384_test.json', 'RS384'],
  ['rsa_signature_2048_sha512_test.json', 'RS512'],
  ['rsa_signature_3072_sha256_test.json', 'RS256'],
  ['rsa_signature_4096_sha256_test.json', 'RS256'],
  ['rsa_signature_4096_sha512_test.json', 'RS512'],
  ['rsa_pss_2048_sha256_mgf1_32_test.json', 'PS256'],
  ['rsa_pss_2048_sha384_mgf1_48_test.json', 'PS384'],
  ['rsa_pss_3072_sha256_mgf1_32_test.json', 'PS256'],
  ['rsa_pss_4096_sha256_mgf1_32_test.json', 'PS256'],
  ['rsa_pss_4096_sha384_mgf1_48_test.json', 'PS384'],
  ['rsa_pss_4096_sha512_mgf1_64_test.json', 'PS512'],
  ['hmac_sha256_test.json', 'HS256'],
  ['hmac_sha384_test.json', 'HS384'],
  ['hmac_sha512_test.json', 'HS512'],
];

/** The group's public key as a JWK; groups without one carry the raw point (see tests/primitives.rs). */
function groupJwk(group) {
  const jwk = group.publicKeyJwk ?? group.keyJwk;
  if (jwk) return jwk;
  if (group.publicKey?.uncompressed) {
    const point = hex(group.publicKey.uncompressed).subarray(1);
    const half = point.length / 2;
    const crv = { secp256r1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521', secp256k1: 'secp256k1' }[group.publicKey.curve];
    return { kty: 'EC', crv, x: b64u.encode(point.subarray(0, half)), y: b64u.encode(point.subarray(half)) };
  }
  if (group.publicKey?.pk) return { kty: 'OKP', crv: 'Ed25519', x: b64u.encode(hex(group.publicKey.pk)) };
  throw new Error(`no public key in group ${JSON.stringify(Object.keys(group))}`);
}

describe('Wycheproof primitive vectors: native and wasm backends agree on every vector', () => {
  const totals = { vectors: 0, native: 0, refusedKeys: 0 };
  for (const [file, alg] of WYCHEPROOF) {
    test(`${file} (${alg})`, () => {
      const suite = readJson(join(VECTORS, 'wycheproof', file));
      const tally = { vectors: 0, native: 0, valid: 0, invalid: 0, refusedKeys: 0 };
      const mismatches = [];
      for (const group of suite.testGroups) {
        const hmac = alg.startsWith('HS');
        // HMAC vectors carry their key per test; every other file one key per group.
        const perTest = hmac ? group.tests.map((t) => [{ kty: 'oct', k: b64u.encode(hex(t.key)) }, [t]]) : [[groupJwk(group), group.tests]];
        for (const [jwk, tests] of perTest) {
          const b = backends(jwk);
          // HMAC keys shorter than the hash output and truncated tags are fine MACs but never JWS signatures.
          const jwsShaped = (t) => !hmac || (hex(t.key).length * 8 >= Number(alg.slice(2)) && hex(t.tag).length * 8 === Number(alg.slice(2)));
          if (b.refused) {
            // The core refuses the key (short HMAC keys, small-order Ed25519 points): nothing verifies under it,
            // on either backend. Those vectors still count as run.
            tally.refusedKeys++;
            tally.vectors += tests.length;
            for (const t of tests) {
              if (jwsShaped(t)) assert.notEqual(t.result, 'valid', `tc ${t.tcId}: a valid vector's key was refused: ${b.refused}`);
            }
            continue;
          }
          if (ON_NODE || b.imported > 0) {
            assert.equal(b.native.backend, hmac ? 'pure' : 'native', `${file}: backend of ${JSON.stringify(jwk).slice(0, 80)}`);
            assert.equal(b.imported, hmac ? 0 : 1);
          }
          for (const t of tests) {
            const msg = hex(t.msg);
            const sig = hex(t.tag ?? t.sig);
            const pure = b.pure.verifySignature(0, alg, msg, sig);
            const native = b.native.verifySignature(0, alg, msg, sig);
            tally.vectors++;
            if (b.imported > 0) tally.native++;
            tally[pure ? 'valid' : 'invalid']++;
            if (pure !== native) mismatches.push(`tc ${t.tcId} (${t.result}; ${t.comment}; ${JSON.stringify(t.flags)}): wasm ${pure}, native ${native}`);
            // The reference itself follows Wycheproof (the Rust tests check the same in detail).
            if (t.result === 'invalid') assert.equal(pure, false, `tc ${t.tcId}: ${t.comment}`);
            if (t.result === 'valid' && jwsShaped(t)) assert.equal(pure, true, `tc ${t.tcId}: ${t.comment}`);
          }
          b.pure.free();
          b.native.free();
        }
      }
      assert.deepEqual(mismatches, [], `${mismatches.length} disagreements in ${file}`);
      assert.equal(tally.vectors, suite.numberOfTests, 'every vector ran');
      totals.vectors += tally.vectors;
      totals.native += tally.native;
      totals.refusedKeys += tally.refusedKeys;
    });
  }

  test('totals', (t) => {
    const expected = WYCHEPROOF.reduce((n, [file]) => n + readJson(join(VECTORS, 'wycheproof', file)).numberOfTests, 0);
    assert.equal(totals.vectors, expected);
    assert.ok(totals.native > (ON_NODE ? 3600 : 3000), `native vectors: ${totals.native}`);
    t.diagnostic(`${totals.vectors} vectors, ${totals.native} of them on node:crypto; ${totals.refusedKeys} keys refused by the core`);
  });
});

/** ok/code of a call, to compare two backends' verdicts. */
function outcome(fn) {
  try {
    const r = fn();
    return { ok: true, kid: r.key?.kid, alg: r.key?.alg };
  } catch (e) {
    assert.ok(e instanceof OidcTrustError, `not an OidcTrustError: ${e}`);
    assert.notEqual(e.code, 'ERR_INTERNAL', e.message);
    return { ok: false, code: e.code };
  }
}

describe('Wycheproof JWS suite through both backends', () => {
  test('identical verdicts for every case', () => {
    const suite = readJson(join(VECTORS, 'wycheproof', 'json_web_signature_test.json'));
    let count = 0;
    let nativeSets = 0;
    for (const group of suite.testGroups) {
      const key = group.public ?? group.private;
      const jwks = Array.isArray(key.keys) ? key : { keys: [key] };
      const sets = {};
      for (const backend of ['wasm', 'native']) {
        try {
          sets[backend] = KeySet.fromJwks(jwks, { allowSymmetric: true, backend });
        } catch (e) {
          sets[backend] = e.code;
        }
      }
      if (typeof sets.native === 'object' && sets.native.backend === 'native') nativeSets++;
      for (const t of group.tests) {
        const jws = typeof t.jws === 'string' ? t.jws : JSON.stringify(t.jws);
        const [w, n] = ['wasm', 'native'].map((b) => (typeof sets[b] === 'string' ? { ok: false, code: sets[b] } : outcome(() => compactVerify(jws, sets[b]))));
        assert.deepEqual(n, w, `tc ${t.tcId} (${t.comment})`);
        count++;
      }
    }
    assert.equal(count, suite.numberOfTests);
    assert.ok(nativeSets > 0);
  });
});

// Tampered variants of a genuine signature, per key family.
const CURVE_N = {
  ES256: BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'),
  ES384: BigInt('0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973'),
  ES512: BigInt('0x1fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409'),
  ES256K: BigInt('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141'),
};
const ED25519_L = (1n << 252n) + 27742317777372353535851937790883648493n;
const toBig = (buf) => BigInt(`0x${Buffer.from(buf).toString('hex') || '0'}`);
const toBuf = (n, len) => Buffer.from(n.toString(16).padStart(len * 2, '0'), 'hex');

function variants(alg, sig, jwk) {
  const out = [['genuine', sig]];
  const flip = (i) => {
    const s = Buffer.from(sig);
    s[i] ^= 1;
    return s;
  };
  out.push(['first bit', flip(0)], ['last bit', flip(sig.length - 1)], ['middle bit', flip(sig.length >> 1)]);
  out.push(['truncated', sig.subarray(0, sig.length - 1)], ['extended', Buffer.concat([sig, Buffer.of(0)])], ['leading zero', Buffer.concat([Buffer.of(0), sig])]);
  out.push(['empty', Buffer.alloc(0)], ['zeros', Buffer.alloc(sig.length)], ['ones', Buffer.alloc(sig.length, 0xff)]);
  out.push(['random', crypto.randomBytes(sig.length)]);
  if (CURVE_N[alg]) {
    const n = CURVE_N[alg];
    const half = sig.length / 2;
    const r = toBig(sig.subarray(0, half));
    const s = toBig(sig.subarray(half));
    out.push(['high/low S swapped (n - s)', Buffer.concat([sig.subarray(0, half), toBuf(n - s, half)])]);
    out.push(['s + n', Buffer.concat([sig.subarray(0, half), toBuf(s + n, half + 1).subarray(-half)])]);
    out.push(['r + n (overflowing)', Buffer.concat([toBuf((r + n) % (1n << BigInt(half * 8)), half), sig.subarray(half)])]);
    out.push(['r = 0', Buffer.concat([Buffer.alloc(half), sig.subarray(half)])]);
    out.push(['s = 0', Buffer.concat([sig.subarray(0, half), Buffer.alloc(half)])]);
    out.push(['r = n', Buffer.concat([toBuf(n, half), sig.subarray(half)])]);
    // The DER form of the same signature: valid ECDSA, not a JWS signature.
    out.push(['DER encoding', derEncode(sig)]);
  }
  if (alg === 'EdDSA') {
    const s = toBig(Buffer.from(sig.subarray(32)).reverse());
    const le = (n) => toBuf(n, 32).reverse();
    out.push(['S + L (non-canonical)', Buffer.concat([sig.subarray(0, 32), le(s + ED25519_L)])]);
  }
  if (jwk.kty === 'RSA') {
    const n = toBig(b64u.decode(jwk.n));
    const v = toBig(sig);
    out.push(['s + n (≥ n)', toBuf(v + n, sig.length + 1).subarray(-sig.length)]);
    out.push(['s = n', toBuf(n, sig.length)]);
    out.push(['s = 1', toBuf(1n, sig.length)]);
  }
  return out;
}

function derEncode(p1363) {
  const half = p1363.length / 2;
  const int = (b) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    let v = b.subarray(i);
    if (v[0] & 0x80) v = Buffer.concat([Buffer.of(0), v]);
    return Buffer.concat([Buffer.of(0x02, v.length), v]);
  };
  const body = Buffer.concat([int(p1363.subarray(0, half)), int(p1363.subarray(half))]);
  return Buffer.concat([Buffer.of(0x30), body.length < 128 ? Buffer.of(body.length) : Buffer.of(0x81, body.length), body]);
}

describe('jose-minted tokens for every algorithm, and tampered variants, through both backends', () => {
  for (const alg of ALL_ALGS) {
    test(alg, async (t) => {
      if (alg === 'ES256K' && !crypto.getCurves().includes('secp256k1')) return t.skip('no secp256k1 in this runtime to mint with');
      const signer = await makeSigner(alg);
      const other = await makeSigner(alg, signer.kid); // same kid, different key
      const jwks = { keys: [signer.publicJwk] };
      const hmac = alg.startsWith('HS');
      const sets = {
        wasm: KeySet.fromJwks(jwks, { allowSymmetric: hmac, backend: 'wasm' }),
        native: KeySet.fromJwks(jwks, { allowSymmetric: hmac, backend: 'native' }),
      };
      assert.equal(sets.wasm.backend, 'wasm');
      assert.equal(sets.native.backend, hmac ? 'wasm' : 'native', 'HMAC stays in wasm');
      const opts = { currentDate: NOW, issuer: 'https://issuer.example', audience: 'https://audience.example' };
      let cases = 0;
      for (let round = 0; round < 3; round++) {
        const token = await signer.sign({}, claimsAt(NOW, { jti: `t${round}` }));
        const foreign = await other.sign({}, claimsAt(NOW));
        const [input, sigB64] = [token.slice(0, token.lastIndexOf('.')), token.slice(token.lastIndexOf('.') + 1)];
        const sig = b64u.decode(sigB64);
        const tokens = variants(alg, sig, signer.publicJwk).map(([name, s]) => [name, `${input}.${b64u.encode(s)}`]);
        tokens.push(['signed by another key', foreign]);
        const [h, p] = input.split('.');
        tokens.push(['payload changed', `${h}.${b64u.json(claimsAt(NOW, { sub: 'other' }))}.${sigB64}`]);
        tokens.push(['header changed', `${b64u.json({ ...JSON.parse(b64u.decode(h)), typ: 'at+jwt' })}.${p}.${sigB64}`]);
        for (const [name, t] of tokens) {
          const w = outcome(() => verify(t, sets.wasm, opts));
          const n = outcome(() => verify(t, sets.native, opts));
          assert.deepEqual(n, w, `${alg} ${name}`);
          if (name === 'genuine') assert.equal(w.ok, true, `${alg} genuine: ${w.code}`);
          if (['signed by another key', 'payload changed', 'first bit', 'last bit', 'DER encoding', 'truncated', 'extended'].includes(name)) {
            assert.equal(w.ok, false, `${alg} ${name}`);
          }
          if (name.startsWith('high/low S')) assert.equal(w.ok, true, `${alg}: high S is accepted`);
          cases++;
        }
      }
      assert.ok(cases >= 3 * 14, `${alg}: ${cases} cases`);
    });
  }
});

describe('choosing the backend', () => {
  test("Node uses node:crypto by default for public keys, wasm for HMAC; 'wasm' forces the reference", async () => {
    const es = await makeSigner('ES256');
    assert.equal(KeySet.fromJwks({ keys: [es.publicJwk] }).backend, 'native');
    assert.equal(KeySet.fromJwks({ keys: [es.publicJwk] }, { backend: 'auto' }).backend, 'native');
    assert.equal(KeySet.fromJwks({ keys: [es.publicJwk] }, { backend: 'wasm' }).backend, 'wasm');
    const hs = await makeSigner('HS256');
    assert.equal(KeySet.fromJwks({ keys: [hs.publicJwk] }, { allowSymmetric: true }).backend, 'wasm');
    assert.equal(KeySet.fromJwks({ keys: [] }).backend, 'wasm');
  });

  test('a bad backend name is ERR_INVALID_ARGUMENT', () => {
    for (const backend of ['openssl', 1, null]) {
      assert.throws(() => KeySet.fromJwks({ keys: [] }, { backend }), (e) => e instanceof OidcTrustError && e.code === 'ERR_INVALID_ARGUMENT' && e.path === 'options.backend');
    }
  });

  test('keys the runtime cannot import stay on wasm; a mixed set verifies with both', async () => {
    const es = await makeSigner('ES256', 'es');
    const ed = await makeSigner('EdDSA', 'ed');
    const keySet = KeySet.fromJwks({ keys: [es.publicJwk, ed.publicJwk] });
    for (const s of [es, ed]) {
      assert.equal(verify(await s.sign({}, claimsAt(NOW)), keySet, { currentDate: NOW }).key.kid, s.kid);
    }
  });

  test('the native backend is never asked about a key of another family (no cross-algorithm confusion)', async () => {
    const rs = await makeSigner('RS256', 'k');
    const native = wasm.WasmKeySet.fromJwks({ keys: [rs.publicJwk] }, undefined);
    attachNativeBackend(native, ALG_NAMES);
    const token = await rs.sign({}, claimsAt(NOW));
    const [h, p, s] = token.split('.');
    const msg = Buffer.from(`${h}.${p}`);
    const sig = b64u.decode(s);
    assert.equal(native.verifySignature(0, 'RS256', msg, sig), true);
    for (const alg of ['ES256', 'EdDSA', 'HS256', 'PS256', 'RS384']) assert.equal(native.verifySignature(0, alg, msg, sig), false, alg);
    native.free();
  });
});

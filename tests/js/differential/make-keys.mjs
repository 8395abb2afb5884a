// Regenerates keys.json: throw-away private keys for the differential test (tests/js/differential.test.js).
// They are committed so that a seed reproduces every token bit for bit where the algorithm is deterministic
// (RSA PKCS#1, Ed25519, HMAC) and at least verdict for verdict where it is not (ECDSA, PSS). They sign nothing but
// test tokens. Run: node tests/js/differential/make-keys.mjs > tests/js/differential/keys.json
import crypto from 'node:crypto';

const jwk = (k) => k.export({ format: 'jwk' });
const pair = (type, opts) => jwk(crypto.generateKeyPairSync(type, opts).privateKey);
const keys = {
  RSA: [0, 1, 2].map(() => pair('rsa', { modulusLength: 2048 })),
  RSA1024: [pair('rsa', { modulusLength: 1024 })],
  'P-256': [0, 1].map(() => pair('ec', { namedCurve: 'P-256' })),
  'P-384': [0, 1].map(() => pair('ec', { namedCurve: 'P-384' })),
  'P-521': [0, 1].map(() => pair('ec', { namedCurve: 'P-521' })),
  secp256k1: [0, 1].map(() => pair('ec', { namedCurve: 'secp256k1' })),
  Ed25519: [0, 1].map(() => pair('ed25519')),
};
process.stdout.write(`${JSON.stringify({ note: 'throw-away test keys; never use them for anything else', keys }, null, 1)}\n`);

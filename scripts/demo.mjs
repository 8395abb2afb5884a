#!/usr/bin/env node
// `make demo`: verifies the bundled real GitHub Actions token against GitHub's published JWKS and prints what was
// checked. The token expired on 2025-01-29, so the clock is set one minute before its `exp`; the same token is then
// checked at the real current time to show the rejection.
//
//   node scripts/demo.mjs [token-file] [jwks-file]

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeySet, OidcTrustError, decode, verify } from 'oidc-trust';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'tests', 'fixtures', 'oidc');
const tokenFile = process.argv[2] ?? join(fixtures, 'github-actions_neu-se-autograder-action.jwt');
const jwksFile = process.argv[3] ?? join(fixtures, 'github-actions_crates-io-load_jwks.json');

const token = readFileSync(tokenFile, 'utf8').trim();
const jwks = readFileSync(jwksFile, 'utf8');

const iso = (seconds) => new Date(seconds * 1000).toISOString();
const section = (title) => console.log(`\n== ${title}`);

const { header, claims } = decode(token);
section(`token ${tokenFile}`);
console.log('header:', JSON.stringify(header, null, 2));
console.log('claims:', JSON.stringify(claims, null, 2));
for (const name of ['iat', 'nbf', 'exp']) if (typeof claims[name] === 'number') console.log(`  ${name} = ${iso(claims[name])}`);

const keySet = KeySet.fromJwks(jwks);
section(`key set ${jwksFile}`);
for (const key of keySet.keys) console.log(`  key kid=${key.kid} kty=${key.kty} alg=${key.alg ?? '-'} thumbprint=${key.thumbprint}`);
for (const r of keySet.rejected) console.log(`  rejected #${r.index} kid=${r.kid ?? '-'}: ${r.code} ${r.reason}`);

const options = {
  issuer: 'https://token.actions.githubusercontent.com',
  audience: claims.aud,
  currentDate: claims.exp - 60,
};
section(`verify with the clock at ${iso(options.currentDate)} (one minute before exp)`);
let ok = false;
try {
  const result = verify(token, keySet, options);
  ok = true;
  console.log(`verdict: VALID — signature ${result.key.alg} by kid ${result.key.kid} (thumbprint ${result.key.thumbprint});`);
  console.log(`         iss ${result.claims.iss}, aud ${result.claims.aud}, sub ${result.claims.sub}`);
} catch (error) {
  console.log(`verdict: INVALID — ${describe(error)}`);
}

section('verify at the real current time');
try {
  verify(token, keySet, { issuer: options.issuer, audience: options.audience });
  console.log('verdict: VALID (unexpected: this token expired on 2025-01-29)');
  ok = false;
} catch (error) {
  console.log(`verdict: INVALID — ${describe(error)}`);
  if (!(error instanceof OidcTrustError) || error.code !== 'ERR_JWT_EXPIRED') ok = false;
}

process.exit(ok ? 0 : 1);

function describe(error) {
  if (!(error instanceof OidcTrustError)) return String(error);
  const details = ['claim', 'reason', 'kid', 'alg', 'expected', 'actual']
    .filter((k) => error[k] !== undefined)
    .map((k) => `${k}=${JSON.stringify(error[k])}`);
  return `${error.code}: ${error.message}${details.length ? ` (${details.join(', ')})` : ''}`;
}

// Interleaved A/B for issue 6: oidc-trust pure wasm vs jose jwtVerify(createLocalJWKSet), 7 alternating rounds of
// 0.4 s each, median ratio. Steadier than bench/verify.mjs on a shared, loaded machine. Usage: node bench/ab.mjs [ES256,EdDSA]
import * as jose from 'jose';
import * as oidc from 'oidc-trust';
const ISS = 'https://i', AUD = 'a';
async function setup(alg) {
  const now = Math.floor(Date.now() / 1000);
  const pair = await jose.generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await jose.exportJWK(pair.publicKey)), kid: 'k', alg };
  const token = await new jose.SignJWT({ iss: ISS, aud: AUD, sub: 's', iat: now, exp: now + 3600 }).setProtectedHeader({ alg, kid: 'k' }).sign(pair.privateKey);
  return { jwk, token };
}
async function rate(fn, ms, isAsync) {
  let ops = 0; const t0 = performance.now(); const end = t0 + ms;
  while (performance.now() < end) { for (let i = 0; i < 8; i++) isAsync ? await fn() : fn(); ops += 8; }
  return ops * 1000 / (performance.now() - t0);
}
for (const alg of (process.argv[2] ?? 'ES256,EdDSA').split(',')) {
  const { jwk, token } = await setup(alg);
  const ks = oidc.KeySet.fromJwks({ keys: [jwk] }, { backend: 'wasm' });
  const opts = { issuer: ISS, audience: AUD, algorithms: [alg] };
  const local = jose.createLocalJWKSet({ keys: [jwk] });
  const ours = () => oidc.verify(token, ks, opts);
  const theirs = () => jose.jwtVerify(token, local, opts);
  await rate(ours, 300); await rate(theirs, 300, true);
  const rs = [], os = [], js = [];
  for (let r = 0; r < 7; r++) { const o = await rate(ours, 400); const j = await rate(theirs, 400, true); os.push(o); js.push(j); rs.push(o / j); }
  const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  console.log(`${alg}: ours ${med(os).toFixed(0)}/s jose ${med(js).toFixed(0)}/s median ratio ${med(rs).toFixed(2)}x (min ${Math.min(...rs).toFixed(2)}, max ${Math.max(...rs).toFixed(2)})`);
}

// Remote key sets against a real OpenID Provider: the npm package `oidc-provider` on 127.0.0.1, issuing JWT access
// tokens through the client_credentials grant and serving its discovery document and JWKS — including a key
// rotation (new key added and signing, then the old key removed).

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import * as jose from 'jose';
import Provider from 'oidc-provider';
import { createRemoteJWKSet, createVerifier, checkAsync, verifyAsync, OidcTrustError } from 'oidc-trust';
import { freePort } from './helpers.js';

const RESOURCE = 'urn:oidc-trust:api';
const CLIENT = { client_id: 'ci-runner', client_secret: 'a-test-secret-that-is-long-enough-0123456789' };

async function signingKey(kid) {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  return { ...(await jose.exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}

/** Starts oidc-provider on `port` signing with the first of `keys` and publishing all of them. */
async function startProvider(port, keys) {
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{ ...CLIENT, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_post' }],
    jwks: { keys },
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'read', audience: RESOURCE, accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg: 'RS256' } } }),
      },
    },
    scopes: ['read'],
  });
  const server = createServer(provider.callback());
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  let tokenRequests = 0;
  return {
    issuer,
    async token() {
      tokenRequests++;
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read', resource: RESOURCE, ...CLIENT }),
      });
      const body = await response.json();
      assert.equal(response.status, 200, JSON.stringify(body));
      return body.access_token;
    },
    get tokenRequests() {
      return tokenRequests;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('oidc-provider on 127.0.0.1', () => {
  let port, keyA, keyB, op;
  before(async () => {
    port = await freePort();
    [keyA, keyB] = await Promise.all([signingKey('key-a'), signingKey('key-b')]);
    op = await startProvider(port, [keyA]);
  });
  after(() => op?.stop());

  const options = () => ({ issuer: op.issuer, audience: RESOURCE, typ: 'at+jwt', requiredClaims: ['client_id'] });

  test('discovery + JWKS from the provider verify its client_credentials access token', async () => {
    const keys = createRemoteJWKSet({ issuer: op.issuer }, { allowInsecure: true });
    const token = await op.token();
    const { header, claims, key, jwks } = await verifyAsync(token, keys, options());
    assert.equal(header.typ, 'at+jwt');
    assert.equal(key.kid, 'key-a');
    assert.equal(claims.client_id, CLIENT.client_id);
    assert.equal(claims.iss, op.issuer);
    assert.equal(jwks.uri, `${op.issuer}/jwks`);
    assert.equal(keys.uri, `${op.issuer}/jwks`);
    assert.equal(jwks.stale, false);

    // The same token, tampered or presented to the wrong audience, is rejected.
    const [h, p, s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, client_id: 'admin' })).toString('base64url')}.${s}`;
    await assert.rejects(verifyAsync(forged, keys, options()), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    await assert.rejects(verifyAsync(token, keys, { ...options(), audience: 'urn:other' }), { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
    const result = await checkAsync(token, { keys, ...options() });
    assert.equal(result.ok, true);
  });

  test('the JWKS URL directly, and a configured issuer that differs from the discovered one', async () => {
    const direct = createRemoteJWKSet(`${op.issuer}/jwks`, { allowInsecure: true });
    assert.equal((await verifyAsync(await op.token(), direct, options())).key.kid, 'key-a');
    const wrong = createRemoteJWKSet({ issuer: `${op.issuer}/` }, { allowInsecure: true });
    await assert.rejects(verifyAsync(await op.token(), wrong), (e) => e instanceof OidcTrustError && e.code === 'ERR_DISCOVERY_INVALID' && e.actual === op.issuer);
  });

  test('key rotation: a new signing key is picked up on its first token; a removed key stops verifying', async () => {
    const keys = createRemoteJWKSet({ issuer: op.issuer }, { allowInsecure: true, cooldown: 0.2 });
    const verifier = createVerifier({ keys, ...options(), cache: { maxEntries: 100 } });
    const oldToken = await op.token();
    assert.equal((await verifier.verifyAsync(oldToken)).key.kid, 'key-a');
    assert.equal((await verifier.verifyAsync(oldToken)).key.kid, 'key-a');
    assert.equal(verifier.cacheStats().hits, 1);

    // Rotation step 1: the provider publishes B next to A and signs with B.
    await op.stop();
    op = await startProvider(port, [keyB, keyA]);
    await new Promise((r) => setTimeout(r, 250)); // past the cooldown
    const newToken = await op.token();
    assert.equal(JSON.parse(Buffer.from(newToken.split('.')[0], 'base64url')).kid, 'key-b');
    assert.equal((await verifier.verifyAsync(newToken)).key.kid, 'key-b', 'unknown kid → one refetch → verified');
    assert.equal((await verifier.verifyAsync(oldToken)).key.kid, 'key-a', 'tokens of the old key still verify while it is published');

    // Rotation step 2: A is removed. After a reload its tokens (cached or not) are rejected.
    await op.stop();
    op = await startProvider(port, [keyB]);
    await keys.reload();
    await assert.rejects(verifier.verifyAsync(oldToken), { code: 'ERR_JWKS_NO_MATCHING_KEY', kid: 'key-a' });
    assert.equal((await verifier.verifyAsync(await op.token())).key.kid, 'key-b');
  });

  test('the provider going down: stale keys within maxStale (visible), then ERR_JWKS_FETCH_FAILED', async () => {
    const keys = createRemoteJWKSet({ issuer: op.issuer }, { allowInsecure: true, maxAge: 0.2, cooldown: 0.1, maxStale: 1, timeout: 1 });
    const token = await op.token();
    assert.equal((await verifyAsync(token, keys, options())).jwks.stale, false);
    await op.stop();
    try {
      await new Promise((r) => setTimeout(r, 300));
      const stale = await verifyAsync(token, keys, options());
      assert.equal(stale.jwks.stale, true);
      await new Promise((r) => setTimeout(r, 1100));
      await assert.rejects(verifyAsync(token, keys, options()), { code: 'ERR_JWKS_FETCH_FAILED' });
    } finally {
      op = await startProvider(port, [keyB]);
    }
  });
});

// The whole page state lives in the URL fragment, which browsers never send to a server. It is JSON,
// deflate-compressed and base64url-encoded, behind a version tag: `#v1.<data>`. `#preset=<id>` names a preset.

const FIELDS = ['token', 'jwks', 'policy', 'dialect', 'issuer', 'audience', 'clock', 'tolerance', 'octoStsDomain', 'octoStsAnchoring'];

function toBase64Url(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

async function pipe(bytes, stream) {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

/** State object → fragment (without '#'). Empty fields are left out. */
export async function encodeState(state) {
  const compact = {};
  for (const k of FIELDS) if (state[k] !== undefined && state[k] !== '' && state[k] !== null) compact[k] = state[k];
  const json = new TextEncoder().encode(JSON.stringify(compact));
  return `v1.${toBase64Url(await pipe(json, new CompressionStream('deflate-raw')))}`;
}

/** Fragment (with or without '#') → { state } | { preset } | null. Throws on a damaged fragment. */
export async function decodeFragment(fragment) {
  const f = fragment.replace(/^#/, '');
  if (!f) return null;
  const preset = /^preset=([\w-]+)$/.exec(f);
  if (preset) return { preset: preset[1] };
  if (!f.startsWith('v1.')) return null; // an in-page anchor, not state
  const bytes = await pipe(fromBase64Url(f.slice(3)), new DecompressionStream('deflate-raw'));
  const parsed = JSON.parse(new TextDecoder().decode(bytes));
  const state = {};
  for (const k of FIELDS) if (typeof parsed[k] === 'string') state[k] = parsed[k];
  return { state };
}

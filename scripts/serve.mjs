// Serves the built playground (www/dist/) on 127.0.0.1 and prints its URL. Static files only, with the headers
// the page relies on (wasm MIME type, CSP, no referrer). Also imported by the browser test.
//
// Usage: node scripts/serve.mjs [--port N] [--dir DIR]     (env PORT; default 8787, 0 = any free port)
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.wasm': 'application/wasm',
  '.jwt': 'text/plain; charset=utf-8', '.txt': 'text/plain; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png',
};
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Starts the server; resolves to { server, url }. */
export function serve({ dir = path.join(root, 'www', 'dist'), port = 8787, host = '127.0.0.1' } = {}) {
  const base = path.resolve(dir);
  const server = createServer((req, res) => {
    const send = (status, text) => { res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }); res.end(text); };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
    let pathname;
    try { pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch { return send(400, 'bad request'); }
    let file = path.join(base, pathname);
    if (file !== base && !file.startsWith(base + path.sep)) return send(403, 'forbidden');
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!existsSync(file) || !statSync(file).isFile()) return send(404, 'not found');
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': statSync(file).size,
      'cache-control': 'no-cache',
      'content-security-policy': CSP,
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'cross-origin-opener-policy': 'same-origin',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: p } = server.address();
      resolve({ server, url: `http://${host}:${p}/` });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const arg = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
  const dir = path.resolve(arg('--dir') ?? path.join(root, 'www', 'dist'));
  if (!existsSync(path.join(dir, 'index.html'))) {
    console.error(`serve: ${dir} has no index.html — build it first (make www, or node scripts/build-www.mjs)`);
    process.exit(1);
  }
  const port = Number(arg('--port') ?? process.env.PORT ?? 8787);
  try {
    const { url } = await serve({ dir, port });
    console.log(`oidc-trust playground: ${url}`);
    console.log('Serving on 127.0.0.1 only. Press Ctrl+C to stop.');
  } catch (e) {
    console.error(`serve: ${e.code === 'EADDRINUSE' ? `port ${port} is in use; try PORT=0 or --port N` : e.message}`);
    process.exit(1);
  }
}

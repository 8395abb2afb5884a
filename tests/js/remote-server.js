// A loopback HTTP server the tests control: each path answers with a handler the test sets (a JWKS, a 500, a slow
// or malformed body, a discovery document naming another issuer, …) and every request is counted.

import { createServer } from 'node:http';

export async function faultServer() {
  const routes = new Map();
  const counts = new Map();
  const sockets = new Set();
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://127.0.0.1').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const handler = routes.get(path);
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    handler(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    url: (path) => origin + path,
    /** Sets the handler of `path`: a function `(req, res)`, or a value served as JSON. */
    set(path, handler, headers = {}) {
      routes.set(path, typeof handler === 'function' ? handler : json(handler, headers));
    },
    count: (path) => counts.get(path) ?? 0,
    resetCounts: () => counts.clear(),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export function json(value, headers = {}) {
  const body = typeof value === 'string' ? value : JSON.stringify(value);
  return (req, res) => res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(body);
}

export function status(code, body = 'error') {
  return (req, res) => res.writeHead(code, { 'content-type': 'text/plain' }).end(body);
}

/** Answers after `ms` (the request is abandoned by then when the client times out). */
export function slow(ms, value) {
  return (req, res) => {
    const timer = setTimeout(() => json(value)(req, res), ms);
    res.on('close', () => clearTimeout(timer));
  };
}

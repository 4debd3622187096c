// A loopback server for browser tests: serves the repository (pages, pkg/) and plays a
// Sentry-compatible ingest endpoint that keeps every envelope it receives, so that tests can
// look at exactly what the SDK sent. Same origin as the pages, so no CORS is involved.
import { createServer } from 'node:http';
import { readFile } from 'node:fs';
import { join } from 'node:path';
import { staticHandler, HOST } from '../../tools/serve.mjs';
import { describeBytes } from '../../js/wasm-modules.js';

export const KEY = '0123456789abcdef0123456789abcdef';

export async function startSink(root) {
  const envelopes = [];
  // Every request's path, in the order they arrived (what the page fetched, and when).
  const requests = [];
  const waiters = [];
  let done = null;
  // Page ↔ test handshakes: the page's GET /signal?name=N is held until the test releases N.
  const signals = new Map();
  const signal = (name) => {
    if (!signals.has(name)) {
      let arrived;
      const s = { arrived: new Promise((ok) => (arrived = ok)), held: [] };
      s.arrive = arrived;
      signals.set(name, s);
    }
    return signals.get(name);
  };
  const files = staticHandler({ root });
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    requests.push(url.pathname);
    if (req.method === 'POST' && /^\/api\/\d+\/envelope\/$/.test(url.pathname)) {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const key = url.searchParams.get('sentry_key');
        envelopes.push({ body: Buffer.concat(chunks), auth: req.headers['x-sentry-auth'] || (key ? `sentry_key=${key}` : undefined) });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
      return;
    }
    if (url.pathname.startsWith('/status/')) {
      res.writeHead(Number(url.pathname.slice(8)) || 500, { 'content-type': 'text/plain' });
      res.end('status');
      return;
    }
    if (url.pathname === '/signal') {
      const s = signal(url.searchParams.get('name') || '');
      s.held.push(res);
      s.arrive(url.searchParams.get('data') || '');
      return;
    }
    if (req.method === 'POST' && url.pathname === '/done') {
      // A report too long for a query string (Node's 16 KB header limit) comes as the body.
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        done = Buffer.concat(chunks).toString('utf8');
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
        for (const w of waiters.splice(0)) w();
      });
      return;
    }
    if (url.pathname === '/done') {
      done = url.searchParams.get('report') || '';
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      for (const w of waiters.splice(0)) w();
      return;
    }
    if (url.pathname.startsWith('/trickle/')) {
      // A wasm file sent in two parts 300 ms apart, as a slow network delivers it: the engine
      // compiles the code before the custom sections at the end (the name section) arrive.
      readFile(join(root, url.pathname.slice('/trickle/'.length)), (err, body) => {
        if (err) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/wasm', 'content-length': body.length });
        // Where the code section ends: the custom sections follow it.
        const cut = describeBytes(body)?.codeEnd ?? body.length >> 1;
        res.write(body.subarray(0, cut));
        setTimeout(() => res.end(body.subarray(cut)), 300);
      });
      return;
    }
    files(req, res);
  });
  await new Promise((ok) => server.listen(0, HOST, ok));
  const origin = `http://${HOST}:${server.address().port}`;
  return {
    origin,
    dsn: `http://${KEY}@${HOST}:${server.address().port}/42`,
    envelopes,
    requests,
    /** Resolves when the page reported /done, or after `ms`. */
    waitDone(ms) {
      if (done !== null) return Promise.resolve(true);
      return new Promise((ok) => {
        const t = setTimeout(() => ok(false), ms);
        waiters.push(() => {
          clearTimeout(t);
          ok(true);
        });
      });
    },
    report: () => done,
    /** Resolves with the data of the page's /signal?name=`name` (within `ms`, else rejects). */
    awaitSignal(name, ms) {
      return Promise.race([signal(name).arrived,
        new Promise((_, fail) => setTimeout(() => fail(new Error(`no signal ${name} from the page in ${ms} ms`)), ms))]);
    },
    /** Answers the page's held /signal?name=`name` request(s). */
    release(name) {
      for (const res of signal(name).held.splice(0)) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('go');
      }
    },
    reset() {
      envelopes.length = 0;
      requests.length = 0;
      done = null;
      signals.clear();
    },
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/** The event of each envelope (envelopes with one event item). */
export function events(envelopes) {
  return envelopes.map(({ body }) => {
    const lines = body.toString('utf8').split('\n');
    return JSON.parse(lines[2]);
  });
}

// A scriptable Sentry-compatible ingest endpoint for the delivery tests, on its own loopback
// origin (so pages reach it cross-origin, with CORS as Sentry's ingest allows). Each POST is
// answered by the next planned response (a status with headers, or `refuse`: the connection is
// destroyed without an answer), else 200. `down()` stops listening (connection refused) and
// `up()` listens again on the same port. Everything received is kept for the test to count.
import { createServer } from 'node:http';
import { HOST } from '../../tools/serve.mjs';

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type, x-sentry-auth',
  'access-control-expose-headers': 'retry-after, x-sentry-rate-limits',
  'access-control-max-age': '600',
};

export async function startIngest({ key = '0123456789abcdef0123456789abcdef', project = 7 } = {}) {
  const received = [];
  const plan = [];
  const sockets = new Set();
  let port = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS);
      res.end();
      return;
    }
    if (req.method !== 'POST' || url.pathname !== `/api/${project}/envelope/`) {
      res.writeHead(404, CORS);
      res.end('not found');
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const step = plan.length ? plan.shift() : { status: 200 };
      const body = Buffer.concat(chunks);
      const auth = req.headers['x-sentry-auth'] || (url.searchParams.get('sentry_key') ? `sentry_key=${url.searchParams.get('sentry_key')}` : '');
      received.push({ at: Date.now(), body, auth, query: url.search, headers: req.headers, answered: step === 'refuse' ? 'refused' : step.status });
      if (step === 'refuse') {
        req.socket.destroy();
        return;
      }
      const answer = () => {
        // `headers` may be a function: its answer is made when the response is (an HTTP-date from now).
        const extra = typeof step.headers === 'function' ? step.headers() : step.headers;
        res.writeHead(step.status, { ...CORS, 'content-type': 'application/json', ...(extra || {}) });
        res.end(step.status === 200 ? JSON.stringify({ id: envelopeEventId(body) }) : '{"detail":"planned"}');
      };
      if (step.delay) setTimeout(answer, step.delay);
      else answer();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const listen = () => new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, HOST, () => {
      server.off('error', fail);
      port = server.address().port;
      ok();
    });
  });
  await listen();
  return {
    get origin() {
      return `http://${HOST}:${port}`;
    },
    get dsn() {
      return `http://${key}@${HOST}:${port}/${project}`;
    },
    received,
    /** Queues answers for the next POSTs: `{ status, headers }` or `'refuse'`. */
    plan: (...steps) => plan.push(...steps),
    /** Stops listening and drops open connections: the next requests are refused. */
    down: () => new Promise((ok) => {
      for (const s of sockets) s.destroy();
      server.close(() => ok());
    }),
    up: listen,
    close: () => new Promise((ok) => {
      for (const s of sockets) s.destroy();
      if (server.listening) server.close(() => ok());
      else ok();
    }),
  };
}

/** The event id in an envelope's header line, or ''. */
export function envelopeEventId(body) {
  try {
    const nl = body.indexOf(10);
    return JSON.parse(body.subarray(0, nl < 0 ? body.length : nl).toString('utf8')).event_id || '';
  } catch {
    return '';
  }
}

/** The items of an envelope: [{ type, payload (parsed JSON or null) }]. */
export function items(body) {
  const text = body.toString('utf8');
  const lines = text.split('\n');
  const out = [];
  for (let i = 1; i + 1 < lines.length; i += 2) {
    let header;
    try {
      header = JSON.parse(lines[i]);
    } catch {
      break;
    }
    let payload = null;
    try {
      payload = JSON.parse(lines[i + 1]);
    } catch {
      payload = null;
    }
    out.push({ type: header.type, payload });
  }
  return out;
}

/** Totals of what arrived: delivered event ids (status 200 only), duplicates, and client-report
 * drops summed by reason. */
export function tally(received) {
  const delivered = new Map();
  const dropped = {};
  for (const r of received) {
    for (const it of items(r.body)) {
      if (it.type === 'event' && r.answered === 200) {
        const id = it.payload?.event_id;
        delivered.set(id, (delivered.get(id) || 0) + 1);
      }
      if (it.type === 'client_report' && r.answered === 200) {
        for (const d of it.payload?.discarded_events || []) {
          const k = `${d.reason}:${d.category}`;
          dropped[k] = (dropped[k] || 0) + d.quantity;
        }
      }
    }
  }
  const duplicates = [...delivered.values()].filter((n) => n > 1).length;
  return { delivered: delivered.size, duplicates, dropped, ids: [...delivered.keys()] };
}

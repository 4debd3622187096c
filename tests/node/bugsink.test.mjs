// Delivery against a real Sentry-compatible server: Bugsink (PyPI) on loopback, started by
// tests/oracles/bugsink_up.sh (a copy of ../shared/oracles/bugsink_up.sh). The npm package in
// Node sends with its own fetch transport; the events are read back as issues through
// Bugsink's REST API. With the project's quota set to 3 events, Bugsink's real 429 and its
// `X-Sentry-Rate-Limits: 60::key` are honoured (nothing is sent inside the window), and
// delivery resumes once the window has passed and the server takes events again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as eb from '../../pkg/node.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const UP = join(ROOT, 'tests/oracles/bugsink_up.sh');
const dir = mkdtempSync(join(tmpdir(), 'eb-bugsink-'));
const data = join(dir, 'data');
let port;
let dsn;

function freePort() {
  return new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => ok(p));
    });
  });
}

/** Starts Bugsink on `port` with a per-project quota of `quota` events per 5 minutes. */
function start(quota) {
  const conf = join(dir, `quota-${quota}.py`);
  writeFileSync(conf, `BUGSINK["MAX_EVENTS_PER_PROJECT_PER_5_MINUTES"] = ${quota}\n`);
  const out = execFileSync(UP, [String(port), data], {
    encoding: 'utf8',
    env: { ...process.env, BUGSINK_EXTRA_CONF: conf },
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 300_000,
  });
  return out.trim().split('\n').at(-1);
}

function stop() {
  execFileSync(UP, ['--stop', data], { stdio: 'ignore', timeout: 60_000 });
}

async function api(path) {
  const token = readFileSync(join(data, 'api_token'), 'utf8').trim();
  const res = await fetch(`http://127.0.0.1:${port}/api/canonical/0/${path}`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return res.json();
}

async function issues() {
  const project = readFileSync(join(data, 'project_id'), 'utf8').trim();
  return (await api(`issues/?project=${project}`)).results;
}

// Every request the SDK makes to Bugsink, with its answer.
const requests = [];
const realFetch = globalThis.fetch;

before(async () => {
  port = await freePort();
  dsn = start(3);
  globalThis.fetch = async (url, init) => {
    const res = await realFetch(url, init);
    if (/\/api\/\d+\/envelope\//.test(String(url))) {
      requests.push({ status: res.status, limits: res.headers.get('x-sentry-rate-limits'), body: Buffer.from(init.body).toString('utf8') });
    }
    return res;
  };
  await eb.init({ dsn, release: 'bugsink-e2e@1.0.0', integrations: { dedupe: false, globalHandlers: false, console: false } });
});

after(async () => {
  globalThis.fetch = realFetch;
  await eb.close(2000);
  try {
    stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function distinctErrors(prefix, n) {
  // A different type per error: Bugsink groups by type and value.
  return Array.from({ length: n }, (_, i) => {
    const e = new Error(`${prefix} ${i}`);
    e.name = `${prefix.replace(/\W/g, '')}Error${i}`;
    return e;
  });
}

test('events land in Bugsink as issues; its real 429 and rate-limit header are honoured; delivery resumes after the window', { timeout: 420_000 }, async () => {
  // Within the quota: three errors, three issues.
  for (const e of distinctErrors('within quota', 3)) eb.captureException(e);
  assert.equal(await eb.flush(20_000), true);
  const first = await issues();
  assert.equal(first.length, 3, JSON.stringify(first.map((i) => i.calculated_type)));
  assert.ok(requests.slice(0, 3).every((r) => r.status === 200));

  // Over the quota: Bugsink answers 429 with `60::key`; the next capture is not even sent.
  eb.captureException(distinctErrors('over quota', 1)[0]);
  await eb.flush(20_000);
  const refused = requests.at(-1);
  assert.equal(refused.status, 429, `Bugsink answered ${refused.status}`);
  assert.match(refused.limits || '', /^60::key/);
  const before = requests.length;
  eb.captureException(distinctErrors('inside the window', 1)[0]);
  await eb.flush(2000);
  assert.equal(requests.length, before, 'nothing was sent while rate limited');
  assert.equal((await issues()).length, 3);

  // The server takes events again (restarted with the quota lifted) and the SDK's 60 s
  // window passes: the next capture is delivered, and the client report for the one held
  // back goes with it.
  stop();
  start(1000);
  await new Promise((r) => setTimeout(r, 61_000));
  eb.captureException(distinctErrors('after the window', 1)[0]);
  assert.equal(await eb.flush(20_000), true);
  const after = requests.slice(before);
  assert.ok(after.some((r) => r.status === 200 && r.body.includes('after the window 0')), JSON.stringify(after.map((r) => r.status)));
  const report = after.find((r) => r.body.includes('"type":"client_report"'));
  assert.ok(report, 'a client report was sent');
  assert.match(report.body, /"reason":"ratelimit_backoff","category":"error","quantity":1/);
  const last = await issues();
  assert.equal(last.length, 4);
  assert.ok(last.some((i) => i.calculated_type === 'afterthewindowError0'), JSON.stringify(last.map((i) => i.calculated_type)));
});

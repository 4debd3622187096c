// A Rust Worker (examples/rust-worker: workers-rs 0.8.7, built by the real worker-build with
// the project's esbuild, wasm-bindgen and wasm-opt, scripts/build-rust-worker.sh) in workerd
// (npm, pinned), with errorbeacon's Rust API only (API.md §2): what arrives at a loopback sink
// for an `Err` captured with `capture_error`, for one with a breadcrumb and a scope tag, and for
// a panic (`panic = "abort"`, workers-rs' default), and that the Worker answers afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSink, events } from '../browser/sink.mjs';
import { relayAll } from '../relay.mjs';
import { freePort, workerdConfig } from '../../tools/workerd.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKERD = join(ROOT, 'node_modules/.bin/workerd');
const BUILD = join(ROOT, 'examples/rust-worker/build');
let sink;
let dir;
let w;

before(async () => {
  assert.ok(existsSync(WORKERD), `${WORKERD} is missing: run scripts/setup.sh`);
  const b = spawnSync(join(ROOT, 'scripts/build-rust-worker.sh'), [], { encoding: 'utf8', timeout: 900_000 });
  assert.equal(b.status, 0, `build-rust-worker.sh failed:\n${b.stdout.slice(-2000)}\n${b.stderr.slice(-4000)}`);
  sink = await startSink(ROOT);
  dir = mkdtempSync(join(tmpdir(), 'eb-rust-worker-'));
  // workerd embeds files relative to its config.
  cpSync(BUILD, join(dir, 'build'), { recursive: true });
  const port = await freePort();
  const file = join(dir, 'config.capnp');
  writeFileSync(file, workerdConfig({
    port, dir: 'build', files: ['index.js', 'index_bg.wasm'], main: 'index.js',
    bindings: [`(name = "SENTRY_DSN", text = "${sink.dsn}")`],
  }));
  const child = spawn(WORKERD, ['serve', file, '--experimental'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100 && !w; i++) {
    try {
      await fetch(`${origin}/ping`);
      w = { origin, stop: () => child.kill('SIGTERM'), log: () => log };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  if (!w) {
    child.kill('SIGKILL');
    throw new Error(`workerd did not start:\n${log}`);
  }
});
after(async () => {
  w?.stop();
  await sink?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function eventsSoon(n, ms = 5000) {
  const end = Date.now() + ms;
  const evs = () => events(sink.envelopes.filter(({ body }) => body.toString('utf8').split('\n')[1]?.includes('"type":"event"')));
  while (evs().length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return evs();
}

test('an Err captured with capture_error: one event with its source() chain and the Worker\'s release', async () => {
  sink.envelopes.length = 0;
  const res = await fetch(`${w.origin}/err?items=5`);
  assert.equal(res.status, 500);
  const text = await res.text();
  const [ev] = await eventsSoon(1);
  assert.ok(ev, w.log());
  assert.deepEqual(ev.exception.values.map((e) => [e.type, e.value]), [['StockError', 'only 3 left in stock'], ['CheckoutError', 'checkout failed']]);
  assert.ok(text.includes(ev.event_id), `the id the handler got is the event's: ${text}`);
  assert.equal(ev.release, 'rust-worker@1.0.0');
  assert.equal(ev.sdk.name, 'errorbeacon.rust');
  assert.match(sink.envelopes[0].auth ?? '', /sentry_key=/);
  // in_request: the request's data, secrets scrubbed from the query.
  assert.equal(ev.request.method, 'GET');
  assert.equal(ev.request.url, `${w.origin}/err`);
  assert.equal(ev.request.query_string, 'items=5');
  assert.ok(ev.request.headers.host, JSON.stringify(ev.request));
  relayAll(sink.envelopes.map(({ body }) => body), 'rust-worker-err');
});

test('a breadcrumb and a tag set before the capture are in its event', async () => {
  sink.envelopes.length = 0;
  const res = await fetch(`${w.origin}/crumb?items=9&token=s3cret`, { headers: { cookie: 'session=abc', authorization: 'Bearer x' } });
  assert.equal(res.status, 500);
  await res.text();
  const [ev] = await eventsSoon(1);
  assert.ok(ev, w.log());
  assert.equal(ev.tags.route, 'crumb');
  assert.equal(ev.breadcrumbs.values.at(-1).message, 'reserving 9');
  assert.equal(ev.request.query_string, 'items=9&token=[Filtered]');
  assert.equal(ev.request.headers.cookie, undefined, 'no cookies without sendDefaultPii');
  assert.equal(ev.request.headers.authorization, undefined);
  assert.doesNotMatch(JSON.stringify(ev), /s3cret|session=abc|Bearer/);
  relayAll(sink.envelopes.map(({ body }) => body), 'rust-worker-crumb');
});

test('a panic (panic = "abort"): a fatal panic event with the message and the Rust location; the next request is answered', async () => {
  sink.envelopes.length = 0;
  const res = await fetch(`${w.origin}/panic?items=7`);
  assert.equal(res.status, 500, 'the trap fails the request');
  await res.text();
  const [ev] = await eventsSoon(1);
  assert.ok(ev, `no panic event arrived\n${w.log()}`);
  const ex = ev.exception.values.at(-1);
  assert.equal(ex.type, 'panic');
  assert.equal(ex.value, 'cart holds 7 items, more than the 3 allowed');
  assert.equal(ex.mechanism.handled, false);
  assert.equal(ev.level, 'fatal');
  assert.match(ev.contexts.panic.file, /src\/lib\.rs$/);
  const crash = ex.stacktrace.frames.at(-1);
  assert.equal(crash.lineno, ev.contexts.panic.line);
  assert.equal(ev.request.url, `${w.origin}/panic`, 'the in-flight request\'s data');
  relayAll(sink.envelopes.map(({ body }) => body), 'rust-worker-panic');
  const next = await fetch(`${w.origin}/err?items=1`);
  assert.equal(await next.text(), 'reserved 1', 'the Worker answers after the panic');
});

test('20 concurrent requests, half failing with an Err: each event carries only its own request\'s tag and data', async () => {
  sink.envelopes.length = 0;
  const ids = Array.from({ length: 20 }, (_, i) => i + 1);
  const statuses = await Promise.all(ids.map(async (id) => {
    const r = await fetch(`${w.origin}/order?id=${id}`);
    await r.text();
    return r.status;
  }));
  assert.deepEqual(statuses, ids.map((id) => (id % 2 ? 500 : 200)));
  const evs = await eventsSoon(10);
  assert.equal(evs.length, 10, w.log());
  for (const ev of evs) {
    const ex = ev.exception.values.at(-1);
    const id = Number(/order (\d+) failed/.exec(ex.value)?.[1]);
    assert.equal(id % 2, 1, ex.value);
    assert.equal(ex.mechanism.type, 'cloudflare');
    assert.equal(ex.mechanism.handled, false, 'an Err the handler returned');
    assert.equal(ev.tags.order, String(id), `its own tag: ${JSON.stringify(ev.tags)}`);
    assert.equal(ev.request.query_string, `id=${id}`, 'its own request');
  }
  assert.deepEqual(evs.map((e) => Number(e.tags.order)).sort((a, b) => a - b), ids.filter((id) => id % 2));
  relayAll(sink.envelopes.map(({ body }) => body), 'rust-worker-concurrent');
});

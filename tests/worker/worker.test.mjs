// errorbeacon/worker in workerd (npm `workerd`, pinned), in each configuration: no
// compatibility flag, `nodejs_als`, `nodejs_compat`. tests/worker/app.js is bundled twice, by
// the real wrangler (npm, pinned: `wrangler deploy --dry-run --outdir`) and by esbuild with the
// `workerd`/`worker` conditions (the wasm imported as a module in both), and each bundle is
// served by workerd on loopback; its events go to a loopback sink.
// Checked: a thrown error gives the client workerd's error response and one event with the
// request (method, URL without secrets, kept headers, no cookies); captures in a fire-and-forget
// waitUntil promise, in a plain continuation after the response and while a streamed body is
// written all arrive; 50 concurrent requests with their own user and tag each get exactly their
// own (through ctx.errorbeacon always; through the global calls with AsyncLocalStorage; with no
// flag the global calls never put one request's data in another's event); a scheduled handler
// that throws; a Durable Object; a Hono app (pinned) whose onError handles a route's error;
// hostile values. Every envelope passes Sentry's normalizer and is under 1 MB.
// Node 20 has no global WebSocket: the `ws` package's client (a devDependency).
import { WebSocket } from 'ws';
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startSink, events } from '../browser/sink.mjs';
import { relayAll } from '../relay.mjs';
import { freePort, workerdConfig } from '../../tools/workerd.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKERD = join(ROOT, 'node_modules/.bin/workerd');
let sink;
let dir;
const bundles = {};
const WRANGLER = join(ROOT, 'node_modules/.bin/wrangler');

before(async () => {
  assert.ok(existsSync(WORKERD), `${WORKERD} is missing: run scripts/setup.sh`);
  sink = await startSink(ROOT);
  dir = mkdtempSync(join(tmpdir(), 'eb-worker-'));
  // The package as an app's dependency, resolved through its `exports` conditions.
  mkdirSync(join(dir, 'deps/node_modules'), { recursive: true });
  symlinkSync(join(ROOT, 'pkg'), join(dir, 'deps/node_modules/errorbeacon'));
  await build({
    entryPoints: [join(ROOT, 'tests/worker/app.js')], bundle: true, format: 'esm', platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'], mainFields: ['module', 'main'], nodePaths: [join(dir, 'deps/node_modules')],
    loader: { '.wasm': 'copy' }, external: ['cloudflare:workers'], outdir: join(dir, 'esbuild'), logLevel: 'warning',
  });
  // wrangler, as a user's project runs it: the package and Hono in its node_modules.
  assert.ok(existsSync(WRANGLER), `${WRANGLER} is missing: run scripts/setup.sh`);
  const project = join(dir, 'project');
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  symlinkSync(join(ROOT, 'pkg'), join(project, 'node_modules/errorbeacon'));
  symlinkSync(join(ROOT, 'node_modules/hono'), join(project, 'node_modules/hono'));
  cpSync(join(ROOT, 'tests/worker/app.js'), join(project, 'app.js'));
  writeFileSync(join(project, 'wrangler.toml'), [
    'name = "errorbeacon-test"', 'main = "app.js"', 'compatibility_date = "2025-09-01"',
    '[[durable_objects.bindings]]', 'name = "CART"', 'class_name = "Cart"',
    '[[migrations]]', 'tag = "v1"', 'new_classes = ["Cart"]', '',
  ].join('\n'));
  const r = spawnSync(WRANGLER, ['deploy', '--dry-run', '--outdir', join(dir, 'wrangler')], {
    cwd: project, encoding: 'utf8', timeout: 120_000,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', WRANGLER_LOG_PATH: join(dir, 'wrangler-logs') },
  });
  assert.equal(r.status, 0, `wrangler deploy --dry-run failed:\n${r.stdout}\n${r.stderr}`);
  for (const b of ['esbuild', 'wrangler']) {
    bundles[b] = readdirSync(join(dir, b)).filter((f) => f.endsWith('.js') || f.endsWith('.wasm'));
  }
  assert.ok(bundles.wrangler.some((f) => f.endsWith('.wasm')), `wrangler kept the wasm a module: ${bundles.wrangler}`);
});
after(async () => {
  await sink?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** workerd serving `bundler`'s bundle with `flags`; resolves when it answers. */
async function startWorkerd(bundler, flags) {
  const port = await freePort();
  const config = workerdConfig({
    port, dir: bundler, files: bundles[bundler], main: 'app.js', flags,
    bindings: [`(name = "SENTRY_DSN", text = "${sink.dsn}")`, '(name = "CART", durableObjectNamespace = "Cart")'],
    extra: '\n  durableObjectNamespaces = [ (className = "Cart", uniqueKey = "errorbeacon-test-cart") ],\n  durableObjectStorage = (inMemory = void),\n  ',
  });
  const file = join(dir, `config-${port}.capnp`);
  writeFileSync(file, config);
  const child = spawn(WORKERD, ['serve', file, '--experimental'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`${origin}/ping`);
      return { origin, stop: () => child.kill('SIGTERM'), log: () => log };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`workerd did not start:\n${log}`);
}

/** The events received until `n` arrived (or `ms` passed). */
async function eventsSoon(n, ms = 5000) {
  const end = Date.now() + ms;
  const evs = () => events(sink.envelopes.filter(({ body }) => body.toString('utf8').split('\n')[1]?.includes('"type":"event"')));
  while (evs().length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return evs();
}

/** fetch, once more when a pooled keep-alive connection turns out closed by workerd (Node's
 * client reuses sockets across the concurrent test's requests). */
async function get(url, init) {
  try {
    return await fetch(url, init);
  } catch (e) {
    if (!/other side closed|ECONNRESET/.test(String(e.cause ?? e))) throw e;
    return fetch(url, init);
  }
}

const message = (e) => e.logentry?.formatted ?? e.message ?? e.exception?.values?.at(-1)?.value;

for (const [bundler, flags] of [['wrangler', []], ['wrangler', ['nodejs_als']], ['wrangler', ['nodejs_compat']], ['esbuild', []], ['esbuild', ['nodejs_compat']]]) {
  const name = `${bundler}, ${flags.length ? flags.join(',') : 'no flag'}`;
  describe(`workerd, ${name}`, () => {
    let w;
    before(async () => {
      w = await startWorkerd(bundler, flags);
    });
    after(() => w?.stop());

    test('a thrown error: the error response, and one event with the request', async () => {
      sink.envelopes.length = 0;
      const res = await get(`${w.origin}/throw?token=secret123&page=2`, { headers: { cookie: 'session=abc', 'user-agent': 'test-agent/1' } });
      assert.equal(res.status, 500);
      await res.text();
      const [ev, ...more] = await eventsSoon(1);
      assert.ok(ev, `an event arrived\n${w.log()}`);
      assert.equal(more.length, 0);
      const ex = ev.exception.values.at(-1);
      assert.deepEqual([ex.type, ex.value, ex.mechanism.type, ex.mechanism.handled], ['TypeError', 'the cart is gone', 'cloudflare', false]);
      assert.equal(ev.request.method, 'GET');
      assert.equal(ev.request.url, `${w.origin}/throw`);
      assert.match(ev.request.query_string, /token=\[Filtered\]/);
      assert.doesNotMatch(JSON.stringify(ev), /secret123|session=abc/);
      assert.equal(ev.request.headers['user-agent'], 'test-agent/1');
      assert.equal(ev.request.headers.cookie, undefined);
      assert.equal(ev.tags.route, 'throw');
      assert.equal(ev.tags.service, 'shop-worker');
      assert.equal(ev.release, 'worker@1.0.0');
      relayAll(sink.envelopes.map(({ body }) => body), `worker-${bundler}-${flags.join('-')}-throw`);
    });

    for (const [path, said] of [['/wait-until', 'from a waitUntil promise'], ['/after', 'after the response'], ['/stream', 'while the body is written']]) {
      test(`${path}: the capture arrives`, async () => {
        sink.envelopes.length = 0;
        const res = await get(`${w.origin}${path}`);
        assert.equal(res.status, 200);
        await res.text();
        const evs = await eventsSoon(1);
        assert.deepEqual(evs.map(message), [said], w.log());
        assert.equal(evs[0].request.url, `${w.origin}${path}`);
      });
    }

    test('50 concurrent requests: each event has its own user and tag, never another request\'s', async () => {
      sink.envelopes.length = 0;
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => fetch(`${w.origin}/user?n=${i}&wait=${(i * 7) % 61}`).then((r) => r.text())));
      assert.deepEqual(answers, Array.from({ length: 50 }, (_, i) => String(i)));
      const evs = await eventsSoon(50);
      assert.equal(evs.length, 50, `one event per request (${evs.length})`);
      for (const ev of evs) {
        const m = message(ev);
        const n = m.match(/(\d+)$/)[1];
        if (m.startsWith('request ')) {
          assert.equal(ev.user?.id, `user-${n}`, m);
          assert.equal(ev.tags.n, n, m);
          assert.equal(ev.request.url, `${w.origin}/user`, m);
        }
        // Whatever the configuration: nothing of another request.
        if (ev.user) assert.equal(ev.user.id, `user-${n}`, m);
        if (ev.tags.n !== undefined) assert.equal(ev.tags.n, n, m);
        if (ev.tags.global_n !== undefined) assert.equal(ev.tags.global_n, n, m);
        if (ev.extra?.global_extra !== undefined) assert.equal(ev.extra.global_extra, n, m);
        if (flags.length && m.startsWith('global ')) {
          // AsyncLocalStorage: the global calls are this request's.
          assert.equal(ev.tags.global_n, n, m);
          assert.equal(ev.user?.id, `user-${n}`, m);
        }
      }
      relayAll(sink.envelopes.map(({ body }) => body), `worker-${bundler}-${flags.join('-')}-concurrent`);
    });

    test('hostile values: nothing escapes, every envelope is under 1 MB', async () => {
      sink.envelopes.length = 0;
      const res = await get(`${w.origin}/hostile`).catch((e) => assert.fail(`${e.cause ?? e}\n${w.log()}`));
      assert.equal(res.status, 200, await res.clone().text());
      const evs = await eventsSoon(3);
      assert.equal(evs.length, 3, w.log());
      for (const { body } of sink.envelopes) assert.ok(body.length < 1_000_000, `${body.length} B`);
      relayAll(sink.envelopes.map(({ body }) => body), `worker-${bundler}-${flags.join('-')}-hostile`);
    });

    test('a Durable Object: fetch, RPC methods and alarm that throw are captured; one call\'s tags stay out of the next', async () => {
      sink.envelopes.length = 0;
      const f = await get(`${w.origin}/do?what=fetch`);
      assert.equal(f.status, 500);
      await f.text();
      const r = await get(`${w.origin}/do?what=boom&arg=7`);
      assert.equal(await r.text(), 'threw rpc boom 7', 'the RPC caller sees the error');
      const a = await get(`${w.origin}/do?what=alarm`);
      assert.equal(await a.text(), 'armed');
      assert.equal(await (await get(`${w.origin}/do?what=tagAndCapture&arg=1`)).text(), '1');
      assert.equal(await (await get(`${w.origin}/do?what=captureOnly&arg=2`)).text(), '2');
      const evs = await eventsSoon(5);
      const by = (m) => evs.find((e) => message(e) === m);
      const fetchEv = by('cart fetch failed: POST');
      assert.ok(fetchEv, `${evs.map(message)}\n${w.log()}`);
      assert.equal(fetchEv.exception.values.at(-1).mechanism.handled, false);
      assert.equal(fetchEv.request.method, 'POST');
      assert.doesNotMatch(JSON.stringify(fetchEv), /t0p/);
      assert.deepEqual(fetchEv.contexts.durable_object, { class: 'CartObject', method: 'fetch' });
      assert.equal(by('rpc boom 7')?.contexts.durable_object.method, 'boom');
      assert.equal(by('alarm failed')?.contexts.durable_object.method, 'alarm');
      assert.equal(by('untagged call 2')?.tags.call, undefined, 'the previous call\'s tag is not in this event');
      if (flags.length) assert.equal(by('call 1')?.tags.call, '1', 'AsyncLocalStorage: the call\'s own tag');
      relayAll(sink.envelopes.map(({ body }) => body), `worker-${bundler}-${flags.join('-')}-durable-object`);
    });

    test('a Durable Object\'s WebSocket handlers: a message and a close that throw are captured, each with its own call\'s tag', async () => {
      sink.envelopes.length = 0;
      const ws = new WebSocket(`${w.origin.replace('http', 'ws')}/do?what=ws&name=ws-${bundler}-${flags.join('-')}`);
      const got = [];
      ws.on('message', (data) => got.push(String(data)));
      await new Promise((resolve, reject) => {
        ws.on('open', resolve);
        ws.on('error', (e) => reject(new Error(`websocket failed: ${e.message}\n${w.log()}`)));
      });
      ws.send('hello');
      ws.send('boom 1');
      const end = Date.now() + 5000;
      while (!got.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(got, ['echo hello'], 'a handler that does not throw keeps working');
      // Closed before the test ends, so that no event of this socket arrives in the next test.
      await new Promise((resolve) => {
        ws.on('close', resolve);
        ws.close(1000, 'done');
      });
      const evs = await eventsSoon(2);
      const by = (m) => evs.find((e) => message(e) === m);
      const onMessage = by('ws message boom 1 failed');
      assert.ok(onMessage, `${evs.map(message)}\n${w.log()}`);
      assert.equal(onMessage.exception.values.at(-1).type, 'TypeError');
      assert.equal(onMessage.exception.values.at(-1).mechanism.handled, false);
      assert.deepEqual(onMessage.contexts.durable_object, { class: 'CartObject', method: 'webSocketMessage' });
      const onClose = by('ws closed with 1000');
      assert.ok(onClose, `${evs.map(message)}\n${w.log()}`);
      assert.equal(onClose.contexts.durable_object.method, 'webSocketClose');
      if (flags.length) {
        assert.equal(onMessage.tags?.ws, 'boom 1', 'AsyncLocalStorage: the call\'s own tag');
        assert.equal(onClose.tags?.ws, undefined, 'the message call\'s tag is not in the close call\'s event');
      }
      assert.equal(evs.length, 2, evs.map(message).join('\n'));
      relayAll(sink.envelopes.map(({ body }) => body), `worker-${bundler}-${flags.join('-')}-websocket`);
    });

    test('Hono: an error its onError handled is reported, with the request, through honoMiddleware', async () => {
      sink.envelopes.length = 0;
      const res = await get(`${w.origin}/hono/throw?id=9`);
      assert.equal(res.status, 500);
      assert.equal(await res.text(), 'handled by onError: hono route failed: 9', 'the app\'s own response');
      const [ev, ...more] = await eventsSoon(1);
      assert.ok(ev, w.log());
      assert.equal(more.length, 0);
      const ex = ev.exception.values.at(-1);
      assert.deepEqual([ex.value, ex.mechanism.type, ex.mechanism.handled], ['hono route failed: 9', 'hono', false]);
      assert.equal(ev.request.url, `${w.origin}/hono/throw`);
      assert.equal(ev.tags.framework, 'hono');
      relayAll(sink.envelopes.map(({ body }) => body), `worker-${bundler}-${flags.join('-')}-hono`);
    });

    for (const [path, said] of [['/email', 'mail from shop@example.com refused'], ['/tail', 'tail of 2 events failed']]) {
      test(`${path.slice(1)} handler that throws`, async () => {
        sink.envelopes.length = 0;
        const res = await get(`${w.origin}${path}`);
        assert.equal(await res.text(), `threw ${said}`, 're-thrown to the runtime');
        const evs = await eventsSoon(1);
        assert.deepEqual(evs.map(message), [said], w.log());
        assert.equal(evs[0].exception.values.at(-1).mechanism.handled, false);
      });
    }

    test('a queue handler that throws', async () => {
      sink.envelopes.length = 0;
      const res = await get(`${w.origin}/queue`);
      assert.equal(await res.text(), 'threw queue orders failed on 2 messages', 're-thrown to the runtime');
      const evs = await eventsSoon(1);
      assert.equal(evs.length, 1, w.log());
      assert.deepEqual(evs[0].contexts.queue, { name: 'orders', batch_size: 2 });
      assert.equal(evs[0].exception.values.at(-1).mechanism.handled, false);
    });

    test('a scheduled handler that throws', async () => {
      sink.envelopes.length = 0;
      const res = await get(`${w.origin}/scheduled?cron=*/5+*+*+*+*`);
      assert.equal(await res.text(), 'threw cron */5 * * * * failed', 're-thrown to the runtime');
      const evs = await eventsSoon(1);
      assert.equal(evs.length, 1, `${res.status}\n${w.log()}`);
      assert.equal(evs[0].exception.values.at(-1).value, 'cron */5 * * * * failed');
      assert.equal(evs[0].contexts.cron.cron, '*/5 * * * *');
    });
  });
}

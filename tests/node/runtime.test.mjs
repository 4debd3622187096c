// Node, Deno and Bun as child processes (Deno and Bun from npm, pinned): an uncaught exception
// in a timer and an unhandled rejection reach the sink before the process exits by itself,
// with the runtime's usual exit code (1) and its error printed; the app is configured from the
// environment only; an app with its own uncaughtException handler keeps control of the exit.
// A serverless handler (wrapHandler) killed with SIGKILL the moment its promise settles has its
// events at the sink already, and its caller sees its result or rejection. Every envelope
// passes Sentry's normalizer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startSink, events } from '../browser/sink.mjs';
import { relayAll } from '../relay.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const APP = fileURLToPath(new URL('./runtime/app.mjs', import.meta.url));
const RUNTIMES = {
  node: [process.execPath, [APP]],
  deno: [`${ROOT}node_modules/.bin/deno`, ['run', '--allow-read', '--allow-env', '--allow-net=127.0.0.1', APP]],
  bun: [`${ROOT}node_modules/.bin/bun`, [APP]],
};
let sink;

before(async () => {
  sink = await startSink(ROOT);
});
after(async () => {
  await sink?.close();
});

/** Runs the app under `runtime` with `scenario`; its exit code, signal, stdout and stderr. */
function run(runtime, scenario, script, extraEnv = {}) {
  const [bin, base] = RUNTIMES[runtime];
  const args = script ? base.map((a) => (a === APP ? script : a)) : base;
  assert.ok(existsSync(bin), `${bin} is missing: run scripts/setup.sh`);
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd: ROOT,
      env: { ...process.env, SENTRY_DSN: sink.dsn, SENTRY_RELEASE: 'server@2.0.0', SENTRY_ENVIRONMENT: 'staging', EB_SCENARIO: scenario, NO_COLOR: '1', ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${runtime} ${scenario}: still running after 30 s\n${stderr}`));
    }, 30_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const CASES = [
  ['timer', 'thrown in a timer', 'Error', ['onuncaughtexception', 'onerror']],
  ['rejection', 'rejected and never handled', 'TypeError', ['onunhandledrejection']],
];

for (const runtime of Object.keys(RUNTIMES)) {
  for (const [scenario, message, type, mechanisms] of CASES) {
    test(`${runtime}: ${scenario}: the event arrives before the process exits with code 1`, async () => {
      sink.envelopes.length = 0;
      const { code, stderr } = await run(runtime, scenario);
      assert.equal(code, 1, `${runtime} exits as it would without errorbeacon\n${stderr}`);
      assert.match(stderr, new RegExp(message), 'the error is printed');
      const got = events(sink.envelopes.filter(({ body }) => body.toString('utf8').split('\n')[1]?.includes('"type":"event"')));
      assert.equal(got.length, 1, `one event: ${JSON.stringify(got)}`);
      const [ev] = got;
      const ex = ev.exception.values.at(-1);
      assert.equal(ex.type, type);
      assert.equal(ex.value, message);
      assert.equal(ex.mechanism.handled, false);
      assert.ok(mechanisms.includes(ex.mechanism.type), ex.mechanism.type);
      assert.ok(ex.stacktrace?.frames?.some((f) => f.abs_path?.endsWith('app.mjs') && f.in_app), JSON.stringify(ex.stacktrace));
      assert.equal(ev.release, 'server@2.0.0', 'SENTRY_RELEASE');
      assert.equal(ev.environment, 'staging', 'SENTRY_ENVIRONMENT');
      assert.equal(ev.tags?.scenario, scenario);
      assert.equal(ev.contexts?.runtime?.name, runtime);
      assert.ok(ev.contexts.runtime.version, 'runtime version');
      assert.equal(ev.server_name, undefined, 'no server_name without sendDefaultPii');
      relayAll(sink.envelopes.map(({ body }) => body), `${runtime}-${scenario}`);
    });
  }
}

for (const runtime of ['node', 'bun']) {
  test(`${runtime}: an app with its own uncaughtException handler decides the exit`, async () => {
    sink.envelopes.length = 0;
    const { code, stdout, stderr } = await run(runtime, 'own-handler');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /the app handled it/);
    const got = events(sink.envelopes.filter(({ body }) => body.toString('utf8').split('\n')[1]?.includes('"type":"event"')));
    assert.deepEqual(got.map((e) => e.exception.values.at(-1).value), ['handled by the app']);
  });
}

const SERVERLESS = fileURLToPath(new URL('./runtime/serverless.mjs', import.meta.url));
const sent = (kind) => events(sink.envelopes.filter(({ body }) => body.toString('utf8').split('\n')[1]?.includes(`"type":"${kind}"`)));

test('wrapHandler: a handler that throws is captured, re-thrown, and its event is at the sink when the promise settles', async () => {
  sink.envelopes.length = 0;
  const { signal, stdout, stderr } = await run('node', 'throws', SERVERLESS);
  assert.equal(signal, 'SIGKILL', stderr);
  assert.match(stdout, /^rejected RangeError: no route for \/checkout$/m, 'the caller sees the rejection');
  const [ev, ...more] = sent('event');
  assert.equal(more.length, 0);
  const ex = ev.exception.values.at(-1);
  assert.deepEqual([ex.type, ex.value, ex.mechanism.type, ex.mechanism.handled], ['RangeError', 'no route for /checkout', 'serverless', false]);
  assert.equal(ev.tags.request, 'r-1');
  relayAll(sink.envelopes.map(({ body }) => body), 'serverless-throws');
});

test('wrapHandler: what a handler that succeeds captured is at the sink when it resolves, with its value', async () => {
  sink.envelopes.length = 0;
  const { signal, stdout } = await run('node', 'ok', SERVERLESS);
  assert.equal(signal, 'SIGKILL');
  assert.match(stdout, /^resolved \{"statusCode":200,"body":"\/checkout"\}$/m);
  assert.deepEqual(sent('event').map((e) => e.logentry?.formatted ?? e.message), ['served /checkout']);
});

test('node: server_name with sendDefaultPii only', async () => {
  sink.envelopes.length = 0;
  const { code } = await run('node', 'timer', undefined, { EB_PII: '1' });
  assert.equal(code, 1);
  const [ev] = sent('event');
  const { hostname } = await import('node:os');
  assert.equal(ev.server_name, hostname());
  relayAll(sink.envelopes.map(({ body }) => body), 'node-server-name');
});

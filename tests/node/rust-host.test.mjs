// The JavaScript a Rust app's module gets with the crate (src/web/host.rs, shipped by
// wasm-bindgen as snippets of the app's package; the `worker` feature's too): the ingest URL
// and auth it works out from the DSN, for fetch and for sendBeacon, a request's data and
// waitUntil, and that nothing it meets throws into the app. The snippets are taken from the
// source as wasm-bindgen takes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const source = readFileSync(fileURLToPath(new URL('../../src/web/host.rs', import.meta.url)), 'utf8');
const blocks = [...source.matchAll(/inline_js = r#"([\s\S]*?)"#\)\]/g)].map((m) => m[1]);
assert.equal(blocks.length, 2, 'the snippet and the worker feature\'s');
const dir = mkdtempSync(join(tmpdir(), 'eb-snippets-'));
const host = {};
for (const [i, js] of blocks.entries()) {
  const file = join(dir, `inline${i}.mjs`);
  writeFileSync(file, js);
  Object.assign(host, await import(pathToFileURL(file).href));
}
const body = new TextEncoder().encode('{}\n');

function withGlobals(globals, fn) {
  const saved = {};
  for (const k of Object.keys(globals)) {
    saved[k] = Object.getOwnPropertyDescriptor(globalThis, k);
    Object.defineProperty(globalThis, k, { value: globals[k], configurable: true, writable: true });
  }
  try {
    return fn();
  } finally {
    for (const k of Object.keys(globals)) {
      if (saved[k]) Object.defineProperty(globalThis, k, saved[k]);
      else delete globalThis[k];
    }
  }
}

test('fetch: the envelope URL of the DSN, with its path prefix and port, and X-Sentry-Auth', () => {
  const sent = [];
  const fetch = (url, init) => (sent.push({ url, init }), Promise.resolve(new Response('{}')));
  withGlobals({ fetch }, () => {
    assert.equal(host.eb_post('https://k3y@errors.example.com:8443/sentry/42', 'errorbeacon.rust/0.1.0', body), true);
    assert.equal(host.eb_post('http://pub:s3cret@127.0.0.1/7', 'errorbeacon.rust/0.1.0', body), true);
  });
  assert.equal(sent[0].url, 'https://errors.example.com:8443/sentry/api/42/envelope/');
  assert.equal(sent[0].init.headers['X-Sentry-Auth'], 'Sentry sentry_version=7, sentry_client=errorbeacon.rust/0.1.0, sentry_key=k3y');
  assert.equal(sent[0].init.keepalive, true);
  assert.equal(sent[0].init.credentials, 'omit');
  assert.equal(sent[1].url, 'http://127.0.0.1/api/7/envelope/');
  assert.match(sent[1].init.headers['X-Sentry-Auth'], /sentry_key=pub, sentry_secret=s3cret$/);
});

test('sendBeacon without fetch: the auth goes into the query', () => {
  const beacons = [];
  const navigator = { sendBeacon: (url, data) => (beacons.push({ url, data }), true) };
  withGlobals({ fetch: undefined, navigator }, () => {
    assert.equal(host.eb_post('https://k3y@errors.example.com/42', 'errorbeacon.rust/0.1.0', body), true);
  });
  assert.equal(beacons[0].url, 'https://errors.example.com/api/42/envelope/?sentry_key=k3y&sentry_version=7&sentry_client=errorbeacon.rust%2F0.1.0');
  assert.deepEqual([...beacons[0].data], [...body]);
});

test('a throwing fetch, a hostile navigator or a DSN URL cannot read: false, nothing thrown', () => {
  withGlobals({ fetch: () => { throw new Error('blocked'); } }, () => {
    assert.equal(host.eb_post('https://k@h/1', 'c', body), false);
  });
  const navigator = new Proxy({}, { get() { throw new Error('hostile'); } });
  withGlobals({ fetch: undefined, navigator }, () => {
    assert.equal(host.eb_post('https://k@h/1', 'c', body), false);
  });
  withGlobals({ fetch: () => Promise.resolve() }, () => {
    assert.equal(host.eb_post('not a url', 'c', body), false);
  });
});

test('flush resolves once the requests started have settled, or false at its timeout', async () => {
  let settle;
  const fetch = () => new Promise((r) => { settle = r; });
  withGlobals({ fetch }, () => host.eb_post('https://k@h/1', 'c', body));
  const early = await new Promise((resolve) => host.eb_flush(20, resolve));
  assert.equal(early, false);
  const done = new Promise((resolve) => host.eb_flush(5000, resolve));
  settle(new Response('{}'));
  assert.equal(await done, true);
});

test('randomness for event ids comes from crypto.getRandomValues, Math.random where it throws', () => {
  const draws = Array.from({ length: 200 }, () => host.eb_random());
  assert.ok(draws.every((x) => x >= 0 && x < 1), 'in [0, 1)');
  assert.ok(new Set(draws).size > 190, 'not constant');
  let asked = 0;
  const crypto = { getRandomValues: (a) => ((asked++, a[0] = 2 ** 31), a) };
  withGlobals({ crypto }, () => assert.equal(host.eb_random(), 0.5));
  assert.equal(asked, 1);
  const refusing = { getRandomValues: () => { throw new Error('not in this context'); } };
  withGlobals({ crypto: refusing }, () => {
    const x = host.eb_random();
    assert.ok(x >= 0 && x < 1);
  });
});

test('a request\'s ctx.waitUntil is handed each envelope\'s request; a ctx without one is ignored', async () => {
  const kept = [];
  const ctx = { waitUntil: (p) => kept.push(p) };
  withGlobals({ fetch: () => Promise.resolve(new Response('{}')) }, () => {
    assert.equal(host.eb_post('https://k@h/1', 'c', body, ctx), true);
    assert.equal(host.eb_post('https://k@h/1', 'c', body, { waitUntil: () => { throw new Error('no'); } }), true);
    assert.equal(host.eb_post('https://k@h/1', 'c', body, 42), true);
  });
  assert.equal(kept.length, 1);
  await kept[0];
});

test('eb_request: method, URL without query secrets, kept headers; cookies and auth only with pii; cf geo', () => {
  const req = new Request('https://shop.example/cart?id=3&api_key=k3y#top', {
    method: 'POST',
    headers: { 'user-agent': 'UA', cookie: 'session=abc', authorization: 'Bearer x', 'x-custom': 'no' },
  });
  Object.defineProperty(req, 'cf', { value: { colo: 'FRA', country: 'DE', city: 'Frankfurt', asn: 1 } });
  const [request, cf] = host.eb_request(req, false).split('\n');
  assert.deepEqual(JSON.parse(request), {
    method: 'POST', url: 'https://shop.example/cart', query_string: 'id=3&api_key=[Filtered]', headers: { 'user-agent': 'UA' },
  });
  assert.deepEqual(JSON.parse(cf), { colo: 'FRA', country: 'DE', city: 'Frankfurt' });
  const pii = JSON.parse(host.eb_request(req, true).split('\n')[0]);
  assert.equal(pii.query_string, 'id=3&api_key=k3y');
  assert.equal(pii.headers.cookie, 'session=abc');
  assert.equal(pii.headers.authorization, 'Bearer x');
  assert.equal(host.eb_request(new Request('https://h/'), false).split('\n')[1], '', 'no cf: no context');
  const hostile = new Proxy({}, { get() { throw new Error('hostile'); } });
  assert.equal(host.eb_request(hostile, false), '');
});

// A Rust-wasm app's panic, end to end in headless Chromium and Firefox ESR: the panic hook of
// errorbeacon's Rust API (examples/panic-app, built by scripts/build-example.sh) must deliver a
// fatal `panic` event with the message, the Rust location and the wasm frames before the
// module traps; the app's own error reporting keeps working after it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSink, events } from './sink.mjs';
import { runChromium, runFirefox, runWebKit, relayAll } from './browsers.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The example module's build id, read independently of the crate. */
function buildId() {
  const file = join(ROOT, 'tests/browser/pages/panic-app/panic_app_bg.wasm');
  const [section] = WebAssembly.Module.customSections(new WebAssembly.Module(readFileSync(file)), 'build_id');
  const bytes = new Uint8Array(section);
  return Buffer.from(bytes.subarray(1, 1 + bytes[0])).toString('hex');
}

/** The panic event's debug image: the module wasm-bindgen's `init` loaded from its URL, with
 * its build id (issue 27, item 5), seen by the crate's own snippet (no npm package here). */
function checkImage(panic, engine) {
  const images = panic.debug_meta?.images ?? [];
  assert.equal(images.length, 1, `${engine}: ${JSON.stringify(panic.debug_meta)}`);
  assert.equal(images[0].type, 'wasm');
  assert.match(images[0].code_file, /^http:\/\/127\.0\.0\.1:\d+\/tests\/browser\/pages\/panic-app\/panic_app_bg\.wasm$/);
  assert.equal(images[0].code_id, buildId());
  const wasm = panic.exception.values.at(-1).stacktrace.frames.filter((f) => f.platform === 'native');
  assert.ok(wasm.length && wasm.every((f) => f.abs_path === images[0].code_file), `${engine}: ${JSON.stringify(wasm)}`);
  return wasm;
}
let sink;

before(async () => {
  assert.ok(existsSync(join(ROOT, 'tests/browser/pages/panic-app/panic_app.js')), 'run scripts/build-example.sh first');
  sink = await startSink(ROOT);
});
after(async () => {
  await sink?.close();
});

function check(engine) {
  const report = JSON.parse(sink.report() || '{}');
  assert.match(report.trapped, /^RuntimeError: /, `${engine}: the panic trapped as a RuntimeError`);
  assert.match(report.id, /^[0-9a-f]{32}$/, `${engine}: the module kept working after the panic`);
  const evs = events(sink.envelopes);
  const panic = evs.find((e) => e.exception?.values?.at(-1)?.type === 'panic');
  assert.ok(panic, `${engine}: no panic event among ${evs.length}`);
  const ex = panic.exception.values.at(-1);
  assert.equal(ex.value, 'cart holds 5 items, more than the 3 allowed');
  assert.deepEqual(ex.mechanism, { type: 'panic', handled: false });
  assert.equal(panic.level, 'fatal');
  assert.equal(panic.release, 'panic-app@1.0.0');
  assert.deepEqual(panic.sdk?.settings, { infer_ip: 'never' }, 'no IP inference without send_default_pii');
  assert.equal(panic.tags.app, 'panic-app', 'the app scope is applied to the panic');
  assert.ok(panic.contexts.panic.file.endsWith('src/lib.rs'), panic.contexts.panic.file);
  assert.equal(typeof panic.contexts.panic.line, 'number');
  const frames = ex.stacktrace.frames;
  const crash = frames.at(-1);
  // Under the panic's location, the app's frame that panicked: none of the hook's frames (the
  // crate's JS snippet, its wasm-bindgen import, errorbeacon::…) nor std's panic machinery (issue 17).
  assert.equal(frames.at(-2)?.function, 'panic_app::compute_total', `${engine}: ${JSON.stringify(frames.slice(-4))}`);
  assert.ok(!frames.some((f) => /errorbeacon::|eb_stack|__wbg_eb_stack|std::panicking/.test(f.function ?? '') || /snippets\/errorbeacon-/.test(f.abs_path ?? '')),
    `${engine}: the hook's frames are gone: ${JSON.stringify(frames.map((f) => f.function))}`);
  assert.ok(crash.abs_path.endsWith('src/lib.rs') && crash.lineno === panic.contexts.panic.line && crash.in_app, JSON.stringify(crash));
  const wasm = frames.filter((f) => f.platform === 'native');
  assert.ok(wasm.length >= 3, `${engine}: wasm frames ${JSON.stringify(frames)}`);
  assert.ok(wasm.every((f) => /^0x[0-9a-f]+$/.test(f.instruction_addr) && f.abs_path.endsWith('panic_app_bg.wasm')), JSON.stringify(wasm));
  for (const f of checkImage(panic, engine)) assert.equal(f.addr_mode, 'rel:0', JSON.stringify(f));
  const names = wasm.map((f) => f.function);
  for (const fn of ['panic_app::compute_total', 'panic_app::charge_card', 'panic_app::reserve_stock']) {
    const f = wasm.find((w) => w.function === fn);
    assert.ok(f, `${engine}: ${fn} missing from ${JSON.stringify(names)}`);
    assert.equal(f.in_app, true);
  }
  // std's panic machinery sat between the app's frame and the hook: it went with the hook's frames.
  assert.ok(!wasm.some((f) => /^std::panicking::|^core::panicking::/.test(f.function ?? '')), `${engine}: std frames left: ${JSON.stringify(names)}`);

  const err = evs.find((e) => e.exception?.values?.at(-1)?.value === 'field quantity is invalid');
  assert.ok(err, `${engine}: capture_error event missing`);
  assert.deepEqual(err.exception.values.map((v) => v.type), ['ParseFailure', 'ValidationError']);
  assert.equal(err.exception.values[0].value, 'could not parse "abc"');
  relayAll(sink.envelopes, engine);
}

test('Chromium: a Rust panic arrives as a fatal panic event with location and wasm frames', async () => {
  sink.reset();
  await runChromium(`${sink.origin}/tests/browser/pages/panic.html?dsn=${encodeURIComponent(sink.dsn)}`, sink);
  check('chromium');
});

test('Firefox: a Rust panic arrives as a fatal panic event with location and wasm frames', async () => {
  sink.reset();
  await runFirefox(`${sink.origin}/tests/browser/pages/panic.html?dsn=${encodeURIComponent(sink.dsn)}`, sink);
  check('firefox');
});

// WebKit (JavaScriptCore) prints a wasm frame as `<module>.wasm-function[<name>]@[wasm code]`
// or, for some frames, `<index>@<?>:wasm-function[<index>]`: no code offset, and names only for
// some frames. So the panic is checked for what WebKit gives: the event, its message, mechanism
// and scope, the Rust location as the crash frame, wasm frames among the frames, and the
// app's own error capture after it.
test('WebKit: a Rust panic arrives as a fatal panic event with its location', async () => {
  sink.reset();
  await runWebKit(`${sink.origin}/tests/browser/pages/panic.html?dsn=${encodeURIComponent(sink.dsn)}`, sink);
  const report = JSON.parse(sink.report() || '{}');
  assert.match(report.trapped, /^RuntimeError: /, 'the panic trapped as a RuntimeError');
  assert.match(report.id, /^[0-9a-f]{32}$/, 'the module kept working after the panic');
  const evs = events(sink.envelopes);
  const panic = evs.find((e) => e.exception?.values?.at(-1)?.type === 'panic');
  assert.ok(panic, `no panic event among ${evs.length}`);
  const ex = panic.exception.values.at(-1);
  assert.equal(ex.value, 'cart holds 5 items, more than the 3 allowed');
  assert.deepEqual(ex.mechanism, { type: 'panic', handled: false });
  assert.equal(panic.level, 'fatal');
  assert.equal(panic.tags.app, 'panic-app');
  const frames = ex.stacktrace.frames;
  assert.ok(frames.at(-1).abs_path.endsWith('src/lib.rs') && frames.at(-1).lineno === panic.contexts.panic.line, JSON.stringify(frames.at(-1)));
  assert.ok(frames.some((f) => f.platform === 'native'), `wasm frames: ${JSON.stringify(frames)}`);
  // JavaScriptCore names the frames by the name section's module name: they show the URL the
  // module came from, and its image (no code offsets: no addr_mode).
  checkImage(panic, 'webkit');
  assert.ok(frames.some((f) => f.abs_path?.endsWith('/tests/browser/pages/panic.js')), 'the page\'s call into the app');
  const err = evs.find((e) => e.exception?.values?.at(-1)?.value === 'field quantity is invalid');
  assert.ok(err, 'capture_error event missing');
  relayAll(sink.envelopes, 'webkit');
});


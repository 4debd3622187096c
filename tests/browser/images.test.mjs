// wasm debug images in Chromium and Firefox: a module loaded with instantiateStreaming after
// `init` is registered with its build id, and the wasm frames of an error thrown through it
// get `addr_mode: "rel:N"` into `debug_meta.images`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSink, events } from './sink.mjs';
import { runChromium, runFirefox, relayAll } from './browsers.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WASM = join(ROOT, 'tests/browser/pages/panic-app/panic_app_bg.wasm');
let sink;

before(async () => {
  assert.ok(existsSync(WASM), 'run scripts/build-example.sh first');
  sink = await startSink(ROOT);
});
after(async () => {
  await sink?.close();
});

/** The build id of the module file, read independently of the SDK. */
function buildId() {
  const sections = WebAssembly.Module.customSections(new WebAssembly.Module(readFileSync(WASM)), 'build_id');
  assert.equal(sections.length, 1, 'the example module has a build_id section (.cargo/config.toml)');
  const bytes = new Uint8Array(sections[0]);
  return Buffer.from(bytes.subarray(1, 1 + bytes[0])).toString('hex');
}

function check(engine) {
  const id = buildId();
  const e = events(sink.envelopes).find((ev) => ev.exception?.values?.at(-1)?.value === 'callback failed inside wasm');
  assert.ok(e, `${engine}: event missing`);
  const frames = e.exception.values.at(-1).stacktrace.frames;
  const wasm = frames.filter((f) => f.platform === 'native' && f.abs_path?.endsWith('panic_app_bg.wasm'));
  assert.ok(wasm.length >= 2, `${engine}: ${JSON.stringify(frames)}`);
  for (const f of wasm) {
    assert.equal(f.addr_mode, 'rel:0', JSON.stringify(f));
    assert.match(f.instruction_addr, /^0x[0-9a-f]+$/);
  }
  assert.ok(wasm.some((f) => f.function === 'panic_app::inner_step'), `${engine}: ${JSON.stringify(wasm.map((f) => f.function))}`);
  const [image] = e.debug_meta.images;
  assert.equal(image.type, 'wasm');
  assert.ok(image.code_file.endsWith('/tests/browser/pages/panic-app/panic_app_bg.wasm'));
  assert.equal(image.code_id, id);
  assert.equal(image.debug_id.replaceAll('-', ''), id.padEnd(32, '0').slice(0, 32));
  relayAll(sink.envelopes, engine);
}

const url = () => `${sink.origin}/tests/browser/pages/images.html?dsn=${encodeURIComponent(sink.dsn)}`;

test('Chromium: wasm frames point into the module image with its build id', async () => {
  sink.reset();
  await runChromium(url(), sink);
  check('chromium');
});

test('Firefox: wasm frames point into the module image with its build id', async () => {
  sink.reset();
  await runFirefox(url(), sink);
  check('firefox');
});

// wasm debug images in Chromium and Firefox: a module loaded after `init` on every load path
// (instantiateStreaming; instantiate, compile and new WebAssembly.Module from bytes) is
// registered with its build id, and the wasm frames of an error thrown through it get
// `addr_mode: "rel:N"` into `debug_meta.images`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSink, events } from './sink.mjs';
import { runChromium, runFirefox, runWebKit, relayAll } from './browsers.mjs';

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

/** The example module's function names by index, from its name section, without Rust's hash. */
function functionNames() {
  const [section] = WebAssembly.Module.customSections(new WebAssembly.Module(readFileSync(WASM)), 'name');
  const b = new Uint8Array(section);
  let i = 0;
  const leb = () => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const x = b[i++];
      v += (x & 0x7f) * 2 ** shift;
      if (!(x & 0x80)) return v;
    }
  };
  const names = new Map();
  while (i < b.length) {
    const id = b[i++];
    const end = leb() + i;
    if (id === 1) {
      for (let n = leb(); n > 0; n--) {
        const index = leb();
        const len = leb();
        names.set(index, Buffer.from(b.subarray(i, i + len)).toString('utf8').replace(/::h[0-9a-f]{16}/, ''));
        i += len;
      }
    }
    i = end;
  }
  return names;
}

/** The name the engine prints for the module's frames, by load path. */
function frameFile(engine, load, origin) {
  if (load === 'url') return `${origin}/tests/browser/pages/panic-app/panic_app_bg.wasm`;
  if (engine === 'chromium') return `wasm://wasm/panic_app.wasm-${((statSync(WASM).size << 2 | 2) >>> 0).toString(16).padStart(8, '0')}`;
  // Firefox: the script that compiled it, then the API (errorbeacon's wrapper is that script).
  const api = { instantiate: 'instantiate', compile: 'compile', module: 'Module' }[load];
  return new RegExp(` line \\d+ > WebAssembly\\.${api}$`);
}

function check(engine, load = 'url') {
  const file = frameFile(engine, load, sink.origin);
  const named = (path) => (typeof file === 'string' ? path === file : file.test(path ?? ''));
  const id = buildId();
  const e = events(sink.envelopes).find((ev) => ev.exception?.values?.at(-1)?.value === 'callback failed inside wasm');
  assert.ok(e, `${engine}: event missing`);
  const frames = e.exception.values.at(-1).stacktrace.frames;
  const wasm = frames.filter((f) => f.platform === 'native' && named(f.abs_path));
  assert.ok(wasm.length >= 2, `${engine} ${load}: ${JSON.stringify(frames)}`);
  for (const f of wasm) {
    assert.equal(f.addr_mode, 'rel:0', JSON.stringify(f));
    assert.match(f.instruction_addr, /^0x[0-9a-f]+$/);
  }
  assert.ok(wasm.some((f) => f.function === 'panic_app::inner_step'), `${engine}: ${JSON.stringify(wasm.map((f) => f.function))}`);
  const [image] = e.debug_meta.images;
  assert.equal(image.type, 'wasm');
  assert.equal(e.debug_meta.images.length, 1, JSON.stringify(e.debug_meta.images));
  assert.ok(named(image.code_file), `${engine} ${load}: ${image.code_file}`);
  assert.equal(image.code_id, id);
  assert.equal(image.debug_id.replaceAll('-', ''), id.padEnd(32, '0').slice(0, 32));
  relayAll(sink.envelopes, engine);
}

/** WebKit (JavaScriptCore) prints a wasm frame as `<function>@<name section's module name>:
 * wasm-function[<index>]`: no URL, no offset. A module loaded from a URL gets that URL back from
 * the SDK's registry, and every module its image; no address is invented (issue 18). */
function checkWebKit(load) {
  const id = buildId();
  const e = events(sink.envelopes).find((ev) => ev.exception?.values?.at(-1)?.value === 'callback failed inside wasm');
  assert.ok(e, `webkit ${load}: event missing`);
  const frames = e.exception.values.at(-1).stacktrace.frames;
  const file = { url: `${sink.origin}/tests/browser/pages/panic-app/panic_app_bg.wasm`,
    trickle: `${sink.origin}/trickle/tests/browser/pages/panic-app/panic_app_bg.wasm` }[load] ?? 'panic_app.wasm';
  const wasm = frames.filter((f) => f.platform === 'native' && f.abs_path === file);
  assert.ok(wasm.length >= 2, `webkit ${load}: ${JSON.stringify(frames)}`);
  assert.equal(frames.filter((f) => f.platform === 'native').length, wasm.length, 'every wasm frame is attributed');
  assert.ok(wasm.every((f) => f.instruction_addr === undefined && f.addr_mode === undefined), JSON.stringify(wasm));
  // A streamed module's code can be compiled before its name section arrives: JavaScriptCore
  // then prints `<index>@<?>:wasm-function[<index>]` for some or all of its frames (for all
  // with `trickle`; for some with `url` on a busy machine). Every frame keeps its function
  // index, and a frame with a name has its function's.
  const names = functionNames();
  const inner = [...names].find(([, n]) => n === 'panic_app::inner_step')?.[0];
  assert.ok(wasm.every((f) => /^0x[0-9a-f]+$/.test(f.function_id)), JSON.stringify(wasm));
  assert.ok(wasm.some((f) => Number(f.function_id) === inner), `webkit ${load}: inner_step's frame`);
  for (const f of wasm.filter((f) => f.function)) assert.equal(f.function, names.get(Number(f.function_id)), JSON.stringify(f));
  if (load === 'trickle') assert.ok(wasm.every((f) => !f.function), 'the name section came after the code');
  if (load !== 'trickle' && load !== 'url') assert.ok(wasm.every((f) => f.function), JSON.stringify(wasm));
  const images = e.debug_meta?.images ?? [];
  assert.equal(images.length, 1, JSON.stringify(images));
  assert.equal(images[0].code_file, file);
  assert.equal(images[0].code_id, id);
  relayAll(sink.envelopes, 'webkit');
}

const url = (load) => `${sink.origin}/tests/browser/pages/images.html?load=${load}&dsn=${encodeURIComponent(sink.dsn)}`;

test('WebKit, trickle: frames of a module streamed before its name section arrived name its URL and image', async () => {
  sink.reset();
  await runWebKit(url('trickle'), sink);
  checkWebKit('trickle');
});

for (const load of ['url', 'instantiate', 'compile', 'module']) {
  test(`Chromium, ${load}: wasm frames point into the module image with its build id`, async () => {
    sink.reset();
    await runChromium(url(load), sink);
    check('chromium', load);
  });

  test(`WebKit, ${load}: wasm frames name their module's URL and image`, async () => {
    sink.reset();
    await runWebKit(url(load), sink);
    checkWebKit(load);
  });
  test(`Firefox, ${load}: wasm frames point into the module image with its build id`, async () => {
    sink.reset();
    await runFirefox(url(load), sink);
    check('firefox', load);
  });
}

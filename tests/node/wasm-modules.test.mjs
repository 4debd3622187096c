// Debug images for Rust-wasm modules compiled from bytes, in Node's V8: instantiate(bytes),
// compile(bytes) and new WebAssembly.Module(bytes) are seen after init, the module's frames
// (named wasm://wasm/<module name>-<hash> by V8) point into its image with its build id, and
// close() puts the engine's functions back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as eb from '../../pkg/node.js';

const WASM = fileURLToPath(new URL('../browser/pages/panic-app/panic_app_bg.wasm', import.meta.url));

/** The build id section, read without the SDK. */
function buildId(bytes) {
  const [section] = WebAssembly.Module.customSections(new WebAssembly.Module(bytes), 'build_id');
  const b = new Uint8Array(section);
  return Buffer.from(b.subarray(1, 1 + b[0])).toString('hex');
}

/** The event of each envelope body (the line after the item header of type event). */
function eventOf(body) {
  const lines = Buffer.from(body).toString('utf8').split('\n');
  const at = lines.findIndex((l) => l.includes('"type":"event"'));
  return JSON.parse(lines[at + 1]);
}

test('frames of a module from bytes point into its image, on every load path', async () => {
  const original = {
    instantiate: WebAssembly.instantiate,
    compile: WebAssembly.compile,
    Module: WebAssembly.Module,
  };
  assert.ok(existsSync(WASM), 'run scripts/build-example.sh first (scripts/test.sh does)');
  const bytes = readFileSync(WASM);
  const id = buildId(bytes);
  // What V8 prints for a module from bytes longer than 16383: the length is the hash.
  const name = `wasm://wasm/panic_app.wasm-${(((bytes.length << 2) | 2) >>> 0).toString(16).padStart(8, '0')}`;
  const sent = [];

  for (const load of ['instantiate', 'compile', 'module']) {
    // A fresh SDK (no module known yet) and a fresh copy of the app's glue for each path.
    await eb.init({
      dsn: 'https://0123456789abcdef0123456789abcdef@o1.ingest.example/42',
      transport: async (req) => {
        sent.push(req.body);
        return { status: 200, headers: {} };
      },
      integrations: { dedupe: false, globalHandlers: false, console: false },
    });
    assert.notEqual(WebAssembly.Module, original.Module, 'init wraps the constructor');
    const app = await import(`../browser/pages/panic-app/panic_app.js?load=${load}`);
    if (load === 'instantiate') await app.default({ module_or_path: bytes });
    else if (load === 'compile') await app.default({ module_or_path: await WebAssembly.compile(bytes) });
    else app.initSync({ module: new WebAssembly.Module(bytes) });
    sent.length = 0;
    try {
      app.run_callback(function jsCallback() {
        throw new Error(`thrown through wasm (${load})`);
      });
    } catch (e) {
      eb.captureException(e);
    }
    await eb.flush(2000);
    assert.equal(sent.length, 1, load);
    const event = eventOf(sent[0]);
    const frames = event.exception.values.at(-1).stacktrace.frames;
    const wasm = frames.filter((f) => f.platform === 'native');
    assert.ok(wasm.length >= 2, `${load}: ${JSON.stringify(frames)}`);
    for (const f of wasm) {
      assert.equal(f.abs_path, name, load);
      assert.equal(f.addr_mode, 'rel:0', `${load}: ${JSON.stringify(f)}`);
    }
    assert.deepEqual(event.debug_meta.images.map((i) => [i.type, i.code_file, i.code_id]), [['wasm', name, id]], load);
    await eb.close();
    for (const [key, fn] of Object.entries(original)) assert.equal(WebAssembly[key], fn, `close() restores WebAssembly.${key}`);
  }
});

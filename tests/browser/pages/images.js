// The npm SDK sees a Rust-wasm module load, reads its build id, and an error thrown by JS
// called from that module carries wasm frames that point into its image. `?load=` picks the
// load path: url (instantiateStreaming; trickle: the same, from a slow network), instantiate (bytes), compile (bytes) or module
// (new WebAssembly.Module(bytes)); the last three give frames the engine's own name for it.
import * as eb from '../../../pkg/index.js';
import init, { initSync, run_callback } from './panic-app/panic_app.js';

const params = new URLSearchParams(location.search);
const dsn = params.get('dsn');
const load = params.get('load') || 'url';

async function main() {
  await eb.init({ dsn, integrations: { dedupe: false } });
  // trickle: streamed, the custom sections (the name section) 300 ms after the code.
  const url = load === 'trickle'
    ? new URL('/trickle/tests/browser/pages/panic-app/panic_app_bg.wasm', location.href)
    : new URL('./panic-app/panic_app_bg.wasm', import.meta.url);
  if (load === 'url' || load === 'trickle') {
    await init({ module_or_path: url });
  } else {
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    if (load === 'instantiate') await init({ module_or_path: bytes });
    else if (load === 'compile') await init({ module_or_path: await WebAssembly.compile(bytes) });
    else initSync({ module: new WebAssembly.Module(bytes) });
  }
  await new Promise((r) => setTimeout(r, 50));
  try {
    run_callback(function jsCallback() {
      throw new Error('callback failed inside wasm');
    });
  } catch (e) {
    eb.captureException(e);
  }
  const flushed = await eb.flush(30000);
  await fetch(`/done?report=${encodeURIComponent(JSON.stringify({ flushed }))}`);
}

main();

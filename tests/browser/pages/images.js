// The npm SDK sees a Rust-wasm module load (instantiateStreaming), reads its build id, and an
// error thrown by JS called from that module carries wasm frames that point into its image.
import * as eb from '../../../pkg/index.js';
import init, { run_callback } from './panic-app/panic_app.js';

const dsn = new URLSearchParams(location.search).get('dsn');

async function main() {
  await eb.init({ dsn, integrations: { dedupe: false } });
  await init({ module_or_path: new URL('./panic-app/panic_app_bg.wasm', import.meta.url) });
  await new Promise((r) => setTimeout(r, 50));
  try {
    run_callback(function jsCallback() {
      throw new Error('callback failed inside wasm');
    });
  } catch (e) {
    eb.captureException(e);
  }
  const flushed = await eb.flush(5000);
  await fetch(`/done?report=${encodeURIComponent(JSON.stringify({ flushed }))}`);
}

main();

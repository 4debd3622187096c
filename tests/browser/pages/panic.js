// A Rust-wasm app (examples/panic-app) that uses errorbeacon's Rust API: it panics three calls
// deep, then (the module still usable) reports an error with a source() chain.
import init, { start, checkout, validate } from './panic-app/panic_app.js';

const dsn = new URLSearchParams(location.search).get('dsn');

async function main() {
  await init({ module_or_path: new URL('./panic-app/panic_app_bg.wasm', import.meta.url) });
  start(dsn);
  let trapped = '';
  try {
    checkout(5);
  } catch (e) {
    trapped = `${e && e.constructor && e.constructor.name}: ${e && e.message}`;
  }
  let id = '';
  try {
    id = validate('abc');
  } catch (e) {
    id = `threw: ${e}`;
  }
  // The panic's request was started inside the hook (keepalive); give it time to land.
  await new Promise((r) => setTimeout(r, 500));
  await fetch(`/done?report=${encodeURIComponent(JSON.stringify({ trapped, id }))}`);
}

main();

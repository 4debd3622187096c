// A Rust-wasm app (examples/panic-app) that uses errorbeacon's Rust API: it panics three calls
// deep, then (the module still usable) reports an error with a source() chain.
import init, { start, checkout, validate } from './panic-app/panic_app.js';

const dsn = new URLSearchParams(location.search).get('dsn');

// The app's envelope requests (the panic hook's keepalive fetch, the reported error's) go
// through this wrapper, so the page can wait for them to be answered instead of guessing a time.
const requests = [];
const originalFetch = window.fetch;
window.fetch = function (input, ...rest) {
  const p = originalFetch.call(this, input, ...rest);
  if (/\/envelope\//.test(String((input && input.url) || input))) requests.push(p.then(() => {}, () => {}));
  return p;
};

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
  // The panic's request was started inside the hook (keepalive), the error's by the capture;
  // both must have been answered (the sink has stored them) before the page reports.
  for (let i = 0; i < 600 && requests.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
  await Promise.all(requests);
  await fetch(`/done?report=${encodeURIComponent(JSON.stringify({ trapped, id }))}`);
}

main();

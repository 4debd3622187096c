// The demo: one button per kind of error, each caught by errorbeacon and sent to the inbox
// whose DSN is in the page URL (?dsn=…, printed by scripts/run.sh).
import * as errorbeacon from '../../pkg/index.js';

const dsn = new URLSearchParams(location.search).get('dsn') || '';
const status = document.getElementById('status');
const log = document.getElementById('log');

function note(text) {
  const li = document.createElement('li');
  li.textContent = text; // never innerHTML: error texts are data
  log.prepend(li);
}

// Named functions, so the issue page shows a readable stack.
function submitOrder(cart) {
  return chargeCard(cart.total);
}
function chargeCard(amount) {
  throw new Error(`card declined for amount ${amount}`);
}

let panicApp = null;
async function rustModule() {
  if (!panicApp) {
    const mod = await import('./panic-app/panic_app.js');
    await mod.default({ module_or_path: new URL('./panic-app/panic_app_bg.wasm', import.meta.url) });
    mod.start(dsn);
    panicApp = mod;
  }
  return panicApp;
}

const actions = {
  uncaught: () => setTimeout(() => submitOrder({ total: 42 })),
  // Not returned: the click handler would handle the rejection; it must stay unhandled.
  rejection: () => {
    Promise.reject({ code: 'E_TIMEOUT', retryAfter: 3 });
  },
  async panic() {
    const app = await rustModule();
    try {
      app.checkout(5); // panics three calls deep in Rust; the module traps afterwards
    } catch (e) {
      note(`the module trapped: ${e && e.message}`);
    }
    panicApp = null; // a trapped module is not reused
  },
  async wasm() {
    // WebAssembly calls back into JS, which throws: the stack has JS and wasm frames.
    const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 2, 9, 1, 3, 101, 110, 118, 1, 102, 0, 0,
      3, 2, 1, 0, 7, 7, 1, 3, 114, 117, 110, 0, 1, 10, 6, 1, 4, 0, 16, 0, 11]);
    const { instance } = await WebAssembly.instantiate(bytes, {
      env: { f: () => { throw new TypeError('thrown by JS called from wasm'); } },
    });
    setTimeout(() => instance.exports.run());
  },
  console: () => console.error('inventory sync failed', { sku: 'A-1', attempts: 3 }),
  fetch: () => fetch('/status/500').catch(() => {}),
  cause: () => setTimeout(() => {
    throw new Error('order failed', { cause: new Error('payment declined', { cause: new TypeError('card expired') }) });
  }),
  aggregate: () => {
    Promise.reject(new AggregateError([new Error('warehouse a'), new RangeError('warehouse b')], 'all warehouses failed'));
  },
  message: () => errorbeacon.captureMessage('low disk space on the checkout node', 'warning'),
};

for (const button of document.querySelectorAll('button[data-kind]')) {
  button.addEventListener('click', () => {
    const kind = button.dataset.kind;
    note(`${new Date().toLocaleTimeString()} ${button.textContent}`);
    Promise.resolve(actions[kind]()).catch((e) => note(`demo error: ${e}`));
  });
}

await errorbeacon.init({ dsn, release: 'demo@1.0.0', environment: 'demo' });
errorbeacon.setUser({ id: 'demo-user' });
status.textContent = dsn ? `sending to ${dsn.replace(/\/\/[^@]*@/, '//…@')}` : 'no ?dsn= in the URL: events are captured but not sent';
document.body.dataset.ready = 'true';

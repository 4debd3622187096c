// Capture cost of the lean module (issue 25: target/lean/lean.wasm) beside the shipped package,
// in Node: microseconds per capture of a fresh Error (describe, fields, the envelope written)
// against the shipped captureException with a transport that answers at once. Not the speed
// floor's measure (bench/capture.mjs runs @sentry/browser beside us in real browsers): a check
// that the lean path costs no more than the one it replaces.
//   node bench/lean-capture.mjs [--ms N]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as eb from '../pkg/node.js';
import { captureEnvelope } from '../js/lean-glue.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MS = process.argv.includes('--ms') ? Number(process.argv[process.argv.indexOf('--ms') + 1]) : 1000;
const imports = { eb: { start() {}, settle() {}, arm() {}, now: Date.now, store() {} } };
const x = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(`${ROOT}target/lean/lean.wasm`)), imports).exports;
const SDK = { name: 'errorbeacon.javascript', version: '0.1.0', packages: [{ name: 'npm:errorbeacon', version: '0.1.0' }] };
const scope = {
  user: { id: '42' }, tags: { section: 'checkout' }, contexts: { app: { build: '1' } },
  breadcrumbs: Array.from({ length: 20 }, (_, i) => ({ timestamp: 1796642600 + i, category: 'ui.click', message: `button ${i}` })),
};
let sink = 0;
function rate(name, f) {
  for (let i = 0; i < 200; i++) f();
  const t0 = performance.now();
  let n = 0;
  do {
    for (let i = 0; i < 50; i++) f();
    n += 50;
  } while (performance.now() - t0 < MS);
  const us = ((performance.now() - t0) * 1000) / n;
  console.log(`${name.padEnd(10)} ${us.toFixed(1).padStart(6)} µs a capture`);
}
await eb.init({
  dsn: 'https://0123456789abcdef0123456789abcdef@o1.ingest.example/42',
  transport: async () => ({ status: 200, headers: {} }),
  integrations: { dedupe: false, globalHandlers: false, console: false },
});
eb.setUser(scope.user);
eb.setTag('section', 'checkout');
eb.setContext('app', scope.contexts.app);
for (const c of scope.breadcrumbs) eb.addBreadcrumb(c);
let id = 0;
rate('lean', () => {
  const bytes = captureEnvelope(x, new Error('boom'), {
    eventId: (++id).toString(16).padStart(32, '0'), at: Date.now(), mechanism: 'generic', handled: true, level: 'error',
    environment: 'production', sdk: SDK, dsn: 'https://k@h/1', ...scope,
  }, 1_000_000);
  sink += bytes.length;
});
rate('shipped', () => {
  sink += eb.captureException(new Error('boom')).length;
});
await eb.close(2000);
console.log(`(sink ${sink})`);

// The SDK must not grow its host's memory without bound: a long-lived page captures and
// records breadcrumbs, tags and extras for hours. Here the module's linear memory (its heap:
// the allocator never gives pages back, so any leak or unbounded fragmentation shows as growth)
// is read while a scope of 100 large breadcrumbs churns and thousands of events of varying
// sizes are captured and delivered. After a warm-up it must stop growing.
import { test } from 'node:test';
import assert from 'node:assert/strict';

// The package's wasm instance, seen as Node's entry makes it (js/node.js instantiates
// synchronously with `new WebAssembly.Instance`).
const instances = [];
const RealInstance = WebAssembly.Instance;
WebAssembly.Instance = new Proxy(RealInstance, {
  construct(target, args) {
    const inst = Reflect.construct(target, args);
    instances.push(inst);
    return inst;
  },
});
const eb = await import('../../pkg/node.js');
WebAssembly.Instance = RealInstance;

const DSN = 'https://0123456789abcdef0123456789abcdef@o1.ingest.example/42';

/** A string of 1..n characters, varying from call to call (a seeded generator: reproducible). */
let seed = 7;
function text(n) {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return 'x'.repeat(1 + (seed % n));
}

function nested(depth, message) {
  if (depth === 0) return new Error(message);
  return nested(depth - 1, message);
}

test('linear memory stops growing under a churning scope and thousands of captures', async (t) => {
  let delivered = 0;
  await eb.init({
    dsn: DSN,
    maxBreadcrumbs: 100,
    // Consecutive captures may repeat one another here; each is counted below.
    integrations: { dedupe: false },
    transport: async (req) => {
      const body = new TextDecoder().decode(req.body);
      if (body.split('\n')[1]?.includes('"type":"event"')) delivered++;
      return { status: 200, headers: {} };
    },
  });
  assert.equal(instances.length, 1, 'the entry instantiated one module');
  const memory = instances[0].exports.memory;
  const sizes = [];
  let made = 0;
  for (let round = 0; round < 30; round++) {
    for (let i = 0; i < 150; i++) {
      // Flushed every 50 steps: fewer events than the delivery queue's bound are pending, so
      // every one is delivered (none dropped as overflow).
      if (i % 50 === 49) assert.equal(await eb.flush(5000), true, `round ${round} flushed`);
      eb.addBreadcrumb({ category: `c${i % 7}`, message: text(400), data: { a: text(60), b: i } });
      if (i % 3 === 0) eb.setTag(`t${i % 20}`, text(40));
      if (i % 5 === 0) eb.setExtra(`e${i % 10}`, { v: text(300), w: [1, 2, text(30)] });
      if (i % 2 === 0) made += eb.captureException(nested(3 + (i % 25), `boom ${text(80)}`)) ? 1 : 0;
      if (i % 9 === 0) made += eb.captureMessage(text(500), 'warning') ? 1 : 0;
    }
    assert.equal(await eb.flush(5000), true, `round ${round} flushed`);
    sizes.push(memory.buffer.byteLength);
  }
  await eb.close(1000);
  assert.equal(made, 30 * (75 + 17), 'every capture answered with an id');
  assert.equal(delivered, made, 'every event was delivered');
  // The scope and the delivery queue are bounded, so after a few rounds the heap has every
  // block it needs; later rounds reuse them.
  const warm = sizes[9];
  const last = sizes[sizes.length - 1];
  t.diagnostic(`linear memory by round (KiB): ${sizes.map((b) => b >> 10).join(' ')}`);
  assert.ok(last - warm <= 64 * 1024, `memory grew from ${warm} to ${last} bytes after warm-up (${sizes.join(' ')})`);
  // Issue 25's aim: the module's arena is emptied after each call and its stack is 128 KiB, so
  // memory is the largest single capture's need (384 KiB when written; 3,200 KiB before).
  assert.ok(last <= 512 * 1024, `${last} bytes of linear memory: over 512 KiB`);
});

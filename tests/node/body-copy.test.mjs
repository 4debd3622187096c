// The transport copies each envelope out of wasm memory into a shared slab (js/transport.js
// bodyCopier): every body must stay its own bytes whatever is copied after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyCopier } from '../../js/transport.js';

const filled = (n, byte) => new Uint8Array(n).fill(byte);

test('each body keeps its own bytes while later bodies are copied (slabs fill and are replaced)', () => {
  const copy = bodyCopier();
  const source = new Uint8Array(new WebAssembly.Memory({ initial: 1 }).buffer);
  const kept = [];
  for (let i = 0; i < 200; i++) {
    const n = 1 + ((i * 977) % 9000);
    const view = source.subarray(0, n);
    view.fill(i & 255);
    const body = copy(view);
    assert.equal(body.length, n);
    assert.notEqual(body.buffer, source.buffer, 'a copy, not a view of the source');
    kept.push([body, i & 255]);
  }
  source.fill(0);
  for (const [body, byte] of kept) assert.ok(body.every((b) => b === byte), `body of byte ${byte} changed`);
  const slabs = new Set(kept.map(([b]) => b.buffer));
  assert.ok(slabs.size < 100, `bodies share slabs (${slabs.size} buffers for 200 bodies)`);
});

test('a large body gets a buffer of its own, exactly its size', () => {
  const copy = bodyCopier();
  const body = copy(filled(40_000, 3));
  assert.equal(body.byteOffset, 0);
  assert.equal(body.buffer.byteLength, 40_000);
  assert.ok(body.every((b) => b === 3));
});

test('a body whose buffer a transport transferred away does not break the next copies', () => {
  const copy = bodyCopier();
  const first = copy(filled(100, 1));
  const second = copy(filled(100, 2));
  structuredClone(first, { transfer: [first.buffer] });
  assert.equal(second.length, 0, 'the transfer detached the shared slab');
  const third = copy(filled(100, 3));
  assert.equal(third.length, 100);
  assert.ok(third.every((b) => b === 3));
});

test('an empty body is an empty Uint8Array', () => {
  const body = bodyCopier()(new Uint8Array(0));
  assert.ok(body instanceof Uint8Array);
  assert.equal(body.length, 0);
});

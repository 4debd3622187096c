// js/describe.js, the reader of thrown values, in Chromium, Firefox and WebKit: every kind of
// value an engine makes (tests/browser/pages/describe-values.js) is described without throwing;
// the kinds that need no DOM are described as in Node (tests/node/describe.test.mjs pins
// those to what the package made before describe() existed), stacks aside; the DOM's own
// (DOMException, ErrorEvent, PromiseRejectionEvent) and WebAssembly.Exception as the SDK reads
// them. (Before issue 25's switch, src/web/tests.rs ran these values through the wasm's
// classifier in Chromium and Firefox.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startSink } from './sink.mjs';
import { runChromium, runFirefox, runWebKit } from './browsers.mjs';
import { describe } from '../../js/describe.js';
import { KINDS, make } from './pages/describe-values.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOM = ['dom', 'errorEvent', 'errorEventWithError', 'rejection', 'rejectionLoop', 'wasmException'];
let sink;

before(async () => {
  sink = await startSink(ROOT);
});
after(async () => {
  await sink?.close();
});

/** The page's `short`: strings cut to 300 characters, their length kept. */
const short = (x) => (typeof x === 'string' ? (x.length > 300 ? `${x.slice(0, 300)}…[${x.length}]` : x)
  : Array.isArray(x) ? x.map(short) : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, short(v)])) : x);
/** `x` without its stacks (each engine writes its own). */
const noStacks = (x) => (Array.isArray(x) ? x.map(noStacks)
  : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).filter(([k]) => k !== 'stack').map(([k, v]) => [k, noStacks(v)])) : x);

for (const [engine, run] of [['Chromium', runChromium], ['Firefox', runFirefox], ['WebKit', runWebKit]]) {
  test(`${engine}: describe() reads every kind of thrown value as the SDK needs`, async () => {
    sink.reset();
    await run(`${sink.origin}/tests/browser/pages/describe.html`, sink);
    const report = JSON.parse(sink.report() || '{}');
    assert.deepEqual(Object.keys(report), KINDS, `${engine}: every kind described`);
    for (const kind of KINDS) {
      assert.ok(!report[kind]?.threw, `${engine} ${kind}: ${report[kind]?.threw}`);
      if (DOM.includes(kind)) continue;
      const node = short(JSON.parse(JSON.stringify(describe(make(kind), 'generic', true, undefined, 5))));
      assert.deepEqual(noStacks(report[kind]), noStacks(node), `${engine} ${kind}: as in Node`);
    }
    const root = (kind) => report[kind].exceptions.at(-1);
    // Stacks of their own, each where its error was made.
    assert.ok(root('chain').stack, `${engine}: the outer error's stack`);
    assert.match(report.chain.exceptions[0].stack, /inner/, `${engine}: the cause's stack names where it was made`);
    assert.equal(root('dom').type, 'SyntaxError', `${engine}: a DOMException by its name`);
    assert.equal(report.dom.tags?.['DOMException.code'], '12', `${engine}: and its code`);
    assert.match(root('errorEvent').value, /Script error\./, `${engine}: an ErrorEvent without an error: its message`);
    assert.equal(root('errorEventWithError').value, 'inside the event', `${engine}: an ErrorEvent's error`);
    assert.equal(root('rejection').value, 'rejected with a string', `${engine}: a rejection event's reason`);
    // A reason that is the event itself is unwrapped a bounded number of times.
    assert.equal(report.rejectionLoop.exceptions.length, 1, `${engine}: ${JSON.stringify(report.rejectionLoop)}`);
    if (report.wasmException !== 'unsupported') {
      assert.equal(report.wasmException.exceptions.length, 1);
      assert.ok(root('wasmException').type, `${engine}: a WebAssembly.Exception is an error: ${JSON.stringify(report.wasmException)}`);
    }
    // The 5 MB message crosses cut.
    assert.match(root('huge').value, /^x{299}/);
    assert.match(root('huge').value, /…\[\d+\]$/);
    assert.ok(Number(root('huge').value.match(/\[(\d+)\]$/)[1]) <= 8192, `${engine}: the message is cut to 8,192 characters`);
  });
}

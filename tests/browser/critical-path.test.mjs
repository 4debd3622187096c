// The page's critical path (issue 16): importing the package fetches and evaluates only its
// entry, within the critical-path budget; the rest of the JS and the wasm are fetched after the
// page's next statement ran (at `init`), and a capture still goes out. Chromium and Firefox ESR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { startSink, events } from './sink.mjs';
import { runChromium, runFirefox, runWebKit, relayAll } from './browsers.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LIMITS = JSON.parse(readFileSync(join(ROOT, 'size-limits.json'), 'utf8'));
let sink;

before(async () => {
  sink = await startSink(ROOT);
});
after(async () => {
  await sink?.close();
});

test('the entry alone is within the critical-path budget', () => {
  const gz = gzipSync(readFileSync(join(ROOT, 'pkg/index.js')), { level: 9 }).length;
  assert.ok(gz <= LIMITS.criticalPath.budget, `pkg/index.js is ${gz} B gzip, budget ${LIMITS.criticalPath.budget}`);
});

for (const [engine, run] of [['Chromium', runChromium], ['Firefox', runFirefox], ['WebKit', runWebKit]]) {
  test(`${engine}: only the entry is fetched before the page's next statement; the wasm after`, async () => {
    sink.reset();
    await run(`${sink.origin}/tests/browser/pages/critical.html?dsn=${encodeURIComponent(sink.dsn)}`, sink);
    const report = JSON.parse(sink.report() || '{}');
    const ours = (list) => list.filter((p) => p.startsWith('/pkg/'));
    const mark = sink.requests.indexOf('/mark/next-statement');
    assert.ok(mark > 0, `${engine}: the page's mark request arrived: ${sink.requests.join(' ')}`);
    assert.deepEqual(ours(sink.requests.slice(0, mark)), ['/pkg/index.js'], `${engine}: fetched before the page's next statement`);
    assert.deepEqual(ours(report.atNextStatement), ['/pkg/index.js'], `${engine}: resource entries at the next statement`);
    const later = ours(sink.requests.slice(mark));
    assert.ok(later.includes('/pkg/core.js'), `${engine}: core.js fetched after the mark: ${later.join(' ')}`);
    assert.ok(later.includes('/pkg/wasm/errorbeacon_bg.wasm'), `${engine}: the wasm fetched after the mark: ${later.join(' ')}`);
    // The package's files, each fetched once: the entry, core.js and the one wasm.
    assert.deepEqual(ours(sink.requests).sort(), ['/pkg/core.js', '/pkg/index.js', '/pkg/wasm/errorbeacon_bg.wasm'], `${engine}: ${sink.requests.join(' ')}`);
    assert.equal(report.flushed, true);
    const e = events(sink.envelopes).find((ev) => ev.exception?.values?.at(-1)?.value === 'after the lazy load');
    assert.ok(e, `${engine}: the capture made after init arrived`);
    relayAll(sink.envelopes, `${engine.toLowerCase()}-critical`);
  });
}

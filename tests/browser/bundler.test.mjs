// The npm package in a bundler: an app importing `errorbeacon` by name is bundled by esbuild
// (the package resolved from pkg/ by its package.json `exports`), the wasm copied next to the
// bundle as the README says, and the bundle captures in headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSink, events } from './sink.mjs';
import { runChromium, relayAll } from './browsers.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIR = join(ROOT, 'tests/browser/bundler');
let sink;

before(async () => {
  rmSync(join(DIR, 'out'), { recursive: true, force: true });
  mkdirSync(join(DIR, 'out/wasm'), { recursive: true });
  execFileSync(join(ROOT, 'node_modules/.bin/esbuild'), [
    join(DIR, 'app.js'), '--bundle', '--format=esm', '--minify', `--outfile=${join(DIR, 'out/app.js')}`,
    `--alias:errorbeacon=${join(ROOT, 'pkg')}`, '--log-level=warning', '--log-override:duplicate-object-key=silent',
  ], { stdio: 'inherit' });
  cpSync(join(ROOT, 'pkg/wasm/errorbeacon_bg.wasm'), join(DIR, 'out/wasm/errorbeacon_bg.wasm'));
  sink = await startSink(ROOT);
});
after(async () => {
  await sink?.close();
  rmSync(join(DIR, 'out'), { recursive: true, force: true });
});

test('Chromium: the package works inside an esbuild bundle', async () => {
  await runChromium(`${sink.origin}/tests/browser/bundler/index.html?dsn=${encodeURIComponent(sink.dsn)}`, sink);
  const report = JSON.parse(sink.report() || '{}');
  assert.equal(report.flushed, true);
  const e = events(sink.envelopes).find((ev) => ev.exception?.values?.at(-1)?.value === 'from an esbuild bundle');
  assert.ok(e, 'the event from the bundle arrived');
  assert.equal(e.release, 'bundled@1.0.0');
  assert.ok(e.exception.values.at(-1).stacktrace.frames.at(-1).abs_path.endsWith('/tests/browser/bundler/out/app.js'));
  relayAll(sink.envelopes, 'chromium-bundle');
});

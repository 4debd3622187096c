// The npm package in bundlers: an app importing `errorbeacon` by name (the package resolved
// from pkg/) is built by esbuild, Vite and webpack 5, and each built page captures an error end
// to end in headless Chromium. Vite and webpack find the wasm by themselves (`new URL(…,
// import.meta.url)`) and split off core.js (`import()`); with esbuild the wasm is copied next to
// the bundle, as the README says. Each test asserts the wasm was emitted unchanged and fetched;
// with beforeSend (Chromium), that it ran.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as viteBuild } from 'vite';
import webpack from 'webpack';
import { startSink, events } from './sink.mjs';
import { runChromium, runWebKit, relayAll } from './browsers.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIR = join(ROOT, 'tests/browser/bundler');
const OUT = join(DIR, 'out');
const PKG = join(ROOT, 'pkg');
let sink;

/** Every file under `dir`, relative to it. */
function files(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p).map((x) => join(f, x)) : [f];
  });
}

/** The page that loads a bundler's output (`module`: an ES module script). */
function page(dir, script, module) {
  writeFileSync(join(dir, 'index.html'),
    `<!doctype html>\n<meta charset="utf-8">\n<title>errorbeacon in a bundle</title>\n<script ${module ? 'type="module" ' : ''}src="./${script}"></script>\n`);
}

const BUILDS = {
  async esbuild(out) {
    execFileSync(join(ROOT, 'node_modules/.bin/esbuild'), [
      join(DIR, 'app.js'), '--bundle', '--format=esm', '--minify', `--outfile=${join(out, 'app.js')}`,
      // wasm-bindgen's import object names one snippet module twice (same module): esbuild warns.
      `--alias:errorbeacon=${PKG}`, '--log-level=warning', '--log-override:duplicate-object-key=silent',
    ], { stdio: 'inherit' });
    cpSync(join(PKG, 'wasm'), join(out, 'wasm'), { recursive: true });
    page(out, 'app.js', true);
  },
  async vite(out) {
    await viteBuild({
      root: DIR,
      configFile: false,
      logLevel: 'warn',
      // Assets relative to the page, which is served from a subdirectory here.
      base: './',
      resolve: { alias: { errorbeacon: PKG } },
      build: {
        outDir: out,
        emptyOutDir: true,
        rollupOptions: { input: join(DIR, 'app.js'), output: { entryFileNames: 'app.js' } },
      },
    });
    page(out, 'app.js', true);
  },
  async webpack(out) {
    const stats = await new Promise((ok, fail) => webpack({
      mode: 'production',
      context: DIR,
      entry: join(DIR, 'app.js'),
      output: { path: out, filename: 'app.js', publicPath: 'auto' },
      resolve: { alias: { errorbeacon: PKG } },
      infrastructureLogging: { level: 'warn' },
    }, (err, s) => (err ? fail(err) : ok(s))));
    assert.ok(!stats.hasErrors(), stats.toString({ all: false, errors: true }));
    page(out, 'app.js', false);
  },
};

before(async () => {
  rmSync(OUT, { recursive: true, force: true });
  sink = await startSink(ROOT);
});
after(async () => {
  await sink?.close();
  rmSync(OUT, { recursive: true, force: true });
});

/** The emitted copy of the wasm (bundlers may rename files: found by content). */
function emittedWasm(out, bundler) {
  const emitted = files(out).filter((f) => f.endsWith('.wasm'));
  assert.equal(emitted.length, 1, `${bundler}: one wasm emitted, got ${JSON.stringify(files(out))}`);
  assert.ok(readFileSync(join(out, emitted[0])).equals(readFileSync(join(PKG, 'wasm', 'errorbeacon_bg.wasm'))),
    `${bundler}: errorbeacon_bg.wasm emitted unchanged`);
  return emitted[0];
}

const built = new Set();
const cases = [['Chromium', runChromium, false], ['WebKit', runWebKit, false], ['Chromium', runChromium, true]];
for (const [bundler, build] of Object.entries(BUILDS)) for (const [engine, run, optIn] of cases) {
  test(`${engine}: the package works inside a ${bundler} bundle${optIn ? ', with beforeSend' : ''}`, async () => {
    const out = join(OUT, bundler);
    if (!built.has(bundler)) {
      await build(out);
      built.add(bundler);
    }
    const wasm = emittedWasm(out, bundler);
    sink.reset();
    const base = `/${relative(ROOT, out)}/`;
    await run(`${sink.origin}${base}index.html?bundler=${bundler}&optin=${optIn ? 1 : 0}&dsn=${encodeURIComponent(sink.dsn)}`, sink);
    const report = JSON.parse(sink.report() || '{}');
    assert.equal(report.flushed, true);
    assert.ok(sink.requests.includes(base + wasm), `${bundler}: ${wasm} was fetched: ${sink.requests.join(' ')}`);
    const e = events(sink.envelopes).find((ev) => ev.exception?.values?.at(-1)?.value === `from a ${bundler} bundle`);
    assert.ok(e, `${bundler}: the event from the bundle arrived`);
    assert.equal(e.release, 'bundled@1.0.0');
    assert.equal(e.tags?.before_send, optIn ? 'ran' : undefined, `${bundler}: beforeSend ran only when given`);
    const crash = e.exception.values.at(-1).stacktrace.frames.at(-1);
    assert.ok(crash.abs_path.startsWith(`${sink.origin}${base}`) && crash.abs_path.endsWith('.js'), JSON.stringify(crash));
    relayAll(sink.envelopes, `${engine.toLowerCase()}-${bundler}${optIn ? "-before-send" : ""}`);
  });
}

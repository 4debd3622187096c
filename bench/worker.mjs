// The Worker bundle and its startup in workerd, errorbeacon beside @sentry/cloudflare and
// toucan-js (pinned in package.json), the same Worker for each (bench/worker/*.js): bundled by
// esbuild with the workerd/worker/browser conditions, minified; sizes are gzip -9 of each file
// alone, summed (JS + wasm); startup is workerd's process start to the first answer (median of
// LOADS starts), and a /throw request's event reaching a loopback sink is checked.
//   node bench/worker.mjs [--loads N] [--out FILE.md]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { startSink } from '../tests/browser/sink.mjs';
import { freePort, workerdConfig } from '../tools/workerd.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const arg = (name, d) => (args.includes(name) ? args[args.indexOf(name) + 1] : d);
const LOADS = Number(arg('--loads', 7));
const OUT = arg('--out', null);
const WORKERD = join(ROOT, 'node_modules/.bin/workerd');
const version = (p) => JSON.parse(readFileSync(join(ROOT, 'node_modules', p, 'package.json'), 'utf8')).version;
const SDKS = [
  ['errorbeacon', 'errorbeacon.js', [], 'local'],
  ['@sentry/cloudflare', 'sentry.js', ['nodejs_compat'], version('@sentry/cloudflare')],
  ['toucan-js', 'toucan.js', [], version('toucan-js')],
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'eb-worker-bench-'));
mkdirSync(join(dir, 'deps/node_modules'), { recursive: true });
symlinkSync(join(ROOT, 'pkg'), join(dir, 'deps/node_modules/errorbeacon'));
const sink = await startSink(ROOT);
const rows = [];
try {
  for (const [name, entry, flags, ver] of SDKS) {
    const out = join(dir, entry.replace('.js', ''));
    await build({
      entryPoints: [join(ROOT, 'bench/worker', entry)], bundle: true, minify: true, format: 'esm', platform: 'neutral',
      conditions: ['workerd', 'worker', 'browser', 'production'], mainFields: ['module', 'main'],
      nodePaths: [join(dir, 'deps/node_modules'), join(ROOT, 'node_modules')], loader: { '.wasm': 'copy' },
      external: ['cloudflare:*', 'node:*'], outdir: out, entryNames: 'worker', logLevel: 'error',
    });
    const files = readdirSync(out).filter((f) => !f.endsWith('.map'));
    const gz = files.reduce((n, f) => n + gzipSync(readFileSync(join(out, f)), { level: 9 }).length, 0);
    const raw = files.reduce((n, f) => n + readFileSync(join(out, f)).length, 0);
    const times = [];
    let delivered = false;
    for (let i = 0; i < LOADS; i++) {
      const port = await freePort();
      writeFileSync(join(out, 'config.capnp'), workerdConfig({
        port, files, main: 'worker.js', flags, bindings: [`(name = "SENTRY_DSN", text = "${sink.dsn}")`],
      }));
      const t0 = performance.now();
      const child = spawn(WORKERD, ['serve', join(out, 'config.capnp')], { cwd: out, stdio: 'ignore' });
      let t = null;
      while (t === null && performance.now() - t0 < 10_000) {
        try {
          const r = await fetch(`http://127.0.0.1:${port}/`);
          await r.text();
          t = performance.now() - t0;
        } catch {
          await new Promise((r) => setTimeout(r, 2));
        }
      }
      if (i === 0) {
        sink.envelopes.length = 0;
        await (await fetch(`http://127.0.0.1:${port}/throw`)).text();
        for (let k = 0; k < 100 && !sink.envelopes.some(({ body }) => body.toString().includes('"type":"event"')); k++) await new Promise((r) => setTimeout(r, 30));
        delivered = sink.envelopes.some(({ body }) => body.toString().includes('"type":"event"'));
      }
      child.kill('SIGKILL');
      if (t !== null) times.push(t);
    }
    rows.push({ name, ver, flags, raw, gz, start: times.length ? median(times) : NaN, min: Math.min(...times), max: Math.max(...times), delivered });
    console.log(`worker-bench: ${name} ${gz} B gzip, start ${median(times).toFixed(1)} ms, event delivered: ${delivered}`);
  }
} finally {
  await sink.close();
  rmSync(dir, { recursive: true, force: true });
}

const fmt = (n) => n.toLocaleString('en-US');
const lines = [
  '## Cloudflare Workers',
  '',
  `The same Worker (bench/worker/*.js: /throw throws, its error reported) with each SDK, bundled by esbuild 0.28 with the`,
  '`workerd`/`worker`/`browser` conditions and minified; gzip -9 of each file alone, summed (the Worker bundle plus',
  `errorbeacon's wasm). Startup: workerd ${readFileSync(join(ROOT, 'node_modules/workerd/package.json'), 'utf8').match(/"version": "([^"]+)"/)[1]} from process start to the first answer over loopback, median of ${LOADS} starts (min–max);`,
  'each SDK with the compatibility flags it needs. "Delivered": a /throw request\'s event reached a loopback sink.',
  '',
  '| SDK | version | flags needed | raw (B) | gzip -9 (B) | startup (ms) | delivered |',
  '|---|---|---|--:|--:|--:|---|',
  ...rows.map((r) => `| ${r.name} | ${r.ver} | ${r.flags.join(', ') || 'none'} | ${fmt(r.raw)} | **${fmt(r.gz)}** | **${r.start.toFixed(1)}** (${r.min.toFixed(1)}–${r.max.toFixed(1)}) | ${r.delivered ? 'yes' : '**no**'} |`),
  '',
  'Budget (issue 26): the browser budget (20 KB) plus ≤ 2 KB of Worker glue. Command: `node bench/worker.mjs` (run by `scripts/bench.sh`).',
  '',
];
if (OUT) writeFileSync(OUT, lines.join('\n'));
else console.log(lines.join('\n'));

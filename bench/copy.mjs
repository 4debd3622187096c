// The body-copy micro-benchmark (bench/copy/page.js) in headless Chromium and Firefox ESR:
// median µs per 3.5 KB body of rounds 4-15 (the first three warm up), slowest and fastest.
//
//   node bench/copy.mjs [--loads N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPages } from './pages.mjs';

const i = process.argv.indexOf('--loads');
const LOADS = i >= 0 ? Number(process.argv[i + 1]) : 2;
const tmp = mkdtempSync(join(tmpdir(), 'eb-copy-bench-'));
const pages = await startPages({ isolated: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
try {
  for (const browser of ['chromium', 'firefox']) {
    const all = {};
    for (let l = 0; l < LOADS; l++) {
      const { rounds } = await pages.load(browser, `${pages.origin}/bench/copy/page.html`, tmp);
      for (const [k, xs] of Object.entries(rounds)) (all[k] ||= []).push(...xs.slice(3));
    }
    console.log(`${browser}: µs per 3.5 KB body, median (fastest-slowest) of ${LOADS} loads x 12 rounds`);
    for (const [k, xs] of Object.entries(all)) {
      console.log(`  ${k.padEnd(28)} ${median(xs).toFixed(2).padStart(6)} (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`);
    }
  }
} finally {
  pages.close();
  rmSync(tmp, { recursive: true, force: true });
}

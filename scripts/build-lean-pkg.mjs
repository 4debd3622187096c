// Builds the npm package on the lean module (issue 25) into target/lean-pkg/, beside pkg/: the
// same entries, bundled and minified as scripts/build-pkg.sh does, with js/lean-client.js in
// place of js/glue.js and target/lean/lean.wasm (scripts/build-lean.sh) as the module. Prints
// what a page fetches, as scripts/sizes.mjs counts it for pkg/. scripts/test-lean-pkg.sh runs
// the Node tests against it: the package the switch will ship, kept working until it does.
//   node scripts/build-lean-pkg.mjs
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'target/lean-pkg');
const WASM = join(ROOT, 'target/lean/lean.wasm');
if (!existsSync(WASM)) throw new Error(`${WASM} is missing: run scripts/build-lean.sh`);

/** The lean glue wherever an entry imports the shipped one. */
const leanGlue = {
  name: 'lean-glue',
  setup(b) {
    b.onResolve({ filter: /^\.\/glue\.js$/ }, () => ({ path: join(ROOT, 'js/lean-client.js') }));
  },
};

rmSync(OUT, { recursive: true, force: true });
mkdirSync(join(OUT, 'wasm'), { recursive: true });
const entries = [
  ['index', 'neutral', 'es2020', ['./core.js']],
  ['core', 'neutral', 'es2020', ['./offline-store.js']],
  ['offline-store', 'neutral', 'es2020', []],
  ['node', 'node', 'node20', []],
];
for (const [name, platform, target, external] of entries) {
  await build({
    entryPoints: [join(ROOT, `js/${name}.js`)], bundle: true, format: 'esm', platform, target, external,
    sourcemap: true, logLevel: 'warning', outfile: join(OUT, `${name}.js`), plugins: [leanGlue],
  });
}
execFileSync('node', [join(ROOT, 'scripts/minify.mjs'), ...entries.map(([n]) => join(OUT, `${n}.js`))], { stdio: 'inherit' });
// One module: the loaders still name the two variants of today's package.
for (const f of ['errorbeacon_bg.wasm', 'errorbeacon_opt_in_bg.wasm']) copyFileSync(WASM, join(OUT, 'wasm', f));
for (const f of ['package.json', 'index.d.ts']) copyFileSync(join(ROOT, 'pkg', f), join(OUT, f));

const gz = (f) => gzipSync(readFileSync(join(OUT, f)), { level: 9 }).length;
const [entry, core, wasm] = [gz('index.js'), gz('core.js'), gz('wasm/errorbeacon_bg.wasm')];
console.log(`lean-pkg: a default page fetches ${entry + core + wasm} B gzip (index.js ${entry} + core.js ${core} + wasm ${wasm})`);

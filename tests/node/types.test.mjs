// The npm package's surface: pkg/index.d.ts declares exactly what pkg/index.js and pkg/node.js
// export (API.md §1), and TypeScript (strict) accepts API.md's own example through those types
// (tests/types/usage.ts, which also checks what they refuse).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(ROOT, 'node_modules/.bin/tsc');
const API = ['init', 'captureException', 'captureMessage', 'setUser', 'setTag', 'setTags', 'setContext', 'setExtra',
  'addBreadcrumb', 'withScope', 'flush', 'close', 'lastEventId', 'parseStack', 'wrapHandler'].sort();

test('index.d.ts, index.js, node.js and worker.js export exactly the API', async () => {
  const dts = readFileSync(join(ROOT, 'pkg/index.d.ts'), 'utf8');
  const declared = [...dts.matchAll(/^export function (\w+)/gm)].map((m) => m[1]).sort();
  assert.deepEqual(declared, API);
  const node = Object.keys(await import(join(ROOT, 'pkg/node.js'))).sort();
  assert.deepEqual(node, API);
  // The browser entry fetches its wasm at import: read its export statement instead.
  const index = readFileSync(join(ROOT, 'pkg/index.js'), 'utf8');
  const list = index.match(/export\s*\{([^}]*)\}\s*;?\s*(\/\/[^\n]*)?\s*$/);
  assert.ok(list, 'pkg/index.js ends with one export list');
  const browser = list[1].split(',').map((s) => s.trim().split(/\s+as\s+/).pop()).filter(Boolean).sort();
  assert.deepEqual(browser, API);
  // errorbeacon/worker: the same, and withErrorbeacon (imports its wasm as a module: read too).
  const worker = readFileSync(join(ROOT, 'pkg/worker.js'), 'utf8').match(/export\s*\{([^}]*)\}\s*;?\s*(\/\/[^\n]*)?\s*$/);
  assert.ok(worker, 'pkg/worker.js ends with one export list');
  const names = worker[1].split(',').map((s) => s.trim().split(/\s+as\s+/).pop()).filter(Boolean).sort();
  assert.deepEqual(names, [...API, 'honoMiddleware', 'instrumentDurableObject', 'withErrorbeacon'].sort());
  for (const f of ['withErrorbeacon', 'instrumentDurableObject', 'honoMiddleware']) assert.match(readFileSync(join(ROOT, 'pkg/worker.d.ts'), 'utf8'), new RegExp(`^export function ${f}\\b`, 'm'));
});

test('TypeScript (strict) accepts the API as API.md writes it', () => {
  assert.ok(existsSync(TSC), 'node_modules/.bin/tsc missing: run scripts/setup.sh');
  const dir = mkdtempSync(join(tmpdir(), 'eb-types-'));
  try {
    // A project that depends on the package as an app would (node_modules/errorbeacon).
    mkdirSync(join(dir, 'node_modules/errorbeacon'), { recursive: true });
    for (const f of ['package.json', 'index.d.ts', 'worker.d.ts']) cpSync(join(ROOT, 'pkg', f), join(dir, 'node_modules/errorbeacon', f));
    for (const f of ['usage.ts', 'worker.ts']) cpSync(join(ROOT, 'tests/types', f), join(dir, f));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022', 'dom'], types: [] },
      files: ['usage.ts', 'worker.ts'],
    }));
    const r = spawnSync(TSC, ['-p', dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

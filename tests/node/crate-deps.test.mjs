// The crate as a dependency of any Rust-wasm app (issue 27, item 4): an app that resolves an
// older wasm-bindgen than ours (the oldest the caret range in Cargo.toml admits) still
// resolves, and the crate type-checks against it for wasm32 (cargo from crates.io; the
// registry is the one network this runs on).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const range = readFileSync(join(ROOT, 'Cargo.toml'), 'utf8').match(/^wasm-bindgen = "(\d+\.\d+\.\d+)"$/m)?.[1];

test('an app pinned to the oldest wasm-bindgen of the crate\'s range builds with it', { timeout: 600_000 }, () => {
  assert.ok(range, 'Cargo.toml has a caret range for wasm-bindgen');
  const dir = mkdtempSync(join(tmpdir(), 'eb-app-'));
  try {
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'Cargo.toml'), [
      '[package]', 'name = "older-app"', 'version = "0.1.0"', 'edition = "2021"', '',
      '[lib]', 'crate-type = ["cdylib"]', '',
      '[dependencies]', `wasm-bindgen = "=${range}"`, `errorbeacon = { path = ${JSON.stringify(ROOT)} }`, '',
      '[workspace]', '',
    ].join('\n'));
    writeFileSync(join(dir, 'src/lib.rs'), [
      'use wasm_bindgen::prelude::*;',
      '#[wasm_bindgen]',
      'pub fn start(dsn: &str) {',
      '    std::mem::forget(errorbeacon::init(errorbeacon::Options { dsn: dsn.parse().ok(), ..Default::default() }));',
      '}',
    ].join('\n'));
    const r = spawnSync('cargo', ['check', '--target', 'wasm32-unknown-unknown', '--target-dir', join(ROOT, 'target/older-app')],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, RUSTFLAGS: '' } });
    assert.equal(r.status, 0, r.stderr.slice(-3000));
    const lock = readFileSync(join(dir, 'Cargo.lock'), 'utf8');
    assert.match(lock, new RegExp(`name = "wasm-bindgen"\\nversion = "${range.replace(/\./g, '\\.')}"`), 'one wasm-bindgen, the app\'s');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

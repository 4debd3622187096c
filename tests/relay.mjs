// Sentry's own normalizer as a test oracle: every envelope must pass
// tests/oracles/relay_validate.py --strict (the venv with sentry-relay comes from scripts/setup.sh).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const PYTHON = process.env.ERRORBEACON_PYTHON || join(ROOT, '.venv/bin/python');

/** Fails unless Relay accepts each envelope (bytes, or an object with `body`) with no error or
 * warning; `label` names them in the message. */
export function relayAll(envelopes, label = 'envelope') {
  const dir = mkdtempSync(join(tmpdir(), 'eb-relay-'));
  try {
    envelopes.forEach((e, i) => {
      const body = e && e.body !== undefined ? e.body : e;
      const path = join(dir, `${i}.envelope`);
      writeFileSync(path, body);
      const r = spawnSync(PYTHON, [join(ROOT, 'tests/oracles/relay_validate.py'), '--strict', '--quiet', path], { encoding: 'utf8' });
      const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
      assert.equal(r.status, 0, `${label} ${i} rejected by Relay:\n${r.stdout}${r.stderr}\n${text.slice(0, 2000)}`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

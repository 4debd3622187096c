// Seeds for the fuzz targets (scripts/fuzz.sh): every `stack` string of the captured fixtures
// and peer corpora (tests/fixtures/stacks, ../shared/fixtures/peer) for `stack`, the DSNs the
// tests use for `dsn`, and a few envelopes for `envelope_reader`. Each seed a file named by its
// hash, so re-running adds nothing twice.
//   node tools/fuzz-seeds.mjs <corpus dir>
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const out = process.argv[2];
if (!out) throw new Error('usage: node tools/fuzz-seeds.mjs <corpus dir>');

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.json') ? [p] : [];
  });
}

/** Every string under a `stack` key, at any depth. */
function stacks(v, acc = []) {
  if (Array.isArray(v)) v.forEach((x) => stacks(x, acc));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === 'stack' && typeof x === 'string') acc.push(x);
      else stacks(x, acc);
    }
  }
  return acc;
}

const put = (target, data) => {
  const dir = join(out, target);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, createHash('sha1').update(data).digest('hex')), data);
};
let n = 0;
for (const f of [...files(join(ROOT, 'tests/fixtures/stacks')), ...files(join(ROOT, '../shared/fixtures/peer'))]) {
  for (const s of stacks(JSON.parse(readFileSync(f, 'utf8')))) {
    put('stack', s);
    put('envelope_writer', `\u00ff\u00ffError\u00ffboom\u00ff${s}`);
    n++;
  }
}
for (const d of ['https://public@errors.example.com/42', 'http://k:s@127.0.0.1:8765/sentry/7', 'https://0123456789abcdef@o1.ingest.example/42']) put('dsn', d);
for (const e of [
  '{"event_id":"0123456789abcdef0123456789abcdef","dsn":"https://k@h/1"}\n{"type":"event","length":2}\n{}\n',
  '{}\n{"type":"attachment"}\nabc\n{"type":"event"}\n{"a":1}\n',
  '{"sent_at":"2026-12-07T18:00:00.000Z"}\n{"type":"client_report","length":40}\n{"timestamp":1,"discarded_events":[]}\n',
]) put('envelope_reader', e);
for (const h of ['60:error;default:organization:quota', '2.5::key, 10:transaction:project', '120', 'Wed, 21 Oct 2026 07:28:00 GMT']) put('rate_limits', h);
{
  // The inbox: an event body as sent (first byte: the encoding, 0 = identity), gzip-compressed too.
  const { gzipSync, deflateSync, brotliCompressSync } = await import('node:zlib');
  const event = Buffer.from('{"event_id":"0123456789abcdef0123456789abcdef","platform":"javascript","exception":{"values":[{"type":"Error","value":"x","stacktrace":{"frames":[{"function":"f","abs_path":"http://h/a.js","lineno":1,"colno":2}]}}]}}');
  for (const [i, b] of [[0, event], [1, gzipSync(event)], [2, deflateSync(event)], [3, brotliCompressSync(event)]]) {
    put('inbox', Buffer.concat([Buffer.from([i]), b]));
  }
}
put('delivery', Buffer.from([0, 5, 3, 1, 7, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3, 3, 2, 1, 0, 0, 0, 0, 60, 0, 0, 0, 0, 0, 0, 0]));
console.log(`fuzz-seeds: ${n} stacks`);

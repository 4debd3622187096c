// Dedupe (on by default, as Sentry's Dedupe integration): an event the same as the one just
// before it (message, each exception's type, value and frames, fingerprint) is dropped and
// counted as `event_processor` in a client report; any other event goes, and so does the same
// one again after a different one. Every envelope passes Sentry's normalizer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as eb from '../../pkg/node.js';
import { relayAll } from '../relay.mjs';

test('the same event twice in a row is sent once; the drop is reported', async () => {
  const sent = [];
  await eb.init({
    dsn: 'https://0123456789abcdef0123456789abcdef@o1.ingest.example/42',
    transport: async (req) => {
      sent.push(new TextDecoder().decode(req.body));
      return { status: 200, headers: {} };
    },
    integrations: { globalHandlers: false, console: false },
  });
  // One line, so that every Error made by it has the same stack.
  const fail = (message) => new Error(message);
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push(eb.captureException(fail('same')));
  ids.push(eb.captureException(fail('other')));
  ids.push(eb.captureException(fail('same')));
  ids.push(eb.captureException(new Error('same'))); // another line: other frames
  ids.push(eb.captureMessage('said twice'), eb.captureMessage('said twice'));
  eb.withScope((scope) => {
    scope.setFingerprint(['custom']);
    ids.push(eb.captureException(fail('same'))); // another fingerprint
  });
  for (let i = 0; i < 2; i++) ids.push(eb.captureException('a string')); // one site: the same synthetic stack
  assert.equal(new Set(ids).size, ids.length, 'every capture answers with its own id');
  await eb.close(5000);
  const events = sent.filter((t) => t.split('\n')[1].includes('"type":"event"')).map((t) => JSON.parse(t.split('\n')[2]));
  const said = events.map((e) => e.exception?.values.at(-1).value ?? e.logentry?.formatted ?? e.message);
  assert.deepEqual(said, ['same', 'other', 'same', 'same', 'said twice', 'same', 'a string']);
  const discarded = sent.filter((t) => t.split('\n')[1].includes('"type":"client_report"')).flatMap((t) => JSON.parse(t.split('\n')[2]).discarded_events);
  const count = (category) => discarded.filter((d) => d.reason === 'event_processor' && d.category === category).reduce((n, d) => n + d.quantity, 0);
  assert.equal(count('error'), 3, JSON.stringify(discarded));
  assert.equal(count('default'), 1, JSON.stringify(discarded));
  relayAll(sent.map((t) => new TextEncoder().encode(t)), 'dedupe');
});

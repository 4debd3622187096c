// beforeSend returning a Promise (Sentry allows it): the event waits for the answer, the
// answer is what is sent (a scrubbed user here), null or a rejection drops the event and is
// counted in the client report, and flush() waits for answers still pending. Every envelope
// passes Sentry's normalizer (tests/oracles/relay_validate.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as eb from '../../pkg/node.js';
import { relayAll } from '../relay.mjs';

test('an async beforeSend decides what is sent, and flush waits for it', async () => {
  const sent = [];
  let answered = 0;
  await eb.init({
    dsn: 'https://0123456789abcdef0123456789abcdef@o1.ingest.example/42',
    transport: async (req) => {
      sent.push(req.body);
      return { status: 200, headers: {} };
    },
    integrations: { dedupe: false, globalHandlers: false, console: false },
    beforeSend: async (event) => {
      await new Promise((r) => setTimeout(r, 30));
      answered++;
      if (event.logentry?.formatted === 'reject me') throw new Error('callback failed');
      if (event.exception?.values?.at(-1)?.value === 'drop me') return null;
      return { ...event, user: { id: 'scrubbed' }, tags: { ...event.tags, checked: 'async' } };
    },
  });
  eb.setUser({ id: 'u-123', email: 'someone@example.com' });
  const kept = eb.captureException(new Error('keep me'));
  eb.captureException(new Error('drop me'));
  eb.captureMessage('reject me');
  assert.equal(sent.length, 0, 'nothing is sent before beforeSend answers');

  assert.equal(await eb.flush(5000), true);
  assert.equal(answered, 3);
  const texts = sent.map((b) => new TextDecoder().decode(b));
  const events = texts.filter((t) => t.split('\n')[1].includes('"type":"event"'));
  assert.equal(events.length, 1, texts.join('\n---\n'));
  const [header, , payload] = events[0].split('\n');
  assert.equal(JSON.parse(header).event_id, kept);
  const event = JSON.parse(payload);
  assert.deepEqual(event.user, { id: 'scrubbed' });
  assert.equal(event.tags.checked, 'async');
  assert.ok(!events[0].includes('someone@example.com'), 'the original user never leaves');

  const reports = texts.filter((t) => t.split('\n')[1].includes('"type":"client_report"'));
  const discarded = reports.flatMap((t) => JSON.parse(t.split('\n')[2]).discarded_events);
  const count = (category) => discarded.filter((d) => d.reason === 'before_send' && d.category === category).reduce((n, d) => n + d.quantity, 0);
  assert.equal(count('error'), 1, JSON.stringify(discarded));
  assert.equal(count('default'), 1, JSON.stringify(discarded));

  relayAll(sent);
  await eb.close(1000);
});

// beforeSend's hint as @sentry/browser gives it: the event id, and `originalException`, the
// value captured (thrown value, rejection reason, or the message), so that apps can filter on
// the error object itself: `hint.originalException instanceof MyError`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as eb from '../../pkg/node.js';

class PaymentDeclined extends Error {}

test('beforeSend sees the captured value in hint.originalException', async () => {
  const sent = [];
  const hints = [];
  await eb.init({
    dsn: 'https://0123456789abcdef0123456789abcdef@o1.ingest.example/42',
    transport: async (req) => {
      sent.push(new TextDecoder().decode(req.body));
      return { status: 200, headers: {} };
    },
    integrations: { dedupe: false, globalHandlers: false, console: false },
    beforeSend: (event, hint) => {
      hints.push(hint);
      return hint.originalException instanceof PaymentDeclined ? null : event;
    },
  });
  const declined = new PaymentDeclined('card declined');
  const object = { code: 7 };
  const ids = [
    eb.captureException(declined),
    eb.captureException(object),
    eb.captureMessage('said'),
    eb.captureException(new Error('kept')),
  ];
  assert.equal(await eb.flush(5000), true);
  assert.equal(hints.length, 4);
  assert.equal(hints[0].originalException, declined);
  assert.equal(hints[1].originalException, object);
  assert.equal(hints[2].originalException, 'said');
  assert.equal(hints[3].originalException.message, 'kept');
  assert.deepEqual(hints.map((h) => h.event_id), ids);
  const events = sent.filter((t) => t.split('\n')[1].includes('"type":"event"'));
  assert.equal(events.length, 3, 'the PaymentDeclined event was dropped');
  await eb.close(1000);
});

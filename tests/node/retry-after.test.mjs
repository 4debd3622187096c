// Retry-After as an HTTP-date is read by the transport (js/transport.js retryAfterSeconds) and
// handed to the wasm's delivery policy as delay-seconds: the npm module has no HTTP-date parser
// of its own (docs/size.md). The three forms RFC 9110 §5.6.7 has recipients accept, against the
// same dates the core's parser is tested with (src/delivery/rate_limit.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retryAfterSeconds } from '../../js/transport.js';

// Sun, 06 Nov 1994 08:49:37 GMT, in ms.
const NOV_6 = 784111777000;

test('the three HTTP-date forms name the same instant; asctime is GMT', () => {
  for (const form of ['Sun, 06 Nov 1994 08:49:37 GMT', 'Sunday, 06-Nov-94 08:49:37 GMT', 'Sun Nov  6 08:49:37 1994']) {
    assert.equal(retryAfterSeconds(form, NOV_6 - 5000), '5', form);
    assert.equal(retryAfterSeconds(form, NOV_6 - 1500), '1.5', `${form}: milliseconds are kept`);
  }
  assert.equal(retryAfterSeconds('Wed, 29 Feb 2028 23:59:59 GMT', 1_835_481_599_000 - 60_000), '60');
  assert.equal(retryAfterSeconds('Tuesday, 01-Jan-30 00:00:00 GMT', 1_893_456_000_000 - 1000), '1', 'two-digit years: 2030');
});

test('a date in the past is no delay', () => {
  assert.equal(retryAfterSeconds('Thu, 01 Jan 1970 00:00:01 GMT', NOV_6), '0');
});

test('delay-seconds and what is no date go to the policy as they are', () => {
  for (const v of ['2', '1.5', ' 30 ', '', 'soon', '1e3', 'Sun, 06 Nov 1994 GMT', 'Sun, 06 Foo 1994 08:49:37 GMT']) {
    assert.equal(retryAfterSeconds(v, NOV_6), v, JSON.stringify(v));
  }
});

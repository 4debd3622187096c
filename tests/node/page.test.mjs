// The page's request and contexts (js/page.js): URL scrubbing, user agents, client hints.
// The browser tests check that they reach events (capture.test.mjs); these check the rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, os, pageContexts, pageRequest, scrubQuery } from '../../js/page.js';

const CHROMIUM =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0';
const SAFARI =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const EDGE =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1';

test('browsers and systems from user agents', () => {
  assert.deepEqual(browser(CHROMIUM), ['Chrome Headless', '156.0.0.0']);
  assert.deepEqual(browser(FIREFOX), ['Firefox', '153.0']);
  assert.deepEqual(browser(SAFARI), ['Safari', '17.4']);
  assert.deepEqual(browser(EDGE), ['Edge', '120.0.2210.91']);
  assert.equal(browser('curl/8'), undefined);
  assert.deepEqual(os(CHROMIUM), ['Linux', undefined]);
  assert.deepEqual(os(SAFARI), ['macOS', '10.15.7']);
  assert.deepEqual(os(EDGE), ['Windows', '10.0']);
  assert.deepEqual(os(IPHONE), ['iOS', '17.2']);
});

test('page URLs lose query secrets unless PII is allowed', () => {
  const r = pageRequest('https://shop.example/checkout?step=2&token=abc&api_key=k#pay', false);
  assert.deepEqual(r, {
    url: 'https://shop.example/checkout',
    query: 'step=2&token=[Filtered]&api_key=[Filtered]',
    fragment: undefined,
  });
  const pii = pageRequest('https://shop.example/checkout?token=abc#pay', true);
  assert.deepEqual([pii.query, pii.fragment], ['token=abc', 'pay']);
  assert.deepEqual(pageRequest('https://shop.example/?#', false), { url: 'https://shop.example/', query: undefined, fragment: undefined });
  assert.equal(scrubQuery('a&b=&Session_Id=1'), 'a&b=&Session_Id=[Filtered]');
});

test('contexts are set for what is known', () => {
  const c = pageContexts(CHROMIUM, undefined, 'en-US', 'Europe/Berlin');
  assert.deepEqual(c.browser, { type: 'browser', name: 'Chrome Headless', version: '156.0.0.0' });
  assert.deepEqual(c.os, { type: 'os', name: 'Linux' });
  assert.deepEqual(c.culture, { type: 'culture', locale: 'en-US', timezone: 'Europe/Berlin' });
  assert.deepEqual(pageContexts(undefined, undefined, undefined, undefined), {});
});

const hints = (brands, platform, platformVersion, model) => ({ brands: brands.flat(), platform, platformVersion, model });

test("client hints say what reduced user agents no longer do", () => {
  const WIN_CHROME =
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
  const ANDROID =
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
  const MAC_CHROME =
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
  const cases = [
    // Windows 11 says "Windows NT 10.0"; the product brand wins over Chromium and GREASE.
    [
      WIN_CHROME,
      hints([['Google Chrome', '131.0.6778.86'], ['Chromium', '131.0.6778.86'], ['Not_A Brand', '24.0.0.0']], 'Windows', '15.0.0', ''),
      ['Chrome', '131.0.6778.86', 'Windows', '11', undefined],
    ],
    [
      EDGE,
      hints([['Not A(Brand', '99.0.0.0'], ['Microsoft Edge', '120.0.2210.91'], ['Chromium', '120.0.6099.130']], 'Windows', '10.0.0', ''),
      ['Edge', '120.0.2210.91', 'Windows', '10', undefined],
    ],
    [WIN_CHROME, hints([['Chromium', '109.0.5414.120']], 'Windows', '0.3.0', ''), ['Chrome', '109.0.5414.120', 'Windows', '8.1', undefined]],
    // Android: the OS version and the device model the user agent hides.
    [
      ANDROID,
      hints([['Google Chrome', '131.0.6778.81'], ['Chromium', '131.0.6778.81']], 'Android', '14.0.0', 'Pixel 7'),
      ['Chrome', '131.0.6778.81', 'Android', '14.0.0', 'Pixel 7'],
    ],
    [
      MAC_CHROME,
      hints([['Chromium', '131.0.6778.85'], ['Google Chrome', '131.0.6778.85']], 'macOS', '14.6.1', ''),
      ['Chrome', '131.0.6778.85', 'macOS', '14.6.1', undefined],
    ],
    // Headless Chromium: the user agent's name is the precise one, the hints' version.
    [
      CHROMIUM,
      hints([['Chromium', '156.0.7633.0'], ['Not-A.Brand', '24.0.0.0']], 'Linux', '6.1.0', ''),
      ['Chrome Headless', '156.0.7633.0', 'Linux', undefined, undefined],
    ],
  ];
  for (const [ua, h, want] of cases) {
    const c = pageContexts(ua, h);
    const got = [c.browser?.name, c.browser?.version, c.os?.name, c.os?.version, c.device?.model];
    assert.deepEqual(got, want, ua);
  }
  // Linux's platform version is the kernel's.
  assert.equal(pageContexts(CHROMIUM, hints([], 'Linux', '6.1.0', '')).os.kernel_version, '6.1.0');
  // Hints with nothing usable leave the user agent's answer.
  const safari = pageContexts(SAFARI, { brands: [] });
  assert.deepEqual([safari.os.version, safari.browser.name], ['10.15.7', 'Safari']);
  // An unknown Windows platform version keeps the user agent's.
  assert.equal(pageContexts(EDGE, hints([], 'Windows', 'x', '')).os.version, '10.0');
});

test('odd input never throws', () => {
  assert.deepEqual(pageContexts('', { brands: ['only-one'] }), {});
  assert.deepEqual(pageContexts(undefined, { brands: 'not an array', platform: 'Windows', platformVersion: '0.9' }), {
    os: { type: 'os', name: 'Windows' },
  });
});

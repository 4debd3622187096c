// Launching the real browsers for the browser tests (Chromium, Firefox ESR, WebKitGTK), and
// checking what they sent with Relay.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { withWebKit } from '../../tools/webkit.mjs';

export { withWebKit };

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';
const TIMEOUT = 60_000;

/** Opens `url` in headless Chromium until the page reports /done to `sink`; the page's errors. */
export async function runChromium(url, sink) {
  const profile = mkdtempSync(join(tmpdir(), 'eb-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const pageErrors = [];
  try {
    const page = ctx.pages()[0] || (await ctx.newPage());
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(url);
    assert.ok(await sink.waitDone(TIMEOUT), 'the Chromium page did not finish');
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return pageErrors;
}

/** Opens `url` in headless Firefox ESR (a self-driving page) until it reports /done. */
export async function runFirefox(url, sink) {
  const profile = mkdtempSync(join(tmpdir(), 'eb-firefox-'));
  writeFileSync(join(profile, 'user.js'), [
    'user_pref("app.update.enabled", false);',
    'user_pref("datareporting.policy.dataSubmissionEnabled", false);',
    'user_pref("toolkit.telemetry.enabled", false);',
    'user_pref("network.captive-portal-service.enabled", false);',
    'user_pref("network.connectivity-service.enabled", false);',
    'user_pref("browser.shell.checkDefaultBrowser", false);',
  ].join('\n'));
  const child = spawn(FIREFOX, ['-headless', '-no-remote', '-profile', profile, url], { stdio: 'ignore', detached: true });
  try {
    assert.ok(await sink.waitDone(TIMEOUT), 'the Firefox page did not finish');
  } finally {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Opens `url` in WebKitGTK (see withWebKit) until the page reports /done to `sink`. */
export async function runWebKit(url, sink) {
  await withWebKit(async (wd) => {
    await wd.go(url);
    assert.ok(await sink.waitDone(TIMEOUT), 'the WebKit page did not finish');
  });
}

/** Every envelope must pass Sentry's normalizer (strict). */
export { relayAll } from '../relay.mjs';

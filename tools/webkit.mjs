// WebKitGTK (Safari's engine) for tests and benches: MiniBrowser driven by WebKitWebDriver over
// plain WebDriver HTTP calls (no client library), each run under its own Xvfb. Debian's
// webkit2gtk-driver and xvfb (scripts/setup.sh installs them).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';

const MINIBROWSER = process.env.MINIBROWSER || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER || '/usr/bin/WebKitWebDriver';

/** A free loopback TCP port (closed again at once; the driver binds it right after). */
function freePort() {
  return new Promise((ok, fail) => {
    const srv = createNetServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/** Starts Xvfb on a display it picks itself (-displayfd); resolves with { child, display }. */
function startXvfb() {
  return new Promise((ok, fail) => {
    const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe'], detached: true });
    let out = '';
    const t = setTimeout(() => fail(new Error('Xvfb did not report a display in 10 s')), 10_000);
    child.on('error', (e) => { clearTimeout(t); fail(new Error(`Xvfb could not start (apt-get install xvfb): ${e.message}`)); });
    child.stdio[3].on('data', (c) => {
      out += c;
      if (out.includes('\n')) {
        clearTimeout(t);
        ok({ child, display: `:${out.trim()}` });
      }
    });
  });
}

/** One WebDriver command (plain HTTP, JSON); throws with the driver's message on an error. */
async function webdriver(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${res.status} ${JSON.stringify(json.value ?? json)}`);
  return json.value;
}

function killGroup(child) {
  if (!child || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/**
 * Runs `drive(wd)` with a WebKitGTK MiniBrowser (Safari's engine) under its own Xvfb, driven by
 * WebKitWebDriver over plain WebDriver HTTP calls; both are started on a free display and port
 * and stopped by PID. `wd` has `go(url)`, `exec(script, ...args)` (a function body; its return
 * value), `click(css)` and `screenshot(path)`.
 */
export async function withWebKit(drive) {
  const xvfb = await startXvfb();
  let driver;
  let base;
  let session;
  try {
    const port = await freePort();
    driver = spawn(WEBKIT_DRIVER, [`--port=${port}`, '--host=127.0.0.1'], {
      stdio: 'ignore', detached: true, env: { ...process.env, DISPLAY: xvfb.display },
    });
    driver.on('error', () => {});
    base = `http://127.0.0.1:${port}`;
    for (const end = Date.now() + 15_000; ;) {
      const ready = await webdriver(base, 'GET', '/status').then((v) => v?.ready, () => false);
      if (ready) break;
      if (Date.now() > end) throw new Error(`WebKitWebDriver (apt-get install webkit2gtk-driver) not ready on ${base}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const created = await webdriver(base, 'POST', '/session', {
      capabilities: { alwaysMatch: { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } },
    });
    session = created.sessionId;
    const s = `/session/${session}`;
    return await drive({
      // Navigation answers once the page has loaded; the page goes on by itself.
      go: (url) => webdriver(base, 'POST', `${s}/url`, { url }),
      exec: (script, ...args) => webdriver(base, 'POST', `${s}/execute/sync`, { script, args }),
      async click(css) {
        const el = await webdriver(base, 'POST', `${s}/element`, { using: 'css selector', value: css });
        await webdriver(base, 'POST', `${s}/element/${Object.values(el)[0]}/click`, {});
      },
      async screenshot(path) {
        writeFileSync(path, Buffer.from(await webdriver(base, 'GET', `${s}/screenshot`), 'base64'));
      },
    });
  } finally {
    if (session) await webdriver(base, 'DELETE', `/session/${session}`).catch(() => {});
    killGroup(driver);
    killGroup(xvfb.child);
  }
}

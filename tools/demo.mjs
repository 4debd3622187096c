// The main job's servers: the inbox (errorbeacon-inbox, already built) and the demo page,
// served from the repository with a /status/<code> route for the "failed fetch" button.
// Prints both URLs; Ctrl-C stops both (the inbox by its PID).
//
//   node tools/demo.mjs --inbox PATH [--inbox-port 8765] [--port 8080] [--db tmp/inbox.sqlite]
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { staticHandler, HOST } from './serve.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const inboxBin = opt('--inbox');
const db = opt('--db', 'tmp/inbox.sqlite');
mkdirSync(dirname(db), { recursive: true });

/** Starts the inbox on `port` (0: any free port); resolves with its DSN and URL. */
function startInbox(port) {
  return new Promise((resolve, reject) => {
    const child = spawn(inboxBin, ['--addr', `${HOST}:${port}`, '--db', db], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let dsn = null;
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      out += chunk;
      dsn = dsn || out.match(/^DSN: (\S+)/m)?.[1];
      const url = out.match(/^inbox: (http:\/\/\S+)/m)?.[1];
      if (dsn && url) resolve({ child, dsn, url });
    });
    child.on('exit', (code) => reject(new Error(`errorbeacon-inbox exited with ${code}`)));
  });
}

let inbox;
try {
  inbox = await startInbox(Number(opt('--inbox-port', 8765)));
} catch {
  console.log(`port ${opt('--inbox-port', 8765)} is taken; starting the inbox on a free port`);
  inbox = await startInbox(0);
}

const files = staticHandler({ root: '.' });
const server = createServer((req, res) => {
  const m = /^\/status\/(\d{3})$/.exec(new URL(req.url, 'http://x').pathname);
  if (m) {
    res.writeHead(Number(m[1]), { 'content-type': 'text/plain' });
    res.end(`status ${m[1]}\n`);
    return;
  }
  files(req, res);
});
const listen = (port) => new Promise((ok, fail) => {
  server.once('error', fail);
  server.listen(port, HOST, () => ok());
});
try {
  await listen(Number(opt('--port', 8080)));
} catch {
  await listen(0);
}
const demo = `http://${HOST}:${server.address().port}/www/demo/index.html?dsn=${encodeURIComponent(inbox.dsn)}`;
console.log('');
console.log(`Inbox: ${inbox.url}`);
console.log(`Demo:  ${demo}`);
console.log('Click the buttons in the demo, then watch the issues appear in the inbox. Ctrl-C stops both.');

const stop = () => {
  try {
    process.kill(inbox.child.pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
inbox.child.on('exit', () => server.close());

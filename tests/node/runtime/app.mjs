// A server-side app as a user writes one: errorbeacon configured from the environment only
// (SENTRY_DSN, SENTRY_RELEASE, SENTRY_ENVIRONMENT), then an error nobody catches. Run by
// tests/node/runtime.test.mjs in Node, Deno and Bun; argv (or EB_SCENARIO) says which error.
import * as eb from '../../../pkg/node.js';

const scenario = globalThis.Deno ? globalThis.Deno.env.get('EB_SCENARIO') : process.env.EB_SCENARIO;
await eb.init({ sendDefaultPii: (globalThis.Deno ? globalThis.Deno.env.get('EB_PII') : process.env.EB_PII) === '1' });
eb.setTag('scenario', scenario);
if (scenario === 'timer') {
  setTimeout(() => {
    throw new Error('thrown in a timer');
  }, 10);
} else if (scenario === 'rejection') {
  Promise.reject(new TypeError('rejected and never handled'));
} else if (scenario === 'own-handler') {
  // The app handles uncaught exceptions itself: it decides when to exit.
  if (globalThis.Deno) throw new Error('not a Deno scenario');
  process.on('uncaughtException', () => {
    console.log('the app handled it');
    setTimeout(() => eb.flush(2000).then(() => process.exit(0)), 50);
  });
  setTimeout(() => {
    throw new Error('handled by the app');
  }, 10);
}
// Keeps the process up for a while, as a server does (unref'd: the error decides the exit).
const t = setTimeout(() => {}, 30_000);
if (typeof t.unref === 'function') t.unref();
else if (globalThis.Deno) globalThis.Deno.unrefTimer(t);

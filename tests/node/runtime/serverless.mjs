// A serverless function as a platform runs it (tests/node/runtime.test.mjs): the handler is
// called once, and the moment its promise settles the process is killed (SIGKILL), as a
// platform freezes or kills an instance. What it reports on stdout before that is all the test sees.
import * as eb from '../../../pkg/node.js';

eb.init({ integrations: { globalHandlers: false } }); // DSN from SENTRY_DSN
const scenario = process.env.EB_SCENARIO;
export const handler = eb.wrapHandler(async (event, context) => {
  eb.setTag('request', context.requestId);
  await new Promise((r) => setTimeout(r, 20));
  if (scenario === 'throws') throw new RangeError(`no route for ${event.path}`);
  eb.captureMessage(`served ${event.path}`, 'info');
  return { statusCode: 200, body: event.path };
});

handler({ path: '/checkout' }, { requestId: 'r-1' }).then(
  (v) => {
    process.stdout.write(`resolved ${JSON.stringify(v)}\n`);
    process.kill(process.pid, 'SIGKILL');
  },
  (e) => {
    process.stdout.write(`rejected ${e.name}: ${e.message}\n`);
    process.kill(process.pid, 'SIGKILL');
  },
);

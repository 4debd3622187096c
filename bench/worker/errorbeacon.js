// The same Worker for each SDK (bench/worker.mjs): errors of /throw reported, the rest answered.
import { withErrorbeacon } from 'errorbeacon/worker';

export default withErrorbeacon((env) => ({ dsn: env.SENTRY_DSN }), {
  async fetch(request) {
    if (new URL(request.url).pathname === '/throw') throw new Error('bench');
    return new Response('ok');
  },
});

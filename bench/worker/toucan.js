// The same Worker with toucan-js (per-request client, no flag; deprecated upstream).
import { Toucan } from 'toucan-js';

export default {
  async fetch(request, env, ctx) {
    const sentry = new Toucan({ dsn: env.SENTRY_DSN, context: ctx, request });
    try {
      if (new URL(request.url).pathname === '/throw') throw new Error('bench');
      return new Response('ok');
    } catch (e) {
      sentry.captureException(e);
      return new Response('error', { status: 500 });
    }
  },
};

// The same Worker with @sentry/cloudflare (needs nodejs_compat or nodejs_als).
import * as Sentry from '@sentry/cloudflare';

export default Sentry.withSentry((env) => ({ dsn: env.SENTRY_DSN }), {
  async fetch(request) {
    if (new URL(request.url).pathname === '/throw') throw new Error('bench');
    return new Response('ok');
  },
});

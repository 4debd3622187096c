// Compiled by tests/node/types.test.mjs: errorbeacon/worker's types (pkg/worker.d.ts) accept
// API.md §1's Worker as written, and give the handler its request's scope.
import { withErrorbeacon, setTag } from 'errorbeacon/worker';

interface Env {
  SENTRY_DSN: string;
  RELEASE: string;
}

setTag('service', 'shop');
export default withErrorbeacon((env: Env) => ({ dsn: env.SENTRY_DSN, release: env.RELEASE }), {
  async fetch(request: Request, env: Env, ctx: any): Promise<Response> {
    ctx.errorbeacon.setUser({ id: '42' });
    return new Response(`${request.method} ${env.RELEASE}`);
  },
  async scheduled(controller: { cron: string }) {
    throw new Error(controller.cron);
  },
});
// @ts-expect-error: options are an object or a function of env
withErrorbeacon(42, {});

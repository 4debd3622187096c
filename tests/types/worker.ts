// Compiled by tests/node/types.test.mjs: errorbeacon/worker's types (pkg/worker.d.ts) accept
// API.md §1's Worker as written, and give the handler its request's scope.
import { withErrorbeacon, instrumentDurableObject, setTag } from 'errorbeacon/worker';

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

class Counter {
  constructor(readonly state: unknown, readonly env: Env) {}
  async fetch(): Promise<Response> {
    return new Response('1');
  }
}
export const CounterDO = instrumentDurableObject(Counter, (env: Env) => ({ dsn: env.SENTRY_DSN }));
const c: Counter = new CounterDO({}, { SENTRY_DSN: '', RELEASE: '' });
void c;

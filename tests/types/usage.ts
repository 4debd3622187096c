// Compiled by tests/node/types.test.mjs with `tsc --strict --noEmit`: the package's types
// (pkg/index.d.ts) accept API.md §1 as written, and refuse what it does not allow.
import * as errorbeacon from 'errorbeacon';
import type { SentryEvent, TransportRequest } from 'errorbeacon';

async function main(anyThrownValue: unknown): Promise<void> {
  await errorbeacon.init({
    dsn: 'https://PUBLIC_KEY@host/PROJECT_ID',
    release: 'shop@1.4.2',
    environment: 'production',
    dist: undefined,
    sampleRate: 1.0,
    maxBreadcrumbs: 100,
    beforeSend: (event, hint) => (hint.originalException instanceof TypeError ? null : event),
    beforeBreadcrumb: (crumb, hint) => crumb,
    ignoreErrors: ['ResizeObserver', /^Script error/],
    denyUrls: [], allowUrls: [/example\.com/],
    sendDefaultPii: false,
    tunnel: undefined,
    transport: async (req: TransportRequest) => ({ status: req.body.length > 0 ? 200 : 400, headers: {} }),
    offline: false,
    debug: false,
    integrations: {
      globalHandlers: true,
      panics: true,
      console: ['error'],
      httpErrors: true,
      breadcrumbs: { dom: true, console: true, fetch: true, history: true },
      linkedErrors: { limit: 5 },
      dedupe: true,
    },
  });
  const id: string = errorbeacon.captureException(anyThrownValue);
  errorbeacon.captureException(new Error('with a hint'), { data: 1 });
  errorbeacon.captureException(new Error('with a capture context'), {
    tags: { section: 'checkout' }, extra: { cart: 3 }, level: 'fatal', fingerprint: ['checkout'], user: { id: 'u9' },
    contexts: { order: { id: 7 } },
  });
  errorbeacon.captureException(new Error('with a scope callback'), (scope) => scope.setLevel('warning'));
  errorbeacon.captureMessage('with a context', { level: 'fatal', tags: { a: 'b' } });
  errorbeacon.captureMessage('text', 'warning');
  errorbeacon.setUser({ id: 42, email: 'a@example.com', username: 'a', ip_address: '{{auto}}' });
  errorbeacon.setUser(null);
  errorbeacon.setTag('k', 'v');
  errorbeacon.setTags({ a: 'b', n: 1 });
  errorbeacon.setContext('cart', { items: 3 });
  errorbeacon.setExtra('k', { any: ['value'] });
  errorbeacon.addBreadcrumb({ category: 'ui', message: 'clicked', level: 'info', data: { x: 1 } });
  const n: number | undefined = errorbeacon.withScope((scope) => {
    scope.setTag('inner', 'yes');
    scope.setFingerprint(['{{ default }}', 'inner']);
    errorbeacon.captureException(anyThrownValue);
    return 1;
  });
  const flushed: boolean = await errorbeacon.flush(2000);
  const closed: boolean = await errorbeacon.close(2000);
  const last: string | undefined = errorbeacon.lastEventId();
  const frames = errorbeacon.parseStack(new Error('boom').stack ?? '');
  const line: number | undefined = frames[0]?.lineno;
  const drop = (event: SentryEvent): SentryEvent | null => (event.exception ? event : null);
  // API.md §1, serverless functions: the wrapped handler keeps its arguments and result.
  const handler = errorbeacon.wrapHandler(async (event: { path: string }, context: { id: number }) => `${event.path}:${context.id}`);
  const answer: string = await handler({ path: '/a' }, { id: 1 });
  const sync = errorbeacon.wrapHandler((n: number) => n * 2, { flushTimeout: 500 });
  const doubled: number = await sync(2);
  // @ts-expect-error: the wrapped handler takes what the handler takes
  void handler('not an event', { id: 1 });
  void [id, n, flushed, closed, last, line, drop, answer, doubled];

  // @ts-expect-error: levels are Sentry's five
  errorbeacon.captureMessage('text', 'critical');
  // @ts-expect-error: the package has no separate wasm init to call
  errorbeacon.initWasm();
  // @ts-expect-error: internal, not exported
  errorbeacon.startEarlyCapture();
}
void main;

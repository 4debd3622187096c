// A Worker as users write one, wrapped by errorbeacon (tests/worker/worker.test.mjs bundles it
// with esbuild and runs it in workerd). Each route is one behaviour the test checks.
import * as errorbeacon from 'errorbeacon/worker';
import { withErrorbeacon, instrumentDurableObject } from 'errorbeacon/worker';
import { DurableObject } from 'cloudflare:workers';
import { Hono } from 'hono';
// The package's root under the `workerd`/`worker` conditions is errorbeacon/worker too.
import { honoMiddleware } from 'errorbeacon';

// A Hono app whose route throws; its own onError answers (and would hide the error).
const hono = new Hono();
hono.use(honoMiddleware());
hono.get('/hono/throw', async (c) => {
  c.executionCtx.errorbeacon.setTag('framework', 'hono');
  throw new Error(`hono route failed: ${c.req.query('id')}`);
});
hono.onError((err, c) => c.text(`handled by onError: ${err.message}`, 500));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Set before any request: every event carries it.
errorbeacon.setTag('service', 'shop-worker');

const worker = withErrorbeacon((env) => ({ dsn: env.SENTRY_DSN, release: 'worker@1.0.0' }), {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const eb = ctx.errorbeacon;
    if (url.pathname.startsWith('/hono/')) return hono.fetch(request, env, ctx);
    switch (url.pathname) {
      case '/throw':
        eb.setTag('route', 'throw');
        await sleep(5);
        throw new TypeError('the cart is gone');
      case '/wait-until':
        ctx.waitUntil((async () => {
          await sleep(50);
          eb.captureMessage('from a waitUntil promise', 'warning');
        })());
        return new Response('ok');
      case '/after':
        // A plain continuation, not given to waitUntil, that captures after the response.
        sleep(30).then(() => eb.captureMessage('after the response', 'info'));
        return new Response('ok');
      case '/stream': {
        const enc = new TextEncoder();
        const body = new ReadableStream({
          async start(controller) {
            controller.enqueue(enc.encode('first '));
            await sleep(40);
            eb.captureMessage('while the body is written', 'info');
            await sleep(40);
            controller.enqueue(enc.encode('last'));
            controller.close();
          },
        });
        return new Response(body);
      }
      case '/user': {
        const n = url.searchParams.get('n');
        eb.setUser({ id: `user-${n}` });
        eb.setTag('n', n);
        // The global calls too: with AsyncLocalStorage they are this request's; without, they
        // must never show in another request's event.
        errorbeacon.setTag('global_n', n);
        errorbeacon.setExtra('global_extra', n);
        await sleep(Number(url.searchParams.get('wait')) || 0);
        // One capture per request: through its own scope, or (odd n) through the global call.
        if (Number(n) % 2) errorbeacon.captureMessage(`global capture ${n}`, 'info');
        else eb.captureMessage(`request ${n}`, 'info');
        return new Response(n);
      }
      case '/hostile': {
        const trap = () => { throw new Error('trap'); };
        eb.captureException(new Proxy({}, { get: trap, ownKeys: trap, getPrototypeOf: trap, has: trap }));
        eb.captureException(new Error('x'.repeat(2_000_000)));
        eb.captureException(Object.assign(new Error('deep'), { cause: { a: { b: { c: { d: 1 } } } } }));
        return new Response('ok');
      }
      case '/do': {
        // A Durable Object's fetch, RPC method and alarm (what= says which throws).
        const stub = env.CART.get(env.CART.idFromName(url.searchParams.get('name') || 'cart'));
        const what = url.searchParams.get('what');
        if (what === 'ws') return stub.fetch(request);
        if (what === 'fetch') return stub.fetch(new Request(`https://cart.internal/items?token=t0p`, { method: 'POST' }));
        if (what === 'alarm') return new Response(await stub.armAlarm());
        try {
          return new Response(String(await stub[what](url.searchParams.get('arg'))));
        } catch (e) {
          return new Response(`threw ${e.message}`, { status: 500 });
        }
      }
      case '/email':
        return worker.email({ from: 'shop@example.com', to: 'orders@example.com', headers: new Headers() }, env, ctx).then(
          () => new Response('ok'),
          (e) => new Response(`threw ${e.message}`, { status: 500 }),
        );
      case '/tail':
        return worker.tail([{ outcome: 'ok' }, { outcome: 'exception' }], env, ctx).then(
          () => new Response('ok'),
          (e) => new Response(`threw ${e.message}`, { status: 500 }),
        );
      case '/queue':
        return worker.queue({ queue: 'orders', messages: [{ id: 'a', body: 1 }, { id: 'b', body: 2 }] }, env, ctx).then(
          () => new Response('ok'),
          (e) => new Response(`threw ${e.message}`, { status: 500 }),
        );
      case '/scheduled':
        // workerd has no HTTP trigger for cron events (wrangler's is its own): the wrapped
        // scheduled handler, called as the runtime calls it.
        return worker.scheduled({ cron: url.searchParams.get('cron'), scheduledTime: Date.now() }, env, ctx).then(
          () => new Response('ok'),
          (e) => new Response(`threw ${e.message}`, { status: 500 }),
        );
      default:
        return new Response('not found', { status: 404 });
    }
  },
  async scheduled(controller) {
    throw new Error(`cron ${controller.cron} failed`);
  },
  async email(message) {
    throw new Error(`mail from ${message.from} refused`);
  },
  async tail(events) {
    throw new Error(`tail of ${events.length} events failed`);
  },
  async queue(batch) {
    throw new Error(`queue ${batch.queue} failed on ${batch.messages.length} messages`);
  },
});

class CartObject extends DurableObject {
  async fetch(request) {
    if (request.headers.get('Upgrade') === 'websocket') {
      // The hibernation API: the runtime calls webSocketMessage/webSocketClose below.
      const [client, server] = Object.values(new WebSocketPair());
      this.ctx.acceptWebSocket(server);
      return new Response(null, { status: 101, webSocket: client });
    }
    throw new Error(`cart fetch failed: ${request.method}`);
  }
  async webSocketMessage(ws, message) {
    errorbeacon.setTag('ws', String(message));
    if (String(message).startsWith('boom')) throw new TypeError(`ws message ${message} failed`);
    ws.send(`echo ${message}`);
  }
  async webSocketClose(ws, code) {
    ws.close(code, 'bye');
    throw new Error(`ws closed with ${code}`);
  }
  // RPC: the first call tags its own event; the second captures and must not carry that tag.
  async tagAndCapture(n) {
    errorbeacon.setTag('call', n);
    await sleep(5);
    errorbeacon.captureMessage(`call ${n}`, 'info');
    return n;
  }
  async captureOnly(n) {
    errorbeacon.captureMessage(`untagged call ${n}`, 'info');
    return n;
  }
  async boom(n) {
    throw new RangeError(`rpc boom ${n}`);
  }
  async armAlarm() {
    await this.ctx.storage.setAlarm(Date.now() + 20);
    return 'armed';
  }
  async alarm() {
    throw new Error('alarm failed');
  }
}

export const Cart = instrumentDurableObject(CartObject, (env) => ({ dsn: env.SENTRY_DSN, release: 'worker@1.0.0' }));
export default worker;

// errorbeacon/worker: the API of `errorbeacon` (index.d.ts) for Cloudflare Workers, and
// `withErrorbeacon`, which wraps a Worker's handlers (API.md §1, "Workers and other servers").
export * from './index.js';
import type { Options, User, Breadcrumb, SeverityLevel } from './index.js';

/** What `ctx.errorbeacon` gives a wrapped handler: the API, bound to its own request's scope. */
export interface RequestScope {
  setUser(user: User | null): void;
  setTag(key: string, value: string | number | boolean): void;
  setTags(tags: Record<string, string | number | boolean>): void;
  setContext(name: string, context: Record<string, unknown> | null): void;
  setExtra(key: string, value: unknown): void;
  addBreadcrumb(breadcrumb: Breadcrumb, hint?: Record<string, unknown>): void;
  captureException(value: unknown, hint?: unknown): string;
  captureMessage(message: string, level?: SeverityLevel): string;
}

/** A Worker's handlers, as the runtime calls them (the `ctx` they get has `errorbeacon`). */
export interface WorkerHandlers<Env = unknown> {
  fetch?(request: Request, env: Env, ctx: any): Response | Promise<Response>;
  scheduled?(controller: any, env: Env, ctx: any): void | Promise<void>;
  queue?(batch: any, env: Env, ctx: any): void | Promise<void>;
  email?(message: any, env: Env, ctx: any): void | Promise<void>;
  tail?(events: any, env: Env, ctx: any): void | Promise<void>;
  [other: string]: unknown;
}

/**
 * Wraps a Worker's `fetch`, `scheduled`, `queue`, `email` and `tail`: what escapes is captured
 * (`handled: false`) with the request's data and re-thrown; delivery is kept alive with
 * `ctx.waitUntil`; each request has a scope of its own (`ctx.errorbeacon`).
 */
export function withErrorbeacon<Env, H extends WorkerHandlers<Env>>(
  options: ((env: Env) => Options & { flushTimeout?: number }) | (Options & { flushTimeout?: number }),
  handler: H,
): H;

/**
 * A Durable Object class whose every method (`fetch`, `alarm`, `webSocketMessage`,
 * `webSocketClose`, `webSocketError`, RPC methods) is wrapped as `withErrorbeacon` wraps a
 * handler; what one call sets never reaches another call's event.
 */
export function instrumentDurableObject<C extends abstract new (...args: any[]) => any, Env = unknown>(
  Class: C,
  options: ((env: Env) => Options & { flushTimeout?: number }) | (Options & { flushTimeout?: number }),
): C;

/** Hono's middleware for the errors its `onError` handles: `app.use(honoMiddleware())`. */
export function honoMiddleware(): (c: any, next: () => Promise<void>) => Promise<void>;

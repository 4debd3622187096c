/** A Sentry stack frame, as errorbeacon produces it. */
export interface Frame {
  /** Function name as Sentry shows it (Rust names demangled). */
  function?: string;
  /** The name exactly as the engine printed it, when `function` differs. */
  raw_function?: string;
  /** Short path: the URL's path, or the file path. */
  filename?: string;
  /** The script URL or path as printed; for WebAssembly frames, the module URL. */
  abs_path?: string;
  lineno?: number;
  colno?: number;
  in_app: boolean;
  /** `"native"` for WebAssembly frames. */
  platform?: 'native';
  /** WebAssembly byte offset, `0x…`. */
  instruction_addr?: string;
  /** WebAssembly function index, `0x…`. */
  function_id?: string;
}

/** A value `beforeSend` sees and may return: the Sentry event as JSON (protocol v7). */
export interface SentryEvent {
  event_id: string;
  timestamp: string;
  platform?: string;
  level?: SeverityLevel;
  release?: string;
  environment?: string;
  dist?: string;
  message?: string;
  logentry?: { formatted?: string; message?: string };
  exception?: {
    values: Array<{
      type?: string;
      value?: string;
      mechanism?: { type: string; handled?: boolean; data?: Record<string, unknown>; [key: string]: unknown };
      stacktrace?: { frames: Frame[] };
      [key: string]: unknown;
    }>;
  };
  user?: User;
  tags?: Record<string, string>;
  contexts?: Record<string, Record<string, unknown>>;
  extra?: Record<string, unknown>;
  breadcrumbs?: { values: Breadcrumb[] };
  request?: { url?: string; query_string?: string; headers?: Record<string, string>; [key: string]: unknown };
  fingerprint?: string[];
  [key: string]: unknown;
}

/** What `beforeSend` is told besides the event, as in Sentry. */
export interface EventHint {
  event_id: string;
  /** The value captured: what was thrown or passed to `captureException`, or the message. */
  originalException?: unknown;
}

/** Sentry's levels. */
export type SeverityLevel = 'debug' | 'info' | 'warning' | 'error' | 'fatal';

/** `setUser`: these four are Sentry's; other keys go to the user's `data`. */
export interface User {
  id?: string | number;
  email?: string;
  username?: string;
  ip_address?: string;
  [key: string]: unknown;
}

export interface Breadcrumb {
  type?: string;
  category?: string;
  message?: string;
  level?: SeverityLevel;
  data?: Record<string, unknown>;
  /** Seconds since the epoch; the time it was added when missing. */
  timestamp?: number;
}

/** What a `transport` option is handed: one Sentry envelope to POST. */
export interface TransportRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: Uint8Array;
}

/** What a `transport` answers; `retry-after` and `x-sentry-rate-limits` (lower-case) are applied
 * as from errorbeacon's own fetch transport. */
export interface TransportResponse {
  status: number;
  headers?: Record<string, string | undefined>;
}

/** Each integration can be turned off with `false`. */
export interface Integrations {
  /** `error` and `unhandledrejection` (process events in Node and Bun). */
  globalHandlers?: boolean;
  /** Rust panics of this module and of other Rust-wasm modules that register. */
  panics?: boolean;
  /** Console levels captured as events; all levels become breadcrumbs. Default `["error"]`. */
  console?: boolean | Array<'log' | 'info' | 'warn' | 'error' | 'debug' | 'assert' | 'trace'>;
  /** Failed fetch()/XHR (network error or status >= 500) as events. */
  httpErrors?: boolean;
  breadcrumbs?: boolean | { dom?: boolean; console?: boolean; fetch?: boolean; history?: boolean };
  /** `error.cause` chains and `AggregateError.errors`. */
  linkedErrors?: boolean | { limit?: number };
  dedupe?: boolean;
}

/** Options of `init`, with the names and meanings of `@sentry/browser`. */
export interface Options {
  /** Sentry DSN (any Sentry-compatible server); `SENTRY_DSN` in Node, Deno and Bun when missing. */
  dsn?: string;
  release?: string;
  /** Default `"production"`. */
  environment?: string;
  dist?: string;
  /** Share of error events kept, 0..1. Default 1. */
  sampleRate?: number;
  /** Default 100. */
  maxBreadcrumbs?: number;
  /** Return null (or a Promise of null) to drop the event; the event returned is sent. */
  beforeSend?: (event: SentryEvent, hint: EventHint) => SentryEvent | null | PromiseLike<SentryEvent | null>;
  /** Return null to drop the breadcrumb. `hint` carries what it came from: `{ input, level }`
   * (console), `{ event, name }` (DOM), `{ input, response | error, startTimestamp,
   * endTimestamp }` (fetch), `{ xhr, startTimestamp, endTimestamp }` (XHR). */
  beforeBreadcrumb?: (breadcrumb: Breadcrumb, hint?: Record<string, unknown>) => Breadcrumb | null;
  /** Strings match as substrings, RegExps as such, on "Type: value". */
  ignoreErrors?: Array<string | RegExp>;
  /** Matched on the URL of the crash frame. */
  denyUrls?: Array<string | RegExp>;
  allowUrls?: Array<string | RegExp>;
  /** When false (default): no cookies, no IP inference, query strings scrubbed. */
  sendDefaultPii?: boolean;
  /** Send to this URL instead of the DSN's host. */
  tunnel?: string;
  transport?: (request: TransportRequest) => TransportResponse | PromiseLike<TransportResponse>;
  /** Queue undeliverable envelopes (IndexedDB in browsers, bounded). */
  offline?: boolean;
  /** Explain drops and failures on console.warn; never throws. */
  debug?: boolean;
  integrations?: Integrations;
}

/** The scope `withScope` hands its callback: what is set on it stays inside the callback. */
export interface Scope {
  setTag(key: string, value: string | number | boolean): void;
  setTags(tags: Record<string, string | number | boolean>): void;
  setContext(name: string, context: Record<string, unknown> | null): void;
  setExtra(key: string, value: unknown): void;
  setUser(user: User | null): void;
  addBreadcrumb(breadcrumb: Breadcrumb, hint?: Record<string, unknown>): void;
  /** The level of the scope's events, overriding theirs. */
  setLevel(level: SeverityLevel): void;
  /** The fingerprint of the scope's events (how the server groups them). */
  setFingerprint(fingerprint: string[]): void;
}

/** What a capture adds to the current scope for its own event, as in Sentry
 * (`captureException(e, { tags: { section: 'checkout' } })`); a function is given the scope. */
export type CaptureContext =
  | {
      user?: User | null;
      level?: SeverityLevel;
      extra?: Record<string, unknown>;
      contexts?: Record<string, Record<string, unknown> | null>;
      tags?: Record<string, string | number | boolean>;
      fingerprint?: string[];
    }
  | ((scope: Scope) => void);

/** Starts errorbeacon; resolves once the module is loaded and the handlers are installed.
 * Never rejects. Awaiting it is not required: calls made before it resolves are kept and made,
 * in order, when it does. */
export function init(options?: Options): Promise<void>;

/** Captures any thrown value (not only Errors); returns the 32-hex event id ("" when nothing
 * can be captured: before `init`, after `close`). */
export function captureException(exception: unknown, hint?: CaptureContext | Record<string, unknown>): string;

/** Captures a message; returns the event id. Level default `"info"`; or a capture context. */
export function captureMessage(message: string, level?: SeverityLevel | CaptureContext): string;

/** Sets the user of later events; null clears it. */
export function setUser(user: User | null): void;
export function setTag(key: string, value: string | number | boolean): void;
export function setTags(tags: Record<string, string | number | boolean>): void;
/** Sets a context of later events; null removes it. */
export function setContext(name: string, context: Record<string, unknown> | null): void;
/** Sets an extra of later events; undefined removes it. */
export function setExtra(key: string, value: unknown): void;
/** Adds a breadcrumb through `beforeBreadcrumb`, which gets `hint`. */
export function addBreadcrumb(breadcrumb: Breadcrumb, hint?: Record<string, unknown>): void;
/** Runs `callback` with a scope of its own; returns what it returns. */
export function withScope<T>(callback: (scope: Scope) => T): T | undefined;
/** Resolves true when everything captured so far was handed to the network within `timeout` ms. */
export function flush(timeout?: number): Promise<boolean>;
/** Flushes, then removes every handler and wrapper errorbeacon installed. */
export function close(timeout?: number): Promise<boolean>;
/** The id of the last event captured. */
export function lastEventId(): string | undefined;

/** Parses an `error.stack` string into Sentry frames, oldest first. Pure. */
export function parseStack(stack: string): Frame[];

/** Options of `wrapHandler`. */
export interface WrapHandlerOptions {
  /** How long the wrapped handler waits for its events to be sent before it settles, in ms. */
  flushTimeout?: number;
}

/**
 * Wraps a serverless function's handler (AWS Lambda, Vercel, Netlify, Google Cloud Functions):
 * what escapes `fn` is captured (`handled: false`) and re-thrown, and the returned promise
 * settles only after what was captured during the call was sent, or `flushTimeout` (default
 * 2000 ms) passed, because the platform may freeze the instance as soon as it settles.
 */
export function wrapHandler<A extends unknown[], R>(
  fn: (...args: A) => R | Promise<R>,
  options?: WrapHandlerOptions,
): (...args: A) => Promise<Awaited<R>>;

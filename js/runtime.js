// Node, Deno and Bun (the `node.js` entry only: none of this reaches a page): the runtime's own
// global handlers, its contexts, and its environment. An uncaught exception or an unhandled
// rejection is captured, the events are flushed within a bounded time, and then the runtime
// does what it would have done without us: it prints the error and exits with code 1 (unless
// the app has handlers of its own, or Node's `--unhandled-rejections` mode says otherwise).
// Without the flush, the process would exit before the request left: the event would be lost.

import { hostname } from 'node:os';
import { safe } from './handlers.js';

const g = globalThis;
/** How long a fatal error waits for its event to reach the server before the process exits. */
const FATAL_FLUSH_MS = 2000;

/** The runtime, read once: 'deno', 'bun' or 'node'. */
export const runtimeName = g.Deno ? 'deno' : g.Bun ? 'bun' : 'node';

/** An environment variable, or undefined (Deno without `--allow-env` throws: undefined too). */
export function env(name) {
  try {
    if (runtimeName === 'deno') return g.Deno.env.get(name);
    return typeof process === 'object' && process.env ? process.env[name] : undefined;
  } catch {
    return undefined;
  }
}

/** The `runtime` and `os` contexts (Sentry's names). */
export function runtimeContexts() {
  const out = {};
  try {
    if (runtimeName === 'deno') {
      out.runtime = { name: 'deno', version: String(g.Deno.version?.deno ?? '') };
      out.os = { name: String(g.Deno.build?.os ?? '') };
    } else {
      out.runtime = runtimeName === 'bun'
        ? { name: 'bun', version: String(g.Bun.version ?? '') }
        : { name: 'node', version: String(process.version ?? '') };
      out.os = { name: String(process.platform ?? '') };
    }
  } catch {
    // What could be read is kept.
  }
  return out;
}

/** The host's name (`server_name`, sent with `sendDefaultPii` only); undefined when the
 * runtime will not say (Deno without `--allow-sys`). */
export function serverName() {
  try {
    return runtimeName === 'deno' ? g.Deno.hostname() : hostname();
  } catch {
    return undefined;
  }
}

/** Writes `text` to stderr directly (console.error may be wrapped by the console integration,
 * which would capture it as an event). */
function stderr(text) {
  try {
    if (runtimeName === 'deno') g.Deno.stderr.writeSync(new TextEncoder().encode(text));
    else process.stderr.write(text);
  } catch {
    // Nowhere to write.
  }
}

/** What the runtime prints for an uncaught value: its stack, or its text. */
function printed(value) {
  try {
    if (value instanceof Error || (value && typeof value.stack === 'string')) return `${value.stack}\n`;
    return `Uncaught ${typeof value === 'string' ? value : String(value)}\n`;
  } catch {
    return 'Uncaught exception\n';
  }
}

/** Node's `--unhandled-rejections` mode (from the command line or NODE_OPTIONS); 'throw' by
 * default, as Node has since 15. */
function rejectionMode() {
  try {
    const args = [...(process.execArgv || []), ...String(env('NODE_OPTIONS') || '').split(/\s+/)];
    for (const a of args) {
      const m = /^--unhandled-rejections=(\S+)$/.exec(a);
      if (m) return m[1];
    }
  } catch {
    // The default.
  }
  return 'throw';
}

/**
 * Installs the runtime's global handlers; returns their uninstall. `sdk.capture(value,
 * mechanism, handled)` captures; `flush(ms)` resolves when the events are sent or `ms` passed.
 */
export function installRuntimeHandlers(sdk, flush) {
  let exiting = false;
  /** After the event: print as the runtime would have, and exit with `code`. */
  const fatal = (value, code) => {
    if (exiting) return;
    exiting = true;
    const done = () => {
      stderr(printed(value));
      try {
        if (runtimeName === 'deno') g.Deno.exit(code);
        else process.exit(code);
      } catch {
        // Nothing more to do.
      }
    };
    Promise.resolve()
      .then(() => flush(FATAL_FLUSH_MS))
      .then(done, done);
  };
  if (runtimeName === 'deno') {
    // Deno dispatches `error` and `unhandledrejection` on the global scope and exits after the
    // dispatch unless a listener calls preventDefault: we do, flush, and exit as it would.
    // `safe`: named like the SDK's entry points (its frames leave the event), never throws.
    const onError = safe((ev) => {
      ev.preventDefault();
      sdk.capture(ev, 'onerror', false);
      fatal(ev.error ?? ev.message, 1);
    });
    const onRejection = safe((ev) => {
      ev.preventDefault();
      sdk.capture(ev.reason, 'onunhandledrejection', false);
      fatal(ev.reason, 1);
    });
    g.addEventListener('error', onError);
    g.addEventListener('unhandledrejection', onRejection);
    return () => {
      g.removeEventListener('error', onError);
      g.removeEventListener('unhandledrejection', onRejection);
    };
  }
  if (typeof process !== 'object' || typeof process.on !== 'function') return () => {};
  // Node and Bun: a listener keeps the process alive, so the exit is ours to make, but only
  // when ours is the only listener (an app with its own handler has chosen to go on).
  const onException = safe((error) => {
    sdk.capture(error, 'onuncaughtexception', false);
    if (process.listenerCount('uncaughtException') <= 1) fatal(error, 1);
  });
  const onRejection = safe((reason) => {
    sdk.capture(reason, 'onunhandledrejection', false);
    if (process.listenerCount('unhandledRejection') > 1) return;
    const mode = rejectionMode();
    if (mode === 'warn-with-error-code') process.exitCode = 1;
    if (mode === 'throw' || mode === 'strict') fatal(reason, 1);
  });
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}

// `wrapHandler` (API.md §1, "Serverless functions"): the platform may freeze or kill the
// instance the moment a handler's promise settles, so the wrapped handler settles only after
// what was captured during the call was sent (or `flushTimeout` passed). What escapes the
// handler is captured (`handled: false`) and re-thrown. One factory for both entries, each
// giving its own capture and flush.

/** `wrapHandler` over `capture(error)` and `flush(ms)`. */
export function handlerWrapper(capture, flush) {
  return function wrapHandler(fn, options) {
    if (typeof fn !== 'function') return fn;
    let ms = 2000;
    try {
      const t = options.flushTimeout;
      if (typeof t === 'number' && t >= 0) ms = t;
    } catch {
      // No options, or hostile ones: the default.
    }
    return {
      async __errorbeacon_wrapHandler(...args) {
        try {
          return await fn.apply(this, args);
        } catch (e) {
          try {
            capture(e);
          } catch {
            // Never instead of the handler's own error.
          }
          throw e;
        } finally {
          try {
            await flush(ms);
          } catch {
            // flush never throws; a broken one must not replace the handler's outcome either.
          }
        }
      },
    }.__errorbeacon_wrapHandler;
  };
}

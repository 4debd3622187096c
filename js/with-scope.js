// `withScope` for the package's entry (js/index.js, while the rest loads) and for the API
// (js/api.js): the same push/pop discipline over each one's own way of making or keeping a
// scope operation.

/**
 * A `withScope(callback)` that hands `scope` to the callback between `op('pushScope')` and
 * `op('popScope')`; `warn` hears of a callback that threw (it never reaches the host).
 */
export function scopeRunner(scope, op, warn) {
  return (callback) => {
    op('pushScope');
    try {
      return callback(scope);
    } catch (e) {
      warn('withScope callback threw:', e);
      return undefined;
    } finally {
      op('popScope');
    }
  };
}

// `withScope` for the package's entry (js/index.js, while the rest loads) and for the API
// (js/api.js): the same scope object and push/pop discipline over each one's own way of making
// or keeping a scope operation.

/**
 * A `withScope(callback)` whose scope has `setters` (setTag, setUser, …) and whose
 * `setLevel`/`setFingerprint`/push/pop go through `op(name, ...args)`; `warn` hears of a
 * callback that threw (it never reaches the host).
 */
export function scopeRunner(setters, op, warn) {
  const scope = {
    ...setters,
    setLevel: (level) => op('setLevel', String(level ?? '')),
    setFingerprint: (parts) => op('setFingerprint', Array.isArray(parts) ? parts.map(String) : []),
  };
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

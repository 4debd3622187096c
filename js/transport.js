// Delivery for now: one POST per envelope with fetch (keepalive while the body fits the
// browser's 64 KiB keepalive quota), or the user's `transport(req)`. Rate limits, retries,
// sendBeacon on page hide and the offline queue come with the delivery work (issue 5).

// Sentry keeps keepalive bodies under 60,000 bytes: the quota is shared by in-flight requests.
const KEEPALIVE_MAX = 60000;

export function createTransport(options, debugWarn) {
  const pending = new Set();
  let keepaliveBytes = 0;

  function post(url, headers, body) {
    if (typeof options.transport === 'function') {
      return Promise.resolve().then(() => options.transport({ url, method: 'POST', headers, body }));
    }
    if (typeof fetch !== 'function') return Promise.reject(new Error('no fetch in this runtime'));
    const keepalive = keepaliveBytes + body.length <= KEEPALIVE_MAX;
    if (keepalive) keepaliveBytes += body.length;
    const done = () => {
      if (keepalive) keepaliveBytes -= body.length;
    };
    return fetch(url, { method: 'POST', headers, body, keepalive, credentials: 'omit', referrerPolicy: 'origin' })
      .then((res) => {
        done();
        return { status: res.status, headers: { 'retry-after': res.headers.get('retry-after'), 'x-sentry-rate-limits': res.headers.get('x-sentry-rate-limits') } };
      }, (e) => {
        done();
        throw e;
      });
  }

  return {
    /** Sends one envelope. `body` may be a view into wasm memory: it is copied first. */
    send(url, auth, body) {
      const bytes = body.slice();
      const target = options.tunnel || url;
      const headers = { 'Content-Type': 'application/x-sentry-envelope' };
      if (!options.tunnel) headers['X-Sentry-Auth'] = auth;
      const p = post(target, headers, bytes).then(
        (res) => {
          if (res && res.status >= 400) debugWarn('server answered', res.status, 'to an envelope');
        },
        (e) => debugWarn('sending an envelope failed:', e),
      );
      pending.add(p);
      p.finally(() => pending.delete(p));
    },

    /** Resolves true when everything sent so far has settled, false on timeout. */
    flush(timeout) {
      if (pending.size === 0) return Promise.resolve(true);
      const all = Promise.allSettled([...pending]).then(() => true);
      if (!(timeout > 0)) return all;
      return Promise.race([all, new Promise((r) => setTimeout(() => r(false), timeout))]);
    },
  };
}

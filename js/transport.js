// Delivery for now: one POST per envelope with fetch (keepalive while the body fits the
// browser's 64 KiB keepalive quota), or the user's `transport(req)`. Rate limits, retries,
// sendBeacon on page hide and the offline queue come with the delivery work (issue 5).
//
// The request starts synchronously inside the capture (also for a custom transport), so an
// envelope is on its way even if the page or the module stops right after; only the outcome
// is awaited, and a counter (not a promise per envelope) tells `flush` when all have settled.

// Sentry keeps keepalive bodies under 60,000 bytes: the quota is shared by in-flight requests.
const KEEPALIVE_MAX = 60000;

export function createTransport(options, debugWarn) {
  let inFlight = 0;
  let keepaliveBytes = 0;
  let idle = [];

  function settled() {
    inFlight--;
    if (inFlight === 0) {
      for (const resolve of idle) resolve(true);
      idle = [];
    }
  }

  function onResponse(res) {
    settled();
    if (res && res.status >= 400) debugWarn('server answered', res.status, 'to an envelope');
  }

  function onFailure(e) {
    settled();
    debugWarn('sending an envelope failed:', e);
  }

  function start(url, headers, body) {
    if (typeof options.transport === 'function') {
      return options.transport({ url, method: 'POST', headers, body });
    }
    if (typeof fetch !== 'function') throw new Error('no fetch in this runtime');
    const size = body.length;
    const keepalive = keepaliveBytes + size <= KEEPALIVE_MAX;
    if (keepalive) keepaliveBytes += size;
    const release = () => {
      if (keepalive) keepaliveBytes -= size;
    };
    return fetch(url, { method: 'POST', headers, body, keepalive, credentials: 'omit', referrerPolicy: 'origin' }).then(
      (res) => {
        release();
        return { status: res.status, headers: { 'retry-after': res.headers.get('retry-after'), 'x-sentry-rate-limits': res.headers.get('x-sentry-rate-limits') } };
      },
      (e) => {
        release();
        throw e;
      },
    );
  }

  return {
    /** Sends one envelope. `body` may be a view into wasm memory: it is copied first. */
    send(url, auth, body) {
      const bytes = body.slice();
      const target = options.tunnel || url;
      const headers = options.tunnel
        ? { 'Content-Type': 'application/x-sentry-envelope' }
        : { 'Content-Type': 'application/x-sentry-envelope', 'X-Sentry-Auth': auth };
      inFlight++;
      try {
        Promise.resolve(start(target, headers, bytes)).then(onResponse, onFailure);
      } catch (e) {
        onFailure(e);
      }
    },

    /** Resolves true when everything sent so far has settled, false on timeout. */
    flush(timeout) {
      if (inFlight === 0) return Promise.resolve(true);
      const all = new Promise((resolve) => idle.push(resolve));
      if (!(timeout > 0)) return all;
      return Promise.race([all, new Promise((r) => setTimeout(() => r(false), timeout))]);
    },
  };
}

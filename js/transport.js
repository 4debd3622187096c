// The browser side of delivery: performs the requests the wasm's delivery policy
// (src/delivery/flat.rs, exported by src/web/delivery.rs) asks for, and reports how each ended. The policy
// decides everything else: rate limits, retries and backoff, the keepalive budget, which
// envelopes go out at page hide, what the offline store keeps, what the client reports count.
//
// A request starts synchronously inside the call that asked for it (a capture, a panic), so
// an envelope is on its way even if the page or the module stops right after.


// Must match `Channel` in src/delivery/transport.rs.
const KEEPALIVE = 0, BEACON = 2;
// Must match `delivery_done`'s `kind`.
const HTTP = 0, NETWORK_ERROR = 1, BEACON_SENT = 2;
// Bodies are copied out of wasm memory into slabs of this size, each body a view of its own
// bytes: one ArrayBuffer per slab instead of one per envelope (fresh memory, not the copy, is
// the cost: 2-3 µs a body in a new ArrayBuffer against 0.1-0.2 µs into touched bytes in
// Chromium; docs/speed.md). A body larger than a quarter slab gets a buffer of its own.
const SLAB = 64 * 1024;

/** Copies of wasm-memory views, each a `Uint8Array` over bytes nothing else uses. `size`, the
 * slab's, is a parameter for bench/copy. */
export function bodyCopier(size = SLAB) {
  let slab = null;
  let at = 0;
  return (view) => {
    const n = view.length;
    if (n > size / 4) return view.slice();
    // A transport may have transferred a body's buffer (postMessage): that slab is gone.
    if (!slab || at + n > size || slab.byteLength === 0) {
      slab = new Uint8Array(size);
      at = 0;
    }
    // Not `subarray`: its species lookup makes it the slower way to the same view.
    const out = new Uint8Array(slab.buffer, at, n);
    out.set(view);
    at += (n + 7) & ~7;
    return out;
  };
}

/** A `Retry-After` HTTP-date (any of its three forms: a time `hh:mm:ss`, GMT when it names no
 * zone, as asctime's does not) as the seconds from `now` (ms) it names, 0 for a past one. The
 * delivery policy reads delay-seconds: an HTTP-date parser cost the wasm 1.3 KB gzip, and
 * `Date.parse` is free (docs/size.md). Seconds, and what `Date.parse` cannot read, go on as
 * they are. */
export function retryAfterSeconds(value, now) {
  const at = /\d:\d\d:\d\d/.test(value) ? Date.parse(/GMT|UTC|[+-]\d\d\d\d/i.test(value) ? value : `${value} GMT`) : NaN;
  return Number.isFinite(at) ? String(Math.max(0, at - now) / 1000) : value;
}

/**
 * @param {object} options  the `init` options (`transport`, `tunnel`, `offline`)
 * @param {Function} debugWarn
 * @param {object} glue  the wasm exports (deliveryDone, deliveryTick, …)
 */
export function createTransport(options, debugWarn, glue) {
  let url = '';
  let beaconUrl = '';
  let auth = '';
  let timer = null;
  let idle = [];
  let store = null;
  const custom = typeof options.transport === 'function' ? options.transport : null;
  const g = globalThis;
  const copy = bodyCopier();

  /** Headers for the `transport(req)` option (the tunnel's envelopes carry their DSN instead). */
  function headers() {
    const h = { 'Content-Type': 'application/x-sentry-envelope' };
    if (!options.tunnel) h['X-Sentry-Auth'] = auth;
    return h;
  }

  function settleWaiters() {
    if (!idle.length) return;
    let done = false;
    try {
      // Idle, and then nothing new to send: a client report that found the queue full when
      // `flush` began is queued now (deliveryFlush returns false when it queued one).
      done = glue.deliveryIdle() && glue.deliveryFlush();
    } catch {
      done = true;
    }
    if (!done) return;
    const waiting = idle;
    idle = [];
    for (const resolve of waiting) resolve(true);
  }

  function done(id, kind, status, retryAfter, rateLimits) {
    try {
      const what = glue.deliveryDone(id, kind, status || 0, retryAfter ?? undefined, rateLimits ?? undefined);
      if (what === 3) debugWarn('an envelope was dropped', kind === HTTP ? `(server answered ${status})` : '(network error)');
      if (what === 4) debugWarn('an envelope could not be delivered and is kept offline for later');
    } catch (e) {
      debugWarn('delivery bookkeeping failed:', e);
    }
    settleWaiters();
  }

  function onResponse(id, res) {
    let status = 0;
    let ra;
    let rl;
    try {
      status = Number(res && res.status) || 0;
      const h = res && res.headers;
      if (h && typeof h.get === 'function') {
        ra = h.get('retry-after');
        rl = h.get('x-sentry-rate-limits');
      } else if (h && typeof h === 'object') {
        ra = h['retry-after'];
        rl = h['x-sentry-rate-limits'];
      }
    } catch {
      // An unreadable answer counts as what could be read of it.
    }
    done(id, HTTP, status, typeof ra === 'string' ? retryAfterSeconds(ra, Date.now()) : undefined, typeof rl === 'string' ? rl : undefined);
  }

  /** Starts request `id` on `channel`; `body` is a view into wasm memory: copied first (even for
   * fetch, which copies at the call: a wrapper around it may read the body later). */
  function start(id, channel, body) {
    const bytes = copy(body);
    try {
      if (custom) {
        Promise.resolve(custom({ url, method: 'POST', headers: headers(), body: bytes })).then(
          (res) => onResponse(id, res),
          (e) => {
            debugWarn('the transport option failed:', e);
            done(id, NETWORK_ERROR);
          },
        );
        return;
      }
      if (channel === BEACON && g.navigator && typeof g.navigator.sendBeacon === 'function') {
        const queued = g.navigator.sendBeacon(beaconUrl, bytes);
        // Reported after this call returns: the wasm is still inside the call that started it.
        Promise.resolve().then(() => done(id, queued ? BEACON_SENT : NETWORK_ERROR));
        return;
      }
      if (typeof g.fetch !== 'function') throw new Error('no fetch in this runtime');
      // Auth in the query string and no custom headers: a "simple" cross-origin request,
      // with no CORS preflight before it (as Sentry's browser transport sends).
      g.fetch(beaconUrl, {
        method: 'POST',
        body: bytes,
        keepalive: channel === KEEPALIVE || channel === BEACON,
        credentials: 'omit',
        referrerPolicy: 'origin',
      }).then(
        (res) => onResponse(id, res),
        () => done(id, NETWORK_ERROR),
      );
    } catch (e) {
      debugWarn('sending an envelope failed:', e);
      Promise.resolve().then(() => done(id, NETWORK_ERROR));
    }
  }

  /** The retry timer: `ms` from now, or cancelled when negative. */
  function arm(ms) {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (!(ms >= 0)) return;
    timer = setTimeout(() => {
      timer = null;
      try {
        glue.deliveryTick();
      } catch (e) {
        debugWarn('delivery timer failed:', e);
      }
      settleWaiters();
    }, Math.min(ms, 2 ** 31 - 1));
    // In Node, a pending retry alone does not keep the process alive (flush waits for it).
    if (timer && typeof timer.unref === 'function') timer.unref();
  }

  function onHidden() {
    try {
      glue.deliveryHidden();
    } catch (e) {
      debugWarn('page-hide delivery failed:', e);
    }
  }

  /** Sets where envelopes go and installs the page-hide and online listeners; returns the
   * function that removes them. */
  function install(target) {
    [url, beaconUrl, auth] = Array.isArray(target) && target.length === 3 ? target : ['', '', ''];
    if (options.tunnel) {
      url = String(options.tunnel);
      beaconUrl = url;
    }
    const undo = [];
    const listen = (t, name, fn) => {
      try {
        if (t && typeof t.addEventListener === 'function') {
          t.addEventListener(name, fn);
          undo.push(() => t.removeEventListener(name, fn));
        }
      } catch {
        // A target we cannot listen on: that trigger is not available.
      }
    };
    const onVisibility = () => {
      try {
        if (g.document && g.document.visibilityState === 'hidden') onHidden();
      } catch {
        // Nothing to do.
      }
    };
    const onOnline = () => {
      try {
        glue.deliveryResume();
      } catch (e) {
        debugWarn('resuming delivery failed:', e);
      }
    };
    listen(g, 'pagehide', onHidden);
    listen(g.document, 'visibilitychange', onVisibility);
    if (options.offline === true) {
      // Only the offline store waits for the network.
      listen(g, 'online', onOnline);
      // Fetched only when enabled (in browsers a file of its own beside core.js).
      store = import('./offline-store.js').then((m) => m.openStore(debugWarn));
      store.then((s) => s.all()).then((records) => {
        for (const { id, body } of records) {
          try {
            glue.deliveryRestore(body, id);
          } catch (e) {
            debugWarn('restoring an offline envelope failed:', e);
          }
        }
      });
    }
    return () => {
      undo.forEach((f) => f());
      arm(-1);
    };
  }

  return {
    install,
    start,
    arm,
    // The body is copied now (it is a view of the wasm's memory); puts and deletes keep their
    // order, each chained on the store's promise.
    storePut(id, body) {
      if (!store) return;
      const copy = body.slice();
      store.then((s) => s.put(id, copy), (e) => debugWarn('the offline store could not be loaded:', e));
    },
    storeDelete: (id) => store && store.then((s) => s.del(id), () => {}),

    /** Resolves true once nothing is queued, waiting for a retry or in flight (the client
     * report and the offline store are tried first), false on timeout. */
    flush(timeout) {
      let now = true;
      try {
        now = glue.deliveryFlush();
      } catch {
        now = true;
      }
      if (now) return Promise.resolve(true);
      const all = new Promise((resolve) => idle.push(resolve));
      if (!(timeout > 0)) return all;
      return Promise.race([all, new Promise((r) => setTimeout(() => r(false), timeout))]);
    },
  };
}

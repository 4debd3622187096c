// The offline store: envelopes that could not be delivered, kept in IndexedDB under their
// event id until they are (or until the delivery policy drops them for room). What to keep
// and when to delete is the policy's decision (src/delivery/); this only reads and writes.
// Without IndexedDB (private modes, Workers, Node) nothing persists: the policy's own bounded
// memory queue still holds the envelopes for the life of the page.

const DB = 'errorbeacon-offline';
const STORE = 'envelopes';

export function openStore(debugWarn) {
  let db = null;
  try {
    const idb = globalThis.indexedDB;
    if (idb && typeof idb.open === 'function') {
      db = new Promise((resolve) => {
        const req = idb.open(DB, 1);
        req.onupgradeneeded = () => {
          try {
            req.result.createObjectStore(STORE);
          } catch {
            // Already there.
          }
        };
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => resolve(null);
        req.onblocked = () => resolve(null);
      });
    }
  } catch (e) {
    debugWarn('IndexedDB is not available; undelivered envelopes are kept in memory only:', e);
  }

  /** Runs `fn(store)` in a transaction; resolves with the request's result, or `fallback`. */
  function run(mode, fn, fallback) {
    if (!db) return Promise.resolve(fallback);
    return db.then(
      (d) =>
        new Promise((resolve) => {
          if (!d) return resolve(fallback);
          try {
            const tx = d.transaction(STORE, mode);
            const req = fn(tx.objectStore(STORE));
            tx.oncomplete = () => resolve(req ? req.result : fallback);
            tx.onerror = tx.onabort = () => resolve(fallback);
          } catch (e) {
            debugWarn('offline store failed:', e);
            resolve(fallback);
          }
        }),
      () => fallback,
    );
  }

  return {
    put: (id, body) => run('readwrite', (s) => s.put(body, id), undefined),
    del: (id) => run('readwrite', (s) => s.delete(id), undefined),
    /** Every stored envelope: [{ id, body: Uint8Array }]. */
    all() {
      if (!db) return Promise.resolve([]);
      return db.then(
        (d) =>
          new Promise((resolve) => {
            if (!d) return resolve([]);
            try {
              const out = [];
              const tx = d.transaction(STORE, 'readonly');
              const req = tx.objectStore(STORE).openCursor();
              req.onsuccess = () => {
                const c = req.result;
                if (!c) return;
                if (typeof c.key === 'string' && c.value instanceof Uint8Array) out.push({ id: c.key, body: c.value });
                c.continue();
              };
              tx.oncomplete = () => resolve(out);
              tx.onerror = tx.onabort = () => resolve(out);
            } catch {
              resolve([]);
            }
          }),
        () => [],
      );
    },
  };
}

// Which wasm instance the API talks to, and how to get one. Each entry point (index.js for
// browsers and bundlers, node.js for Node/Deno/Bun) supplies the loader that fits its platform.
//
// The module comes in two variants (Cargo.toml's `opt-in`): the one a default `init` fetches,
// and one that also has what only opt-in options reach (beforeSend, offline,
// ignoreErrors/denyUrls/allowUrls). A page fetches one of them; an `init` that asks for the
// opt-in parts after the other variant was loaded gets the opt-in one from then on.

/** @type {null | { exports: any, glue: any, optIn: boolean }} */
export let wasm = null;
let loading = null;
let loadingOptIn = false;
let loader = null;

/** Entry points with a synchronous load (Node, Deno, Bun) hand over the instance directly. */
export function setWasm(exports, glue, module, url, bytes, optIn) {
  wasm = { exports, glue, module, url, bytes, optIn };
}

/** Entry points with an asynchronous load (browsers) register the loader, `(optIn) => instance`;
 * it runs at the first `ready`. */
export function setWasmLoader(load) {
  loader = load;
}

/** Resolves when a module is usable, with the opt-in parts if `optIn`; rejects (never throws
 * synchronously) if it cannot load. */
export function ready(optIn = false) {
  if (wasm && (wasm.optIn || !optIn)) return Promise.resolve();
  if (!loader) return Promise.reject(new Error('errorbeacon: no wasm loader for this platform'));
  if (!loading || (optIn && !loadingOptIn)) {
    loadingOptIn = optIn;
    loading = loader(optIn).then((w) => {
      // A variant without the opt-in parts that arrives late never replaces one with them.
      if (!wasm || !wasm.optIn || w.optIn) wasm = w;
    });
    loading.catch(() => {});
  }
  return loading;
}

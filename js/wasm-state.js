// Which wasm instance the API talks to, and how to get one. Each entry point (index.js for
// browsers and bundlers, node.js for Node/Deno/Bun) supplies the loader that fits its platform.

/** @type {null | { exports: any, glue: any }} */
export let wasm = null;
let loading = null;
let loader = null;

/** Entry points with a synchronous load (Node, Deno, Bun) hand over the instance directly. */
export function setWasm(exports, glue, module, url, bytes) {
  wasm = { exports, glue, module, url, bytes };
}

/** Entry points with an asynchronous load (browsers) register the loader; it starts at once. */
export function setWasmLoader(load) {
  loader = async () => {
    wasm = await load();
  };
  ready().catch(() => {});
}

/** Resolves when the wasm is usable; rejects (never throws synchronously) if it cannot load. */
export function ready() {
  if (wasm) return Promise.resolve();
  if (!loader) return Promise.reject(new Error('errorbeacon: no wasm loader for this platform'));
  return (loading ??= loader());
}

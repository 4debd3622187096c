// Which wasm instance the API talks to, and how to get one. Each entry point (index.js for
// browsers and bundlers, node.js for Node/Deno/Bun) supplies the loader that fits its platform.

/** @type {null | { exports: any, glue: any, module: WebAssembly.Module, url: string, bytes: any }} */
export let wasm = null;
let loading = null;
let loader = null;

/** Entry points with a synchronous load (Node, Deno, Bun) hand over the instance directly. */
export function setWasm(exports, glue, module, url, bytes) {
  wasm = { exports, glue, module, url, bytes };
}

/** Entry points with an asynchronous load (browsers) register the loader, `() => instance`;
 * it runs at the first `ready`. */
export function setWasmLoader(load) {
  loader = load;
}

/** Resolves when the module is usable; rejects (never throws synchronously) if it cannot load. */
export function ready() {
  if (wasm) return Promise.resolve();
  if (!loader) return Promise.reject(new Error('errorbeacon: no wasm loader for this platform'));
  if (!loading) {
    loading = loader().then((w) => {
      wasm = w;
    });
    loading.catch(() => {});
  }
  return loading;
}

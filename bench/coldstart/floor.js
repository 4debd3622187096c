// The floor of a cold start on this machine: what importing a module and compiling and
// instantiating a wasm module cost when both do nothing (empty.wasm: one function returning
// 42). bench/coldstart/floor.html times it exactly as page.html times errorbeacon.
export async function init() {
  const module = await WebAssembly.compileStreaming(fetch(new URL('./empty.wasm', import.meta.url)));
  return WebAssembly.instantiate(module, {});
}

// Which WebAssembly modules the page loads, and their build ids (the `build_id` custom
// section), so that wasm frames can point into debug images. Modules are seen on the paths
// that know their URL, which is what engines print in stack frames: instantiateStreaming and
// compileStreaming (the Response's URL) and errorbeacon's own module. Modules made from bytes
// (instantiate, compile, new WebAssembly.Module) have no URL to match frames with; their build
// id is read but they are not registered.

/** The build id of a compiled module as hex, or undefined (section: a byte vector, LEB128 length first). */
export function buildIdOf(module) {
  try {
    const sections = WebAssembly.Module.customSections(module, 'build_id');
    if (!sections.length) return undefined;
    const b = new Uint8Array(sections[0]);
    let len = 0;
    let shift = 0;
    let i = 0;
    for (; i < b.length && i < 5; i++) {
      len |= (b[i] & 0x7f) << shift;
      shift += 7;
      if (!(b[i] & 0x80)) {
        i++;
        break;
      }
    }
    const id = b.subarray(i, i + len);
    if (!id.length || id.length > 64) return undefined;
    return Array.from(id, (x) => x.toString(16).padStart(2, '0')).join('');
  } catch {
    return undefined;
  }
}

/**
 * Wraps the streaming load paths; `register(url, buildId)` hears of each module with a build
 * id. Returns the function that puts the originals back.
 */
export function hookWasmLoads(register) {
  const W = globalThis.WebAssembly;
  const undo = [];
  if (!W) return () => {};
  const note = (source, module) => {
    Promise.resolve(source)
      .then((response) => {
        const id = buildIdOf(module);
        if (id && response && typeof response.url === 'string' && response.url) register(response.url, id);
      })
      .catch(() => {});
  };
  for (const name of ['instantiateStreaming', 'compileStreaming']) {
    const original = W[name];
    if (typeof original !== 'function') continue;
    const wrapper = function (source, ...rest) {
      const result = original.call(this, source, ...rest);
      try {
        result.then((r) => note(source, r && r.module ? r.module : r), () => {});
      } catch {
        // Not a promise: nothing to look at.
      }
      return result;
    };
    try {
      W[name] = wrapper;
      undo.push(() => {
        if (W[name] === wrapper) W[name] = original;
      });
    } catch {
      // A frozen WebAssembly namespace: modules are not registered, capture still works.
    }
  }
  return () => undo.forEach((f) => f());
}

// Which WebAssembly modules the page loads, and their build ids (the `build_id` custom
// section), so that wasm frames can point into debug images. Every load path is seen:
// instantiateStreaming and compileStreaming (named in frames by the Response's URL), and
// instantiate(bytes), compile(bytes) and new WebAssembly.Module(bytes), whose frames engines
// name themselves (src/capture/images.rs): those are registered with where their code is,
// read from the bytes' section headers, and with V8's name for them when it can be known.

/** The build id of a compiled module as hex, or undefined (section: a byte vector, LEB128 length first). */
function buildIdOf(module) {
  try {
    const sections = WebAssembly.Module.customSections(module, 'build_id');
    if (!sections.length) return undefined;
    const b = new Uint8Array(sections[0]);
    const [len, i] = leb(b, 0);
    const id = b.subarray(i, i + len);
    if (!id.length || id.length > 64) return undefined;
    return Array.from(id, (x) => x.toString(16).padStart(2, '0')).join('');
  } catch {
    return undefined;
  }
}

/** The module name of `module`'s name section (JavaScriptCore prints it for the module's frames
 * instead of a URL), or ''. customSections copies only that section. */
function nameOf(module) {
  try {
    const [section] = WebAssembly.Module.customSections(module, 'name');
    if (!section) return '';
    const b = new Uint8Array(section);
    // Subsection 0 (the module name), if present, comes first: id, size, length-prefixed UTF-8.
    if (b[0] !== 0) return '';
    const [, nameAt] = leb(b, 1);
    const [n, from] = leb(b, nameAt);
    if (n > 256 || from + n > b.length) return '';
    return new TextDecoder().decode(b.subarray(from, from + n));
  } catch {
    return '';
  }
}

/** An unsigned LEB128 at `i` (at most 5 bytes): [value, index after it]. */
function leb(b, i) {
  let v = 0;
  for (let shift = 0; shift < 35 && i < b.length; shift += 7) {
    const x = b[i++];
    v += (x & 0x7f) * 2 ** shift;
    if (!(x & 0x80)) return [v, i];
  }
  return [-1, b.length];
}

/** The bytes of a BufferSource, without copying; undefined for anything else. */
function bytesOf(source) {
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  if (typeof SharedArrayBuffer === 'function' && source instanceof SharedArrayBuffer) return new Uint8Array(source);
  return undefined;
}

/**
 * What frames of a module compiled from `source` can be recognised by, read from its section
 * headers (a few bytes each, the code is not read): the name V8 prints for it, the number of
 * functions it defines and its code section's byte range. Undefined if `source` is not a wasm
 * binary. V8 names a module from bytes `wasm://wasm/<name section's module name>-<hash>`, and
 * for more than 16383 bytes the hash is the length (`length << 2 | 2`, as
 * StringHasher::HashSequentialString gives for strings too long to hash); a shorter module's
 * name needs its content hashed, so it is left to the code range.
 */
export function describeBytes(source) {
  try {
    const b = bytesOf(source);
    if (!b || b.length < 8 || b[0] !== 0 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d) return undefined;
    let name = '';
    let defined = 0;
    let codeStart = 0;
    let codeEnd = 0;
    let i = 8;
    while (i < b.length) {
      const id = b[i];
      const [size, start] = leb(b, i + 1);
      const end = start + size;
      if (size < 0 || end > b.length) break;
      if (id === 3) defined = Math.max(0, leb(b, start)[0]);
      else if (id === 10) [codeStart, codeEnd] = [start, end];
      else if (id === 0) name = moduleName(b, start, end) ?? name;
      i = end;
    }
    if (!defined || codeStart >= codeEnd) return undefined;
    const url = b.length > 16383 ? `wasm://wasm/${name ? `${name}-` : ''}${(((b.length << 2) | 2) >>> 0).toString(16).padStart(8, '0')}` : '';
    return { url, defined, codeStart, codeEnd };
  } catch {
    return undefined;
  }
}

/** The module name of a custom section at `start..end` if it is the name section. */
function moduleName(b, start, end) {
  const [len, at] = leb(b, start);
  if (len !== 4 || at + 4 > end || String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]) !== 'name') return undefined;
  // Subsection 0, if present, comes first: id, size, then a length-prefixed UTF-8 name.
  if (b[at + 4] !== 0) return undefined;
  const [, nameAt] = leb(b, at + 5);
  const [n, from] = leb(b, nameAt);
  if (n < 0 || from + n > end) return undefined;
  return new TextDecoder().decode(b.subarray(from, from + n));
}

/** How many functions `module` imports (they come first in its function index space). */
function importedFunctions(module) {
  return WebAssembly.Module.imports(module).filter((i) => i.kind === 'function').length;
}

/**
 * `register(url, buildId, fnStart, fnEnd, codeStart, codeEnd, name, own)` for a module with a
 * build id (`name`: its name section's module name, '' without one; `own`: errorbeacon's own);
 * `bytes` is describeBytes' answer for a module from bytes (undefined for one from a URL).
 */
export function noteModule(register, module, url, bytes, own = false) {
  try {
    const id = buildIdOf(module);
    if (!id) return;
    const name = nameOf(module);
    if (!bytes) {
      if (url) register(url, id, 0, 0, 0, 0, name, own);
      return;
    }
    const imported = importedFunctions(module);
    register(bytes.url, id, imported, imported + bytes.defined, bytes.codeStart, bytes.codeEnd, name, own);
  } catch {
    // A module we cannot read: its frames keep absolute addresses.
  }
}

/**
 * Wraps every load path; `register` (see noteModule) hears of each module with a build id.
 * Returns the function that puts the originals back.
 */
export function hookWasmLoads(register) {
  const W = globalThis.WebAssembly;
  const undo = [];
  if (!W) return () => {};
  const replace = (name, wrapper) => {
    const original = W[name];
    try {
      W[name] = wrapper;
      undo.push(() => {
        if (W[name] === wrapper) W[name] = original;
      });
    } catch {
      // A frozen WebAssembly namespace: modules are not registered, capture still works.
    }
  };
  const later = (result, noteResult) => {
    try {
      result.then(noteResult, () => {});
    } catch {
      // Not a promise: nothing to look at.
    }
  };
  for (const name of ['instantiateStreaming', 'compileStreaming']) {
    const original = W[name];
    if (typeof original !== 'function') continue;
    replace(name, function (source, ...rest) {
      const result = original.call(this, source, ...rest);
      later(result, (r) =>
        Promise.resolve(source)
          .then((response) => noteModule(register, r && r.module ? r.module : r, typeof response?.url === 'string' ? response.url : ''))
          .catch(() => {}),
      );
      return result;
    });
  }
  for (const name of ['instantiate', 'compile']) {
    const original = W[name];
    if (typeof original !== 'function') continue;
    replace(name, function (source, ...rest) {
      // Read now: the engine copies the bytes at the call, the caller may reuse them after.
      const bytes = describeBytes(source);
      const result = original.call(this, source, ...rest);
      if (bytes) later(result, (r) => noteModule(register, r && r.module ? r.module : r, '', bytes));
      return result;
    });
  }
  if (typeof W.Module === 'function' && typeof Proxy === 'function') {
    // A Proxy, not a subclass: `instanceof`, the prototype and the statics stay the engine's.
    replace('Module', new Proxy(W.Module, {
      construct(target, args, newTarget) {
        const bytes = describeBytes(args[0]);
        const module = Reflect.construct(target, args, newTarget);
        if (bytes) noteModule(register, module, '', bytes);
        return module;
      },
    }));
  }
  return () => undo.reverse().forEach((f) => f());
}

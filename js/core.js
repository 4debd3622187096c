// The part of the browser package that the entry (js/index.js) loads with `import()` once
// `init` is called: the API's implementation, the client (js/client.js), and the wasm, fetched
// next to this file and compiled while it streams in.
import { instantiate } from './client.js';
import { setWasmLoader } from './wasm-state.js';
import { describeBytes } from './wasm-modules.js';

// Compiled here so that errorbeacon's own module is known by URL and build id, like the
// modules the page loads. The URL is written out in full, so that bundlers find and emit it.
setWasmLoader(async () => {
  const url = new URL('./wasm/errorbeacon_bg.wasm', import.meta.url).href;
  let module;
  let bytes;
  try {
    module = await WebAssembly.compileStreaming(fetch(url));
  } catch {
    // A server without the application/wasm type: compile from bytes (frames then carry the
    // engine's name for the module, so it is known by its code too).
    const buffer = await (await fetch(url)).arrayBuffer();
    bytes = describeBytes(buffer);
    module = await WebAssembly.compile(buffer);
  }
  const { exports, glue } = await instantiate(module);
  return { exports, glue, module, url, bytes };
});

export {
  init, captureException, captureMessage, setUser, setTag, setTags, setContext, setExtra, addBreadcrumb,
  withScope, flush, close, lastEventId, parseStack, replay, captureEarly, captureUnhandled, adoptEarly, noteDropped, scopeCall,
} from './api.js';

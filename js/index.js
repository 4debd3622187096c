// Entry for browsers and bundlers: the wasm is fetched next to this file, starting at import.
import initWasm, * as glue from '../pkg/wasm/errorbeacon.js';
import { setWasmLoader } from './wasm-state.js';
import { describeBytes } from './wasm-modules.js';
import { startEarlyCapture } from './api.js';

// Errors that happen while the wasm is still loading are kept and sent once `init` is done.
startEarlyCapture();

// Compiled here (not by wasm-bindgen's loader) so that errorbeacon's own module is known by URL
// and build id, like the modules the page loads.
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
  const exports = await initWasm({ module_or_path: module });
  return { exports, module, url, bytes };
}, glue);

// Exactly the surface of API.md §1 (and pkg/index.d.ts), nothing internal.
export {
  init, captureException, captureMessage, setUser, setTag, setTags, setContext, setExtra, addBreadcrumb,
  withScope, flush, close, lastEventId, parseStack,
} from './api.js';

// Entry for browsers and bundlers: the wasm is fetched next to this file, starting at import.
import initWasm, * as glue from '../pkg/wasm/errorbeacon.js';
import { setWasmLoader } from './wasm-state.js';
import { startEarlyCapture } from './api.js';

// Errors that happen while the wasm is still loading are kept and sent once `init` is done.
startEarlyCapture();

setWasmLoader(() => initWasm({ module_or_path: new URL('./wasm/errorbeacon_bg.wasm', import.meta.url) }), glue);

export * from './api.js';

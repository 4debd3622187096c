// Entry for Node, Deno and Bun: the wasm is read from disk and instantiated synchronously, so
// every export works as soon as the import resolves.
import { readFileSync } from 'node:fs';
import * as glue from '../pkg/wasm/errorbeacon.js';
import { setWasm } from './wasm-state.js';

const url = new URL('./wasm/errorbeacon_bg.wasm', import.meta.url);
const module = new WebAssembly.Module(readFileSync(url));
setWasm(glue.initSync({ module }), glue, module, url.href);

export * from './api.js';

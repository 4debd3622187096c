// Entry for Node, Deno and Bun: the wasm is read from disk and instantiated synchronously, so
// every export works as soon as the import resolves.
import { readFileSync } from 'node:fs';
import { instantiate } from './glue.js';
import { setWasm } from './wasm-state.js';
import { describeBytes } from './wasm-modules.js';

// The variant with every part (Cargo.toml's `opt-in`): loaded before `init` says which options
// it has, and read from disk, where its size costs nothing to fetch.
const url = new URL('./wasm/errorbeacon_opt_in_bg.wasm', import.meta.url);
const bytes = readFileSync(url);
const module = new WebAssembly.Module(bytes);
const { exports, glue } = instantiate(module, true);
// Compiled from bytes: engines name its frames themselves, so it is known by its code too.
setWasm(exports, glue, module, url.href, describeBytes(bytes), true);

// Exactly the surface of API.md §1 (and pkg/index.d.ts), nothing internal.
export {
  init, captureException, captureMessage, setUser, setTag, setTags, setContext, setExtra, addBreadcrumb,
  withScope, flush, close, lastEventId, parseStack,
} from './api.js';

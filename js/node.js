// Entry for Node, Deno and Bun: the wasm is read from disk and instantiated synchronously, so
// every export works as soon as the import resolves.
import { readFileSync } from 'node:fs';
import { instantiate } from './client.js';
import { setWasm } from './wasm-state.js';
import { describeBytes } from './wasm-modules.js';
import { setRuntime, captureUnhandled, flush } from './api.js';
import { handlerWrapper } from './wrap.js';
import { env, runtimeContexts, installRuntimeHandlers, serverName } from './runtime.js';

setRuntime({ env, contexts: runtimeContexts, handlers: installRuntimeHandlers, serverName });

const url = new URL('./wasm/errorbeacon_bg.wasm', import.meta.url);
const bytes = readFileSync(url);
const module = new WebAssembly.Module(bytes);
const { exports, glue } = instantiate(module, true);
// Compiled from bytes: engines name its frames themselves, so it is known by its code too.
setWasm(exports, glue, module, url.href, describeBytes(bytes));

// Exactly the surface of API.md §1 (and pkg/index.d.ts), nothing internal.
export {
  init, captureException, captureMessage, setUser, setTag, setTags, setContext, setExtra, addBreadcrumb,
  withScope, flush, close, lastEventId, parseStack,
} from './api.js';

/** `wrapHandler(fn, { flushTimeout })` (API.md §1, serverless functions). */
export const wrapHandler = handlerWrapper((e) => captureUnhandled(e, 'serverless'), flush);

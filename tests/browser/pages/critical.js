// The page's critical path: importing the package fetches its entry only. The statement after
// the import marks the moment (a request the test finds in the server's log, and the resource
// entries the page has); `init` then fetches the rest and the wasm, and a capture goes out.
import * as eb from '../../../pkg/index.js';

const atNextStatement = performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname);
await fetch('/mark/next-statement');
const dsn = new URLSearchParams(location.search).get('dsn');
await eb.init({ dsn, release: 'critical@1.0.0' });
eb.captureException(new Error('after the lazy load'));
const flushed = await eb.flush(5000);
const afterInit = performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname);
await fetch(`/done?report=${encodeURIComponent(JSON.stringify({ atNextStatement, afterInit, flushed }))}`);

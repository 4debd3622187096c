// sampleRate 0: an exception and a message are captured (each answered with an id) and
// neither is sent; flush sends the client report that counts them.
import * as eb from '../../../pkg/index.js';

const dsn = new URLSearchParams(location.search).get('dsn');
await eb.init({ dsn, sampleRate: 0, integrations: { globalHandlers: false } });
const error = eb.captureException(new Error('sampled out'));
const message = eb.captureMessage('also sampled out', 'warning');
const flushed = await eb.flush(5000);
await eb.close(5000);
await fetch(`/done?report=${encodeURIComponent(JSON.stringify({ error, message, flushed }))}`);

// Event ids and the stack of where a non-Error was seen: made by the package's entry (calls
// kept while the rest loads) and by the API alike.

/** 32 hex digits of a version-4 UUID, as the module's own ids (src/protocol/ids.rs). */
export function newEventId() {
  const b = new Uint8Array(16);
  try {
    globalThis.crypto.getRandomValues(b);
  } catch {
    for (let i = 0; i < 16; i++) b[i] = (Math.random() * 256) | 0;
  }
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  return hex16(b);
}

const HEX = Array.from({ length: 256 }, (_, i) => (i < 16 ? '0' : '') + i.toString(16));

/** 16 bytes as 32 lowercase hex digits. */
export function hex16(b) {
  let s = '';
  for (let i = 0; i < 16; i++) s += HEX[b[i]];
  return s;
}

/** Where the SDK saw a value that carries no stack of its own (not an Error). A Proxy can
 * make `instanceof` throw: then it is not an Error we can read either. */
export function syntheticStack(value) {
  try {
    if (value instanceof Error) return undefined;
  } catch {
    // Read as a non-Error.
  }
  // Room for the SDK's own frames above the app's (they are dropped, see src/capture/mod.rs):
  // V8 keeps only 10 by default.
  let limit;
  try {
    limit = Error.stackTraceLimit;
    if (typeof limit === 'number' && limit < 50) Error.stackTraceLimit = 50;
  } catch {
    // A frozen Error: its limit stays.
  }
  try {
    const stack = new Error().stack;
    return typeof stack === 'string' ? stack : undefined;
  } catch {
    return undefined;
  } finally {
    try {
      if (typeof limit === 'number') Error.stackTraceLimit = limit;
    } catch {
      // As above.
    }
  }
}

/** `JSON.stringify(v)` with each lone surrogate as U+FFFD: JSON.stringify writes one as a
 * `\udXXX` escape, which serde_json (Relay, the inbox) rejects, failing the whole event.
 * An escaped backslash is consumed whole, so `\\ud800` (text, not an escape) stays. */
export function toJson(v) {
  const s = JSON.stringify(v);
  return s === undefined ? s : s.replace(/\\(\\|u[dD][89a-fA-F][0-9a-fA-F]{2})/g, (m) => (m === '\\\\' ? m : '\\ufffd'));
}

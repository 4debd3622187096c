// The host side of the client (js/client.js): what only the API and the transport can do,
// filled in by js/api.js at `init`. Every call is guarded where the client makes it.
export const host = {
  /** (id, text) => boolean: does RegExp pattern `id` match? */
  match: () => false,
  /** (json, eventId, isError) => string | null | true: beforeSend on the event JSON (true: later). */
  beforeSend: (json) => json,
  /** (id, channel, body: Uint8Array) => void: starts a request the delivery policy asked for. */
  start: () => {},
  /** (ms) => void: the delivery retry timer (negative: cancel). */
  arm: () => {},
  /** (eventId, body) / (eventId) => void: the offline store. */
  storePut: () => {},
  storeDelete: () => {},
};

// The client over the wasm module, the `glue` the API (js/api.js) and the transport
// (js/transport.js) call (`instantiate`): the
// scope in JS (js/scope.js), thrown values read by js/describe.js, the event and its
// envelope written by the wasm, delivery decided by the wasm's flat policy while the bytes stay
// here, keyed by ticket. The client's own decisions (filters, dedupe, sampling, beforeSend) are
// src/client.rs's and src/filter.rs's, made on the event as it will be sent.
import { host } from './host.js';
import { newEventId } from './ids.js';
import { captureEnvelope, describeFor, putFields, parseStackLean } from './boundary.js';
import { newScope, copyScope, setUser, setTag, setExtra, setContext, addBreadcrumb, scopeFields, level as levelOf } from './scope.js';

const VERSION = '0.1.0';
const CLIENT = `errorbeacon.javascript/${VERSION}`;
const FETCH_MAX = 1_000_000;
const KEEPALIVE = 60_000;
// Indices of Sentry's discard reasons in src/delivery/outcomes.rs `Reason::ALL`.
const QUEUE_OVERFLOW = 1, SAMPLE_RATE = 5, BEFORE_SEND = 6, EVENT_PROCESSOR = 7;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const guard = (f, fallback) => {
  try {
    return f();
  } catch {
    return fallback;
  }
};

/** A DSN's parts, or the reason it is not one (src/dsn.rs's messages). */
export function parseDsn(text) {
  if (typeof text !== 'string' || !text.trim()) return 'dsn is empty';
  let u;
  try {
    u = new URL(text.trim());
  } catch {
    return 'dsn has no scheme (expected https://KEY@HOST/PROJECT_ID)';
  }
  const scheme = u.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') return `dsn scheme "${scheme}" is not http or https`;
  if (!u.username) return 'dsn has no public key before the host (KEY@HOST)';
  const parts = u.pathname.split('/');
  const project = parts.pop();
  if (!project) return 'dsn has no project id';
  const path = parts.join('/');
  const origin = `${u.protocol}//${u.host}`;
  const key = decodeURIComponent(u.username);
  const secret = u.password ? decodeURIComponent(u.password) : '';
  const envelope = `${origin}${path}/api/${project}/envelope/`;
  return {
    text: `${u.protocol}//${u.username}${u.password ? `:${u.password}` : ''}@${u.host}${path}/${project}`,
    envelope,
    beacon: `${envelope}?sentry_key=${encodeURIComponent(key)}&sentry_version=7&sentry_client=${encodeURIComponent(CLIENT)}`,
    auth: `Sentry sentry_version=7, sentry_client=${CLIENT}, sentry_key=${key}${secret ? `, sentry_secret=${secret}` : ''}`,
  };
}

/** An envelope of one item: header line, item header, payload (text). */
function envelopeOf(header, type, payload) {
  const body = encoder.encode(payload);
  const head = encoder.encode(`${JSON.stringify(header)}\n${JSON.stringify({ type, length: body.length })}\n`);
  const out = new Uint8Array(head.length + body.length + 1);
  out.set(head);
  out.set(body, head.length);
  out[out.length - 1] = 10;
  return out;
}

/** Instantiates `module`; returns `{ exports, glue }`, the glue the API and transport call. */
export function instantiate(module, sync) {
  let x;
  const bodies = new Map();
  // The bytes of an envelope being handed over: its ticket is known only once the policy took
  // it, and the policy may start its request before that call returns.
  let staged = null;
  const bytesOf = (ticket) => {
    if (!bodies.has(ticket) && staged) bodies.set(ticket, staged);
    return bodies.get(ticket);
  };
  const hexWords = (...w) => w.map((n) => [0, 8, 16, 24].map((s) => ((n >>> s) & 255).toString(16).padStart(2, '0')).join('')).join('');
  const imports = {
    eb: {
      start: (id, channel, ticket, small) => {
        const b = bytesOf(ticket);
        if (b) guard(() => host.start(id, channel, small ? b.small : b.full));
      },
      settle: (ticket) => bodies.delete(ticket),
      arm: (ms) => guard(() => host.arm(ms)),
      now: Date.now,
      store: (put, ticket, a, b, c, d) => {
        const id = hexWords(a, b, c, d);
        if (!put) return guard(() => host.storeDelete(id));
        const body = bytesOf(ticket);
        if (body) guard(() => host.storePut(id, body.full));
      },
    },
  };

  let o = null;
  let dsn = null;
  let sdk = null;
  let prefix = '';
  let scopes = [newScope(100)];
  // Where scope calls and captures go when not to the stack's top: a Worker's request scope
  // (js/worker.js), chosen per call by `scopeOf`; null or undefined from it: the stack's top.
  let scopeOf = null;
  // Inside `withScope` the pushed copy (of the scope `scopeOf` chose) is the top.
  const top = () => (scopes.length === 1 && scopeOf && scopeOf()) || scopes[scopes.length - 1];
  let lastId;
  let lastSignature;
  // The host's name on servers, with sendDefaultPii only (js/runtime.js).
  let serverName;
  // A capture in progress: a capture made from inside it (beforeSend, a getter describe reads)
  // finds the client busy and is not made, as the old module's re-entrancy guard did.
  let busy = false;

  /** Hands `body` ({ full, small? }) to the policy through `take`, which returns its ticket
   * (0: not taken); the bytes are kept under it. */
  function hand(body, take) {
    staged = body;
    try {
      const ticket = take();
      if (ticket && !bodies.has(ticket)) bodies.set(ticket, body);
      return ticket;
    } finally {
      staged = null;
    }
  }

  /** Hands an envelope (and its keepalive variant) to the policy; its ticket or 0. */
  function submit(full, small, id) {
    return hand({ full, small }, () => x.d_submit(full.length, small ? small.length : 0, hexInput(id)));
  }

  const dropped = (reason, isError) => x.d_dropped(reason, isError ? 0 : 1, 1);

  /** An event id's 32 hex digits as the whole input (what d_submit and d_restore read);
   * returns the input's length, 0 for none. */
  function hexInput(id) {
    const p = x.input(32);
    if (!p || typeof id !== 'string' || id.length !== 32) return 0;
    return encoder.encodeInto(id, new Uint8Array(x.memory.buffer, p, 32)).written;
  }

  const matches = (patterns, text) => typeof text === 'string'
    && (patterns[0].some((s) => text.includes(s)) || patterns[1].some((id) => guard(() => host.match(id, text) === true, false)));

  /** Whether the filters drop the event (src/filter.rs `is_ignored`, `url_allowed`). */
  function filtered(ev) {
    const main = ev.exception?.values?.at(-1);
    if (o.ignore[0].length || o.ignore[1].length) {
      if (ev.logentry && matches(o.ignore, ev.logentry.formatted)) return true;
      if (main && typeof main.value === 'string' && (matches(o.ignore, main.value) || (main.type && matches(o.ignore, `${main.type}: ${main.value}`)))) return true;
    }
    const frames = [...(ev.exception?.values ?? [])].reverse().find((e) => e.stacktrace)?.stacktrace.frames;
    const crash = frames?.at(-1);
    const url = crash ? crash.abs_path ?? crash.filename : undefined;
    if (url === undefined) return false;
    return matches(o.deny, url) || ((o.allow[0].length || o.allow[1].length) && !matches(o.allow, url));
  }

  /** One capture: the event written, the client's decisions made, the envelope handed over. */
  function capture(value, c) {
    if (busy) return '';
    // Read before the client is busy: a getter of the value may capture, and that capture is
    // made (the old module read values before taking its state too).
    const d = c.message === undefined ? describeFor(value, { ...c, linked: o.linked }) : null;
    busy = true;
    try {
      return captureNow(value, c, d);
    } finally {
      busy = false;
    }
  }

  function captureNow(value, c, d) {
    const id = c.eventId || newEventId();
    lastId = id;
    const fields = {
      ...c, ...scopeFields(top()), eventId: id, at: c.at || Date.now(), release: o.release, dist: o.dist,
      environment: o.environment, serverName, sdk, dsn: dsn?.text, sdkPrefix: prefix, linked: o.linked,
    };
    const full = captureEnvelope(x, value, fields, FETCH_MAX, d);
    if (!full) return id;
    const isError = !!d;
    // Dedupe compares what makes the event (src/filter.rs `signature`: message, each
    // exception's type and value and the stack its frames are parsed from, fingerprint), read
    // from the description rather than from the event, which is parsed only for the filters
    // that need its frames: decoding and JSON.parse cost more than writing it.
    const sig = o.dedupe ? JSON.stringify([c.message ?? '', d ? d.exceptions.map((e) => [e.type, e.value, e.stack ?? e.synthetic_stack ?? '']) : [], fields.fingerprint ?? []]) : undefined;
    const dup = o.dedupe && sig === lastSignature;
    if (o.dedupe) lastSignature = sig;
    const filters = o.ignore[0].length || o.ignore[1].length || o.deny[0].length || o.deny[1].length || o.allow[0].length || o.allow[1].length;
    if (dup || (filters && guard(() => filtered(JSON.parse(decoder.decode(full).split('\n')[2])), false))) {
      dropped(EVENT_PROCESSOR, isError);
      return id;
    }
    if (o.sampleRate >= 0 && o.sampleRate <= 1 && !(Math.random() < o.sampleRate)) {
      dropped(SAMPLE_RATE, isError);
      return id;
    }
    let send = null;
    if (o.hasBeforeSend) {
      const [head, , payload] = decoder.decode(full).split('\n');
      const out = guard(() => host.beforeSend(payload, id, isError));
      if (out === true) return id;
      if (typeof out !== 'string') {
        dropped(BEFORE_SEND, isError);
        return id;
      }
      if (out !== payload) send = envelopeOf(JSON.parse(head), 'event', out);
    }
    if (!dsn) return id;
    if (send) {
      submit(send, null, id);
    } else {
      const small = full.length > KEEPALIVE ? captureEnvelope(x, value, fields, KEEPALIVE, d) : null;
      submit(full, small, id);
    }
    return id;
  }

  /** Queues the client report of what was dropped (started at once at page hide). */
  function report(hidden) {
    const n = x.d_report();
    if (!n) return;
    const events = decoder.decode(new Uint8Array(x.memory.buffer, x.out(), n));
    const now = new Date().toISOString();
    const header = { sent_at: now, ...(dsn ? { dsn: dsn.text } : {}), sdk };
    const full = envelopeOf(header, 'client_report', `{"timestamp":"${now}","discarded_events":${events}}`);
    hand({ full }, () => x.d_queue_report(full.length, hidden ? 1 : 0));
  }

  const split = (list, regexIds) => [list || [], regexIds || []];
  const glue = {
    configure: (dsnText, release, environment, dist, sampleRate, maxBreadcrumbs, dedupe, linked, ignore, ignoreRe,
      deny, denyRe, allow, allowRe, hasBeforeSend, sdkPrefix, offline, pii) => {
      const parsed = dsnText === undefined ? null : parseDsn(dsnText);
      dsn = typeof parsed === 'object' ? parsed : null;
      o = {
        release, dist, environment: environment || 'production', sampleRate, dedupe: !!dedupe, linked,
        ignore: split(ignore, ignoreRe), deny: split(deny, denyRe), allow: split(allow, allowRe), hasBeforeSend: !!hasBeforeSend,
      };
      sdk = { name: 'errorbeacon.javascript', version: VERSION, packages: [{ name: 'npm:errorbeacon', version: VERSION }], settings: { infer_ip: pii ? 'auto' : 'never' } };
      if (sdkPrefix) prefix = sdkPrefix;
      scopes = [newScope(maxBreadcrumbs)];
      x.d_offline(offline ? 1 : 0);
      return typeof parsed === 'string' ? parsed : undefined;
    },
    captureThrown: (value, mechanism, handled, synthetic, eventId, at) =>
      (o ? capture(value, { mechanism, handled: !!handled, synthetic, eventId, at, level: 'error' }) : ''),
    captureMessage: (message, lvl, eventId, at) =>
      (o ? capture(undefined, { message: String(message).slice(0, 32768), level: levelOf(lvl) || 'info', eventId, at }) : ''),
    countDropped: (category, n) => x.d_dropped(QUEUE_OVERFLOW, category === 'default' ? 1 : 0, n),
    setUser: (user) => setUser(top(), user),
    setTag: (key, value) => setTag(top(), key, value),
    setLevel: (l) => {
      top().level = levelOf(l);
    },
    setFingerprint: (parts) => {
      top().fingerprint = Array.isArray(parts) ? parts.filter((p) => typeof p === 'string') : [];
    },
    setExtra: (key, value) => setExtra(top(), key, value),
    setContext: (name, value) => setContext(top(), name, value),
    addBreadcrumb: (crumb) => addBreadcrumb(top(), crumb, Date.now()),
    setPage: (url, query, fragment, ua, contexts) => {
      for (const s of scopes) {
        if (url) s.request = { url, ...(query ? { query_string: query } : {}), ...(fragment ? { fragment } : {}), headers: ua ? { 'User-Agent': ua } : {} };
        for (const name of Object.keys(contexts || {})) setContext(s, name, contexts[name]);
      }
    },
    registerModule: (url, buildId, fnStart, fnEnd, codeStart, codeEnd, name, own) => {
      const len = putFields(x, [url, buildId, name]);
      if (len >= 0) x.register(len, fnStart, fnEnd, codeStart, codeEnd, own ? 1 : 0);
    },
    pushScope: () => scopes.push(copyScope(top())),
    /** A scope of its own for one request: a copy of the global scope, with `request` set. */
    requestScope: (request) => Object.assign(copyScope(scopes[0]), { request }),
    setScopeOf: (f) => {
      scopeOf = typeof f === 'function' ? f : null;
    },
    popScope: () => {
      if (scopes.length > 1) scopes.pop();
    },
    lastEventId: () => lastId || '',
    deliveryTarget: () => (dsn ? [dsn.envelope, dsn.beacon, dsn.auth] : []),
    deliveryDone: (i, kind, status, retryAfter, rateLimits) => {
      const len = putFields(x, [retryAfter, rateLimits]);
      return len < 0 ? 0 : x.d_done(i, kind, status, len, Math.random());
    },
    deliveryTick: () => x.d_tick(),
    deliveryHidden: () => {
      x.d_hidden();
      report(true);
    },
    deliverLater: (eventId, json, isError) => {
      if (json === undefined) return dropped(BEFORE_SEND, isError);
      if (dsn) submit(envelopeOf({ event_id: eventId, sent_at: new Date().toISOString(), dsn: dsn.text, sdk }, 'event', json), null, eventId);
    },
    deliveryRestore: (body, eventId) => {
      hand({ full: body.slice() }, () => x.d_restore(body.length, hexInput(eventId)));
    },
    deliveryResume: () => x.d_resume(),
    deliveryFlush: () => {
      report(false);
      x.d_resume();
      return x.d_idle() !== 0;
    },
    deliveryIdle: () => x.d_idle() !== 0,
    setServerName: (name) => {
      serverName = typeof name === 'string' && name ? name : undefined;
    },
    setSdkUrlPrefix: (p) => {
      prefix = p;
    },
    parseStack: (s) => parseStackLean(x, s, prefix),
  };
  const done = (instance) => {
    x = instance.exports;
    return { exports: x, glue };
  };
  return sync ? done(new WebAssembly.Instance(module, imports)) : WebAssembly.instantiate(module, imports).then(done);
}

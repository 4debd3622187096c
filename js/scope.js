// The scope (issue 25, decision 3): plain JS values, turned into the event's
// JSON fragments per capture by JSON.stringify (native), instead of a Rust scope reached one
// property per crossing. The rules are src/scope.rs's and src/web/sdk.rs's setters', over
// js/describe.js's bounded readers; tests/node/lean-capture.test.mjs compares the events the
// two made.
import { toValue, bound, cut, utf8 } from './describe.js';

/** Sentry's level names, and the aliases src/protocol/level.rs reads. */
const LEVELS = { debug: 'debug', trace: 'debug', info: 'info', log: 'info', warning: 'warning', warn: 'warning', error: 'error', fatal: 'fatal', critical: 'fatal' };

/** `level` as Sentry names it; undefined for anything else. */
export function level(l) {
  return typeof l === 'string' ? LEVELS[l.toLowerCase()] : undefined;
}

/** A text of the app's as the old boundary let it in: cut to 8,192 characters once over
 * 32 KiB of UTF-8 (src/web/classify.rs `bounded`). */
const bounded = (s) => (utf8(s) > 32768 ? cut(s, 8192) : s);

/** A toValue copy with the numbers JSON would not keep whole written as strings, and long
 * texts bounded, as src/protocol/value.rs serializes `Value::Float` and the boundary cut them. */
function plain(x) {
  if (typeof x === 'number') return Number.isSafeInteger(x) ? x : String(x);
  if (typeof x === 'string') return bounded(x);
  if (Array.isArray(x)) return x.map(plain);
  if (x && typeof x === 'object') {
    const o = {};
    for (const k of Object.keys(x)) o[k] = plain(x[k]);
    return o;
  }
  return x;
}

/** An empty scope keeping at most `max` breadcrumbs (0-100). */
export function newScope(max) {
  return { user: undefined, request: undefined, tags: {}, contexts: {}, extra: {}, fingerprint: [], level: undefined, crumbs: [], max: Math.max(0, Math.min(100, max | 0)) };
}

/** A copy for `withScope`: what the copy sets stays in it. */
export function copyScope(s) {
  return { ...s, tags: { ...s.tags }, contexts: { ...s.contexts }, extra: { ...s.extra }, fingerprint: [...s.fingerprint], crumbs: [...s.crumbs] };
}

/** `setUser`: `id`, `email`, `username`, `ip_address` (strings, or whole numbers as text;
 * other values of those keys are left out) and the rest as `data`; null or an empty user
 * clears. */
export function setUser(s, user) {
  const v = toValue(user, 0);
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    s.user = undefined;
    return;
  }
  const u = {};
  const data = {};
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (k === 'id' || k === 'email' || k === 'username' || k === 'ip_address') {
      if (typeof x === 'string') u[k] = bounded(x);
      else if (Number.isSafeInteger(x)) u[k] = String(x);
    } else data[k] = plain(x);
  }
  if (Object.keys(data).length) u.data = data;
  s.user = Object.keys(u).length ? u : undefined;
}

/** `setTag`: strings, numbers and booleans as text (anything else is ignored); the key trimmed
 * and cut to 32 characters (no ellipsis: Relay refuses one in a key), the value cut to 200 with
 * its newlines as spaces (Relay's rules). */
export function setTag(s, key, value) {
  const t = typeof value;
  if (t !== 'string' && t !== 'number' && t !== 'boolean') return;
  const k = Array.from(String(key).replace(/^[ \t\n\f\r]+|[ \t\n\f\r]+$/g, '')).slice(0, 32).join('');
  if (!k) return;
  s.tags[k] = cut(bounded(String(value)), 200).replace(/[\n\r]/g, ' ');
}

/** `setExtra` (undefined removes). */
export function setExtra(s, key, value) {
  if (value === undefined) delete s.extra[key];
  else s.extra[key] = bound(toValue(value, 0));
}

/** `setContext` (anything but an object removes). */
export function setContext(s, name, value) {
  const v = toValue(value, 0);
  if (v && typeof v === 'object' && !Array.isArray(v)) s.contexts[name] = bound(v);
  else delete s.contexts[name];
}

/** `addBreadcrumb`, stamped `now` (ms) unless it has a `timestamp` (seconds); the oldest goes
 * when the scope holds `max`. */
export function addBreadcrumb(s, crumb, now) {
  if (!s.max) return;
  let ts;
  let c = {};
  try {
    ts = crumb.timestamp;
    const text = (k) => {
      const v = crumb[k];
      return typeof v === 'string' ? bounded(v) : undefined;
    };
    const msg = text('message');
    c = { type: text('type'), category: text('category'), message: msg === undefined ? undefined : cut(msg, 8192), level: level(text('level')) };
    const data = toValue(crumb.data, 1);
    if (data && typeof data === 'object' && !Array.isArray(data) && Object.keys(data).length) c.data = plain(data);
  } catch {
    // A crumb whose reading throws keeps what was read.
  }
  const ms = typeof ts === 'number' && Number.isFinite(ts) && ts > 0 ? Math.floor(ts * 1000) : now;
  s.crumbs.push({ timestamp: new Date(Math.min(ms, 253402300799999)).toISOString(), ...c });
  while (s.crumbs.length > s.max) s.crumbs.shift();
}

/** The scope's parts as a capture takes them (js/boundary.js `captureEnvelope`). */
export function scopeFields(s) {
  const some = (o) => (Object.keys(o).length ? o : undefined);
  return {
    user: s.user,
    request: s.request,
    tags: some(s.tags),
    contexts: some(s.contexts),
    extra: some(s.extra),
    fingerprint: s.fingerprint.length ? s.fingerprint : undefined,
    breadcrumbs: s.crumbs.length ? s.crumbs : undefined,
    scopeLevel: s.level,
  };
}

// What every event from a page says about where it happened: the page URL (secrets in its
// query scrubbed unless the app allowed PII), browser and OS from the user agent and, in
// Chromium-based browsers, its client hints, and the culture (locale, time zone).
//
// JavaScript, not wasm: the same rules in Rust (src/capture/page.rs until 2026-12-06) cost the
// module 8.5 KB raw / ~3.4 KB gzip, these ~0.8 KB gzip of core.js (docs/size.md). The module
// gets plain strings and context objects (`setPage`), which it bounds like any context.

/** Query parameters whose values are replaced (Relay's default data scrubbing list, matched on
 * the lowercased name). */
const SECRET_PARAMS = ['pass', 'secret', 'token', 'auth', 'key', 'session', 'credential', 'signature', 'sig'];

/** What Sentry puts in place of a scrubbed value. */
export const FILTERED = '[Filtered]';

/** The `request` interface's parts for a page: URL without query and fragment, the query
 * (scrubbed unless `sendDefaultPii`) and the fragment (only with `sendDefaultPii`); empty parts
 * are undefined. */
export function pageRequest(url, sendDefaultPii) {
  let base = url;
  let fragment;
  let query;
  let i = base.indexOf('#');
  if (i >= 0) {
    fragment = base.slice(i + 1);
    base = base.slice(0, i);
  }
  i = base.indexOf('?');
  if (i >= 0) {
    query = base.slice(i + 1);
    base = base.slice(0, i);
  }
  return {
    url: base,
    query: query ? (sendDefaultPii ? query : scrubQuery(query)) : undefined,
    fragment: fragment && sendDefaultPii ? fragment : undefined,
  };
}

/** `a=1&token=xyz` → `a=1&token=[Filtered]`. */
export function scrubQuery(query) {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = pair.slice(0, eq);
      const lower = name.toLowerCase();
      return `${name}=${SECRET_PARAMS.some((s) => lower.includes(s)) ? FILTERED : pair.slice(eq + 1)}`;
    })
    .join('&');
}

/** The version after `marker` in `ua`: digits and dots (and `_` where `underscore`). */
function versionAfter(ua, marker, underscore) {
  const at = ua.indexOf(marker);
  if (at < 0) return undefined;
  const m = ua.slice(at + marker.length).match(underscore ? /^[\d._]*/ : /^[\d.]*/);
  return (m && m[0]) || undefined;
}

/** Browser [name, version] from a user agent. Order matters: Edge and Opera also say Chrome,
 * Chrome also says Safari. */
export function browser(ua) {
  for (const [marker, name] of [
    ['Edg/', 'Edge'],
    ['OPR/', 'Opera'],
    ['Firefox/', 'Firefox'],
    ['HeadlessChrome/', 'Chrome Headless'],
    ['Chrome/', 'Chrome'],
    ['CriOS/', 'Chrome Mobile iOS'],
    ['FxiOS/', 'Firefox iOS'],
  ]) {
    if (ua.includes(marker)) return [name, versionAfter(ua, marker)];
  }
  if (ua.includes('Safari/') && ua.includes('Version/')) return ['Safari', versionAfter(ua, 'Version/')];
  return undefined;
}

/** Operating system [name, version] from a user agent (versions written with `_` become dotted). */
export function os(ua) {
  const dotted = (v) => v && v.replace(/_/g, '.');
  if (ua.includes('Windows NT ')) return ['Windows', versionAfter(ua, 'Windows NT ')];
  if (ua.includes('iPhone OS ') || ua.includes('iPad')) return ['iOS', dotted(versionAfter(ua, 'OS ', true))];
  if (ua.includes('Mac OS X')) return ['macOS', dotted(versionAfter(ua, 'Mac OS X ', true))];
  if (ua.includes('Android')) return ['Android', versionAfter(ua, 'Android ')];
  if (ua.includes('CrOS')) return ['Chrome OS', undefined];
  if (ua.includes('Linux')) return ['Linux', undefined];
  return undefined;
}

/** The browser's own brand and version from client hints' `brands` (brand, version pairs): a
 * product brand (`Google Chrome`, `Microsoft Edge`, `Opera`, …) before the engine's `Chromium`,
 * never a GREASE brand (`Not A(Brand`, which browsers add so that nobody matches the list). */
function hintsBrowser(brands) {
  const real = brands.filter(([b]) => !(b.includes('Not') && b.includes('Brand')));
  const pick = real.find(([b]) => b !== 'Chromium') || real[0];
  if (!pick) return undefined;
  const names = { 'Google Chrome': 'Chrome', 'Microsoft Edge': 'Edge' };
  return [names[pick[0]] || pick[0], pick[1]];
}

/** The OS version the hints give, as the OS is known by: Windows reports the version of its UI
 * platform, 13 and above being Windows 11, 1 to 12 Windows 10, and 0.1 to 0.3 Windows 7, 8 and
 * 8.1. */
function hintsOsVersion(platform, version) {
  if (!version) return undefined;
  if (platform !== 'Windows') return version;
  if (!/^[\d.]*$/.test(version)) return undefined;
  const [major = 0, minor = 0] = version.split('.').map((p) => Number(p) || 0);
  if (major >= 13) return '11';
  if (major >= 1) return '10';
  return { 1: '7', 2: '8', 3: '8.1' }[minor];
}

/** A known context: its `type` and the fields that have a value. */
function known(type, fields) {
  const c = { type };
  for (const [k, v] of Object.entries(fields)) if (v) c[k] = v;
  return c;
}

/** The `browser`, `os`, `device` and `culture` contexts from a user agent, its client hints
 * (`{ brands: [brand, version, …], platform, platformVersion, model }`) when the browser has
 * them, and the locale and time zone; unknown parts are left out. Hints win over the user agent
 * where they say more; a name the user agent is more precise about (`Chrome Headless` against
 * the hints' `Chromium`) is kept. */
export function pageContexts(ua, hints, locale, timeZone) {
  const out = {};
  const h = hints || {};
  const pairs = [];
  const list = Array.isArray(h.brands) ? h.brands : [];
  for (let i = 0; i + 1 < list.length; i += 2) pairs.push([list[i], list[i + 1]]);
  const fromUa = ua ? browser(ua) : undefined;
  let b = hints ? hintsBrowser(pairs) : undefined;
  if (b && b[0] === 'Chromium' && fromUa) b = [fromUa[0], b[1]];
  b = b || fromUa;
  if (b) out.browser = known('browser', { name: b[0], version: b[1] });
  const uaOs = ua ? os(ua) : undefined;
  const platform = h.platform;
  if (platform === 'Linux') {
    out.os = known('os', { name: 'Linux', kernel_version: h.platformVersion });
  } else if (platform) {
    out.os = known('os', {
      name: platform,
      version: hintsOsVersion(platform, h.platformVersion) || (uaOs && uaOs[0] === platform ? uaOs[1] : undefined),
    });
  } else if (uaOs) {
    out.os = known('os', { name: uaOs[0], version: uaOs[1] });
  }
  if (h.model) out.device = known('device', { model: h.model });
  if (locale || timeZone) out.culture = known('culture', { locale, timezone: timeZone });
  return out;
}

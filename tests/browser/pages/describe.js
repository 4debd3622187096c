// js/describe.js on every kind of thrown value as this engine makes it: the description of
// each, its strings cut to 300 characters, goes to the test (tests/browser/describe.test.mjs).
import { describe } from '../../../js/describe.js';
import { KINDS, make } from './describe-values.js';

/** `x` with its strings cut to 300 characters (their length kept): the report stays small. */
export const short = (x) => (typeof x === 'string' ? (x.length > 300 ? `${x.slice(0, 300)}…[${x.length}]` : x)
  : Array.isArray(x) ? x.map(short) : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, short(v)])) : x);

const report = {};
for (const kind of KINDS) {
  try {
    const v = make(kind);
    report[kind] = v === null && kind === 'wasmException' ? 'unsupported' : short(describe(v, 'generic', true, undefined, 5));
  } catch (e) {
    report[kind] = { threw: String(e) };
  }
}
await fetch('/done', { method: 'POST', body: JSON.stringify(report) });

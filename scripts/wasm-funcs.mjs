// Lists a wasm module's functions by body size, with their names from the name section:
// what profiling the lean module's bytes starts from (twiggy's `top`, without building it).
//   node scripts/wasm-funcs.mjs module.wasm [count]
import { readFileSync } from "node:fs";

const [file, count = "40"] = process.argv.slice(2);
const b = readFileSync(file);
let at = 8;
const leb = () => {
  let n = 0, shift = 0, c;
  do {
    c = b[at++];
    n += (c & 0x7f) * 2 ** shift;
    shift += 7;
  } while (c & 0x80);
  return n;
};
let imports = 0;
const sizes = [];
const names = new Map();
while (at < b.length) {
  const id = b[at++];
  const len = leb();
  const end = at + len;
  if (id === 2) {
    for (let n = leb(); n > 0; n--) {
      // Module and field names (`at += leb()` would read `at` before leb() moves it).
      for (let k = 0; k < 2; k++) { const l = leb(); at += l; }
      const kind = b[at++];
      if (kind === 0) { leb(); imports++; } else if (kind === 1) { at++; const f = leb(); leb(); if (f & 1) leb(); }
      else if (kind === 2) { const f = leb(); leb(); if (f & 1) leb(); } else if (kind === 3) { at += 2; } else { at++; leb(); }
    }
  } else if (id === 10) {
    for (let n = leb(); n > 0; n--) { const s = leb(); sizes.push(s); at += s; }
  } else if (id === 0) {
    const nl = leb();
    const name = b.subarray(at, at + nl).toString();
    at += nl;
    if (name === "name") {
      while (at < end) {
        const sub = b[at++];
        const sl = leb();
        const se = at + sl;
        if (sub === 1) for (let n = leb(); n > 0; n--) { const i = leb(); const l = leb(); names.set(i, b.subarray(at, at + l).toString()); at += l; }
        at = se;
      }
    }
  }
  at = end;
}
const total = sizes.reduce((a, s) => a + s, 0);
const rows = sizes.map((s, i) => [s, names.get(i + imports) ?? `f${i + imports}`]).sort((x, y) => y[0] - x[0]);
console.log(`${sizes.length} functions, ${total} bytes of code`);
for (const [s, n] of rows.slice(0, Number(count))) console.log(String(s).padStart(7), n.slice(0, 150));

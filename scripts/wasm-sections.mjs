// Lists a wasm file's sections and their sizes; `--check` fails (exit 1) when the file has a
// custom section other than `build_id` (the module's debug id, .cargo/config.toml): bytes that
// no engine reads in the shipped npm module (scripts/build-pkg.sh).
//
//   node scripts/wasm-sections.mjs [--check] file.wasm
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const check = args.includes('--check');
const file = args.find((a) => a !== '--check');
if (!file) {
  console.error('usage: node scripts/wasm-sections.mjs [--check] file.wasm');
  process.exit(2);
}
const b = readFileSync(file);
let p = 8;
const leb = () => {
  let r = 0;
  let s = 0;
  let x;
  do {
    x = b[p++];
    r += (x & 0x7f) * 2 ** s;
    s += 7;
  } while (x & 0x80);
  return r;
};
const custom = [];
while (p < b.length) {
  const id = b[p++];
  const len = leb();
  const end = p + len;
  let name = `section ${id}`;
  if (id === 0) {
    const n = leb();
    name = `custom "${b.subarray(p, p + n).toString()}"`;
    if (name !== 'custom "build_id"') custom.push(name);
  }
  if (!check) console.log(`${String(len).padStart(8)}  ${name}`);
  p = end;
}
if (check && custom.length) {
  console.error(`wasm-sections: ${file} has custom sections it should not ship: ${custom.join(', ')}`);
  process.exit(1);
}

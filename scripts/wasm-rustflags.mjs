// Prints the rustflags .cargo/config.toml sets for wasm32-unknown-unknown, space-separated, so
// that a build that must set RUSTFLAGS (which replaces them) keeps them (scripts/build-pkg.sh).
//   node scripts/wasm-rustflags.mjs [--inline-threshold N]
import { readFileSync } from "node:fs";
const text = readFileSync(new URL("../.cargo/config.toml", import.meta.url), "utf8");
const block = text.split(/^\[target\.wasm32-unknown-unknown\]/m)[1] ?? "";
const list = block.match(/rustflags\s*=\s*\[([\s\S]*?)\]/);
if (!list) throw new Error("no rustflags for wasm32-unknown-unknown in .cargo/config.toml");
let flags = [...list[1].matchAll(/"([^"]*)"/g)].map((m) => m[1]).join(" ");
// `--inline-threshold N` replaces the configured LLVM inline threshold (LLVM takes it once).
const at = process.argv.indexOf("--inline-threshold");
// "default" drops it: the opt-level's own (and each function's optimize attribute) then decide.
if (at > 0) {
  const n = process.argv[at + 1];
  flags = n === "default"
    ? flags.replace(/-C llvm-args=-inline-threshold=\d+ ?/, "")
    : flags.replace(/-inline-threshold=\d+/, `-inline-threshold=${Number(n)}`);
}
console.log(flags);

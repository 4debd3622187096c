// Frames from the table of u32 words the wasm's parseStack leaves in its memory (the `table`
// export, src/stack/write.rs TABLE_RECORD): each
// string field a range of the JS string parsed, or of `side` (names the wasm rewrote).

export const RECORD = 13;
const HAS_FN = 1, FN_SIDE = 2, HAS_RAW = 4, HAS_ABS = 8, HAS_FILE = 16, HAS_LINE = 32,
  HAS_COL = 64, IN_APP = 128, WASM = 256, HAS_ADDR = 512, HAS_FUNC_ID = 1024;
const SOURCE_ANONYMOUS = HAS_ABS | HAS_FILE | HAS_LINE | HAS_COL;
const SOURCE_NAMED = HAS_FN | SOURCE_ANONYMOUS;

/** The `n` frames of table `t` (a Uint32Array) over the string `s`, oldest first. */
export function framesFromTable(t, n, s, side) {
  const out = new Array(n);
  for (let i = 0, o = 0; i < n; i++, o += RECORD) {
    const f = t[o + 10];
    const shape = f & ~IN_APP;
    let frame;
    // The two shapes most frames have get one object literal each, so that engines see
    // few hidden classes; anything else is built field by field.
    if (shape === SOURCE_NAMED) {
      frame = {
        function: s.slice(t[o], t[o + 1]),
        filename: s.slice(t[o + 6], t[o + 7]),
        abs_path: s.slice(t[o + 4], t[o + 5]),
        lineno: t[o + 8],
        colno: t[o + 9],
        in_app: (f & IN_APP) !== 0,
      };
    } else if (shape === SOURCE_ANONYMOUS) {
      frame = {
        filename: s.slice(t[o + 6], t[o + 7]),
        abs_path: s.slice(t[o + 4], t[o + 5]),
        lineno: t[o + 8],
        colno: t[o + 9],
        in_app: (f & IN_APP) !== 0,
      };
    } else {
      frame = {};
      if (f & HAS_FN) frame.function = (f & FN_SIDE ? side : s).slice(t[o], t[o + 1]);
      if (f & HAS_RAW) frame.raw_function = s.slice(t[o + 2], t[o + 3]);
      if (f & HAS_FILE) frame.filename = s.slice(t[o + 6], t[o + 7]);
      if (f & HAS_ABS) frame.abs_path = s.slice(t[o + 4], t[o + 5]);
      if (f & HAS_LINE) frame.lineno = t[o + 8];
      if (f & HAS_COL) frame.colno = t[o + 9];
      frame.in_app = (f & IN_APP) !== 0;
      if (f & WASM) frame.platform = 'native';
      if (f & HAS_ADDR) frame.instruction_addr = '0x' + t[o + 11].toString(16);
      if (f & HAS_FUNC_ID) frame.function_id = '0x' + t[o + 12].toString(16);
    }
    out[i] = frame;
  }
  return out;
}

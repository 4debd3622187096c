// Demo page: parse a pasted stack with errorbeacon and show the frames.
// Everything shown comes from user input, so it is only ever written with textContent.
import { init, parseStack } from "../pkg/index.js";

// A real Chromium 156 stack (tests/fixtures/stacks/chromium/app-a.json, wasm-callback-throws@names-streaming):
// JS frames, wasm-bindgen glue and wasm frames with names.
const SAMPLE = `Error: callback from wasm failed at 15
    at onWasmTick (http://127.0.0.1:8765/app-a/src/checkout-flow.js:168:38)
    at __wbg_call_756bcfe78b9d6181 (http://127.0.0.1:8765/wasm/app-a/names-streaming/shopwasm.js:57:30)
    at stackfix_wasm.wasm.stackfix_wasm::JsCallback::invoke::__wbg_call_756bcfe78b9d6181::hf3cac5822aebee6d externref shim (http://127.0.0.1:8765/wasm/app-a/names-streaming/shopwasm_bg.wasm:wasm-function[70]:0x4668)
    at stackfix_wasm.wasm.stackfix_wasm::alpha_inner::hb5ab39174e8490f7 (http://127.0.0.1:8765/wasm/app-a/names-streaming/shopwasm_bg.wasm:wasm-function[29]:0x39f8)
    at stackfix_wasm.wasm.stackfix_wasm::alpha_middle::haac8ce158a83323a (http://127.0.0.1:8765/wasm/app-a/names-streaming/shopwasm_bg.wasm:wasm-function[47]:0x417f)
    at stackfix_wasm.wasm.stackfix_wasm::alpha_outer::h86a06b203269131f (http://127.0.0.1:8765/wasm/app-a/names-streaming/shopwasm_bg.wasm:wasm-function[46]:0x4138)
    at stackfix_wasm.wasm.alpha_call_js (http://127.0.0.1:8765/wasm/app-a/names-streaming/shopwasm_bg.wasm:wasm-function[62]:0x453e)
    at stackfix_wasm.wasm.alpha_call_js externref shim (http://127.0.0.1:8765/wasm/app-a/names-streaming/shopwasm_bg.wasm:wasm-function[65]:0x45b9)
    at Module.alpha_call_js (http://127.0.0.1:8765/wasm/app-a/names-streaming/shopwasm.js:8:22)
    at wasmCallbackThrows (http://127.0.0.1:8765/app-a/src/checkout-flow.js:170:55)`;

const textarea = document.getElementById("stack");
const status = document.getElementById("status");
const tbody = document.getElementById("frames");

function setStatus(text, isError = false) {
  status.textContent = text;
  status.classList.toggle("error", isError);
}

function cell(value, className = "") {
  const td = document.createElement("td");
  if (value === undefined || value === null) {
    td.textContent = "—";
    td.className = `${className} absent`.trim();
  } else {
    td.textContent = String(value);
    if (className) td.className = className;
  }
  return td;
}

function render() {
  let frames;
  const started = performance.now();
  try {
    frames = parseStack(textarea.value);
  } catch (e) {
    // parseStack must never throw; if it does, that is a bug worth seeing.
    tbody.replaceChildren();
    setStatus(`parseStack threw: ${e}`, true);
    return;
  }
  const ms = performance.now() - started;
  const rows = frames.map((f, i) => {
    const tr = document.createElement("tr");
    const path = f.abs_path ?? f.filename;
    const shownPath = f.filename && f.abs_path && f.filename !== f.abs_path ? `${f.abs_path}\n(${f.filename})` : path;
    tr.append(
      cell(i, "num"),
      cell(f.function ?? f.raw_function),
      cell(shownPath, "path"),
      cell(f.lineno, "num"),
      cell(f.colno, "num"),
      cell(f.in_app),
      cell(f.instruction_addr),
    );
    return tr;
  });
  tbody.replaceChildren(...rows);
  setStatus(`${frames.length} frame${frames.length === 1 ? "" : "s"} in ${ms.toFixed(2)} ms`);
}

textarea.value = SAMPLE;
textarea.addEventListener("input", render);

try {
  await init({});
  render();
} catch (e) {
  setStatus(`init failed: ${e}`, true);
}

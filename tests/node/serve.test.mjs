// tools/serve.mjs: MIME types, 404s, no way out of the root, port fallback. In-process servers on
// 127.0.0.1, each closed after its test.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve, mimeType } from "../../tools/serve.mjs";

let dir, root, server, port;

/** Raw GET (no URL normalisation, so "../" reaches the server as typed). */
function get(path, method = "GET") {
  return new Promise((ok, fail) => {
    const req = request({ host: "127.0.0.1", port, path, method }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", fail);
    req.end();
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "serve-test-"));
  root = join(dir, "root");
  mkdirSync(join(root, "www"), { recursive: true });
  mkdirSync(join(root, ".git"));
  writeFileSync(join(root, "www/index.html"), "<!doctype html><p>hi</p>");
  writeFileSync(join(root, "www/app.js"), "export const x = 1;");
  writeFileSync(join(root, "www/mod.mjs"), "export {};");
  writeFileSync(join(root, "www/m.wasm"), Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
  writeFileSync(join(root, ".git/config"), "secret");
  writeFileSync(join(dir, "outside.txt"), "outside");
  symlinkSync(join(dir, "outside.txt"), join(root, "www/escape.txt"));
  server = await serve({ root, port: 0, page: "www/index.html" });
  port = server.address().port;
});

after(() => {
  server?.close();
  server?.closeAllConnections?.();
  rmSync(dir, { recursive: true, force: true });
});

test("serves files with the right MIME types", async () => {
  const cases = [
    ["/www/index.html", "text/html; charset=utf-8"],
    ["/www/app.js", "text/javascript; charset=utf-8"],
    ["/www/mod.mjs", "text/javascript; charset=utf-8"],
    ["/www/m.wasm", "application/wasm"],
  ];
  for (const [path, type] of cases) {
    const r = await get(path);
    assert.equal(r.status, 200, path);
    assert.equal(r.headers["content-type"], type, path);
  }
  assert.equal(mimeType("x.WASM"), "application/wasm");
  assert.equal(mimeType("x.unknown"), "application/octet-stream");
});

test("directories serve index.html, / redirects to the page", async () => {
  assert.equal((await get("/www/")).body, "<!doctype html><p>hi</p>");
  const redir = await get("/www");
  assert.equal(redir.status, 301);
  assert.equal(redir.headers.location, "/www/");
  const home = await get("/");
  assert.equal(home.status, 302);
  assert.equal(home.headers.location, "/www/index.html");
});

test("404 for missing files, dot-files, and anything outside the root", async () => {
  for (const path of [
    "/nope.js",
    "/www/nope/",
    "/.git/config",
    "/../outside.txt",
    "/www/../../outside.txt",
    "/%2e%2e/outside.txt",
    "/www/%2e%2e%2f%2e%2e%2foutside.txt",
    "/..%5coutside.txt",
    "/www/escape.txt", // a symlink that points out of the root
  ]) {
    const r = await get(path);
    assert.equal(r.status, 404, path);
    assert.ok(!r.body.includes("outside") && !r.body.includes("secret"), path);
  }
  assert.equal((await get("/%E0%A4%A")).status, 400);
  assert.equal((await get("/www/app.js", "POST")).status, 405);
});

test("a busy port falls back to a free one", async () => {
  const second = await serve({ root, port });
  try {
    const p = second.address().port;
    assert.notEqual(p, port);
    assert.equal(second.address().address, "127.0.0.1");
  } finally {
    second.close();
  }
});

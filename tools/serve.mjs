// A tiny static file server for local development. No dependencies; loopback only.
//
//   node tools/serve.mjs [--root DIR] [--port N] [--page PATH]
//
// --root   directory to serve (default: the current directory)
// --port   port to try first (default: $PORT, else 8080); if it is taken, a free port is used instead
// --page   path printed as the URL to open, and where "/" redirects (e.g. www/index.html)
//
// Dot-files (.git, .venv, …) and anything outside the root (also through symlinks) are 404.
// Prints "URL: http://127.0.0.1:<port>/<page>" once listening. Stops on SIGINT/SIGTERM.
import { createServer } from "node:http";
import { createReadStream, promises as fs } from "node:fs";
import { extname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const HOST = "127.0.0.1";

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".cjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
};

/** The Content-Type for a file name. */
export function mimeType(name) {
  return MIME[extname(name).toLowerCase()] ?? "application/octet-stream";
}

/** True if `child` (already resolved) is `root` or lies inside it. */
function isInside(root, child) {
  return child === root || child.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * A request handler serving files under `root`. Only GET and HEAD; paths are resolved (symlinks too)
 * and must stay inside the root; directories serve their index.html; everything else is 404.
 */
export function staticHandler({ root, page } = {}) {
  const rootPromise = fs.realpath(resolve(root ?? "."));
  return async (req, res) => {
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    try {
      if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed\n", { allow: "GET, HEAD" });
      const realRoot = await rootPromise;
      let pathname;
      try {
        pathname = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
      } catch {
        return send(400, "bad request\n");
      }
      if (pathname.includes("\0")) return send(400, "bad request\n");
      // Dot-files and dot-directories (.git, .venv, .env …) are never served.
      if (pathname.split("/").some((seg) => seg.startsWith("."))) return send(404, "not found\n");
      if (pathname === "/" && page) return send(302, "", { location: "/" + page.replace(/^\/+/, "") });

      // resolve() normalises "..": the result is checked against the root, before and after symlinks.
      let file = resolve(realRoot, "." + pathname);
      if (!isInside(realRoot, file)) return send(404, "not found\n");
      let real;
      try {
        real = await fs.realpath(file);
      } catch {
        return send(404, "not found\n");
      }
      if (!isInside(realRoot, real)) return send(404, "not found\n");
      let stat = await fs.stat(real);
      if (stat.isDirectory()) {
        if (!pathname.endsWith("/")) return send(301, "", { location: pathname + "/" });
        real = resolve(real, "index.html");
        try {
          stat = await fs.stat(real);
        } catch {
          return send(404, "not found\n");
        }
      }
      if (!stat.isFile()) return send(404, "not found\n");
      res.writeHead(200, {
        "content-type": mimeType(real),
        "content-length": stat.size,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      });
      if (req.method === "HEAD") return res.end();
      createReadStream(real)
        .on("error", () => res.destroy())
        .pipe(res);
    } catch {
      if (!res.headersSent) send(500, "internal error\n");
      else res.destroy();
    }
  };
}

/**
 * Starts serving on 127.0.0.1. Tries `port` first; if it is in use, takes any free port.
 * Resolves to the listening http.Server (read the port from server.address().port).
 */
export function serve({ root = ".", port = 8080, page } = {}) {
  const server = createServer(staticHandler({ root, page }));
  const listen = (p) =>
    new Promise((ok, fail) => {
      const onError = (e) => { server.off("listening", onListening); fail(e); };
      const onListening = () => { server.off("error", onError); ok(server); };
      server.once("error", onError);
      server.once("listening", onListening);
      server.listen(p, HOST);
    });
  return listen(port).catch((e) => {
    if (e.code !== "EADDRINUSE" && e.code !== "EACCES") throw e;
    console.error(`serve: port ${port} is not available (${e.code}); using a free port`);
    return listen(0);
  });
}

function parseArgs(argv) {
  const opts = { root: ".", port: Number(process.env.PORT || 8080), page: "" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = argv[i + 1];
    if (a === "--root") { opts.root = v; i++; }
    else if (a === "--port") { opts.port = Number(v); i++; }
    else if (a === "--page") { opts.page = v; i++; }
    else { console.error(`serve: unknown argument ${a}`); process.exit(2); }
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    console.error("serve: the port must be an integer 0..65535");
    process.exit(2);
  }
  return opts;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const opts = parseArgs(process.argv.slice(2));
  const server = await serve(opts);
  const { port } = server.address();
  console.log(`serving ${resolve(opts.root)} on http://${HOST}:${port}/ (Ctrl-C stops)`);
  console.log(`URL: http://${HOST}:${port}/${opts.page.replace(/^\/+/, "")}`);
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

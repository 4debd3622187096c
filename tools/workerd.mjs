// workerd's config for a bundle on a loopback port, shared by tests/worker/ and bench/worker.mjs:
// one worker of the bundle's ES modules and wasm modules (the entry first: workerd's main
// module is the first in the list), its outbound allowed to loopback only.
import { createServer } from 'node:net';

/** A free loopback port. */
export function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * The capnp text: `files` (names of `.js` and `.wasm` files in `dir`, relative to the config's
 * directory), `main` the entry among them; `bindings` and `extra` capnp fields as written;
 * `flags` the compatibility flags.
 */
export function workerdConfig({ port, dir, files, main, bindings = [], flags = [], extra = '' }) {
  const at = dir ? `${dir}/` : '';
  const modules = [main, ...files.filter((f) => f !== main)].map((f) =>
    (f.endsWith('.wasm') ? `(name = "${f}", wasm = embed "${at}${f}")` : `(name = "${f}", esModule = embed "${at}${f}")`));
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .w), (name = "loopnet", network = (allow = ["local"])) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const w :Workerd.Worker = (
  modules = [ ${modules.join(', ')} ],
  bindings = [ ${bindings.join(', ')} ],
  ${extra}compatibilityDate = "2025-09-01",
  compatibilityFlags = [ ${flags.map((f) => `"${f}"`).join(', ')} ],
  globalOutbound = "loopnet",
);
`;
}

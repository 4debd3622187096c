// @sentry/node (from the repository's node_modules), as a Node app uses it: Sentry.init with
// its default integrations (uncaught exceptions, unhandled rejections, context, …) and its
// own http transport.
//
//   node sentry_node.mjs DSN capture    # captureException + captureMessage, then flush
//   node sentry_node.mjs DSN uncaught   # an uncaught error: the SDK sends it, then exits 1
import * as Sentry from "@sentry/node";

const [dsn, mode] = process.argv.slice(2);
// shutdownTimeout: the uncaught mode sends on the way out; 2 s (the default) is short on a loaded machine.
Sentry.init({ dsn, release: "node-app@3.0.0", environment: "test", tracesSampleRate: 0, shutdownTimeout: 10000 });
Sentry.setUser({ id: "node-user-1" });
Sentry.setTag("client", "sentry-node");

function parseOrder(text) {
  return JSON.parse(text).order.id;
}

function loadInventory(store) {
  return store.shelves.map((s) => s.count);
}

if (mode === "capture") {
  try {
    parseOrder("{}");
  } catch (e) {
    Sentry.captureException(e);
  }
  Sentry.captureMessage("sentry node says hello to order 4711", "warning");
  if (!(await Sentry.flush(10000))) {
    console.error("flush timed out");
    process.exit(1);
  }
  await Sentry.close(10000);
} else if (mode === "uncaught") {
  setTimeout(() => loadInventory({}), 0);
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}

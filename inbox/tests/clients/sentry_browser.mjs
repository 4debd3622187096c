// @sentry/browser (from the repository's node_modules) sending to the inbox from Node:
// a BrowserClient with its own fetch transport and stack parser, without the browser-only
// integrations (they need a window).
//
//   node sentry_browser.mjs DSN
import { BrowserClient, Scope, defaultStackParser, makeFetchTransport } from "@sentry/browser";

const dsn = process.argv[2];
const client = new BrowserClient({
  dsn,
  release: "js-app@2.0.0",
  environment: "test",
  transport: makeFetchTransport,
  stackParser: defaultStackParser,
  integrations: [],
});
const scope = new Scope();
scope.setClient(client);
client.init();
scope.setUser({ id: "js-user-1" });

function checkout(cart) {
  return cart.items.length;
}
try {
  checkout({});
} catch (e) {
  scope.captureException(e);
}
scope.captureMessage("sentry browser says hello", "info");
const ok = await client.flush(10000);
if (!ok) {
  console.error("flush timed out");
  process.exit(1);
}

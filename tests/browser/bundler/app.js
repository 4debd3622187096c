// An app that imports the package by name, as users do; bundled by esbuild, Vite and webpack 5
// in the test (the page's `?bundler=` names which one, for the event).
import * as errorbeacon from 'errorbeacon';

const params = new URLSearchParams(location.search);
const dsn = params.get('dsn');

async function main() {
  // `?optin=1`: with beforeSend.
  const optIn = params.get('optin') === '1';
  await errorbeacon.init({
    dsn,
    release: 'bundled@1.0.0',
    ...(optIn ? { beforeSend: (event) => ({ ...event, tags: { ...event.tags, before_send: 'ran' } }) } : {}),
  });
  errorbeacon.captureException(new Error(`from a ${params.get('bundler')} bundle`));
  const flushed = await errorbeacon.flush(30000);
  await fetch(`/done?report=${encodeURIComponent(JSON.stringify({ flushed }))}`);
}

main();

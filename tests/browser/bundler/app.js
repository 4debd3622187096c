// An app that imports the package by name, as users do; bundled by esbuild in the test.
import * as errorbeacon from 'errorbeacon';

const dsn = new URLSearchParams(location.search).get('dsn');

async function main() {
  await errorbeacon.init({ dsn, release: 'bundled@1.0.0' });
  errorbeacon.captureException(new Error('from an esbuild bundle'));
  const flushed = await errorbeacon.flush(30000);
  await fetch(`/done?report=${encodeURIComponent(JSON.stringify({ flushed }))}`);
}

main();

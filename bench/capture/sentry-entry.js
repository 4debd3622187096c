// Bundled by bench/capture.mjs into the bench page: the reference SDK, as an app would use it.
export * from '@sentry/browser';

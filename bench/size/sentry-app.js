// The reference for the size section: @sentry/browser as an app using the same API surface as
// errorbeacon's API.md §1 imports it (default integrations come with `init`). esbuild bundles
// and minifies it the way bench/sizes.mjs says; tree shaking drops the rest of the package.
export {
  init, captureException, captureMessage, setUser, setTag, setTags, setContext, setExtra,
  addBreadcrumb, withScope, lastEventId, flush, close,
} from '@sentry/browser';

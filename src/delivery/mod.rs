//! Delivery policy, platform-free: rate limits, retries with backoff, size-aware trimming,
//! the keepalive budget, the bounded queue and the drop counts behind client reports. The
//! browser transport (js/transport.js through src/web/) only performs the requests this
//! policy asks for and reports their outcome; the clock and randomness are passed in.

//! A Rust Worker (workers-rs) that reports its errors and panics with errorbeacon's Rust API:
//! `/err` returns an `Err` with a `source()` chain, `/panic` panics, `/crumb` leaves a
//! breadcrumb and a tag before it fails; the DSN comes from the Worker's `SENTRY_DSN`.
//! Built by `worker-build` and run in workerd by tests/worker/rust.test.mjs.
use std::fmt;
use std::sync::Once;
use std::time::Duration;
use worker::*;

static INIT: Once = Once::new();

#[derive(Debug)]
struct CheckoutError {
    source: StockError,
}

#[derive(Debug)]
struct StockError(u32);

impl fmt::Display for CheckoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("checkout failed")
    }
}
impl std::error::Error for CheckoutError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}
impl fmt::Display for StockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "only {} left in stock", self.0)
    }
}
impl std::error::Error for StockError {}

#[inline(never)]
fn reserve(items: u32) -> std::result::Result<u32, CheckoutError> {
    if items > 3 {
        return Err(CheckoutError { source: StockError(3) });
    }
    Ok(items)
}

#[inline(never)]
fn compute_total(items: u32) -> u32 {
    if items > 3 {
        panic!("cart holds {items} items, more than the 3 allowed");
    }
    items * 2
}

/// Starts errorbeacon once per isolate, with the DSN from the Worker's env.
fn init_once(env: &Env) {
    INIT.call_once(|| {
        let dsn = env.var("SENTRY_DSN").map(|v| v.to_string()).unwrap_or_default();
        std::mem::forget(errorbeacon::init(errorbeacon::Options {
            dsn: dsn.parse().ok(),
            release: Some("rust-worker@1.0.0".into()),
            ..Default::default()
        }));
    });
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    init_once(&env);
    // The request's own scope and data on its events, delivery kept alive by its waitUntil,
    // and an `Err` it returns reported.
    let js_req = wasm_bindgen::JsValue::from(req.inner());
    let js_ctx: &worker::worker_sys::Context = ctx.as_ref();
    errorbeacon::in_request(&js_req, js_ctx.as_ref(), handle(req)).await
}

async fn handle(req: Request) -> Result<Response> {
    let url = req.url()?;
    let param = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    let items: u32 = param("items").and_then(|v| v.parse().ok()).unwrap_or(4);
    match req.path().as_str() {
        "/err" | "/crumb" => {
            if req.path() == "/crumb" {
                errorbeacon::configure_scope(|s| s.set_tag("route", "crumb"));
                errorbeacon::add_breadcrumb(errorbeacon::Breadcrumb {
                    category: Some("cart".into()),
                    message: Some(format!("reserving {items}")),
                    ..Default::default()
                });
            }
            match reserve(items) {
                Ok(n) => Response::ok(format!("reserved {n}")),
                Err(e) => {
                    let id = errorbeacon::capture_error(&e);
                    Response::error(format!("{e} ({})", id.to_hex()), 500)
                }
            }
        }
        // Each request tags its own order, waits a jittered while (other requests run), and the
        // odd ones fail with an `Err` the wrapper reports.
        "/order" => {
            let id: u32 = param("id").and_then(|v| v.parse().ok()).unwrap_or(0);
            errorbeacon::configure_scope(|s| s.set_tag("order", &id.to_string()));
            Delay::from(Duration::from_millis(u64::from(id * 7 % 23))).await;
            if id % 2 == 1 {
                return Err(Error::RustError(format!("order {id} failed")));
            }
            Response::ok(format!("order {id} placed"))
        }
        "/panic" => Response::ok(format!("total {}", compute_total(items))),
        _ => Response::ok("ok"),
    }
}

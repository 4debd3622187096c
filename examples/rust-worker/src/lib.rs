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

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    INIT.call_once(|| {
        let dsn = env.var("SENTRY_DSN").map(|v| v.to_string()).unwrap_or_default();
        std::mem::forget(errorbeacon::init(errorbeacon::Options {
            dsn: dsn.parse().ok(),
            release: Some("rust-worker@1.0.0".into()),
            ..Default::default()
        }));
    });
    let items: u32 = req.url()?.query_pairs().find(|(k, _)| k == "items").and_then(|(_, v)| v.parse().ok()).unwrap_or(4);
    let response = match req.path().as_str() {
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
        "/panic" => Response::ok(format!("total {}", compute_total(items))),
        _ => Response::ok("ok"),
    };
    // Delivery outlives the response.
    ctx.wait_until(async {
        errorbeacon::flush(Duration::from_secs(2)).await;
    });
    response
}

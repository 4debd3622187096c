//! errorbeacon-inbox: a Sentry-compatible receiving server on one machine.
//!
//! Official Sentry SDKs and errorbeacon send to it with an ordinary DSN. It takes envelopes and
//! legacy store requests ([`ingest`]), normalizes each event leniently ([`normalize`]), groups
//! it into an issue with the shared core's algorithm ([`errorbeacon::group`]), and stores
//! events and per-issue counts in SQLite through one writer thread ([`store`]), answering
//! each request only once its events are committed. A JSON API ([`api`]) reads it back.
//!
//! [`app`] builds the whole router from an [`AppState`], so tests drive it without a socket;
//! [`serve`] binds, prints the DSN and runs it.

pub mod api;
pub mod config;
pub mod demangle;
pub mod error;
pub mod ingest;
pub mod limits;
pub mod normalize;
pub mod state;
pub mod store;
pub mod ui;

pub use config::{Command, Config};
pub use state::{system_clock, AppState, Clock};

use axum::routing::{get, post};
use axum::Router;
use std::net::SocketAddr;

/// The router: ingest (with CORS), the JSON API and the web UI.
pub fn app(state: AppState) -> Router {
    let ingest = Router::new()
        .route("/api/{project_id}/envelope/", post(ingest::envelope_post))
        .route("/api/{project_id}/envelope", post(ingest::envelope_post))
        .route("/api/{project_id}/store/", post(ingest::store_post))
        .route("/api/{project_id}/store", post(ingest::store_post))
        .layer(axum::middleware::from_fn(ingest::cors));
    let api = Router::new()
        .route("/api/0/projects/", get(api::projects_get))
        .route("/api/0/projects/{project_id}/issues/", get(api::issues_get))
        .route("/api/0/projects/{project_id}/outcomes/", get(api::outcomes_get))
        .route("/api/0/issues/{issue_id}/", get(api::issue_get).put(api::issue_put))
        .route("/api/0/issues/{issue_id}/events/", get(api::events_get));
    let ui = Router::new()
        .route("/", get(ui::index_get))
        .route("/issues/{issue_id}/", get(ui::issue_get))
        .route("/ui/stream", get(ui::stream_get))
        .route("/static/app.css", get(ui::css_get))
        .route("/static/app.js", get(ui::js_get))
        // Browsers ask for it on every page; there is none.
        .route("/favicon.ico", get(|| async { axum::http::StatusCode::NO_CONTENT }))
        .layer(axum::middleware::from_fn(ui::security_headers));
    Router::new().merge(ingest).merge(api).merge(ui).with_state(state)
}

/// How the host part of a DSN names a bound address: loopback for unspecified addresses.
pub fn dsn_host(addr: SocketAddr) -> String {
    let ip = if addr.ip().is_unspecified() { "127.0.0.1".to_owned() } else { addr.ip().to_string() };
    match addr {
        SocketAddr::V6(_) if !addr.ip().is_unspecified() => format!("[{ip}]:{}", addr.port()),
        _ => format!("{ip}:{}", addr.port()),
    }
}

/// Opens the database, makes sure a default project exists, binds, prints
/// `DSN: http://<key>@127.0.0.1:<port>/<id>` and serves until SIGINT or SIGTERM.
pub async fn serve(config: &Config) -> Result<(), String> {
    let clock = system_clock();
    let conn = store::open_and_migrate(&config.db).map_err(|e| format!("cannot open {}: {e}", config.db.display()))?;
    let project = store::default_project(&conn, clock())?;
    drop(conn);
    let store = store::Store::open(&config.db).map_err(|e| e.to_string())?;
    let state = AppState::new(store, config.rate_limit, clock);
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    let bound = listener.local_addr().map_err(|e| format!("no local address: {e}"))?;
    let host = dsn_host(bound);
    state.set_public_host(host.clone());
    if !bound.ip().is_loopback() {
        eprintln!("warning: listening on {bound}, not loopback; the JSON API has no authentication");
    }
    println!("DSN: {}", project.dsn(&host));
    println!("inbox: http://{host}/ (database {})", config.db.display());
    use std::io::Write;
    let _ = std::io::stdout().flush();
    axum::serve(listener, app(state)).with_graceful_shutdown(shutdown()).await.map_err(|e| format!("server error: {e}"))
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

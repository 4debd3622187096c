//! Error answers: a status, a message that names what is wrong, and for 429 the rate-limit
//! headers. The body is Relay's shape, `{"detail": "..."}`, and the message is repeated in
//! `X-Sentry-Error` as Relay does, so SDK debug logs show it.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The status code.
    pub status: StatusCode,
    /// What is wrong, lowercase.
    pub message: String,
    /// Seconds until a rate-limited client may send again (429 only).
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with this status and message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError { status, message: message.into(), retry_after: None }
    }

    /// 400.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 413.
    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, message)
    }

    /// 500.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "detail": self.message }).to_string();
        let mut resp = (self.status, [(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response();
        let headers = resp.headers_mut();
        // Header values cannot hold control characters; the body keeps the full message.
        let printable: String =
            self.message.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '?' }).collect();
        if let Ok(v) = HeaderValue::from_str(&printable) {
            headers.insert("x-sentry-error", v);
        }
        if let Some(secs) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                headers.insert(axum::http::header::RETRY_AFTER, v);
            }
            if let Ok(v) = HeaderValue::from_str(&format!("{secs}:error;default:project")) {
                headers.insert("x-sentry-rate-limits", v);
            }
        }
        resp
    }
}

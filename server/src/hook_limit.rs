//! Provider webhooks (`/hooks/…`) the server works on at once. Past `HOOKS_AT_ONCE` in flight it
//! answers 503 with `Retry-After` (Twilio, Meta and API-channel clients send again later, and the
//! provider ids dedupe), so a surge is turned away at the door instead of queueing requests, work
//! and memory without bound (R5 at 300 messages a second on two cores: thousands in flight, the
//! server's memory past 8 GB, open files exhausted).

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Webhooks handled at once by one server process.
pub const HOOKS_AT_ONCE: usize = 256;
/// What a turned-away provider is told to wait, in seconds.
pub const RETRY_AFTER_SECS: u64 = 5;

/// The turns `layer` hands out.
pub fn slots() -> Arc<Semaphore> {
    Arc::new(Semaphore::new(HOOKS_AT_ONCE))
}

pub async fn layer(
    State(slots): State<Arc<Semaphore>>,
    req: Request<Body>,
    next: Next,
) -> Response {
    if !req.uri().path().starts_with("/hooks/") {
        return next.run(req).await;
    }
    let Ok(_turn) = slots.try_acquire_owned() else {
        tracing::info!(path = %req.uri().path(), "webhook turned away: too many in flight");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, RETRY_AFTER_SECS.to_string())],
            "busy: send again shortly",
        )
            .into_response();
    };
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::{get, post};
    use axum::Router;
    use tower::ServiceExt;

    #[tokio::test]
    async fn past_the_limit_a_webhook_is_told_to_come_back_and_other_paths_pass() {
        let gate = Arc::new(tokio::sync::Notify::new());
        let held = gate.clone();
        let app = Router::new()
            .route(
                "/hooks/sms",
                post(move || {
                    let held = held.clone();
                    async move {
                        held.notified().await;
                        "stored"
                    }
                }),
            )
            .route("/healthz", get(|| async { "ok" }))
            .layer(axum::middleware::from_fn_with_state(
                Arc::new(Semaphore::new(1)),
                layer,
            ));
        let hook = || Request::post("/hooks/sms").body(Body::empty()).unwrap();
        let first = tokio::spawn(app.clone().oneshot(hook()));
        // The first one holds the only turn.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let second = app.clone().oneshot(hook()).await.unwrap();
        assert_eq!(second.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(second.headers()[header::RETRY_AFTER], "5");
        let health = Request::get("/healthz").body(Body::empty()).unwrap();
        assert_eq!(
            app.clone().oneshot(health).await.unwrap().status(),
            StatusCode::OK
        );
        gate.notify_one();
        assert_eq!(first.await.unwrap().unwrap().status(), StatusCode::OK);
        // The turn is back.
        let again = tokio::spawn(app.clone().oneshot(hook()));
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        gate.notify_one();
        assert_eq!(again.await.unwrap().unwrap().status(), StatusCode::OK);
    }
}

//! `/healthz` (the process answers and its database does) and `/readyz` (and the schema is the
//! one this build expects: a load balancer sends traffic only then). Both answer within a few
//! seconds with 200 or 503 and a word, never an error's text.

use crate::db::migrations::{current_version, MIGRATIONS};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use std::time::Duration;

const WITHIN: Duration = Duration::from_secs(3);

async fn database_answers(state: &AppState) -> bool {
    let ping = crate::db::ping(&state.db);
    match tokio::time::timeout(WITHIN, ping).await {
        Ok(Ok(())) => true,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "health: the database did not answer");
            false
        }
        Err(_) => {
            tracing::error!("health: the database did not answer within 3 s");
            false
        }
    }
}

pub async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if database_answers(&state).await {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
    }
}

pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if !database_answers(&state).await {
        return (StatusCode::SERVICE_UNAVAILABLE, "database unreachable");
    }
    let latest = MIGRATIONS.last().map_or(0, |m| m.version);
    match tokio::time::timeout(WITHIN, current_version(&state.db)).await {
        Ok(Ok(v)) if v == latest => (StatusCode::OK, "ready"),
        Ok(Ok(_)) => (StatusCode::SERVICE_UNAVAILABLE, "schema not migrated"),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unreachable"),
    }
}

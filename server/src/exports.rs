//! Downloads. `GET /audit.csv`: the workspace's audit trail as CSV (owners and managers), filtered
//! like the Audit page (`action`, `thread`, `from`, `to` in Unix ms), newest first.
//! `GET /creators.csv`: the creators the Creators page's filters match (anyone on the team),
//! formula-safe.

use crate::state::AppState;
use app::api::{session_token_in, validate_audit_query, AppError};
use app::model::AuditQuery;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// The most rows one export holds.
const MAX_ROWS: usize = 10_000;

pub fn refuse(e: AppError) -> Response {
    let status = match e {
        AppError::Unauthorized => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Invalid(_) => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    (status, e.to_string()).into_response()
}

/// A CSV file to download, never cached.
pub fn csv_download(file_name: &str, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

/// The signed-in caller of a download or upload, or the refusal to answer with.
pub async fn caller_of(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<app::api::backend::Caller, Response> {
    let Some(token) = session_token_in(headers, state.config.secure_cookies()) else {
        return Err(refuse(AppError::Unauthorized));
    };
    crate::auth::caller(state, &token).await.map_err(refuse)
}

pub async fn audit_csv(
    State(state): State<AppState>,
    query: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let caller = match caller_of(&state, &headers).await {
        Ok(c) => c,
        Err(refused) => return refused,
    };
    let Ok(Query(query)) = query else {
        return refuse(AppError::Invalid("unreadable filters".into()));
    };
    if let Err(e) = validate_audit_query(&query).and_then(|_| caller.require_manager()) {
        tracing::info!(reason = %e, "audit export refused");
        return refuse(e);
    }
    match app::api::ReviewApi::audit_log(&state, &caller, &query, MAX_ROWS).await {
        Ok(events) => csv_download("audit.csv", app::domain::csv::audit(&events)),
        Err(e) => refuse(e),
    }
}

pub async fn creators_csv(
    State(state): State<AppState>,
    query: Result<Query<app::model::CreatorQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let caller = match caller_of(&state, &headers).await {
        Ok(c) => c,
        Err(refused) => return refused,
    };
    let Ok(Query(query)) = query else {
        return refuse(AppError::Invalid("unreadable filters".into()));
    };
    if let Err(e) = app::domain::creators::check_query(&query) {
        return refuse(AppError::Invalid(e));
    }
    if let Err(e) = caller.require_team("the creator list") {
        return refuse(e);
    }
    match crate::store::creator_list::all(&state.db, &caller.workspace_id, &query).await {
        Ok(rows) => csv_download("creators.csv", app::domain::creators::export(&rows)),
        Err(e) => refuse(crate::errors::internal(e)),
    }
}

//! `GET /attachments/{id}`: an email attachment, for teammates who may see its thread. Always
//! served as a download (`Content-Disposition: attachment`, `nosniff`, a sandboxing CSP), so a
//! hostile file never renders as a page of ours.

use crate::state::AppState;
use app::api::session_token_in;
use app::domain::filter::is_valid_id;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

pub async fn download(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(token) = session_token_in(&headers, state.config.secure_cookies()) else {
        return (StatusCode::UNAUTHORIZED, "please sign in").into_response();
    };
    let Ok(caller) = crate::auth::caller(&state, &token).await else {
        return (StatusCode::UNAUTHORIZED, "please sign in").into_response();
    };
    if !is_valid_id(&id) {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    let row = match crate::store::attachments::for_caller(&state.db, &caller, &id).await {
        Ok(Some(r)) => r,
        Ok(None) => return (StatusCode::NOT_FOUND, "not found").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "attachment read failed");
            return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
        }
    };
    let safe_name: String = row
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe_name}\""),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CONTENT_SECURITY_POLICY, "sandbox".to_string()),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        row.bytes,
    )
        .into_response()
}

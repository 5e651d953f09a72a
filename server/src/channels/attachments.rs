//! `GET /attachments/{id}`: an email attachment, for teammates who may see its thread. Always
//! served as a download (`Content-Disposition: attachment`, `nosniff`, a sandboxing CSP), so a
//! hostile file never renders as a page of ours.

use crate::db::{exec, first};
use crate::state::AppState;
use app::api::session_token_in;
use app::domain::filter::is_valid_id;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::json;

#[derive(serde::Deserialize)]
struct Row {
    thread: String,
    filename: String,
    b64: String,
}

pub async fn download(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(token) = session_token_in(&headers) else {
        return (StatusCode::UNAUTHORIZED, "please sign in").into_response();
    };
    let Ok(caller) = crate::auth::caller(&state, &token).await else {
        return (StatusCode::UNAUTHORIZED, "please sign in").into_response();
    };
    if !is_valid_id(&id) {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    let row = exec(
        &state.db,
        "SELECT record::id(message.thread) AS thread, filename, encoding::base64::encode(data) AS b64
             FROM attachment WHERE id = type::record('attachment', $id) AND workspace = type::record('workspace', $ws);",
        json!({ "id": id, "ws": caller.workspace_id }),
    )
    .await
    .and_then(|mut r| first::<Row>(&mut r, 0));
    let row = match row {
        Ok(Some(r)) => r,
        Ok(None) => return (StatusCode::NOT_FOUND, "not found").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "attachment read failed");
            return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
        }
    };
    // The thread must be visible to the caller (client-scoped callers see their client's only).
    match crate::store::threads::find(&state.db, &caller, &row.thread).await {
        Ok(Some(_)) => {}
        Ok(None) => return (StatusCode::NOT_FOUND, "not found").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "attachment thread check failed");
            return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
        }
    }
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(row.b64.as_bytes()) else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
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
        bytes,
    )
        .into_response()
}

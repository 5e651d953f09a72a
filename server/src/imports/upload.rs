//! `POST /imports?name=<file>`: a CSV file's bytes, read (`app::domain::import::read`: size,
//! encoding, delimiter, quotes, rows) and kept as an uploaded job; answers with its headers, a
//! guessed mapping and the first rows. `GET /imports/<id>/skipped.csv`: the rows a job skipped,
//! with why. Both for teammates who can write; bad files get a clear message and store nothing.

use crate::exports::refuse;
use crate::state::AppState;
use app::api::AppError;
use app::domain::import::{guess_mapping, read, MAX_BYTES};
use app::model::ImportUpload;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::Digest;

/// Bodies larger than this are cut off by the router before they are read; anything between
/// `MAX_BYTES` and this gets the reader's own message.
pub const BODY_LIMIT: usize = MAX_BYTES + 4 * 1024 * 1024;

#[derive(Deserialize)]
pub struct UploadQuery {
    name: Option<String>,
}

/// The signed-in caller, if their role writes; else the refusal to answer with.
async fn writer(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<app::api::backend::Caller, Response> {
    let caller = crate::exports::caller_of(state, headers).await?;
    caller.require_write().map_err(refuse)?;
    Ok(caller)
}

pub async fn upload(
    State(state): State<AppState>,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let caller = match writer(&state, &headers).await {
        Ok(c) => c,
        Err(refused) => return refused,
    };
    let name: String = query
        .name
        .unwrap_or_else(|| "creators.csv".into())
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let table = match read(&body) {
        Ok(t) => t,
        Err(e) => {
            tracing::info!(bytes = body.len(), reason = %e.message(), "import file refused");
            return refuse(AppError::Invalid(e.message()));
        }
    };
    let sha = hex::encode(sha2::Sha256::digest(&body));
    let now = state.clock.now_ms();
    let job_id =
        match crate::store::imports::create(&state.db, &caller, &name, &sha, &table, now).await {
            Ok(id) => id,
            Err(e) => return refuse(crate::errors::internal(e)),
        };
    tracing::info!(job = %job_id, rows = table.rows.len(), "import file uploaded");
    let upload = ImportUpload {
        job_id,
        file_name: name,
        mapping: guess_mapping(&table.headers),
        rows: table.rows.len() as u32,
        sample: table.rows.iter().take(5).map(|r| r.cells.clone()).collect(),
        headers: table.headers,
    };
    (StatusCode::OK, axum::Json(upload)).into_response()
}

pub async fn skipped_csv(
    State(state): State<AppState>,
    Path(job_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let caller = match writer(&state, &headers).await {
        Ok(c) => c,
        Err(refused) => return refused,
    };
    if !app::domain::filter::is_valid_id(&job_id) {
        return refuse(AppError::NotFound);
    }
    let rows = match crate::store::imports::skipped(&state.db, &caller.workspace_id, &job_id).await
    {
        Ok(Some(rows)) => rows,
        Ok(None) => return refuse(AppError::NotFound),
        Err(e) => return refuse(crate::errors::internal(e)),
    };
    let mut csv = app::domain::csv::record(&["line", "name", "reason"]);
    for r in &rows {
        csv.push_str(&app::domain::csv::record(&[
            &r.line.to_string(),
            &r.name,
            &r.reason,
        ]));
    }
    crate::exports::csv_download("skipped-rows.csv", csv)
}

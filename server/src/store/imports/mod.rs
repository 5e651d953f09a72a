//! CSV import jobs: the uploaded rows kept in chunks, the checked rows once started, the job's
//! lease and progress, and what it skipped. Chunks are written by `write` (one transaction each,
//! with the chunk's written mark).

pub mod write;

use crate::db::{exec, exec_transaction, first, rows, Db, DbError};
use crate::ids::new_id;
use app::api::backend::Caller;
use app::domain::import::{ImportedCreator, Row, Table};
use app::model::{ImportSettings, ImportStatus, SkippedRow};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// An uploaded row as kept: its line and cells.
type RawRow = (usize, Vec<String>);

/// Rows per chunk: one transaction writes one chunk.
pub const CHUNK_ROWS: usize = 500;

/// A checked row ready to import.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReadyRow {
    pub line: u32,
    pub creator: ImportedCreator,
}

/// An uploaded file's job as the preview and start steps read it.
#[derive(Deserialize)]
pub struct Uploaded {
    pub state: String,
    pub headers: Vec<String>,
}

/// Stores an uploaded, readable file as a job in the "uploaded" state; returns its id.
pub async fn create(
    db: &Db,
    caller: &Caller,
    file_name: &str,
    file_sha: &str,
    table: &Table,
    now: i64,
) -> Result<String, DbError> {
    let id = new_id();
    let chunks: Vec<Value> = table
        .rows
        .chunks(CHUNK_ROWS)
        .enumerate()
        .map(|(i, rows)| {
            let raw: Vec<Value> = rows.iter().map(|r| json!([r.line, r.cells])).collect();
            json!({ "index": i, "raw": raw })
        })
        .collect();
    exec_transaction(
        db,
        "BEGIN TRANSACTION;
         CREATE type::record('import_job', $id) SET workspace = type::record('workspace', $ws),
             created_by = type::record('user', $user), file_name = $name, file_sha = $sha, headers = $headers,
             rows = $rows, chunks = $n, state = 'uploaded', created_at = $now;
         FOR $c IN $chunks {
             CREATE type::record('import_chunk', [$id, $c.index]) SET job = type::record('import_job', $id), index = $c.index, raw = $c.raw;
         };
         COMMIT TRANSACTION;",
        json!({
            "id": id, "ws": caller.workspace_id, "user": caller.user_id, "name": file_name, "sha": file_sha,
            "headers": table.headers, "rows": table.rows.len(), "n": chunks.len(), "chunks": chunks, "now": now,
        }),
    )
    .await?;
    Ok(id)
}

/// The uploaded job of the caller's workspace and its rows as read; none if there is no such job.
pub async fn uploaded(
    db: &Db,
    ws: &str,
    job_id: &str,
) -> Result<Option<(Uploaded, Table)>, DbError> {
    let mut resp = exec(
        db,
        "SELECT state, headers FROM import_job
             WHERE id = type::record('import_job', $id) AND workspace = type::record('workspace', $ws);
         SELECT VALUE raw FROM import_chunk WHERE job = type::record('import_job', $id) ORDER BY index;",
        json!({ "id": job_id, "ws": ws }),
    )
    .await?;
    let Some(job) = first::<Uploaded>(&mut resp, 0)? else {
        return Ok(None);
    };
    let chunks: Vec<Option<Vec<RawRow>>> = rows(&mut resp, 1)?;
    let rows = chunks
        .into_iter()
        .flatten()
        .flatten()
        .map(|(line, cells)| Row { line, cells })
        .collect();
    let table = Table {
        delimiter: b',',
        headers: job.headers.clone(),
        rows,
    };
    Ok(Some((job, table)))
}

/// Starts an uploaded job: its chunks now hold the ready rows, the skipped ones are kept on the
/// job. Fails with `false` if the job was started already.
pub async fn start(
    db: &Db,
    job_id: &str,
    settings: &ImportSettings,
    ready: &[ReadyRow],
    skipped: &[SkippedRow],
) -> Result<bool, DbError> {
    let chunks: Vec<Value> = ready
        .chunks(CHUNK_ROWS)
        .enumerate()
        .map(|(i, rows)| json!({ "index": i, "ready": rows }))
        .collect();
    let started = exec_transaction(
        db,
        "BEGIN TRANSACTION;
         IF (SELECT VALUE state FROM ONLY type::record('import_job', $id)) != 'uploaded' { THROW 'already started'; };
         DELETE import_chunk WHERE job = type::record('import_job', $id);
         FOR $c IN $chunks {
             CREATE type::record('import_chunk', [$id, $c.index]) SET job = type::record('import_job', $id), index = $c.index, ready = $c.ready;
         };
         UPDATE type::record('import_job', $id) SET state = 'running', chunks = $n, options = $options,
             skipped = $skipped, lease_until = NONE;
         COMMIT TRANSACTION;",
        json!({ "id": job_id, "chunks": chunks, "n": chunks.len(), "options": crate::db::without_nulls(json!(settings)), "skipped": skipped }),
    )
    .await;
    match started {
        Ok(_) => Ok(true),
        Err(e) if e.to_string().contains("already started") => Ok(false),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct StatusRow {
    id: String,
    file_name: String,
    state: String,
    rows: u32,
    /// Chunks written so far (a running job's, from its chunks).
    #[serde(default)]
    written: u32,
    created: u32,
    updated: u32,
    unchanged: u32,
    enrolled: u32,
    skipped: u32,
    skipped_rows: Vec<SkippedRow>,
    campaign_name: Option<String>,
    error: Option<String>,
    created_at: i64,
    finished_at: Option<i64>,
}

const STATUS_FIELDS: &str = "record::id(id) AS id, file_name, state, rows, created, updated,
    unchanged, enrolled, array::len(skipped) AS skipped, array::slice(skipped, 0, 50) AS skipped_rows,
    (IF options.campaign_id != NONE THEN type::record('campaign', options.campaign_id).name ELSE NONE END) AS campaign_name,
    error, created_at, finished_at";

/// A running job's chunks written so far: how many, and their counts.
#[derive(Default, Deserialize)]
struct Progress {
    written: u32,
    created: u32,
    updated: u32,
    unchanged: u32,
    enrolled: u32,
    skipped: u32,
}

async fn progress(db: &Db, job: &str) -> Result<Progress, DbError> {
    let mut resp = exec(
        db,
        "SELECT count() AS written, math::sum(created) AS created, math::sum(updated) AS updated,
                math::sum(unchanged) AS unchanged, math::sum(enrolled) AS enrolled,
                math::sum(array::len(skips)) AS skipped
             FROM import_chunk WHERE job = type::record('import_job', $id) AND written = true GROUP ALL;",
        json!({ "id": job }),
    )
    .await?;
    Ok(first(&mut resp, 0)?.unwrap_or_default())
}

/// A job as it stands: a running one counts the chunks written so far.
async fn with_progress(db: &Db, mut r: StatusRow) -> Result<ImportStatus, DbError> {
    if r.state == "running" {
        let p = progress(db, &r.id).await?;
        r.written = p.written;
        r.created = p.created;
        r.updated = p.updated;
        r.unchanged = p.unchanged;
        r.enrolled = p.enrolled;
        r.skipped += p.skipped;
    }
    Ok(status_of(r))
}

fn status_of(r: StatusRow) -> ImportStatus {
    let ready = r.rows.saturating_sub(r.skipped);
    let done = match r.state.as_str() {
        "done" => ready,
        // Every chunk but the last holds CHUNK_ROWS ready rows.
        "running" => (r.written * CHUNK_ROWS as u32).min(ready),
        _ => 0,
    };
    ImportStatus {
        id: r.id,
        file_name: r.file_name,
        state: r.state,
        rows: r.rows,
        done,
        created: r.created,
        updated: r.updated,
        unchanged: r.unchanged,
        enrolled: r.enrolled,
        skipped: r.skipped,
        skipped_rows: r.skipped_rows,
        campaign_name: r.campaign_name,
        error: r.error,
        created_at: r.created_at,
        finished_at: r.finished_at,
    }
}

/// A job of the workspace's as it stands.
pub async fn status(db: &Db, ws: &str, job_id: &str) -> Result<Option<ImportStatus>, DbError> {
    let mut resp = exec(
        db,
        &format!(
            "SELECT {STATUS_FIELDS} FROM import_job
                 WHERE id = type::record('import_job', $id) AND workspace = type::record('workspace', $ws);"
        ),
        json!({ "id": job_id, "ws": ws }),
    )
    .await?;
    match first::<StatusRow>(&mut resp, 0)? {
        Some(r) => Ok(Some(with_progress(db, r).await?)),
        None => Ok(None),
    }
}

/// The workspace's latest started imports, newest first.
pub async fn recent(db: &Db, ws: &str) -> Result<Vec<ImportStatus>, DbError> {
    let mut resp = exec(
        db,
        &format!(
            "SELECT {STATUS_FIELDS} FROM import_job
                 WHERE workspace = type::record('workspace', $ws) AND state != 'uploaded'
                 ORDER BY created_at DESC LIMIT 10;"
        ),
        json!({ "ws": ws }),
    )
    .await?;
    Ok(rows::<StatusRow>(&mut resp, 0)?
        .into_iter()
        .map(status_of)
        .collect())
}

/// Every row a job skipped (for the CSV download).
pub async fn skipped(db: &Db, ws: &str, job_id: &str) -> Result<Option<Vec<SkippedRow>>, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE skipped FROM import_job
             WHERE id = type::record('import_job', $id) AND workspace = type::record('workspace', $ws);",
        json!({ "id": job_id, "ws": ws }),
    )
    .await?;
    first(&mut resp, 0)
}

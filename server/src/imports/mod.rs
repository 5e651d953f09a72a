//! CSV imports of creators: the upload (`upload`), and the worker that writes a started job
//! chunk by chunk. Each chunk — its new and updated creators, their enrollments
//! and its own written mark with its counts — is one transaction (`store::imports::write`), so a
//! restart resumes with the chunks not written and never writes one twice; the job is held
//! under a lease renewed per chunk.

pub mod upload;

use crate::db::{joined, Db, DbError, TwoAtOnce};
use crate::ids::new_id;
use crate::state::AppState;
use crate::store::enrollments::{self, CampaignRef};
use crate::store::imports::write::{self, ChunkWrite, Claimed};
use crate::store::imports::ReadyRow;
use app::domain::import::apply::{
    identities, plan, search_text, CreatorFields, Existing, RowAction,
};
use app::domain::import::{check_rows, CheckedRow, Table};
use app::model::{ImportSettings, SkippedRow};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::time::Duration;

const LEASE_MS: i64 = 60_000;
const POLL: Duration = Duration::from_secs(2);

/// A table's rows under a mapping: the ready ones and the skipped ones (with every row as
/// checked, for the preview).
pub struct Checked {
    pub ready: Vec<ReadyRow>,
    pub skipped: Vec<SkippedRow>,
    pub rows: Vec<CheckedRow>,
}

pub fn check(table: &Table, settings: &ImportSettings) -> Checked {
    let country = settings.country.clone();
    let phone = move |raw: &str| crate::phone::e164(raw, &country);
    let rows = check_rows(table, &settings.mapping, &phone);
    let mut ready = Vec::new();
    let mut skipped = Vec::new();
    for r in &rows {
        if r.problems.is_empty() {
            ready.push(ReadyRow {
                line: r.line as u32,
                creator: r.creator.clone(),
            });
        } else {
            let reasons: Vec<String> = r.problems.iter().map(|p| p.message()).collect();
            skipped.push(SkippedRow {
                line: r.line as u32,
                name: r.creator.name.clone(),
                reason: reasons.join("; "),
            });
        }
    }
    Checked {
        ready,
        skipped,
        rows,
    }
}

/// Runs this instance's import worker until the process ends.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match run_once(&state).await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "import pass failed; retrying"),
            }
            tokio::select! {
                _ = state.imports.wait() => {}
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    })
}

/// Claims one running job and writes the rest of it; `false` when there was none.
pub async fn run_once(state: &AppState) -> Result<bool, DbError> {
    run_chunks(state, u32::MAX).await
}

/// Claims one running job and writes at most `max` of its chunks (finishing it if that was all);
/// `false` when there was none. Stopping early is what a crash looks like to the next worker.
pub async fn run_chunks(state: &AppState, max: u32) -> Result<bool, DbError> {
    let db = &state.db;
    let Some(job) = write::claim(db, state.clock.now_ms(), LEASE_MS).await? else {
        return Ok(false);
    };
    let campaign = match &job.options.campaign_id {
        Some(id) => match enrollments::campaign(db, &job.workspace, id).await? {
            Some(c) => Some(c),
            None => {
                let now = state.clock.now_ms();
                write::fail(
                    db,
                    &job.id,
                    "the campaign to enroll in no longer exists",
                    now,
                )
                .await?;
                return Ok(true);
            }
        },
        None => None,
    };
    let pending = write::pending_chunks(db, &job.id).await?;
    let take: Vec<u32> = pending.iter().copied().take(max as usize).collect();
    // Two chunks written at once, the next one read and planned meanwhile.
    let mut ahead = take
        .first()
        .map(|&i| plan_ahead(state, &job, i, campaign.clone(), Taken::new()));
    let mut writes = TwoAtOnce::default();
    for k in 0..take.len() {
        let Some(task) = ahead.take() else { break };
        let (index, planned, taken) = joined(task).await?;
        ahead = take
            .get(k + 1)
            .map(|&i| plan_ahead(state, &job, i, campaign.clone(), taken));
        let now = state.clock.now_ms();
        write::renew(db, &job.id, now + LEASE_MS).await?;
        let (db, job, campaign) = (db.clone(), job.clone(), campaign.clone());
        writes
            .start(async move {
                write::write_chunk(&db, &job, index, campaign.as_ref(), planned, now).await?;
                Ok(())
            })
            .await?;
    }
    writes.finish().await?;
    if take.len() < pending.len() {
        return Ok(true);
    }
    write::finish(db, &job, state.clock.now_ms()).await?;
    tracing::info!(job = %job.id, chunks = job.chunks, "import finished");
    Ok(true)
}

/// Existing creators this run's rows matched already, with the line that took each: a later row
/// matching one is skipped as the same creator.
type Taken = HashMap<String, u32>;

type Planned = (u32, ChunkWrite, Taken);

/// Reads and plans chunk `index` on its own task, so it overlaps the writes of the chunks before
/// it. The plan cannot depend on those writes: the file's rows share no address (`check_rows`),
/// so a new creator of one chunk matches no row of another, and an existing creator is taken by
/// one row of the run (`Taken`).
fn plan_ahead(
    state: &AppState,
    job: &Claimed,
    index: u32,
    campaign: Option<CampaignRef>,
    taken: Taken,
) -> tokio::task::JoinHandle<Result<Planned, DbError>> {
    let (db, job) = (state.db.clone(), job.clone());
    tokio::spawn(async move {
        let rows = write::chunk(&db, &job.id, index).await?;
        let (planned, taken) = plan_chunk(&db, &job, &rows, campaign.as_ref(), taken).await?;
        Ok((index, planned, taken))
    })
}

/// What one chunk's rows do, against the creators they match now.
async fn plan_chunk(
    db: &Db,
    job: &Claimed,
    rows: &[ReadyRow],
    campaign: Option<&CampaignRef>,
    mut taken: Taken,
) -> Result<(ChunkWrite, Taken), DbError> {
    let keys: Vec<_> = rows.iter().flat_map(|r| identities(&r.creator)).collect();
    let found = write::existing(db, &job.workspace, &keys).await?;
    let matched_ids: Vec<String> = found.values().map(|e| e.id.clone()).collect();
    let mut already = match campaign {
        Some(c) => enrollments::enrolled(db, &c.id, &matched_ids).await?,
        None => HashSet::new(),
    };
    let mut w = ChunkWrite::default();
    for row in rows {
        let mut matches: Vec<Existing> = Vec::new();
        for key in identities(&row.creator) {
            if let Some(e) = found.get(&key) {
                if !matches.iter().any(|m| m.id == e.id) {
                    matches.push(e.clone());
                }
            }
        }
        if let Some(first) = matches.first().and_then(|m| taken.get(&m.id)) {
            w.skipped
                .push(skip(row, format!("the same creator as line {first}")));
            continue;
        }
        // Who the row ends up as: (id, name, handle, search text).
        let (creator_id, name, handle, search) =
            match plan(&row.creator, &matches, job.options.update_existing) {
                RowAction::Create(f) => {
                    let id = new_id();
                    let search = search_text(&f.name, &f.handle, &f.new_identities);
                    w.creates.push(creator_value(&id, &f, &search));
                    (id, f.name, f.handle, search)
                }
                RowAction::Update { id, fields: f } => {
                    let all = [matches[0].identities.clone(), f.new_identities.clone()].concat();
                    let search = search_text(&f.name, &f.handle, &all);
                    w.updates.push(creator_value(&id, &f, &search));
                    (id, f.name, f.handle, search)
                }
                RowAction::Keep { id } => {
                    w.unchanged += 1;
                    let e = &matches[0];
                    let search = search_text(&e.name, &e.handle, &e.identities);
                    (id, e.name.clone(), e.handle.clone(), search)
                }
                RowAction::Skip(reason) => {
                    w.skipped.push(skip(row, reason));
                    continue;
                }
            };
        taken.insert(creator_id.clone(), row.line);
        if campaign.is_some() && already.insert(creator_id.clone()) {
            w.enrolls
                .push(enrollments::entry(&creator_id, &name, &handle, &search));
        }
    }
    Ok((w, taken))
}

fn skip(row: &ReadyRow, reason: String) -> SkippedRow {
    SkippedRow {
        line: row.line,
        name: row.creator.name.clone(),
        reason,
    }
}

/// A creator as written: the identities to add (consent unknown until the creator says).
fn creator_value(id: &str, f: &CreatorFields, search: &str) -> Value {
    let idents: Vec<Value> = f
        .new_identities
        .iter()
        .map(|(c, a)| json!({ "channel": c.as_str(), "address": a, "consent": "unknown" }))
        .collect();
    crate::db::without_nulls(json!({
        "id": id, "name": f.name, "handle": f.handle, "notes": f.notes, "tags": f.tags,
        "rate_cents": f.rate_cents, "custom": f.custom, "identities": idents,
        "search": search,
    }))
}

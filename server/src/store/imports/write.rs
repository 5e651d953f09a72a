//! The import worker's side of a job: claiming it under a lease, reading a chunk and the
//! creators its rows match, and writing the chunk in one transaction that also marks it written
//! with its counts — a chunk is written once, whoever crashed before.

use super::ReadyRow;
use crate::db::{exec, exec_transaction, first, rows, Db, DbError};
use crate::store::audit::{AuditEntry, AUDIT_STATEMENT};
use crate::store::enrollments::{self, CampaignRef, ENROLL};
use app::domain::import::apply::Existing;
use app::model::{Channel, ImportSettings, SkippedRow};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

/// A running job this worker holds the lease on.
#[derive(Clone, Debug, Deserialize)]
pub struct Claimed {
    pub id: String,
    pub workspace: String,
    pub created_by: String,
    pub chunks: u32,
    pub options: ImportSettings,
}

/// Takes the lease on a running job nobody holds (or whose holder stopped renewing it).
pub async fn claim(db: &Db, now: i64, lease_ms: i64) -> Result<Option<Claimed>, DbError> {
    let mut resp = exec_transaction(
        db,
        "BEGIN TRANSACTION;
         LET $job = (SELECT VALUE id FROM import_job WHERE state = 'running' AND (lease_until ?? 0) < $now LIMIT 1)[0];
         IF $job != NONE {
             UPDATE $job SET lease_until = $until, lease_owner = $owner;
         };
         COMMIT TRANSACTION;
         SELECT record::id(id) AS id, record::id(workspace) AS workspace, record::id(created_by) AS created_by,
                chunks, options FROM import_job
             WHERE state = 'running' AND lease_owner = $owner LIMIT 1;",
        json!({ "now": now, "until": now + lease_ms, "owner": crate::ids::new_id() }),
    )
    .await?;
    let n = resp.num_statements();
    first(&mut resp, n - 1)
}

/// Keeps the lease while the job runs.
pub async fn renew(db: &Db, job: &str, until: i64) -> Result<(), DbError> {
    exec(
        db,
        "UPDATE type::record('import_job', $id) SET lease_until = $until;",
        json!({ "id": job, "until": until }),
    )
    .await?;
    Ok(())
}

/// The chunks of `job` not written yet, in order.
pub async fn pending_chunks(db: &Db, job: &str) -> Result<Vec<u32>, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE index FROM import_chunk WHERE job = type::record('import_job', $id) AND written != true ORDER BY index;",
        json!({ "id": job }),
    )
    .await?;
    rows(&mut resp, 0)
}

pub async fn chunk(db: &Db, job: &str, index: u32) -> Result<Vec<ReadyRow>, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE ready FROM type::record('import_chunk', [$id, $index]);",
        json!({ "id": job, "index": index }),
    )
    .await?;
    let ready: Option<Vec<ReadyRow>> = first(&mut resp, 0)?;
    Ok(ready.unwrap_or_default())
}

#[derive(Deserialize)]
struct Found {
    key: (String, String, String),
    creator: String,
}

#[derive(Deserialize)]
struct StoredCreator {
    id: String,
    name: String,
    handle: String,
    notes: String,
    tags: Option<Vec<String>>,
    rate_cents: Option<i64>,
    custom: Option<std::collections::BTreeMap<String, String>>,
    identities: Vec<StoredIdentity>,
}

#[derive(Deserialize)]
struct StoredIdentity {
    channel: Channel,
    address: String,
}

/// The workspace's creators holding any of `keys` (channel, address), by key.
pub async fn existing(
    db: &Db,
    ws: &str,
    keys: &[(Channel, String)],
) -> Result<HashMap<(Channel, String), Existing>, DbError> {
    let ids: Vec<Value> = keys
        .iter()
        .map(|(c, a)| json!([ws, c.as_str(), a]))
        .collect();
    let mut resp = exec(
        db,
        "LET $found = SELECT record::id(id) AS key, record::id(creator) AS creator
             FROM $ids.map(|$i| type::record('creator_identity', $i)) WHERE creator != NONE;
         SELECT * FROM $found;
         SELECT record::id(id) AS id, name, handle, notes, tags, rate_cents, custom, identities
             FROM array::distinct($found.creator).map(|$c| type::record('creator', $c))
             WHERE workspace = type::record('workspace', $ws);",
        json!({ "ws": ws, "ids": ids }),
    )
    .await?;
    let found: Vec<Found> = rows(&mut resp, 1)?;
    let creators: Vec<StoredCreator> = rows(&mut resp, 2)?;
    let by_id: HashMap<String, Existing> = creators
        .into_iter()
        .map(|c| {
            let e = Existing {
                id: c.id.clone(),
                name: c.name,
                handle: c.handle,
                notes: c.notes,
                tags: c.tags.unwrap_or_default(),
                rate_cents: c.rate_cents,
                custom: c.custom.unwrap_or_default(),
                identities: c
                    .identities
                    .into_iter()
                    .map(|i| (i.channel, i.address))
                    .collect(),
            };
            (c.id, e)
        })
        .collect();
    Ok(found
        .into_iter()
        .filter_map(|f| {
            let channel = Channel::parse(&f.key.1)?;
            Some(((channel, f.key.2), by_id.get(&f.creator)?.clone()))
        })
        .collect())
}

/// What one chunk writes.
#[derive(Default)]
pub struct ChunkWrite {
    /// New creators (`id`, `name`, `handle`, `notes`, `tags`, `rate_cents`, `custom`,
    /// `identities`, `search`).
    pub creates: Vec<Value>,
    /// Changed creators (the same fields, `identities` being the ones to add).
    pub updates: Vec<Value>,
    /// Enrollments (`enrollments::entry`) in the job's campaign.
    pub enrolls: Vec<Value>,
    pub unchanged: u32,
    pub skipped: Vec<SkippedRow>,
}

/// Writes chunk `index` of `job` and marks it written with its counts, in one transaction;
/// new creators' identity lookups are written here beside them (the `creator_identities` event
/// leaves an import's creates to it: an event per creator cost half the import's time in B7);
/// `false` when the chunk was written already. Chunks of one job may be written concurrently:
/// each touches its own records (the job's totals are summed when it finishes).
pub async fn write_chunk(
    db: &Db,
    job: &Claimed,
    index: u32,
    campaign: Option<&CampaignRef>,
    w: ChunkWrite,
    now: i64,
) -> Result<bool, DbError> {
    let mut vars = crate::store::bound([
        ("ws", json!(job.workspace)),
        ("job", json!(job.id)),
        ("index", json!(index)),
        ("creates", json!(w.creates)),
        ("updates", json!(w.updates)),
        ("now", json!(now)),
        ("n_created", json!(w.creates.len())),
        ("n_updated", json!(w.updates.len())),
        ("n_enrolled", json!(w.enrolls.len())),
        ("n_unchanged", json!(w.unchanged)),
        ("skips", json!(w.skipped)),
    ]);
    let enroll = match campaign {
        Some(c) => {
            enrollments::bind(&mut vars, c, w.enrolls, "Import", now);
            ENROLL
        }
        None => "",
    };
    let sql = format!(
        "BEGIN TRANSACTION;
         IF (SELECT VALUE written FROM ONLY type::record('import_chunk', [$job, $index])) = true {{ THROW 'chunk written already'; }};
         INSERT INTO creator_identity array::flatten($creates.map(|$c| $c.identities.map(|$i| {{
             id: type::record('creator_identity', [$ws, $i.channel, $i.address]), creator: type::record('creator', $c.id)
         }}))) ON DUPLICATE KEY UPDATE creator = $input.creator RETURN NONE;
         INSERT INTO creator $creates.map(|$c| {{
             id: type::record('creator', $c.id), workspace: type::record('workspace', $ws), name: $c.name, handle: $c.handle,
             notes: $c.notes, identities: $c.identities, search: $c.search, tags: $c.tags, rate_cents: $c.rate_cents,
             custom: $c.custom, preferences: '', created_at: $now, source_import: type::record('import_job', $job)
         }}) RETURN NONE;
         FOR $u IN $updates {{
             UPDATE type::record('creator', $u.id) SET name = $u.name, handle = $u.handle, notes = $u.notes,
                 identities = array::concat(identities, $u.identities), search = $u.search, tags = $u.tags,
                 rate_cents = $u.rate_cents, custom = $u.custom, updated_at = $now;
             UPDATE thread SET creator_name = $u.name, creator_handle = $u.handle, creator_search = $u.search
                 WHERE creator = type::record('creator', $u.id);
         }};
         {enroll}
         UPDATE type::record('import_chunk', [$job, $index]) SET written = true, ready = NONE, created = $n_created, updated = $n_updated,
             enrolled = $n_enrolled, unchanged = $n_unchanged, skips = $skips;
         COMMIT TRANSACTION;"
    );
    crate::db::unless_thrown(
        exec_transaction(db, &sql, Value::Object(vars)).await,
        "chunk written already",
    )
}

/// Marks a job done (its chunks dropped) with the import's audit event.
pub async fn finish(db: &Db, job: &Claimed, now: i64) -> Result<(), DbError> {
    let mut vars = crate::store::bound([
        ("ws", json!(job.workspace)),
        ("job", json!(job.id)),
        ("now", json!(now)),
    ]);
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&job.created_by),
        action: "creators.imported",
        subject: format!("import_job:{}", job.id),
        detail: json!({ "campaign": job.options.campaign_id, "update_existing": job.options.update_existing }),
    }
    .bind(&mut vars);
    exec_transaction(
        db,
        &format!(
            "BEGIN TRANSACTION;
             LET $c = SELECT created, updated, unchanged, enrolled, skips FROM import_chunk WHERE job = type::record('import_job', $job);
             LET $j = {{ created: math::sum($c.created), updated: math::sum($c.updated), unchanged: math::sum($c.unchanged),
                 enrolled: math::sum($c.enrolled),
                 skipped: array::len(array::flatten($c.skips)) + array::len((SELECT VALUE skipped FROM ONLY type::record('import_job', $job))) }};
             UPDATE type::record('import_job', $job) SET state = 'done', finished_at = $now, lease_until = NONE,
                 created = $j.created, updated = $j.updated, unchanged = $j.unchanged, enrolled = $j.enrolled,
                 skipped = array::concat(skipped, array::flatten($c.skips));
             DELETE import_chunk WHERE job = type::record('import_job', $job);
             {}
             COMMIT TRANSACTION;",
            AUDIT_STATEMENT.replace("detail = $audit_detail", "detail = object::extend($audit_detail, $j)")
        ),
        Value::Object(vars),
    )
    .await?;
    Ok(())
}

/// Marks a job failed with a reason a person can read.
pub async fn fail(db: &Db, job: &str, reason: &str, now: i64) -> Result<(), DbError> {
    exec(
        db,
        "UPDATE type::record('import_job', $job) SET state = 'failed', error = $reason, finished_at = $now, lease_until = NONE;",
        json!({ "job": job, "reason": reason, "now": now }),
    )
    .await?;
    Ok(())
}

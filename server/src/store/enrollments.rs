//! Putting creators into a campaign: each enrollment starts at Prospect with its thread (one per
//! creator × campaign), written by [`ENROLL`] — for an import and for "Add to campaign" alike.

use crate::db::{exec, first, rows, Db, DbError};
use crate::ids::new_id;
use app::domain::stage::default_next_action;
use app::model::Stage;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::HashSet;

/// The campaign creators are enrolled in.
#[derive(Clone, Debug, Deserialize)]
pub struct CampaignRef {
    pub id: String,
    pub name: String,
    pub client_id: String,
    pub client_name: String,
    pub status: String,
}

/// A campaign of the workspace's, for enrolling.
pub async fn campaign(
    db: &Db,
    ws: &str,
    campaign_id: &str,
) -> Result<Option<CampaignRef>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, name, record::id(client) AS client_id, client.name AS client_name, status
             FROM campaign WHERE id = type::record('campaign', $id) AND workspace = type::record('workspace', $ws);",
        json!({ "ws": ws, "id": campaign_id }),
    )
    .await?;
    first(&mut resp, 0)
}

/// Of `creators`, those already in the campaign (archived enrollments too).
pub async fn enrolled(
    db: &Db,
    campaign_id: &str,
    creators: &[String],
) -> Result<HashSet<String>, DbError> {
    if creators.is_empty() {
        return Ok(HashSet::new());
    }
    let mut resp = exec(
        db,
        &format!("SELECT VALUE creator FROM ({IN_CAMPAIGN});"),
        json!({ "c": campaign_id, "ids": creators }),
    )
    .await?;
    Ok(rows::<String>(&mut resp, 0)?.into_iter().collect())
}

/// The enrollments in campaign `$c` of the creators `$ids` (`creator`, `archived`): one index
/// lookup per creator (`creator IN $ids` would walk the whole campaign).
const IN_CAMPAIGN: &str = "array::flatten($ids.map(|$i| (SELECT record::id(creator) AS creator, archived_at != NONE AS archived
    FROM enrollment WHERE campaign = type::record('campaign', $c) AND creator = type::record('creator', $i))))";

/// One creator to enroll: who they are as the thread shows them.
pub fn entry(creator_id: &str, name: &str, handle: &str, search: &str) -> Value {
    json!({ "eid": new_id(), "tid": new_id(), "creator": creator_id, "name": name, "handle": handle, "search": search })
}

/// Binds what [`ENROLL`] reads: the campaign, the entries (`entry`), who enrolled them and when.
pub fn bind(
    vars: &mut Map<String, Value>,
    campaign: &CampaignRef,
    entries: Vec<Value>,
    by: &str,
    now: i64,
) {
    vars.insert(
        "camp".into(),
        json!({ "id": campaign.id, "name": campaign.name, "client_id": campaign.client_id, "client_name": campaign.client_name }),
    );
    vars.insert("enroll".into(), Value::Array(entries));
    vars.insert("enrolled_by".into(), json!(by));
    vars.insert(
        "prospect_next".into(),
        json!(default_next_action(Stage::Prospect)),
    );
    vars.insert("enrolled_at".into(), json!(now));
}

/// Creates each `$enroll` entry's enrollment at Prospect and its thread in `$camp` (bound by
/// [`bind`]). The thread's last entry reads as the enrollment until our first message.
pub const ENROLL: &str = "INSERT INTO enrollment $enroll.map(|$n| {
        id: type::record('enrollment', $n.eid), workspace: type::record('workspace', $ws), creator: type::record('creator', $n.creator),
        campaign: type::record('campaign', $camp.id), stage: 'prospect', agreed_terms: '', next_action: $prospect_next,
        created_at: $enrolled_at, updated_at: $enrolled_at, stage_at: $enrolled_at
    }) RETURN NONE;
    INSERT INTO thread $enroll.map(|$n| {
        id: type::record('thread', $n.tid), workspace: type::record('workspace', $ws), enrollment: type::record('enrollment', $n.eid),
        creator: type::record('creator', $n.creator), campaign: type::record('campaign', $camp.id), client: type::record('client', $camp.client_id),
        creator_name: $n.name, creator_handle: $n.handle, creator_search: $n.search,
        campaign_name: $camp.name, client_name: $camp.client_name, stage: 'prospect',
        channels: [], last_at: $enrolled_at, last_channel: 'note', last_sender_kind: 'teammate', last_sender_name: $enrolled_by,
        last_snippet: 'Added to the campaign; not contacted yet', unread: false
    }) RETURN NONE;";

#[derive(Deserialize)]
struct Who {
    id: String,
    name: String,
    handle: String,
    search: String,
}

/// Creators enrolled per transaction.
const ENROLL_CHUNK: usize = 500;

#[derive(Deserialize)]
struct InCampaign {
    creator: String,
    archived: bool,
}

/// One chunk's creators of the workspace's as the thread shows them, and which of them are in
/// the campaign already (archived or not).
struct ChunkRead {
    found: Vec<Who>,
    in_campaign: Vec<InCampaign>,
}

/// Reads a chunk on its own task, so it overlaps the write of the chunk before it.
fn read_ahead(
    db: &Db,
    ws: &str,
    campaign_id: &str,
    ids: &[String],
) -> tokio::task::JoinHandle<Result<ChunkRead, DbError>> {
    let (db, vars) = (
        db.clone(),
        json!({ "ids": ids, "ws": ws, "c": campaign_id }),
    );
    tokio::spawn(async move {
        let mut resp = exec(
            &db,
            &format!(
                "SELECT record::id(id) AS id, name, handle, search FROM $ids.map(|$i| type::record('creator', $i))
                     WHERE workspace = type::record('workspace', $ws);
                 SELECT * FROM {IN_CAMPAIGN};"
            ),
            vars,
        )
        .await?;
        Ok(ChunkRead {
            found: rows(&mut resp, 0)?,
            in_campaign: rows(&mut resp, 1)?,
        })
    })
}

/// Enrolls the workspace's creators among `creator_ids` in `campaign` at Prospect, 500 per
/// transaction (each chunk read while the one before is written, two written at once); creators already in it are
/// left alone, and ones removed from it come back (their archived thread restored); audited as
/// `actor` (user id), the threads naming `by`. Returns (enrolled, already in it).
pub async fn enroll(
    db: &Db,
    ws: &str,
    campaign: &CampaignRef,
    creator_ids: &[String],
    (actor, by): (&str, &str),
    now: i64,
) -> Result<(u32, u32), DbError> {
    let mut unique = HashSet::new();
    let ids: Vec<String> = creator_ids
        .iter()
        .filter(|id| unique.insert(id.as_str()))
        .cloned()
        .collect();
    let chunks: Vec<&[String]> = ids.chunks(ENROLL_CHUNK).collect();
    let mut ahead = chunks.first().map(|c| read_ahead(db, ws, &campaign.id, c));
    let (mut found_n, mut fresh_n, mut archived) = (0, 0, Vec::new());
    let mut writes = crate::db::TwoAtOnce::default();
    for k in 0..chunks.len() {
        let Some(task) = ahead.take() else { break };
        let read = crate::db::joined(task).await?;
        ahead = chunks
            .get(k + 1)
            .map(|c| read_ahead(db, ws, &campaign.id, c));
        let already: HashSet<&str> = read
            .in_campaign
            .iter()
            .map(|e| e.creator.as_str())
            .collect();
        archived.extend(
            read.in_campaign
                .iter()
                .filter(|e| e.archived)
                .map(|e| e.creator.clone()),
        );
        let fresh: Vec<Value> = read
            .found
            .iter()
            .filter(|w| !already.contains(w.id.as_str()))
            .map(|w| entry(&w.id, &w.name, &w.handle, &w.search))
            .collect();
        found_n += read.found.len();
        fresh_n += fresh.len();
        if fresh.is_empty() {
            continue;
        }
        let mut vars = Map::new();
        vars.insert("ws".into(), json!(ws));
        bind(&mut vars, campaign, fresh, by, now);
        let db = db.clone();
        writes
            .start(async move {
                let sql = format!("BEGIN TRANSACTION; {ENROLL} COMMIT TRANSACTION;");
                crate::db::exec_transaction(&db, &sql, Value::Object(vars)).await?;
                Ok(())
            })
            .await?;
    }
    writes.finish().await?;
    let enrolled_now = fresh_n + archived.len();
    if !archived.is_empty() {
        exec(
            db,
            "LET $back = UPDATE enrollment SET archived_at = NONE, updated_at = $now
                 WHERE campaign = type::record('campaign', $c) AND creator IN $ids.map(|$i| type::record('creator', $i)) RETURN id;
             UPDATE thread SET archived_at = NONE WHERE enrollment IN $back.id;",
            json!({ "c": campaign.id, "ids": archived, "now": now }),
        )
        .await?;
    }
    let kept = found_n - enrolled_now;
    let mut vars = Map::new();
    vars.insert("ws".into(), json!(ws));
    vars.insert("now".into(), json!(now));
    crate::store::audit::AuditEntry {
        actor_kind: "user",
        actor_id: Some(actor),
        action: "creators.enrolled",
        subject: format!("campaign:{}", campaign.id),
        detail: json!({ "enrolled": enrolled_now, "already": kept }),
    }
    .bind(&mut vars);
    exec(
        db,
        crate::store::audit::AUDIT_STATEMENT,
        Value::Object(vars),
    )
    .await?;
    Ok((enrolled_now as u32, kept as u32))
}

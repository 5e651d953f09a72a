//! The timelines the Reports page's figures are computed from (`app::domain::metrics`): for each
//! thread in the caller's workspace (optionally one client, campaign, channel or teammate), its
//! messages as who said them, its stage moves and draft decisions from the audit trail (each
//! event names its thread), its stage and since when. A scoped report reads through the thread
//! indexes; the whole workspace's reads every message. The Reports page's figures come from the
//! rolled-up sums instead (`store::metrics`); these timelines serve the drill-down, a channel or
//! teammate filter, and the roll-up itself (`timelines_of`).

use crate::db::{exec, rows, Db, DbError};
use app::domain::classify::Intent;
use app::domain::metrics::{DraftDecision, Entry, Move, Said, Timeline};
use app::model::{DeclineReason, Stage};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Which threads a report reads.
pub struct Scope<'a> {
    pub workspace: &'a str,
    pub campaign: Option<&'a str>,
    pub client: Option<&'a str>,
    /// Threads that used this channel.
    pub channel: Option<&'a str>,
    /// Threads assigned to this user.
    pub teammate: Option<&'a str>,
}

/// What a report reads.
pub struct Read {
    pub timelines: Vec<Timeline>,
}

#[derive(Deserialize)]
struct ThreadRow {
    id: String,
    #[serde(default)]
    workspace: String,
    #[serde(default)]
    client: Option<String>,
    campaign: String,
    stage: Stage,
    stale: bool,
    stage_since: i64,
    decline_reason: Option<DeclineReason>,
}

#[derive(Deserialize)]
struct MessageRow {
    id: String,
    thread: String,
    at: i64,
    direction: String,
    channel: String,
    sender_kind: String,
    sender_id: Option<String>,
    status: String,
    bulk: bool,
    #[serde(default)]
    intents: Vec<Intent>,
}

#[derive(Deserialize)]
struct AuditRow {
    at: i64,
    action: String,
    /// The thread the event concerns (`audit_event.thread`, derived from its subject).
    thread: Option<String>,
    actor_id: Option<String>,
    #[serde(default)]
    detail: Value,
}

#[derive(Deserialize)]
struct NameRow {
    id: String,
    name: String,
}

/// The thread fields a timeline starts from (`$threads`); the timelines' messages, follow-ups,
/// audit events are read for `$ids` (or the whole workspace).
macro_rules! thread_fields {
    () => {
        "record::id(id) AS id, record::id(workspace) AS workspace,
       IF client != NONE THEN record::id(client) END AS client,
       record::id(campaign) AS campaign, stage, (stale ?? false) AS stale,
       enrollment.decline_reason AS decline_reason,
       (enrollment.stage_at ?? enrollment.created_at ?? 0) AS stage_since"
    };
}

macro_rules! messages_where {
    () => {
        "SELECT record::id(id) AS id, record::id(thread) AS thread, at, direction, channel, sender_kind,
           sender_id, status, (bulk != NONE) AS bulk, (classification.intents.*.intent ?? []) AS intents
        FROM message WHERE "
    };
}
macro_rules! followups_where {
    () => {
        "SELECT VALUE record::id(message) FROM followup WHERE state = 'sent' AND message != NONE AND "
    };
}
macro_rules! audits_where {
    () => {
        "SELECT at, action, record::id(thread) AS thread, actor_id, detail FROM audit_event
        WHERE action IN ['enrollment.stage_changed', 'draft.approved', 'draft.rejected', 'followup.stale'] AND "
    };
}

/// The scope's threads and their timelines' rows. One campaign, channel or teammate: its
/// threads' rows through the thread indexes; else the workspace's (or client's).
const READ: &str = concat!(
    "
LET $w = type::record('workspace', $ws);
RETURN ($campaign = NONE OR array::len(SELECT VALUE id FROM campaign
            WHERE id = type::record('campaign', $campaign) AND workspace = $w) = 1)
    AND ($client = NONE OR array::len(SELECT VALUE id FROM client
            WHERE id = type::record('client', $client) AND workspace = $w) = 1);
LET $threads = SELECT id AS rid, ",
    thread_fields!(),
    "
    FROM thread WHERE workspace = $w AND archived_at = NONE
        AND ($campaign = NONE OR campaign = type::record('campaign', $campaign))
        AND ($client = NONE OR client = type::record('client', $client))
        AND ($channel = NONE OR channels CONTAINS $channel)
        AND ($teammate = NONE OR assignee = type::record('user', $teammate));
RETURN $threads;
LET $ids = $threads.rid;
LET $scoped = $campaign != NONE OR $channel != NONE OR $teammate != NONE;
IF $scoped { ",
    messages_where!(),
    "thread IN $ids ORDER BY at } ELSE { ",
    messages_where!(),
    "workspace = $w AND ($client = NONE OR client = type::record('client', $client)) ORDER BY at };
IF $scoped { ",
    followups_where!(),
    "thread IN $ids } ELSE { ",
    followups_where!(),
    "workspace = $w };
IF $scoped { ",
    audits_where!(),
    "thread IN $ids ORDER BY at } ELSE { ",
    audits_where!(),
    "workspace = $w ORDER BY at };
"
);

/// The threads named that exist and are not archived, and their timelines' rows.
const READ_THREADS: &str = concat!(
    "
LET $ids = array::map($tids, |$i| type::record('thread', $i));
SELECT ",
    thread_fields!(),
    " FROM $ids WHERE workspace != NONE AND archived_at = NONE;
",
    messages_where!(),
    "thread IN $ids ORDER BY at;
",
    followups_where!(),
    "thread IN $ids;
",
    audits_where!(),
    "thread IN $ids ORDER BY at;
"
);

fn said(m: &MessageRow, followups: &HashSet<String>) -> Said {
    let note = m.direction == "internal" || m.channel == "note";
    match (m.direction.as_str(), m.sender_kind.as_str()) {
        _ if note => Said::Note,
        ("inbound", _) => Said::Creator {
            auto_reply: m.intents.contains(&Intent::AutoReply),
            intents: m.intents.clone(),
        },
        _ if m.bulk => Said::Bulk,
        (_, "teammate") => Said::Teammate {
            user: m.sender_id.clone().unwrap_or_default(),
        },
        _ if followups.contains(&m.id) => Said::FollowUp,
        _ => Said::Automatic,
    }
}

fn stage_move(a: &AuditRow) -> Option<Move> {
    let stage = |k: &str| serde_json::from_value::<Stage>(a.detail.get(k)?.clone()).ok();
    Some(Move {
        at: a.at,
        from: stage("from")?,
        to: stage("to")?,
        reason: a
            .detail
            .get("reason")
            .and_then(|r| serde_json::from_value::<DeclineReason>(r.clone()).ok()),
    })
}

/// Where a thread's figures add up: its workspace, client and campaign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub workspace: String,
    pub client: Option<String>,
    pub campaign: String,
}

/// The threads' timelines from their rows, each with its place.
fn assemble(
    threads: Vec<ThreadRow>,
    messages: &[MessageRow],
    followups: &HashSet<String>,
    audits: &[AuditRow],
) -> Vec<(Place, Timeline)> {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<(Place, Timeline)> = Vec::with_capacity(threads.len());
    for (i, t) in threads.into_iter().enumerate() {
        index.insert(t.id.clone(), i);
        let place = Place {
            workspace: t.workspace,
            client: t.client,
            campaign: t.campaign.clone(),
        };
        out.push((
            place,
            Timeline {
                thread: t.id,
                campaign: t.campaign,
                entries: Vec::new(),
                moves: Vec::new(),
                stage: t.stage,
                stage_since: t.stage_since,
                stale: t.stale,
                drafts: Vec::new(),
                decline_reason: t.decline_reason,
                stale_marks: Vec::new(),
            },
        ));
    }
    for m in messages {
        if let Some(&i) = index.get(&m.thread) {
            out[i].1.entries.push(Entry {
                at: m.at,
                said: said(m, followups),
                reached: m.status != "failed",
            });
        }
    }
    for a in audits {
        let Some(&i) = a.thread.as_ref().and_then(|t| index.get(t)) else {
            continue;
        };
        let t = &mut out[i].1;
        match a.action.as_str() {
            "enrollment.stage_changed" => t.moves.extend(stage_move(a)),
            "followup.stale" => t.stale_marks.push(a.at),
            _ => t
                .drafts
                .extend(a.actor_id.clone().map(|user| DraftDecision {
                    at: a.at,
                    user,
                    approved: a.action == "draft.approved",
                })),
        }
    }
    out
}

/// The timelines of the threads in scope; None when the campaign or client named is not the
/// workspace's.
pub async fn timelines(db: &Db, scope: &Scope<'_>) -> Result<Option<Read>, DbError> {
    let mut resp = exec(
        db,
        READ,
        json!({ "ws": scope.workspace, "campaign": scope.campaign, "client": scope.client,
            "channel": scope.channel, "teammate": scope.teammate }),
    )
    .await?;
    let in_workspace: Vec<bool> = rows(&mut resp, 1)?;
    if in_workspace != [true] {
        return Ok(None);
    }
    let threads: Vec<ThreadRow> = rows(&mut resp, 3)?;
    let messages: Vec<MessageRow> = rows(&mut resp, 6)?;
    let followups: HashSet<String> = rows::<String>(&mut resp, 7)?.into_iter().collect();
    let audits: Vec<AuditRow> = rows(&mut resp, 8)?;
    let timelines = assemble(threads, &messages, &followups, &audits)
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    Ok(Some(Read { timelines }))
}

/// The timelines of these threads (by id), each with its place; threads that no longer exist or
/// are archived are left out.
pub async fn timelines_of(db: &Db, threads: &[String]) -> Result<Vec<(Place, Timeline)>, DbError> {
    let mut resp = exec(db, READ_THREADS, json!({ "tids": threads })).await?;
    let rows_of_threads: Vec<ThreadRow> = rows(&mut resp, 1)?;
    let messages: Vec<MessageRow> = rows(&mut resp, 2)?;
    let followups: HashSet<String> = rows::<String>(&mut resp, 3)?.into_iter().collect();
    let audits: Vec<AuditRow> = rows(&mut resp, 4)?;
    Ok(assemble(rows_of_threads, &messages, &followups, &audits))
}

/// Teammates' names by user id (the teammates table).
pub async fn teammate_names(db: &Db, workspace: &str) -> Result<BTreeMap<String, String>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(user) AS id, user.name AS name FROM membership
            WHERE workspace = type::record('workspace', $ws);",
        json!({ "ws": workspace }),
    )
    .await?;
    Ok(rows::<NameRow>(&mut resp, 0)?
        .into_iter()
        .map(|n| (n.id, n.name))
        .collect())
}

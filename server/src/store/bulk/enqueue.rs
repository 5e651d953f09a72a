//! Writing a bulk message's recipients: each gets an entry in their own thread (its inbox fields
//! moved along) and, on a provider channel, a send job due when the channel's rate limit allows.
//! Recipients are written in chunks, each one transaction (two at a time), so an interrupted
//! enqueue (a crash, a restart) resumes with the recipients that have no entry yet; a lease keeps
//! two server instances from writing the same bulk message.

use super::recipients::{self, Resolved, Row};
use super::{render, skip_var};
use crate::config::BulkRates;
use crate::db::{exec, exec_transaction, first, Db, DbError};
use crate::store::audit::AUDIT_STATEMENT;
use crate::store::entry;
use crate::store::thread_write::NewMessage;
use app::api::backend::{Caller, Scope};
use app::domain::bulk;
use app::model::bulk::BulkSelection;
use app::model::{Channel, DeliveryStatus, Direction, Role, SenderKind};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::{HashMap, HashSet};

/// Recipients written per transaction, and transactions in flight at once.
const CHUNK: usize = 250;
const PARALLEL: usize = 2;
/// How long a writer holds a bulk message: a minute, and 20 ms per recipient.
const LEASE_MS: i64 = 60_000;
const LEASE_PER_RECIPIENT_MS: i64 = 20;

/// What writing needs from the server's configuration.
#[derive(Clone, Copy)]
pub struct Sending<'a> {
    pub public_url: &'a str,
    pub email_domain: &'a str,
    pub rates: BulkRates,
}

/// Bulk messages whose time has come, or whose writer stopped holding them.
pub async fn due(db: &Db, now: i64) -> Result<Vec<String>, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE record::id(id) FROM bulk_send WHERE state = 'scheduled' AND scheduled_at <= $now LIMIT 10;
         SELECT VALUE record::id(id) FROM bulk_send WHERE state = 'enqueuing' AND lease_until < $now LIMIT 10;",
        json!({ "now": now }),
    )
    .await?;
    let mut ids: Vec<String> = resp.take(0)?;
    ids.extend(resp.take::<Vec<String>>(1)?);
    Ok(ids)
}

#[derive(Deserialize)]
struct Claimed {
    workspace: String,
    created_by: String,
    created_by_name: String,
    subject: Option<String>,
    body: String,
    recipients: Vec<String>,
}

/// The outcome of `run`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub messages: usize,
    pub jobs: usize,
    pub skipped: usize,
}

/// Writes bulk message `id`'s remaining recipients if it is due and nobody else is writing it.
/// `None` when there was nothing to do.
pub async fn run(
    db: &Db,
    sending: Sending<'_>,
    id: &str,
    now: impl Fn() -> i64,
) -> Result<Option<Written>, DbError> {
    let started = now();
    let Some(c) = claim(db, id, started).await? else {
        return Ok(None);
    };
    let (rest, done_before) = remaining(db, id, &c, started).await?;
    let caller = Caller {
        user_id: c.created_by.clone(),
        workspace_id: c.workspace.clone(),
        role: Role::Member,
        scope: Scope::Workspace,
    };
    let resolved =
        recipients::resolve(db, &caller, &BulkSelection::Threads(rest.clone()), started).await?;
    let mut batch = Batch {
        id,
        claimed: &c,
        sending,
        routes: resolved
            .route()
            .into_iter()
            .map(|r| (r.row.thread.id.clone(), r.route))
            .collect(),
        by_id: resolved
            .rows
            .iter()
            .map(|r| (r.thread.id.as_str(), r))
            .collect(),
        resolved: &resolved,
        slots: next_slots(db, &c.workspace, started).await?,
        started,
        at: now(),
    };
    let mut written = Written::default();
    let mut skips: Vec<Value> = Vec::new();
    let mut entries: Vec<Value> = Vec::with_capacity(rest.len());
    for thread_id in &rest {
        match batch.entry(thread_id) {
            Ok((bound, job)) => {
                entries.push(bound);
                written.messages += 1;
                written.jobs += usize::from(job);
            }
            Err(skip) => skips.push(skip),
        }
    }
    written.skipped = skips.len();
    if !write_chunks(db, id, entries).await? {
        tracing::info!(bulk = %id, "bulk message stopped while its messages were written");
        return Ok(Some(written));
    }
    let done = now();
    let finished = Finished {
        workspace: &c.workspace,
        ms: done - started,
        enqueued: done_before + written.messages,
        skips,
    };
    finish(db, id, finished, &written, done).await?;
    Ok(Some(written))
}

/// Takes the bulk message for this writer (a lease), if it is due and nobody else holds it.
async fn claim(db: &Db, id: &str, now: i64) -> Result<Option<Claimed>, DbError> {
    let claim = exec(
        db,
        "UPDATE type::record('bulk_send', $id) SET state = 'enqueuing', lease_until = $until
             WHERE (state = 'scheduled' AND scheduled_at <= $now) OR (state = 'enqueuing' AND lease_until < $now)
             RETURN record::id(workspace) AS workspace, record::id(created_by) AS created_by, created_by_name,
                 subject, body, recipients;",
        json!({ "id": id, "now": now, "until": now + LEASE_MS }),
    )
    .await;
    match claim {
        Ok(mut resp) => first(&mut resp, 0),
        Err(e) if crate::db::is_conflict(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The recipients still without an entry (one written before an interruption keeps it), and how
/// many have one; extends the lease for the writing ahead.
async fn remaining(
    db: &Db,
    id: &str,
    c: &Claimed,
    started: i64,
) -> Result<(Vec<String>, usize), DbError> {
    let until = started + LEASE_MS + LEASE_PER_RECIPIENT_MS * c.recipients.len() as i64;
    let mut resp = exec(
        db,
        "SELECT VALUE record::id(thread) FROM message WHERE bulk = type::record('bulk_send', $id);
         UPDATE type::record('bulk_send', $id) SET lease_until = $until;",
        json!({ "id": id, "until": until }),
    )
    .await?;
    let done: HashSet<String> = resp.take::<Vec<String>>(0)?.into_iter().collect();
    let rest = c
        .recipients
        .iter()
        .filter(|t| !done.contains(*t))
        .cloned()
        .collect();
    Ok((rest, done.len()))
}

/// What every recipient's entry is built from.
struct Batch<'a> {
    id: &'a str,
    claimed: &'a Claimed,
    sending: Sending<'a>,
    resolved: &'a Resolved,
    by_id: HashMap<&'a str, &'a Row>,
    routes: HashMap<String, Result<Channel, String>>,
    /// Each channel's next send time and how many are already planned from it.
    slots: HashMap<Channel, (i64, usize)>,
    started: i64,
    at: i64,
}

impl Batch<'_> {
    /// The recipient's entry (bound for `entry::statements`) and whether it has a send job; or
    /// why they are skipped.
    fn entry(&mut self, thread_id: &str) -> Result<(Value, bool), Value> {
        let c = self.claimed;
        let Some(row) = self.by_id.get(thread_id).copied() else {
            // Gone from the workspace since (a merge, a move): nothing to write.
            return Err(json!({ "thread": thread_id, "creator": "", "campaign": "",
                "reason": "the thread no longer exists" }));
        };
        let route = self.routes.get(thread_id).cloned();
        let channel = route
            .unwrap_or(Err("not found".into()))
            .map_err(|reason| skip_var(row, &reason))?;
        let link = bulk::uses_portal_link(&c.body).then(crate::ids::new_secret);
        let url = link.as_ref().map(|t| {
            format!(
                "{}{}",
                self.sending.public_url,
                app::domain::portal::link_path(t)
            )
        });
        let campaign = self.resolved.campaigns.get(&row.thread.campaign_id);
        let by = &c.created_by_name;
        let text = render(&c.body, row, campaign, by, url.as_deref())
            .map_err(|reason| skip_var(row, &reason))?;
        let subject = (channel == Channel::Email).then(|| {
            c.subject
                .as_deref()
                .and_then(|s| render(s, row, campaign, by, url.as_deref()).ok())
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| row.thread.campaign_name.clone())
        });
        let to_address = match channel {
            Channel::Email | Channel::Sms => row
                .identities
                .as_deref()
                .and_then(|ids| app::domain::reply_channel::reachable_address(ids, channel))
                .map(str::to_string),
            Channel::Api => Some("platform webhook".into()),
            _ => None,
        };
        let has_job = channel != Channel::InApp;
        // A bulk message goes out from the campaign's sender (else the workspace's default).
        let senders = campaign.and_then(|c| c.senders.clone()).unwrap_or_default();
        let via = app::domain::sending::choose(channel, None, &senders, &self.resolved.identities)
            .map(|(i, _)| i.clone());
        let msg = NewMessage {
            id: crate::ids::new_id(),
            direction: Direction::Outbound,
            channel,
            sender_kind: SenderKind::Teammate,
            sender_id: Some(c.created_by.clone()),
            sender_name: c.created_by_name.clone(),
            subject,
            text,
            at: self.at,
            status: if has_job {
                DeliveryStatus::Queued
            } else {
                DeliveryStatus::Sent
            },
            external_id: None,
            to_address: to_address.clone(),
            job: None,
            email: None,
            check_campaign: false,
            automate: false,
            bulk: Some(self.id.to_string()),
            via,
        };
        let (mut bound, _) = entry::bind(&c.workspace, &row.thread, &msg);
        if has_job {
            let slot = self.slots.entry(channel).or_insert((self.started, 0));
            let per_minute = self.sending.rates.per_minute(channel);
            bound["due"] = json!(bulk::due_at(slot.0, slot.1, per_minute));
            slot.1 += 1;
            bound["job_to"] = json!(to_address.unwrap_or_default());
        }
        if channel == Channel::Email {
            let mid = app::domain::email::our_message_id(&msg.id, self.sending.email_domain);
            bound["email_mid"] = json!(mid);
        }
        if let Some(token) = &link {
            bound["link_hash"] = json!(crate::store::portal::hash(token));
            bound["link_expires"] = json!(self.at + app::domain::portal::LINK_TTL_MS);
            bound["user"] = json!(c.created_by);
        }
        Ok((bound, has_job))
    }
}

/// Writes the entries in chunks, each one transaction, `PARALLEL` at a time. `false` when the
/// bulk message was stopped (canceled) meanwhile: what was written stays.
async fn write_chunks(db: &Db, id: &str, entries: Vec<Value>) -> Result<bool, DbError> {
    use futures::StreamExt;
    let sql = format!(
        "BEGIN TRANSACTION;
         IF (SELECT VALUE state FROM ONLY type::record('bulk_send', $bid)) != 'enqueuing' {{ THROW 'bulk message stopped'; }};
         FOR $e IN $entries {{
             {}
             IF $e.due != NONE {{ {} }};
             IF $e.email_mid != NONE {{ {EMAIL} }};
             IF $e.link_hash != NONE {{ {LINK} }};
         }};
         COMMIT TRANSACTION;",
        entry::statements("e", false),
        entry::job_statement("e")
    );
    let batches: Vec<Value> = entries
        .chunks(CHUNK)
        .map(|chunk| json!({ "bid": id, "entries": chunk }))
        .collect();
    let sql = sql.as_str();
    let outcomes: Vec<Result<_, DbError>> = futures::stream::iter(batches)
        .map(move |vars| exec_transaction(db, sql, vars))
        .buffer_unordered(PARALLEL)
        .collect()
        .await;
    for o in outcomes {
        match o {
            Err(e) if e.to_string().contains("bulk message stopped") => return Ok(false),
            other => {
                other?;
            }
        }
    }
    Ok(true)
}

/// How the writing went, for the bulk message's record.
struct Finished<'a> {
    workspace: &'a str,
    ms: i64,
    enqueued: usize,
    skips: Vec<Value>,
}

/// Marks the bulk message sending, with its counts and skipped recipients, and audits it.
async fn finish(
    db: &Db,
    id: &str,
    f: Finished<'_>,
    written: &Written,
    now: i64,
) -> Result<(), DbError> {
    let mut vars = Map::new();
    vars.insert("bid".into(), json!(id));
    vars.insert("ws".into(), json!(f.workspace));
    vars.insert("now".into(), json!(now));
    vars.insert("ms".into(), json!(f.ms));
    vars.insert("skips".into(), Value::Array(f.skips));
    vars.insert("enqueued".into(), json!(f.enqueued));
    crate::store::audit::AuditEntry {
        actor_kind: "system",
        actor_id: None,
        action: "bulk.enqueued",
        subject: format!("bulk_send:{id}"),
        detail: json!({ "messages": written.messages, "skipped": written.skipped }),
    }
    .bind(&mut vars);
    exec(
        db,
        &format!(
            "BEGIN TRANSACTION;
             UPDATE type::record('bulk_send', $bid) SET state = 'sending', lease_until = NONE, enqueue_ms = $ms,
                 enqueued = $enqueued, skipped = array::concat(skipped, $skips) WHERE state = 'enqueuing';
             {AUDIT_STATEMENT}
             COMMIT TRANSACTION;"
        ),
        Value::Object(vars),
    )
    .await?;
    Ok(())
}

/// Where each channel's next bulk send may go: after the last one already waiting (another
/// bulk message of the workspace), so two batches together still keep the channel's rate.
async fn next_slots(
    db: &Db,
    ws: &str,
    now: i64,
) -> Result<HashMap<Channel, (i64, usize)>, DbError> {
    #[derive(Deserialize)]
    struct Last {
        channel: Channel,
        last: Option<i64>,
    }
    let mut resp = exec(
        db,
        "SELECT channel, math::max(next_at) AS last FROM outbound_job WHERE status = 'queued' AND next_at > $now
             AND workspace = type::record('workspace', $ws) AND bulk != NONE GROUP BY channel;",
        json!({ "ws": ws, "now": now }),
    )
    .await?;
    let last: Vec<Last> = crate::db::rows(&mut resp, 0)?;
    Ok(last
        .into_iter()
        .filter_map(|l| l.last.map(|at| (l.channel, (at.max(now), 1))))
        .collect())
}

/// A bulk email's own Message-ID: a reply threads back to this creator's thread.
const EMAIL: &str = "UPDATE type::record('message', $e.mid) SET email_message_id = $e.email_mid, email_references = [];";

/// A fresh portal link for the recipient (the earlier one is revoked: one link at a time).
const LINK: &str = "UPDATE portal_link SET revoked_at = $e.at WHERE thread = type::record('thread', $e.tid) AND revoked_at = NONE;
    CREATE portal_link SET workspace = type::record('workspace', $e.ws), thread = type::record('thread', $e.tid),
        token_hash = $e.link_hash, created_by = $e.user, created_at = $e.at, expires_at = $e.link_expires;";

//! Send jobs in the database: finding due ones, claiming one with a lease (one claimant wins
//! even across server instances: the claim is a conditional update, and two concurrent claims of
//! the same record conflict so only one commits), and recording how an attempt ended.

use crate::db::key_of;
use crate::db::{exec, first, Db, DbError};
use crate::store::audit::{AuditEntry, AUDIT_STATEMENT};
use app::domain::delivery::{advance, retry_delay_ms};
use app::model::{Channel, DeliveryStatus};
use serde_json::{json, Map, Value};

/// How long a claim holds a job. Longer than any provider call may take (their timeout is 20 s),
/// so a job is only claimed again when its worker died mid-attempt.
pub const LEASE_MS: i64 = 60_000;

/// A job claimed by this worker for one attempt.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: String,
    pub workspace: String,
    pub message: String,
    pub channel: Channel,
    pub to_address: String,
    pub text: String,
    pub options: Value,
    /// The identity it goes out from (`domain::sending`; none: the channel's default).
    pub via: Option<String>,
    /// This attempt's number (1 for the first).
    pub attempt: u32,
}

/// Ids of queued jobs that are due.
pub async fn due(db: &Db, now: i64, limit: usize) -> Result<Vec<String>, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE record::id(id) FROM outbound_job WHERE status = 'queued' AND next_at <= $now LIMIT $limit;",
        json!({ "now": now, "limit": limit }),
    )
    .await?;
    Ok(resp.take(0)?)
}

/// Jobs a worker claimed and never finished (it stopped mid-send; the lease ran out), each taken
/// by this caller so no other settles it too: the caller requeues or fails each
/// (`domain::delivery::resend_interrupted`).
pub async fn take_interrupted(
    db: &Db,
    owner: &str,
    now: i64,
    limit: usize,
) -> Result<Vec<Claimed>, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE record::id(id) FROM outbound_job WHERE status = 'sending' AND next_at <= $now LIMIT $limit;",
        json!({ "now": now, "limit": limit }),
    )
    .await?;
    let ids: Vec<String> = resp.take(0)?;
    let mut out = Vec::new();
    for id in ids {
        let taken = exec(
            db,
            "UPDATE type::record('outbound_job', $id) SET lease_owner = $owner, next_at = $until, updated_at = $now
                 WHERE status = 'sending' AND next_at <= $now RETURN AFTER;",
            json!({ "id": id, "owner": owner, "now": now, "until": now + LEASE_MS }),
        )
        .await;
        let mut taken = match taken {
            Ok(r) => r,
            Err(e) if crate::db::is_conflict(&e) => continue,
            Err(e) => return Err(e),
        };
        if let Some(row) = first::<Value>(&mut taken, 0)? {
            out.push(claimed(&row)?);
        }
    }
    Ok(out)
}

/// Puts an interrupted job back in the queue, to be sent again now.
pub async fn requeue_interrupted(db: &Db, job: &Claimed, now: i64) -> Result<(), DbError> {
    exec(
        db,
        "UPDATE type::record('outbound_job', $job) SET status = 'queued', lease_owner = NONE, next_at = $now,
             updated_at = $now WHERE status = 'sending';",
        json!({ "job": job.id, "now": now }),
    )
    .await
    .map(|_| ())
}

/// Claims job `id` for `owner` if it is still due. `None` when another worker has it (or had it
/// and finished), including when a concurrent claim made this one conflict.
pub async fn claim(db: &Db, id: &str, owner: &str, now: i64) -> Result<Option<Claimed>, DbError> {
    let resp = exec(
        db,
        "UPDATE type::record('outbound_job', $id) SET status = 'sending', lease_owner = $owner,
             next_at = $until, attempts += 1, updated_at = $now
             WHERE status = 'queued' AND next_at <= $now RETURN AFTER;",
        json!({ "id": id, "owner": owner, "now": now, "until": now + LEASE_MS }),
    )
    .await;
    let mut resp = match resp {
        Ok(r) => r,
        // A concurrent claim of the same record: the other worker has it.
        Err(e) if crate::db::is_conflict(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    let row: Option<Value> = first(&mut resp, 0)?;
    row.map(|r| claimed(&r)).transpose()
}

fn claimed(row: &Value) -> Result<Claimed, DbError> {
    let field = |k: &str| row.get(k).cloned().unwrap_or(Value::Null);
    let text = |k: &str| field(k).as_str().unwrap_or_default().to_string();
    Ok(Claimed {
        id: key_of(&field("id")).unwrap_or_default(),
        workspace: key_of(&field("workspace")).unwrap_or_default(),
        message: key_of(&field("message")).unwrap_or_default(),
        channel: serde_json::from_value(field("channel"))?,
        to_address: text("to_address"),
        text: text("text"),
        options: field("options"),
        via: field("via").as_str().map(str::to_string),
        attempt: field("attempts").as_u64().unwrap_or(1) as u32,
    })
}

/// Claims up to `limit` queued jobs that are due, in one statement (one transaction). Empty when another worker
/// claimed some of the same jobs at this moment (the conflict aborts this claim; the caller
/// falls back to claiming one by one).
pub async fn claim_batch(
    db: &Db,
    owner: &str,
    now: i64,
    limit: usize,
) -> Result<Vec<Claimed>, DbError> {
    let resp = exec(
        db,
        "UPDATE (SELECT VALUE id FROM outbound_job WHERE status = 'queued' AND next_at <= $now LIMIT $limit)
             SET status = 'sending', lease_owner = $owner, next_at = $until, attempts += 1, updated_at = $now
             WHERE status = 'queued' AND next_at <= $now RETURN AFTER;",
        json!({ "owner": owner, "now": now, "until": now + LEASE_MS, "limit": limit }),
    )
    .await;
    let mut resp = match resp {
        Ok(r) => r,
        Err(e) if crate::db::is_conflict(&e) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let rows: Vec<Value> = resp.take(0)?;
    rows.iter().map(claimed).collect()
}

/// The attempts succeeded: each provider accepted its message under its id. One transaction,
/// then any delivery report that raced ahead of these records is applied.
pub async fn mark_sent_many(
    db: &Db,
    sent: &[(&Claimed, Option<String>)],
    now: i64,
) -> Result<(), DbError> {
    if sent.is_empty() {
        return Ok(());
    }
    let rows: Vec<Value> = sent
        .iter()
        // Absent, not null, when the provider gave no id: the field takes NONE.
        .map(|(job, pid)| {
            crate::db::without_nulls(json!({ "job": job.id, "mid": job.message, "pid": pid }))
        })
        .collect();
    let pids: Vec<&str> = sent.iter().filter_map(|(_, p)| p.as_deref()).collect();
    let mut resp = exec(
        db,
        "BEGIN TRANSACTION;
         FOR $r IN $rows {
             UPDATE type::record('outbound_job', $r.job) SET status = 'done', lease_owner = NONE, last_error = NONE, updated_at = $now;
             UPDATE type::record('message', $r.mid) SET status = IF status = 'queued' THEN 'sent' ELSE status END,
                 external_id = $r.pid, sent_at = $now, failure_reason = NONE;
         };
         COMMIT TRANSACTION;
         SELECT record::id(workspace) AS ws, external_id, status, error FROM delivery_report
             WHERE external_id IN $pids ORDER BY at ASC;",
        json!({ "rows": rows, "pids": pids, "now": now }),
    )
    .await?;
    let n = resp.num_statements();
    let early: Vec<Value> = resp.take(n - 1)?;
    for r in early {
        let Some((job, _)) = sent.iter().find(|(j, p)| {
            p.as_deref() == r["external_id"].as_str()
                && r["ws"].as_str() == Some(j.workspace.as_str())
        }) else {
            continue;
        };
        let status: Option<DeliveryStatus> = serde_json::from_value(r["status"].clone()).ok();
        if let Some(status) = status {
            let error = r["error"].as_str().map(str::to_string);
            apply_report(db, &job.workspace, &job.message, status, error).await?;
        }
    }
    Ok(())
}

/// The attempt failed with `reason`. A retryable failure is tried again later while attempts
/// remain; otherwise the message is marked failed (audited) and waits for a person's retry.
/// Returns whether the job will be retried.
pub async fn mark_failed(
    db: &Db,
    job: &Claimed,
    reason: &str,
    retryable: bool,
    now: i64,
) -> Result<bool, DbError> {
    if let Some(delay) = retryable.then(|| retry_delay_ms(job.attempt)).flatten() {
        exec(
            db,
            "UPDATE type::record('outbound_job', $job) SET status = 'queued', lease_owner = NONE,
                 next_at = $next, last_error = $reason, updated_at = $now;",
            json!({ "job": job.id, "next": now + delay, "reason": reason, "now": now }),
        )
        .await?;
        return Ok(true);
    }
    let mut vars = Map::new();
    vars.insert("job".into(), json!(job.id));
    vars.insert("mid".into(), json!(job.message));
    vars.insert("reason".into(), json!(reason));
    vars.insert("now".into(), json!(now));
    vars.insert("ws".into(), json!(job.workspace));
    AuditEntry {
        actor_kind: "system",
        actor_id: None,
        action: "message.send_failed",
        subject: format!("message:{}", job.message),
        detail: json!({ "channel": job.channel, "reason": reason, "attempts": job.attempt }),
    }
    .bind(&mut vars);
    exec(
        db,
        &format!(
            "BEGIN TRANSACTION;
             UPDATE type::record('outbound_job', $job) SET status = 'failed', lease_owner = NONE, last_error = $reason, updated_at = $now;
             UPDATE type::record('message', $mid) SET status = 'failed', failure_reason = $reason;
             {AUDIT_STATEMENT}
             COMMIT TRANSACTION;"
        ),
        Value::Object(vars),
    )
    .await?;
    Ok(false)
}

/// A provider's delivery report for message `message_id`: moves its status forward only
/// (`app::domain::delivery::advance`).
pub async fn apply_report(
    db: &Db,
    workspace: &str,
    message_id: &str,
    reported: DeliveryStatus,
    error: Option<String>,
) -> Result<(), DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE status FROM ONLY type::record('message', $mid) WHERE workspace = type::record('workspace', $ws);",
        json!({ "mid": message_id, "ws": workspace }),
    )
    .await?;
    let current: Option<DeliveryStatus> = resp
        .take::<Option<Value>>(0)?
        .and_then(|v| serde_json::from_value(v).ok());
    let Some(next) = current.and_then(|c| advance(c, reported)) else {
        return Ok(());
    };
    let reason = (next == DeliveryStatus::Failed)
        .then(|| error.unwrap_or_else(|| "the provider could not deliver it".into()));
    exec(
        db,
        "UPDATE type::record('message', $mid) SET status = $status, failure_reason = $reason
             WHERE workspace = type::record('workspace', $ws);",
        json!({ "mid": message_id, "ws": workspace, "status": next, "reason": reason }),
    )
    .await?;
    Ok(())
}

/// Puts a failed message's job back in the queue (a person asked to retry). Returns false when
/// the message is not a failed outbound message of the workspace.
pub async fn requeue(
    db: &Db,
    workspace: &str,
    message_id: &str,
    user_id: &str,
    now: i64,
) -> Result<bool, DbError> {
    let mut vars = Map::new();
    vars.insert("mid".into(), json!(message_id));
    vars.insert("ws".into(), json!(workspace));
    vars.insert("now".into(), json!(now));
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(user_id),
        action: "message.retried",
        subject: format!("message:{message_id}"),
        detail: json!({}),
    }
    .bind(&mut vars);
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $job = SELECT VALUE id FROM ONLY type::record('outbound_job', $mid)
             WHERE workspace = type::record('workspace', $ws) AND status = 'failed';
         IF $job = NONE {{ THROW 'not retryable'; }};
         UPDATE $job SET status = 'queued', attempts = 0, next_at = $now, lease_owner = NONE, last_error = NONE, updated_at = $now;
         UPDATE type::record('message', $mid) SET status = 'queued', failure_reason = NONE;
         {AUDIT_STATEMENT}
         COMMIT TRANSACTION;"
    );
    let mut resp = db.query(sql).bind(Value::Object(vars)).await?;
    // Every statement of a failed transaction reports an error; the THROW says why it failed.
    let errors = resp.take_errors();
    if errors.is_empty() {
        Ok(true)
    } else if errors
        .values()
        .any(|e| e.to_string().contains("not retryable"))
    {
        Ok(false)
    } else {
        Err(errors
            .into_values()
            .next()
            .map(DbError::from)
            .unwrap_or_else(|| DbError::Other("retry failed".into())))
    }
}

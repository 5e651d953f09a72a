//! What teammates do with a bulk message after creating it: approve or reject it (one approval
//! for the whole batch), cancel it mid-way, retry its failures, list recent ones.

use super::{view, CANCELED};
use crate::db::{exec, exec_transaction, first, Db, DbError};
use crate::store::audit::{AuditEntry, AUDIT_STATEMENT};
use crate::store::thread_write::{user_name, WriteError};
use app::api::backend::Caller;
use app::domain::draft::rank;
use app::model::bulk::{BulkState, BulkView};
use app::model::Role;
use serde::Deserialize;
use serde_json::{json, Map, Value};

fn vars(caller: &Caller, id: &str, now: i64, action: &str, detail: Value) -> Map<String, Value> {
    let mut vars = Map::new();
    vars.insert("bid".into(), json!(id));
    vars.insert("ws".into(), json!(caller.workspace_id));
    vars.insert("now".into(), json!(now));
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action,
        subject: format!("bulk_send:{id}"),
        detail,
    }
    .bind(&mut vars);
    vars
}

#[derive(Deserialize)]
struct Pending {
    state: BulkState,
    approval_role: Option<Role>,
    scheduled_at: i64,
    recipients: usize,
}

/// Approves (it is scheduled, and written at once when due) or rejects a bulk message waiting
/// for approval. Returns how many recipients are to be written now (`None`: rejected, or
/// scheduled later).
pub async fn decide(
    db: &Db,
    caller: &Caller,
    id: &str,
    approve: bool,
    now: i64,
) -> Result<Option<usize>, WriteError> {
    let mut resp = exec(
        db,
        "SELECT state, approval_role, scheduled_at, array::len(recipients) AS recipients FROM ONLY type::record('bulk_send', $id)
             WHERE workspace = type::record('workspace', $ws);",
        json!({ "id": id, "ws": caller.workspace_id }),
    )
    .await?;
    let p: Pending = first(&mut resp, 0)?.ok_or(WriteError::NotFound)?;
    if p.state != BulkState::PendingApproval {
        return Err(WriteError::Invalid(format!(
            "this bulk message is not awaiting approval ({})",
            p.state.label().to_lowercase()
        )));
    }
    let need = p.approval_role.unwrap_or(Role::Manager);
    if !caller.role.can_write() || rank(caller.role) < rank(need) {
        return Err(WriteError::Forbidden(format!(
            "approving this bulk message needs the {} role",
            need.as_str()
        )));
    }
    let name = user_name(db, &caller.user_id).await?;
    let action = if approve {
        "bulk.approved"
    } else {
        "bulk.rejected"
    };
    let mut v = vars(caller, id, now, action, json!({}));
    v.insert("name".into(), json!(name));
    v.insert(
        "to".into(),
        json!(if approve { "scheduled" } else { "rejected" }),
    );
    exec_transaction(
        db,
        &format!(
            "BEGIN TRANSACTION;
             LET $b = UPDATE type::record('bulk_send', $bid) SET state = $to, decided_by_name = $name, decided_at = $now
                 WHERE state = 'pending_approval' RETURN VALUE id;
             IF array::len($b) = 0 {{ THROW 'already decided'; }};
             {AUDIT_STATEMENT}
             COMMIT TRANSACTION;"
        ),
        Value::Object(v),
    )
    .await
    .map_err(|e| {
        if e.to_string().contains("already decided") {
            WriteError::Invalid("this bulk message was already decided".into())
        } else {
            WriteError::Db(e)
        }
    })?;
    Ok((approve && p.scheduled_at <= now).then_some(p.recipients))
}

/// Cancels a bulk message: nothing more is written, and its messages still waiting to go out
/// are marked failed ("Canceled with its bulk message"). A message a worker is sending at this
/// moment still goes. Returns how many waiting messages were stopped.
pub async fn cancel(db: &Db, caller: &Caller, id: &str, now: i64) -> Result<usize, WriteError> {
    let name = user_name(db, &caller.user_id).await?;
    let mut v = vars(caller, id, now, "bulk.canceled", json!({}));
    v.insert("name".into(), json!(name));
    v.insert("canceled".into(), json!(CANCELED));
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $b = UPDATE type::record('bulk_send', $bid) SET state = 'canceled', canceled_by_name = $name, lease_until = NONE
             WHERE workspace = type::record('workspace', $ws)
                 AND state IN ['pending_approval', 'scheduled', 'enqueuing', 'sending'] RETURN VALUE id;
         IF array::len($b) = 0 {{ THROW 'not cancelable'; }};
         LET $stopped = UPDATE outbound_job SET status = 'failed', last_error = $canceled, updated_at = $now
             WHERE bulk = type::record('bulk_send', $bid) AND status = 'queued' RETURN VALUE message;
         UPDATE $stopped SET status = 'failed', failure_reason = $canceled;
         {AUDIT_STATEMENT}
         COMMIT TRANSACTION;
         SELECT VALUE count() FROM message WHERE bulk = type::record('bulk_send', $bid) AND status = 'failed'
             AND failure_reason = $canceled GROUP ALL;"
    );
    // A dispatcher claiming one of its jobs at this instant conflicts: try again.
    for attempt in 0..5 {
        match exec(db, &sql, Value::Object(v.clone())).await {
            Ok(mut resp) => {
                let n = resp.num_statements();
                let count: Option<usize> = resp.take(n - 1).map_err(DbError::from)?;
                return Ok(count.unwrap_or(0));
            }
            Err(e) if e.to_string().contains("not cancelable") => {
                return Err(match view(db, caller, id, now).await? {
                    None => WriteError::NotFound,
                    Some(b) => WriteError::Invalid(format!(
                        "this bulk message can no longer be canceled ({})",
                        b.state.label().to_lowercase()
                    )),
                });
            }
            Err(e) if crate::db::is_conflict(&e) && attempt < 4 => continue,
            Err(e) => return Err(WriteError::Db(e)),
        }
    }
    unreachable!("the loop returns on its last attempt")
}

/// Queues the bulk message's failed sends again (not the canceled ones). Returns how many.
pub async fn retry_failed(
    db: &Db,
    caller: &Caller,
    id: &str,
    now: i64,
) -> Result<usize, WriteError> {
    if view(db, caller, id, now).await?.is_none() {
        return Err(WriteError::NotFound);
    }
    let mut v = vars(caller, id, now, "bulk.retried", json!({}));
    v.insert("canceled".into(), json!(CANCELED));
    let mut resp = exec(
        db,
        &format!(
            "BEGIN TRANSACTION;
             LET $again = UPDATE outbound_job SET status = 'queued', attempts = 0, next_at = $now, lease_owner = NONE,
                 last_error = NONE, updated_at = $now
                 WHERE bulk = type::record('bulk_send', $bid) AND status = 'failed' AND last_error != $canceled
                 RETURN VALUE message;
             UPDATE $again SET status = 'queued', failure_reason = NONE;
             {AUDIT_STATEMENT}
             RETURN array::len($again);
             COMMIT TRANSACTION;"
        ),
        Value::Object(v),
    )
    .await?;
    let n = resp.num_statements();
    let count: Option<usize> = resp.take(n - 1).unwrap_or(None);
    Ok(count.unwrap_or(0))
}

/// The workspace's recent bulk messages, newest first.
pub async fn recent(db: &Db, caller: &Caller, now: i64) -> Result<Vec<BulkView>, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE record::id(id) FROM bulk_send WHERE workspace = type::record('workspace', $ws)
             ORDER BY created_at DESC LIMIT 30;",
        json!({ "ws": caller.workspace_id }),
    )
    .await?;
    let ids: Vec<String> = resp.take(0)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(mut b) = view(db, caller, &id, now).await? {
            b.problems.clear();
            out.push(b);
        }
    }
    Ok(out)
}

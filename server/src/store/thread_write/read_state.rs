//! Read and snooze state: marking a thread read, snoozing and waking it.

use super::*;
use crate::db::{exec, exec_transaction, Db, DbError};
use crate::store::audit::{AuditEntry, AUDIT_STATEMENT};
use crate::store::threads::find;
use app::api::backend::Caller;
use serde_json::{json, Map, Value};

pub async fn mark_read(db: &Db, caller: &Caller, thread_id: &str) -> Result<(), WriteError> {
    find(db, caller, thread_id)
        .await?
        .ok_or(WriteError::NotFound)?;
    exec(
        db,
        "UPDATE type::record('thread', $tid) SET unread = false WHERE workspace = type::record('workspace', $ws);",
        json!({ "tid": thread_id, "ws": caller.workspace_id }),
    )
    .await?;
    Ok(())
}

/// Snoozes a thread (or wakes it, `Request::Off`). While snoozed it has no `awaiting_since`, so it
/// leaves Needs reply and Overdue; the wait it had is kept and restored when it wakes. The
/// creator's next message ends any snooze (see `entry::statements`).
pub async fn snooze(
    db: &Db,
    caller: &Caller,
    thread_id: &str,
    request: app::domain::snooze::Request,
    now: i64,
) -> Result<(), WriteError> {
    use app::domain::snooze::{check, Request};
    find(db, caller, thread_id)
        .await?
        .ok_or(WriteError::NotFound)?;
    check(request, now).map_err(WriteError::Invalid)?;
    let (until, until_reply) = match request {
        Request::Until { at, or_reply } => (Some(at), or_reply),
        Request::UntilReply => (None, true),
        Request::Off => (None, false),
    };
    let mut vars = Map::new();
    vars.insert("ws".into(), json!(caller.workspace_id));
    vars.insert("tid".into(), json!(thread_id));
    vars.insert("until".into(), json!(until));
    vars.insert("reply".into(), json!(until_reply.then_some(true)));
    vars.insert("now".into(), json!(now));
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: if request == Request::Off {
            "thread.woken"
        } else {
            "thread.snoozed"
        },
        subject: format!("thread:{thread_id}"),
        detail: json!({ "until": until, "until_reply": until_reply }),
    }
    .bind(&mut vars);
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $t = (SELECT awaiting_since, snoozed_awaiting, snoozed_until, snooze_until_reply FROM ONLY type::record('thread', $tid));
         LET $was = IF $t.snoozed_until != NONE OR $t.snooze_until_reply = true THEN $t.snoozed_awaiting ELSE $t.awaiting_since END;
         IF $until = NONE AND $reply = NONE {{
             UPDATE type::record('thread', $tid) SET awaiting_since = $was, snoozed_until = NONE, snooze_until_reply = NONE,
                 snoozed_awaiting = NONE WHERE workspace = type::record('workspace', $ws);
         }} ELSE {{
             UPDATE type::record('thread', $tid) SET awaiting_since = NONE, snoozed_until = $until, snooze_until_reply = $reply,
                 snoozed_awaiting = $was WHERE workspace = type::record('workspace', $ws);
         }};
         {AUDIT_STATEMENT}
         COMMIT TRANSACTION;"
    );
    exec_transaction(db, &sql, Value::Object(vars)).await?;
    Ok(())
}

/// Wakes every thread whose snooze time has come: its wait is restored and it is marked unread.
pub async fn wake_snoozed(db: &Db, now: i64) -> Result<(), DbError> {
    exec(
        db,
        "UPDATE thread SET awaiting_since = snoozed_awaiting, unread = true, snoozed_until = NONE,
             snooze_until_reply = NONE, snoozed_awaiting = NONE
         WHERE snoozed_until != NONE AND snoozed_until <= $now;",
        json!({ "now": now }),
    )
    .await?;
    Ok(())
}

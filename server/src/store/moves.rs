//! Moving entries between threads: a creator's message filed under the wrong campaign is moved
//! to the right one (only between the same creator's threads), and both threads' inbox fields are
//! recomputed from their entries (`app::domain::thread_tail`), in one transaction with the audit.

use super::audit::{AuditEntry, AUDIT_STATEMENT};
use super::thread_write::{WriteError, SNIPPET_CHARS};
use super::threads::find;
use crate::db::{exec, exec_transaction, rows, Db, DbError};
use app::api::backend::Caller;
use app::domain::thread_tail::{tail, Entry, Tail};
use serde_json::{json, Map, Value};

/// The entries of `thread`, with `moved` counted in or out.
async fn entries(db: &Db, thread: &str) -> Result<Vec<(String, Entry)>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, at, direction, channel, sender_kind, sender_name, text FROM message
             WHERE thread = type::record('thread', $t);",
        json!({ "t": thread }),
    )
    .await?;
    let raw: Vec<Value> = rows(&mut resp, 0)?;
    raw.into_iter()
        .map(|v| {
            let id = v["id"].as_str().unwrap_or_default().to_string();
            Ok((id, serde_json::from_value(v)?))
        })
        .collect()
}

/// The SET clause values of a thread's tail (`None`: no entries left — nobody waits).
pub fn tail_vars(t: Option<Tail>) -> Value {
    // Absent, not null: an absent `awaiting_since` reads as NONE (nobody waits).
    let v = match t {
        Some(t) => json!({
            "last_at": t.last_at, "last_channel": t.last_channel, "last_sender_kind": t.last_sender_kind,
            "last_sender_name": t.last_sender_name, "last_snippet": t.last_snippet,
            "awaiting_since": t.awaiting_since, "channels": t.channels,
        }),
        None => json!({}),
    };
    crate::db::without_nulls(v)
}

/// The statement that writes a tail bound as `$<name>` onto thread `$<name>_id`.
pub fn tail_statement(name: &str) -> String {
    format!(
        "UPDATE type::record('thread', ${name}_id) SET
             last_at = ${name}.last_at ?? last_at, last_channel = ${name}.last_channel ?? last_channel,
             last_sender_kind = ${name}.last_sender_kind ?? last_sender_kind,
             last_sender_name = ${name}.last_sender_name ?? last_sender_name,
             last_snippet = ${name}.last_snippet ?? last_snippet,
             awaiting_since = ${name}.awaiting_since, channels = ${name}.channels ?? channels;"
    )
}

/// Recomputes the tails of the threads after `moving` leaves `from` for `to`.
pub async fn tails_after_move(
    db: &Db,
    from: &str,
    to: &str,
    moving: &[String],
) -> Result<(Value, Value), DbError> {
    let mut source = entries(db, from).await?;
    let mut target = entries(db, to).await?;
    let mut carried = Vec::new();
    source.retain(|(id, e)| {
        if moving.contains(id) {
            carried.push((id.clone(), e.clone()));
            false
        } else {
            true
        }
    });
    target.extend(carried);
    let only = |v: Vec<(String, Entry)>| v.into_iter().map(|(_, e)| e).collect::<Vec<_>>();
    Ok((
        tail_vars(tail(&only(source), SNIPPET_CHARS)),
        tail_vars(tail(&only(target), SNIPPET_CHARS)),
    ))
}

/// Moves message `message_id` to thread `to` (another campaign of the same creator).
pub async fn move_message(
    db: &Db,
    caller: &Caller,
    message_id: &str,
    to: &str,
    now: i64,
) -> Result<(), WriteError> {
    let mut resp = exec(
        db,
        "SELECT VALUE record::id(thread) FROM message WHERE id = type::record('message', $m)
             AND workspace = type::record('workspace', $ws);",
        json!({ "m": message_id, "ws": caller.workspace_id }),
    )
    .await?;
    let from: String = resp
        .take::<Vec<String>>(0)
        .map_err(DbError::from)?
        .into_iter()
        .next()
        .ok_or(WriteError::NotFound)?;
    let source = find(db, caller, &from).await?.ok_or(WriteError::NotFound)?;
    let target = find(db, caller, to).await?.ok_or(WriteError::NotFound)?;
    if from == to {
        return Err(WriteError::Invalid(
            "the message is already in that thread".into(),
        ));
    }
    if source.summary.creator_id != target.summary.creator_id {
        return Err(WriteError::Invalid(
            "a message can only move between the same creator's campaigns".into(),
        ));
    }
    let (from_tail, to_tail) = tails_after_move(db, &from, to, &[message_id.to_string()]).await?;
    let mut vars = Map::new();
    for (k, v) in [
        ("ws", json!(caller.workspace_id)),
        ("m", json!(message_id)),
        ("src_id", json!(from)),
        ("dst_id", json!(to)),
        ("src", from_tail),
        ("dst", to_tail),
        ("now", json!(now)),
    ] {
        vars.insert(k.into(), v);
    }
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "message.moved",
        subject: format!("message:{message_id}"),
        detail: json!({ "from": from, "to": to, "to_campaign": target.summary.campaign_name }),
    }
    .bind(&mut vars);
    exec_transaction(
        db,
        &format!(
            "BEGIN TRANSACTION;
             UPDATE type::record('message', $m) SET thread = type::record('thread', $dst_id), check_campaign = NONE;
             {}
             {}
             {AUDIT_STATEMENT}
             COMMIT TRANSACTION;",
            tail_statement("src"),
            tail_statement("dst"),
        ),
        Value::Object(vars),
    )
    .await?;
    Ok(())
}

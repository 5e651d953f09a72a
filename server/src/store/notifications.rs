//! In-app notifications: a teammate @mentioned in a note, a draft assigned for review. Written in
//! the transaction of what caused them; read and cleared by their recipient only.

use super::thread_write::{Extra, NewMessage};
use crate::db::{exec, rows, Db, DbError};
use app::api::backend::Caller;
use app::domain::mentions::mentioned;
use app::domain::text::snippet;
use app::model::{NotificationView, ThreadSummary};
use serde_json::{json, Value};

/// Creates each `$notify` entry (reads `$ws`, `$now`).
pub const NOTIFY_STATEMENT: &str = "FOR $n IN $notify { CREATE notification SET workspace = type::record('workspace', $ws),
    user = type::record('user', $n.user), kind = $n.kind, thread = type::record('thread', $n.thread), text = $n.text,
    by_name = $n.by_name, at = $now, read = false; };\n";

/// One notification for `user` about `thread`.
pub fn entry(user: &str, kind: &str, thread: &str, text: &str, by_name: &str) -> Value {
    json!({ "user": user, "kind": kind, "thread": thread, "text": snippet(text, 160), "by_name": by_name })
}

/// Adds a notification for each teammate the note mentions (never its author).
pub async fn mentions(
    db: &Db,
    caller: &Caller,
    thread: &ThreadSummary,
    note: &NewMessage,
    extra: &mut Extra,
) -> Result<(), DbError> {
    if !note.text.contains('@') {
        return Ok(());
    }
    let team: Vec<(String, String)> = super::inbox::teammates(db, &caller.workspace_id)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let notify: Vec<Value> = mentioned(&note.text, &team)
        .into_iter()
        .filter(|id| *id != caller.user_id)
        .map(|id| {
            entry(
                id,
                "mention",
                &thread.id,
                &format!(
                    "{} · {}: {}",
                    thread.creator_name, thread.campaign_name, note.text
                ),
                &note.sender_name,
            )
        })
        .collect();
    if !notify.is_empty() {
        extra.after.push_str(NOTIFY_STATEMENT);
        extra.vars.insert("notify".into(), Value::Array(notify));
    }
    Ok(())
}

/// The caller's newest notifications (unread first).
pub async fn list(db: &Db, caller: &Caller) -> Result<Vec<NotificationView>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, kind, record::id(thread) AS thread_id, text, by_name, at, read FROM notification
             WHERE user = type::record('user', $u) AND workspace = type::record('workspace', $ws)
             ORDER BY read ASC, at DESC LIMIT 30;",
        json!({ "u": caller.user_id, "ws": caller.workspace_id }),
    )
    .await?;
    rows(&mut resp, 0)
}

/// Marks the caller's notifications read (all of them, or those about one thread).
pub async fn mark_read(db: &Db, caller: &Caller, thread: Option<&str>) -> Result<(), DbError> {
    exec(
        db,
        "UPDATE notification SET read = true WHERE user = type::record('user', $u) AND read = false
             AND workspace = type::record('workspace', $ws)
             AND ($thread = NONE OR thread = type::record('thread', $thread));",
        json!({ "u": caller.user_id, "ws": caller.workspace_id, "thread": thread }),
    )
    .await?;
    Ok(())
}

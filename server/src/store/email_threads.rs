//! What email threading reads: whether a Message-ID was stored already, the thread of a message
//! an email answers, and a creator's threads with the subjects of their emails.

use super::attribution::{creator_threads, per_thread};
use crate::db::{exec, Db, DbError};
use app::model::ThreadSummary;
use serde_json::{json, Map, Value};

/// Whether an email with this Message-ID was stored (in a thread or in Unmatched).
pub async fn seen(db: &Db, ws: &str, message_id: &str) -> Result<bool, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE id FROM message WHERE workspace = type::record('workspace', $ws) AND email_message_id = $mid LIMIT 1;
         SELECT VALUE id FROM unmatched WHERE workspace = type::record('workspace', $ws) AND external_id = $mid AND channel = 'email' LIMIT 1;",
        json!({ "ws": ws, "mid": message_id }),
    )
    .await?;
    let a: Vec<Value> = resp.take(0)?;
    let b: Vec<Value> = resp.take(1)?;
    Ok(!a.is_empty() || !b.is_empty())
}

/// A message an email answers: one of ours (by the id in our Message-ID) or a creator's (by its
/// Message-ID).
pub enum Answered<'a> {
    Ours(&'a str),
    Theirs(&'a str),
}

/// The thread of the message an email answers.
pub async fn thread_of(
    db: &Db,
    ws: &str,
    answered: Answered<'_>,
) -> Result<Option<String>, DbError> {
    let (sql, id) = match answered {
        Answered::Ours(id) => (
            "SELECT VALUE record::id(thread) FROM message WHERE id = type::record('message', $id)
                 AND workspace = type::record('workspace', $ws);",
            id,
        ),
        Answered::Theirs(id) => (
            "SELECT VALUE record::id(thread) FROM message WHERE workspace = type::record('workspace', $ws)
                 AND email_message_id = $id LIMIT 1;",
            id,
        ),
    };
    let mut resp = exec(db, sql, json!({ "id": id, "ws": ws })).await?;
    let found: Vec<String> = resp.take(0)?;
    Ok(found.into_iter().next())
}

/// The creator's threads with the subjects of their emails.
pub async fn with_subjects(
    db: &Db,
    ws: &str,
    creator: &str,
) -> Result<Vec<(ThreadSummary, Vec<String>)>, DbError> {
    let threads = creator_threads(db, ws, creator).await?;
    let ids: Vec<String> = threads.iter().map(|t| t.id.clone()).collect();
    let statement = "SELECT VALUE subject FROM message WHERE thread = type::record('thread', $t)
         AND channel = 'email' AND subject != NONE;";
    let Some(mut resp) = per_thread(db, &ids, statement, Map::new()).await? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(threads.len());
    for (n, t) in threads.into_iter().enumerate() {
        let subjects: Vec<String> = resp.take(n)?;
        out.push((t, subjects));
    }
    Ok(out)
}

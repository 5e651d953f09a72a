//! Catch-up after (re)connecting: everything of the caller's workspace (and scope) stamped since
//! the browser's cursor, minus a small overlap for writes that committed late. Replayed events are
//! idempotent in the browser (see `app::domain::live_merge`), so the overlap never shows twice.

use crate::db::{exec, rows, Db, DbError};
use crate::store::threads::MESSAGE_FIELDS;
use crate::store::{thread_scope, THREAD_FIELDS};
use app::api::backend::Caller;
use app::live::LiveEvent;
use app::model::{MessageView, ThreadSummary};
use serde_json::Value;

/// Re-read this much before the cursor: a write stamped before the cursor may commit after it.
pub const OVERLAP_MS: i64 = 5_000;
/// A first connection (no cursor) replays this far back, covering the time between the page's
/// data being read and its socket opening.
pub const FIRST_CONNECT_LOOKBACK_MS: i64 = 120_000;
pub const MAX_THREADS: usize = 500;
pub const MAX_MESSAGES: usize = 2_000;

#[derive(Debug)]
pub struct Replay {
    pub events: Vec<LiveEvent>,
    /// The database clock when the replay was read: where the next reconnect resumes.
    pub cursor: i64,
    /// False when more changed than a replay carries; the browser then reloads its views.
    pub complete: bool,
}

#[derive(serde::Deserialize)]
struct ThreadRow {
    #[serde(flatten)]
    thread: ThreadSummary,
    search: String,
}

#[derive(serde::Deserialize)]
struct MessageRow {
    #[serde(flatten)]
    message: MessageView,
    thread_id: String,
}

pub async fn load(db: &Db, caller: &Caller, since: Option<i64>) -> Result<Replay, DbError> {
    let mut vars = serde_json::Map::new();
    let scope = thread_scope(caller, &mut vars);
    // A message carries its thread's client and campaign (schema v2, v28).
    let message_scope =
        crate::store::scope_clause(caller, &mut vars, crate::store::ScopePaths::MESSAGE);
    let from = match since {
        Some(cursor) => format!("{} - {OVERLAP_MS}", cursor.max(0)),
        None => format!("$db_now - {FIRST_CONNECT_LOOKBACK_MS}"),
    };
    let sql = format!(
        "LET $db_now = time::millis(time::now());
         RETURN $db_now;
         SELECT {THREAD_FIELDS}, creator_search AS search FROM thread
             WHERE {scope} AND changed_at >= {from} ORDER BY changed_at LIMIT {};
         SELECT {MESSAGE_FIELDS}, record::id(thread) AS thread_id FROM message
             WHERE {message_scope} AND changed_at >= {from} ORDER BY changed_at LIMIT {};",
        MAX_THREADS + 1,
        MAX_MESSAGES + 1
    );
    let mut resp = exec(db, &sql, Value::Object(vars)).await?;
    let cursor: Option<i64> = resp.take(1)?;
    let cursor = cursor.ok_or_else(|| DbError::Other("database returned no time".into()))?;
    let threads: Vec<ThreadRow> = rows(&mut resp, 2)?;
    let messages: Vec<MessageRow> = rows(&mut resp, 3)?;
    let complete = threads.len() <= MAX_THREADS && messages.len() <= MAX_MESSAGES;
    let mut events = Vec::new();
    if complete {
        events.extend(threads.into_iter().map(|r| LiveEvent::Thread {
            thread: Box::new(r.thread),
            search: r.search,
        }));
        events.extend(messages.into_iter().map(|r| LiveEvent::Message {
            thread_id: r.thread_id,
            message: Box::new(r.message),
        }));
    }
    Ok(Replay {
        events,
        cursor,
        complete,
    })
}

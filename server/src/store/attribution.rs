//! Which creator and which thread an inbound message belongs to: the creator by a normalized
//! contact identity; the thread by the campaign named, else the creator's one open enrollment,
//! else their most recent thread.

use super::THREAD_FIELDS;
use crate::db::{exec, first, rows, Db, DbError};
use app::model::{Channel, Direction, ThreadSummary};
use serde_json::{json, Map, Value};

#[derive(Debug, Clone, serde::Deserialize)]
pub struct CreatorRef {
    pub id: String,
    pub name: String,
}

/// The first creator of the workspace holding any of `keys` (channel, normalized address).
pub async fn find_creator(
    db: &Db,
    workspace: &str,
    keys: &[(Channel, String)],
) -> Result<Option<CreatorRef>, DbError> {
    for (channel, address) in keys {
        // A point read of the identity's lookup record (kept by an event on `creator`).
        let mut resp = exec(
            db,
            "SELECT record::id(creator.id) AS id, creator.name AS name
                 FROM type::record('creator_identity', [$ws, $ch, $addr]) WHERE creator != NONE;",
            json!({ "ws": workspace, "ch": channel.as_str(), "addr": address }),
        )
        .await?;
        if let Some(c) = first::<CreatorRef>(&mut resp, 0)? {
            return Ok(Some(c));
        }
    }
    Ok(None)
}

/// The creator's threads in the workspace. Read by the creator index alone (with the workspace
/// in the WHERE clause the planner walks the workspace's index); the workspace is checked on the
/// rows.
pub async fn creator_threads(
    db: &Db,
    workspace: &str,
    creator_id: &str,
) -> Result<Vec<ThreadSummary>, DbError> {
    let mut resp = exec(
        db,
        &format!(
            "SELECT {THREAD_FIELDS}, record::id(workspace) AS ws FROM thread
                 WHERE creator = type::record('creator', $creator);"
        ),
        json!({ "creator": creator_id }),
    )
    .await?;
    let raw: Vec<Value> = rows(&mut resp, 0)?;
    Ok(raw
        .into_iter()
        .filter(|r| r["ws"].as_str() == Some(workspace))
        .map(serde_json::from_value)
        .collect::<Result<_, _>>()?)
}

/// Runs `statement` once per thread, with `$t` bound to each thread's id in turn (and `vars`
/// shared), in one round trip; the results come back in the threads' order. Each statement
/// reads its thread's own index range: a correlated subquery (`thread = $parent.id`) would scan
/// the whole message table instead.
pub async fn per_thread(
    db: &Db,
    threads: &[String],
    statement: &str,
    mut vars: Map<String, Value>,
) -> Result<Option<surrealdb::IndexedResults>, DbError> {
    if threads.is_empty() {
        return Ok(None);
    }
    let mut sql = String::new();
    for (n, t) in threads.iter().enumerate() {
        vars.insert(format!("t{n}"), json!(t));
        sql.push_str(&statement.replace("$t", &format!("$t{n}")));
        sql.push('\n');
    }
    Ok(Some(exec(db, &sql, Value::Object(vars)).await?))
}

/// Of `threads`, the one with the newest entry on `channel` in `direction` after `since`, and
/// that entry's time. Reads forward (SurrealKV scans backward slowly).
pub async fn latest_entry(
    db: &Db,
    threads: &[String],
    channel: Channel,
    direction: Direction,
    since: i64,
) -> Result<Option<(i64, String)>, DbError> {
    let mut vars = Map::new();
    vars.insert("ch".into(), json!(channel.as_str()));
    vars.insert("dir".into(), json!(direction.as_str()));
    vars.insert("since".into(), json!(since));
    let statement =
        "RETURN math::max((SELECT VALUE at FROM message WHERE thread = type::record('thread', $t)
         AND channel = $ch AND direction = $dir AND at > $since));";
    let Some(mut resp) = per_thread(db, threads, statement, vars).await? else {
        return Ok(None);
    };
    let mut newest: Option<(i64, String)> = None;
    for (n, t) in threads.iter().enumerate() {
        // math::max answers a number (or NONE for no entries).
        let at = resp
            .take::<Option<Value>>(n)?
            .and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)));
        if let Some(at) = at {
            if newest.as_ref().is_none_or(|(a, _)| at > *a) {
                newest = Some((at, t.clone()));
            }
        }
    }
    Ok(newest)
}

/// The thread a creator's message goes to (see the module comment).
pub async fn pick_thread(
    db: &Db,
    workspace: &str,
    creator_id: &str,
    campaign_id: Option<&str>,
) -> Result<Option<ThreadSummary>, DbError> {
    let threads = creator_threads(db, workspace, creator_id)
        .await?
        .into_iter()
        .filter(|t| campaign_id.is_none_or(|c| t.campaign_id == c))
        .collect();
    Ok(choose_thread(threads))
}

/// The one open thread if there is exactly one, else the most recently active.
pub fn choose_thread(threads: Vec<ThreadSummary>) -> Option<ThreadSummary> {
    let open: Vec<&ThreadSummary> = threads.iter().filter(|t| !t.stage.is_closed()).collect();
    if open.len() == 1 {
        return Some(open[0].clone());
    }
    threads.into_iter().max_by_key(|t| t.last_at)
}

//! Which creator and which thread an inbound message belongs to: the creator by a normalized
//! contact identity; the thread by the campaign named, else the creator's one open enrollment,
//! else their most recent thread.

use super::THREAD_FIELDS;
use crate::db::{exec, first, rows, Db, DbError};
use app::model::{Channel, ThreadSummary};
use serde_json::{json, Value};

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

/// The thread a creator's message goes to (see the module comment).
pub async fn pick_thread(
    db: &Db,
    workspace: &str,
    creator_id: &str,
    campaign_id: Option<&str>,
) -> Result<Option<ThreadSummary>, DbError> {
    let mut vars = serde_json::Map::new();
    vars.insert("ws".into(), workspace.into());
    vars.insert("creator".into(), creator_id.into());
    let campaign_clause = match campaign_id {
        Some(c) => {
            vars.insert("campaign".into(), c.into());
            "AND campaign = type::record('campaign', $campaign)"
        }
        None => "",
    };
    // By the creator index alone (with the workspace in the WHERE clause the planner walks the
    // workspace's index); the workspace is checked on the rows.
    let sql = format!(
        "SELECT {THREAD_FIELDS}, record::id(workspace) AS ws FROM thread
             WHERE creator = type::record('creator', $creator) {campaign_clause};"
    );
    let mut resp = exec(db, &sql, Value::Object(vars)).await?;
    let raw: Vec<Value> = rows(&mut resp, 0)?;
    let threads: Vec<ThreadSummary> = raw
        .into_iter()
        .filter(|r| r["ws"].as_str() == Some(workspace))
        .map(serde_json::from_value)
        .collect::<Result<_, _>>()?;
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

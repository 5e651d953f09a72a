//! What providers report about messages we stored: delivery reports that arrive before their
//! send was recorded, Instagram read receipts and reactions.

use crate::db::{exec, first, Db, DbError};
use app::model::DeliveryStatus;
use serde_json::json;

/// Our outbound message the provider knows as `external_id`.
pub async fn outbound_by_external_id(
    db: &Db,
    workspace: &str,
    external_id: &str,
) -> Result<Option<String>, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE record::id(id) FROM message WHERE workspace = type::record('workspace', $ws)
             AND external_id = $sid AND direction = 'outbound' LIMIT 1;",
        json!({ "ws": workspace, "sid": external_id }),
    )
    .await?;
    first(&mut resp, 0)
}

/// Keeps a report for a send not recorded yet (`jobs::mark_sent_many` applies it).
pub async fn keep_early(
    db: &Db,
    workspace: &str,
    external_id: &str,
    status: DeliveryStatus,
    error: Option<&str>,
    now: i64,
) -> Result<(), DbError> {
    exec(
        db,
        "CREATE delivery_report SET workspace = type::record('workspace', $ws), external_id = $sid,
             status = $status, error = $error, at = $now;",
        json!({ "ws": workspace, "sid": external_id, "status": status, "error": error, "now": now }),
    )
    .await?;
    Ok(())
}

/// Our Instagram messages a seen receipt for `mid` covers: everything we sent in that thread up
/// to the message seen that is not read yet.
pub async fn instagram_seen(db: &Db, workspace: &str, mid: &str) -> Result<Vec<String>, DbError> {
    #[derive(serde::Deserialize)]
    struct Seen {
        thread: String,
        at: i64,
    }
    let mut resp = exec(
        db,
        "SELECT record::id(thread) AS thread, at FROM message WHERE workspace = type::record('workspace', $ws)
             AND external_id = $mid AND channel = 'instagram' LIMIT 1;",
        json!({ "ws": workspace, "mid": mid }),
    )
    .await?;
    let Some(seen) = first::<Seen>(&mut resp, 0)? else {
        return Ok(Vec::new());
    };
    let mut resp = exec(
        db,
        "SELECT VALUE record::id(id) FROM message WHERE thread = type::record('thread', $t) AND channel = 'instagram'
             AND direction = 'outbound' AND at <= $at AND status IN ['sent', 'delivered'];",
        json!({ "t": seen.thread, "at": seen.at }),
    )
    .await?;
    Ok(resp.take(0)?)
}

/// Shows a creator's reaction on the Instagram message `mid`.
pub async fn instagram_reaction(
    db: &Db,
    workspace: &str,
    mid: &str,
    emoji: Option<&str>,
) -> Result<(), DbError> {
    exec(
        db,
        "UPDATE message SET reaction = $emoji WHERE workspace = type::record('workspace', $ws)
             AND external_id = $mid AND channel = 'instagram';",
        json!({ "ws": workspace, "mid": mid, "emoji": emoji }),
    )
    .await?;
    Ok(())
}

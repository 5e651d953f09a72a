//! Receiving a creator's message from a provider channel (SMS, Instagram…): skip it if the
//! provider's id was seen before, find the creator by the sender's address, append it to the
//! right thread — or keep it in the Unmatched queue when no creator has that address.

use super::attribution::{find_creator, pick_thread, CreatorRef};
use super::thread_write::{append_message, NewMessage};
use super::unmatched::{park, Parked};
use crate::db::{exec, Db, DbError};
use app::model::Channel;
use serde_json::{json, Value};

pub struct Inbound<'a> {
    pub channel: Channel,
    /// The sender's normalized address on the channel.
    pub address: &'a str,
    pub text: &'a str,
    /// The provider's message id (dedupe key).
    pub external_id: &'a str,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    /// The provider delivered this message before; nothing was written.
    Duplicate,
    Stored {
        creator: String,
        thread: String,
        message: String,
    },
    Unmatched,
}

/// Whether a message with this provider id was already received on `channel`.
pub async fn seen(
    db: &Db,
    workspace: &str,
    channel: Channel,
    external_id: &str,
) -> Result<bool, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE id FROM message WHERE workspace = type::record('workspace', $ws) AND external_id = $eid AND channel = $ch LIMIT 1;
         SELECT VALUE id FROM unmatched WHERE workspace = type::record('workspace', $ws) AND external_id = $eid AND channel = $ch LIMIT 1;",
        json!({ "ws": workspace, "eid": external_id, "ch": channel.as_str() }),
    )
    .await?;
    let seen: Vec<Value> = resp.take(0)?;
    let parked: Vec<Value> = resp.take(1)?;
    Ok(!seen.is_empty() || !parked.is_empty())
}

/// The creator holding `address` on `channel`, if any.
pub async fn sender(
    db: &Db,
    workspace: &str,
    channel: Channel,
    address: &str,
) -> Result<Option<CreatorRef>, DbError> {
    find_creator(db, workspace, &[(channel, address.to_string())]).await
}

pub async fn receive(db: &Db, workspace: &str, m: Inbound<'_>) -> Result<Received, DbError> {
    if seen(db, workspace, m.channel, m.external_id).await? {
        return Ok(Received::Duplicate);
    }
    let creator = sender(db, workspace, m.channel, m.address).await?;
    let thread = match &creator {
        Some(c) => pick_thread(db, workspace, &c.id, None).await?,
        None => None,
    };
    let (Some(creator), Some(mut thread)) = (creator, thread) else {
        park(
            db,
            workspace,
            Parked {
                channel: m.channel,
                address: m.address,
                text: m.text,
                external_id: Some(m.external_id),
                at: m.at,
            },
        )
        .await?;
        return Ok(Received::Unmatched);
    };
    let creator_id = creator.id.clone();
    let msg = NewMessage::from_creator(
        m.channel,
        creator.id,
        creator.name,
        None,
        m.text.to_string(),
        m.at,
        m.external_id.to_string(),
    );
    let stored = append_message(db, workspace, &mut thread, msg, None).await?;
    Ok(Received::Stored {
        creator: creator_id,
        thread: thread.id,
        message: stored.id,
    })
}

//! Receiving a creator's message from a provider channel (SMS, Instagram…): skip it if the
//! provider's id was seen before, find the creator by the sender's address, append it to the
//! right thread — or keep it in the Unmatched queue when no creator has that address.

use super::attribution::{creator_threads, find_creator, latest_entry, CreatorRef};
use super::thread_write::{append_message, NewMessage};
use super::unmatched::{park, Parked};
use crate::db::{exec, Db, DbError};
use app::domain::attribution::{attribute, CandidateThread};
use app::model::{Channel, Direction, ThreadSummary};
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

/// How far back our last message on a channel counts as what a reply answers.
const ANSWERS_WITHIN_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// The creator's thread a message on `channel` belongs to (`app::domain::attribution`): the one
/// we last wrote to them on that channel, else their only open one, else the latest (flagged).
async fn choose(
    db: &Db,
    workspace: &str,
    creator: &str,
    channel: Channel,
    now: i64,
) -> Result<Option<(ThreadSummary, bool)>, DbError> {
    let threads = creator_threads(db, workspace, creator).await?;
    let ids: Vec<String> = threads.iter().map(|t| t.id.clone()).collect();
    let answered = latest_entry(
        db,
        &ids,
        channel,
        Direction::Outbound,
        now - ANSWERS_WITHIN_MS,
    )
    .await?;
    let answered: Vec<String> = answered.map(|(_, t)| t).into_iter().collect();
    let candidates: Vec<CandidateThread> = threads
        .iter()
        .map(|t| CandidateThread {
            id: t.id.clone(),
            subjects: Vec::new(),
            open: !t.stage.is_closed(),
            last_at: t.last_at,
        })
        .collect();
    let Some(choice) = attribute(answered.first().map(String::as_str), "", &candidates) else {
        return Ok(None);
    };
    Ok(threads
        .into_iter()
        .find(|t| t.id == choice.thread)
        .map(|t| (t, choice.check_campaign)))
}

pub async fn receive(db: &Db, workspace: &str, m: Inbound<'_>) -> Result<Received, DbError> {
    if seen(db, workspace, m.channel, m.external_id).await? {
        return Ok(Received::Duplicate);
    }
    let creator = sender(db, workspace, m.channel, m.address).await?;
    let choice = match &creator {
        Some(c) => choose(db, workspace, &c.id, m.channel, m.at).await?,
        None => None,
    };
    let (Some(creator), Some((mut thread, check_campaign))) = (creator, choice) else {
        let parked = Parked {
            channel: m.channel,
            address: m.address,
            text: m.text,
            external_id: Some(m.external_id),
            at: m.at,
        };
        return match park(db, workspace, parked).await {
            Ok(()) => Ok(Received::Unmatched),
            Err(e) if crate::db::is_duplicate(&e) => Ok(Received::Duplicate),
            Err(e) => Err(e),
        };
    };
    let creator_id = creator.id.clone();
    let mut msg = NewMessage::from_creator(
        m.channel,
        creator.id,
        creator.name,
        None,
        m.text.to_string(),
        m.at,
        m.external_id.to_string(),
    );
    msg.check_campaign = check_campaign;
    let stored = match append_message(db, workspace, &mut thread, msg, None).await {
        Ok(m) => m,
        // A concurrent delivery of the same message won the race.
        Err(e) if crate::db::is_duplicate(&e) => return Ok(Received::Duplicate),
        Err(e) => return Err(e),
    };
    Ok(Received::Stored {
        creator: creator_id,
        thread: thread.id,
        message: stored.id,
    })
}

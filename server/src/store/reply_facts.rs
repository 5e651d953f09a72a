//! What the reply-channel rule (`app::domain::reply_channel`) needs to know about a thread: the
//! creator's addresses and consent, the channels the creator wrote on, and which outbound
//! channels the workspace has connected. The rule itself is pure; this only reads.

use super::attribution::{creator_threads, latest_entry};
use crate::db::{exec, Db, DbError};
use app::domain::reply_channel::{ChannelFacts, Connected};
use app::model::{Channel, Direction, Identity};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
struct Inbound {
    channel: Channel,
    at: i64,
}

pub async fn load(
    db: &Db,
    workspace: &str,
    thread_id: &str,
    creator_id: &str,
) -> Result<ChannelFacts, DbError> {
    let mut resp = exec(
        db,
        "SELECT identities FROM ONLY type::record('creator', $creator);
         SELECT channel, at FROM message WHERE thread = type::record('thread', $tid) AND direction = 'inbound';
         SELECT VALUE count() FROM sms_account WHERE workspace = type::record('workspace', $ws) GROUP ALL;
         SELECT VALUE (api_outbound_url != NONE AND api_key_sealed != NONE) FROM ONLY type::record('workspace', $ws);
         SELECT VALUE count() FROM instagram_account WHERE workspace = type::record('workspace', $ws) GROUP ALL;
         SELECT VALUE count() FROM mailbox WHERE workspace = type::record('workspace', $ws) GROUP ALL;",
        json!({ "ws": workspace, "tid": thread_id, "creator": creator_id }),
    )
    .await?;
    let identities: Option<Vec<Identity>> = resp
        .take::<Option<serde_json::Value>>(0)?
        .map(|row| serde_json::from_value(row["identities"].clone()))
        .transpose()?;
    let inbound: Vec<serde_json::Value> = resp.take(1)?;
    let inbound: Vec<Inbound> = inbound
        .into_iter()
        .filter_map(|v| serde_json::from_value(v).ok())
        .collect();
    let sms_accounts: Option<i64> = resp.take(2)?;
    let api: Option<bool> = resp.take(3)?;
    let instagram_accounts: Option<i64> = resp.take(4)?;
    let mailboxes: Option<i64> = resp.take(5)?;
    let last_instagram = last_instagram_inbound(db, workspace, creator_id).await?;
    Ok(ChannelFacts {
        identities: identities.unwrap_or_default(),
        last_inbound: inbound.iter().max_by_key(|m| m.at).map(|m| m.channel),
        last_instagram_inbound_at: last_instagram,
        api_inbound: inbound.iter().any(|m| m.channel == Channel::Api),
        connected: Connected {
            email: mailboxes.unwrap_or(0) > 0,
            sms: sms_accounts.unwrap_or(0) > 0,
            instagram: instagram_accounts.unwrap_or(0) > 0,
            api: api.unwrap_or(false),
        },
    })
}

/// When the creator last wrote to the business on Instagram, in any of their threads: the
/// platform's window is per conversation, not per campaign.
pub async fn last_instagram_inbound(
    db: &Db,
    workspace: &str,
    creator_id: &str,
) -> Result<Option<i64>, DbError> {
    let threads: Vec<String> = creator_threads(db, workspace, creator_id)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    Ok(
        latest_entry(db, &threads, Channel::Instagram, Direction::Inbound, 0)
            .await?
            .map(|(at, _)| at),
    )
}

//! What the senders read right before a send: an email's headers, the SMS consent on record for each job's number, when the creator last wrote on
//! Instagram, and what an API-channel reply posts.

use crate::db::{exec, first, Db, DbError};
use app::model::{Channel, Consent, Identity};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

/// An email reply as it was written (the Message-ID fixed then, so a retry sends the same one).
#[derive(Deserialize)]
pub struct OutgoingEmail {
    pub subject: Option<String>,
    pub text: String,
    pub email_message_id: Option<String>,
    pub email_references: Option<Vec<String>>,
}

pub async fn outgoing_email(db: &Db, message_id: &str) -> Result<Option<OutgoingEmail>, DbError> {
    let mut resp = exec(
        db,
        "SELECT subject, text, email_message_id, email_references FROM ONLY type::record('message', $mid);",
        json!({ "mid": message_id }),
    )
    .await?;
    first(&mut resp, 0)
}

/// The consent on record for each SMS job's number among its message's creator's identities;
/// several jobs (message id, number) in one read: message id → consent (`Unknown` when the
/// number is not the creator's any more).
pub async fn sms_consents(
    db: &Db,
    jobs: &[(&str, &str)],
) -> Result<HashMap<String, Consent>, DbError> {
    let ids: Vec<&str> = jobs.iter().map(|(m, _)| *m).collect();
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS mid, thread.creator.identities AS identities
             FROM array::map($ids, |$i| type::record('message', $i));",
        json!({ "ids": ids }),
    )
    .await?;
    let rows: Vec<Value> = resp.take(0)?;
    let mut out = HashMap::new();
    for r in rows {
        let Some(mid) = r["mid"].as_str() else {
            continue;
        };
        let Some((_, phone)) = jobs.iter().find(|(m, _)| *m == mid) else {
            continue;
        };
        let consent = serde_json::from_value::<Vec<Identity>>(r["identities"].clone())
            .unwrap_or_default()
            .into_iter()
            .find(|i| i.channel == Channel::Sms && i.address == *phone)
            .map_or(Consent::Unknown, |i| i.consent);
        out.insert(mid.to_string(), consent);
    }
    Ok(out)
}

/// When the message's creator last wrote to the business on Instagram (any thread).
pub async fn instagram_last_inbound(db: &Db, message_id: &str) -> Result<Option<i64>, DbError> {
    #[derive(Deserialize)]
    struct Owner {
        workspace: String,
        creator: String,
    }
    let mut resp = exec(
        db,
        "SELECT record::id(workspace) AS workspace, record::id(thread.creator) AS creator
             FROM message WHERE id = type::record('message', $mid);",
        json!({ "mid": message_id }),
    )
    .await?;
    let Some(o) = first::<Owner>(&mut resp, 0)? else {
        return Ok(None);
    };
    super::reply_facts::last_instagram_inbound(db, &o.workspace, &o.creator).await
}

/// What an API-channel reply posts, and where (`url` and `key` unset: the channel is not set up).
#[derive(Deserialize)]
pub struct ApiReply {
    pub thread_id: String,
    pub campaign_id: String,
    pub identities: Vec<Identity>,
    pub text: String,
    pub at: i64,
    pub url: Option<String>,
    pub key: Option<String>,
}

pub async fn api_reply(
    db: &Db,
    workspace: &str,
    message_id: &str,
) -> Result<Option<ApiReply>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(thread) AS thread_id, record::id(thread.campaign) AS campaign_id,
                thread.creator.identities AS identities, text, at,
                workspace.api_outbound_url AS url, workspace.api_key_sealed AS key
             FROM ONLY type::record('message', $mid) WHERE workspace = type::record('workspace', $ws);",
        json!({ "mid": message_id, "ws": workspace }),
    )
    .await?;
    first(&mut resp, 0)
}

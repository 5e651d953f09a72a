//! A creator's profile: who they are and how to reach them, every campaign of theirs with its
//! outcome and content links, the rates they named, and one timeline across their campaigns.

use super::threads::MESSAGE_FIELDS;
use crate::db::{exec, first, rows, Db, DbError};
use app::domain::classify::{Classification, Intent};
use app::domain::creators::quoted_amounts;
use app::model::{
    CreatorProfile, DeclineReason, Direction, Identity, MessageView, ProfileCampaign, ProfileEntry,
    QuotedRate, Stage,
};
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;

/// The most rates named in messages a profile lists.
const QUOTED_RATES: usize = 20;

/// The newest entries the profile's timeline shows.
pub const PROFILE_ENTRIES: usize = 200;

#[derive(Deserialize)]
struct Head {
    id: String,
    name: String,
    handle: String,
    avatar: Option<String>,
    notes: String,
    preferences: String,
    tags: Vec<String>,
    identities: Vec<Identity>,
    rate_cents: Option<i64>,
    custom: BTreeMap<String, String>,
    import_file: Option<String>,
    import_at: Option<i64>,
}

#[derive(Deserialize)]
struct Campaign {
    thread_id: String,
    campaign_id: String,
    campaign_name: String,
    client_name: String,
    stage: Stage,
    decline_reason: Option<DeclineReason>,
    agreed_terms: String,
    archived: bool,
    last_at: i64,
}

#[derive(Deserialize)]
struct Entry {
    thread_id: String,
    #[serde(flatten)]
    message: MessageView,
}

/// The profile of a creator of the workspace's; none when there is no such creator.
pub async fn load(db: &Db, ws: &str, creator_id: &str) -> Result<Option<CreatorProfile>, DbError> {
    // The newest entries across every campaign are one backward scan of `message_creator_at`
    // (messages carry their thread's creator, schema v10); one more than shown says "more".
    let sql = format!(
        "SELECT record::id(id) AS id, name, handle, avatar, notes, preferences ?? '' AS preferences, tags ?? [] AS tags,
                identities, rate_cents, custom ?? {{}} AS custom,
                source_import.file_name AS import_file, source_import.created_at AS import_at
             FROM type::record('creator', $c) WHERE workspace = type::record('workspace', $ws);
         SELECT record::id(id) AS thread_id, record::id(campaign) AS campaign_id, campaign_name, client_name, stage,
                enrollment.decline_reason AS decline_reason, enrollment.agreed_terms AS agreed_terms,
                archived_at != NONE AS archived, last_at
             FROM thread WHERE creator = type::record('creator', $c) ORDER BY last_at DESC;
         SELECT {MESSAGE_FIELDS}, classification, record::id(thread) AS thread_id
             FROM message WHERE creator = type::record('creator', $c) ORDER BY at DESC LIMIT $limit;"
    );
    let mut resp = exec(
        db,
        &sql,
        json!({ "c": creator_id, "ws": ws, "limit": PROFILE_ENTRIES + 1 }),
    )
    .await?;
    let Some(head) = first::<Head>(&mut resp, 0)? else {
        return Ok(None);
    };
    let campaigns: Vec<Campaign> = rows(&mut resp, 1)?;
    let mut entries: Vec<Entry> = rows(&mut resp, 2)?;
    let more = entries.len() > PROFILE_ENTRIES;
    entries.truncate(PROFILE_ENTRIES);
    // The creator's classified messages among them (rates named, content links), newest first.
    // Filtered here: the same filter in the query cost ~850 ms over 1,000 messages.
    let said: Vec<(&Entry, &Classification)> = entries
        .iter()
        .filter(|e| e.message.direction == Direction::Inbound)
        .filter_map(|e| e.message.classification.as_ref().map(|c| (e, c)))
        .collect();
    let name_of = |tid: &str| {
        campaigns
            .iter()
            .find(|c| c.thread_id == tid)
            .map(|c| c.campaign_name.clone())
            .unwrap_or_default()
    };
    // The newest quote of each amount per campaign, at most `QUOTED_RATES`.
    let mut quoted_rates: Vec<QuotedRate> = Vec::new();
    let rate_messages = said.iter().filter(|(_, c)| c.has(Intent::Rate));
    for (e, _) in rate_messages {
        for text in quoted_amounts(&e.message.text) {
            let campaign_name = name_of(&e.thread_id);
            let seen = quoted_rates
                .iter()
                .any(|q| q.text == text && q.campaign_name == campaign_name);
            if !seen && quoted_rates.len() < QUOTED_RATES {
                quoted_rates.push(QuotedRate {
                    text,
                    campaign_name,
                    at: e.message.at,
                });
            }
        }
    }
    let campaigns = campaigns
        .iter()
        .map(|c| {
            let mut links: Vec<String> = Vec::new();
            for (_, class) in said.iter().filter(|(e, _)| e.thread_id == c.thread_id) {
                for l in &class.links {
                    // The newest ten per campaign.
                    if !links.contains(l) && links.len() < 10 {
                        links.push(l.clone());
                    }
                }
            }
            ProfileCampaign {
                thread_id: c.thread_id.clone(),
                campaign_id: c.campaign_id.clone(),
                campaign_name: c.campaign_name.clone(),
                client_name: c.client_name.clone(),
                stage: c.stage,
                decline_reason: c.decline_reason,
                agreed_terms: c.agreed_terms.clone(),
                archived: c.archived,
                last_at: c.last_at,
                content_links: links,
            }
        })
        .collect();
    let timeline = entries
        .into_iter()
        .map(|e| ProfileEntry {
            campaign_name: name_of(&e.thread_id),
            thread_id: e.thread_id,
            message: e.message,
        })
        .collect();
    Ok(Some(CreatorProfile {
        id: head.id,
        name: head.name,
        handle: head.handle,
        avatar: head.avatar,
        notes: head.notes,
        preferences: head.preferences,
        tags: head.tags,
        identities: head.identities,
        rate_cents: head.rate_cents,
        custom: head.custom.into_iter().collect(),
        imported_from: head.import_file.zip(head.import_at),
        quoted_rates,
        campaigns,
        timeline,
        more,
        can_undo_opt_out: false,
        can_edit: false,
    }))
}

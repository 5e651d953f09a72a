//! Reading one thread with everything the thread view shows beside it.

use super::{thread_scope, THREAD_FIELDS};
use crate::db::{exec, first, rows, Db, DbError};
use app::api::backend::Caller;
use app::model::*;
use serde::Deserialize;
use serde_json::Value;

/// The thread's summary plus the ids needed to load its context, if the caller may see it.
#[derive(Deserialize)]
pub struct ThreadRow {
    #[serde(flatten)]
    pub summary: ThreadSummary,
    pub enrollment_id: String,
}

pub async fn find(db: &Db, caller: &Caller, thread_id: &str) -> Result<Option<ThreadRow>, DbError> {
    let mut vars = serde_json::Map::new();
    let scope = thread_scope(caller, &mut vars);
    vars.insert("tid".into(), thread_id.into());
    let sql = format!(
        "SELECT {THREAD_FIELDS}, record::id(enrollment) AS enrollment_id FROM thread
         WHERE id = type::record('thread', $tid) AND {scope} LIMIT 1;"
    );
    let mut resp = exec(db, &sql, Value::Object(vars)).await?;
    first(&mut resp, 0)
}

/// The thread of message `message_id`, if it is one the caller may see.
pub async fn of_message(
    db: &Db,
    caller: &Caller,
    message_id: &str,
) -> Result<Option<ThreadRow>, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE record::id(thread) FROM ONLY type::record('message', $mid)
             WHERE workspace = type::record('workspace', $ws);",
        serde_json::json!({ "mid": message_id, "ws": caller.workspace_id }),
    )
    .await?;
    let thread: Option<String> = resp.take(0)?;
    match thread {
        Some(t) => find(db, caller, &t).await,
        None => Ok(None),
    }
}

pub const ENROLLMENT_FIELDS: &str = "record::id(id) AS id, stage, decline_reason, \
(IF assignee != NONE THEN record::id(assignee) ELSE NONE END) AS assignee_id, next_action, agreed_terms, shipping_info";

pub const MESSAGE_FIELDS: &str =
    "record::id(id) AS id, direction, channel, sender_kind, sender_name, subject, text, at, status, failure_reason, reaction, html, attachments, check_campaign, quoted_trimmed, unverified_sender, via, changed_at AS version";

pub async fn detail(
    db: &Db,
    caller: &Caller,
    thread_id: &str,
    now: i64,
) -> Result<Option<ThreadDetail>, DbError> {
    let Some(row) = find(db, caller, thread_id).await? else {
        return Ok(None);
    };
    let s = &row.summary;
    let sql = format!(
        "SELECT record::id(id) AS id, name, handle, avatar, notes, identities FROM ONLY type::record('creator', $creator);
         SELECT record::id(id) AS id, name, client.name AS client_name, platform, kind, brief, deliverables, compensation,
                content_due, post_by, status, creator_guidance, usage_terms ?? '' AS usage_terms, products ?? [] AS products,
                rate_ceiling_cents FROM ONLY type::record('campaign', $campaign);
         SELECT {ENROLLMENT_FIELDS} FROM ONLY type::record('enrollment', $enrollment);
         SELECT record::id(id) AS thread_id, campaign_name, stage, last_at FROM thread
             WHERE creator = type::record('creator', $creator) AND workspace = type::record('workspace', $ws)
             AND id != type::record('thread', $tid) ORDER BY last_at DESC;
         SELECT {MESSAGE_FIELDS}, classification, decision FROM message WHERE thread = type::record('thread', $tid)
             ORDER BY at DESC, id DESC LIMIT $page;"
    );
    let mut resp = exec(
        db,
        &sql,
        serde_json::json!({
            "creator": s.creator_id, "campaign": s.campaign_id, "enrollment": row.enrollment_id,
            "ws": caller.workspace_id, "tid": s.id, "page": TIMELINE_PAGE + 1,
        }),
    )
    .await?;
    let creator: CreatorView =
        first(&mut resp, 0)?.ok_or_else(|| DbError::Other("thread without creator".into()))?;
    let mut campaign: CampaignView =
        first(&mut resp, 1)?.ok_or_else(|| DbError::Other("thread without campaign".into()))?;
    // The rate ceiling is for owners and managers signed in as teammates, nobody else.
    let manages = matches!(
        caller.role,
        app::model::Role::Owner | app::model::Role::Manager
    ) && caller.scope == app::api::backend::Scope::Workspace;
    if !manages {
        campaign.rate_ceiling_cents = None;
    }
    let enrollment: EnrollmentView =
        first(&mut resp, 2)?.ok_or_else(|| DbError::Other("thread without enrollment".into()))?;
    let other_campaigns: Vec<OtherCampaign> = rows(&mut resp, 3)?;
    let (messages, has_earlier) = oldest_first(rows(&mut resp, 4)?);
    let teammates = super::inbox::teammates(db, &caller.workspace_id).await?;
    let facts =
        super::reply_facts::load(db, &caller.workspace_id, &row.summary.id, &creator.id).await?;
    let reply = app::domain::reply_channel::reply_options(
        &facts,
        app::domain::reply_channel::SenderKind::Human,
        now,
    );
    let portal = super::portal::active(db, &row.summary.id, now).await?;
    let merges = super::merge::merges_into(db, &caller.workspace_id, &creator.id).await?;
    let drafts = super::drafts::for_thread(db, caller, &row.summary.id).await?;
    let followups = super::followups::for_thread(db, &row.summary.id).await?;
    // Where the viewer's reply would be held for review (writers only; viewers cannot reply).
    let reply_review = if caller.role.can_write() {
        let gate = super::reply_gate::facts(db, &caller.workspace_id, &row.summary).await?;
        reply
            .options
            .iter()
            .filter_map(|o| gate.review_needed(o.channel, caller.role))
            .collect()
    } else {
        Vec::new()
    };
    Ok(Some(ThreadDetail {
        summary: row.summary,
        creator,
        campaign,
        enrollment,
        other_campaigns,
        messages,
        has_earlier,
        teammates,
        reply,
        portal,
        merges,
        drafts,
        followups,
        reply_review,
        now,
    }))
}

/// A page read newest first with one extra row: the page oldest first, and whether there is more.
pub fn oldest_first(mut newest_first: Vec<MessageView>) -> (Vec<MessageView>, bool) {
    let more = newest_first.len() > TIMELINE_PAGE;
    newest_first.truncate(TIMELINE_PAGE);
    newest_first.reverse();
    (newest_first, more)
}

/// The `TIMELINE_PAGE` messages of thread `thread_id` before message `before_id` (by time, then
/// id), for a caller who may read the thread; None when they may not, or the message is not
/// the thread's.
pub async fn earlier(
    db: &Db,
    caller: &Caller,
    thread_id: &str,
    before_id: &str,
) -> Result<Option<MessagesPage>, DbError> {
    let Some(row) = find(db, caller, thread_id).await? else {
        return Ok(None);
    };
    let sql = format!(
        "LET $b = (SELECT at, id FROM ONLY type::record('message', $mid) WHERE thread = type::record('thread', $tid));
         RETURN $b != NONE;
         SELECT {MESSAGE_FIELDS}, classification, decision FROM message
             WHERE thread = type::record('thread', $tid) AND (at < $b.at OR (at = $b.at AND id < $b.id))
             ORDER BY at DESC, id DESC LIMIT $page;"
    );
    let mut resp = exec(
        db,
        &sql,
        serde_json::json!({ "tid": row.summary.id, "mid": before_id, "page": TIMELINE_PAGE + 1 }),
    )
    .await?;
    if first::<bool>(&mut resp, 1)? != Some(true) {
        return Ok(None);
    }
    let (messages, has_earlier) = oldest_first(rows(&mut resp, 2)?);
    Ok(Some(MessagesPage {
        messages,
        has_earlier,
    }))
}

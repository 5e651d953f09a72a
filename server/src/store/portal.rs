//! The creator portal: magic links (created and revoked by teammates, audited), resolving a
//! token to its one thread, what the creator sees there, and their replies. A token opens one
//! thread; internal notes never leave the team.

use super::audit::{AuditEntry, AUDIT_STATEMENT};
use super::thread_write::{append_message, NewMessage, WriteError};
use super::threads::{find, MESSAGE_FIELDS};
use crate::db::{exec, first, rows, Db, DbError};
use app::api::backend::Caller;
use app::domain::portal::{link_state, LinkState, LINK_TTL_MS};
use app::model::*;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

pub(crate) fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A resolved portal token: the one thread it opens.
#[derive(Clone, Debug)]
pub struct PortalSession {
    pub workspace: String,
    pub thread: String,
}

/// Creates a link for the thread (revoking any earlier one). Returns the token and its expiry.
pub async fn create(
    db: &Db,
    caller: &Caller,
    thread_id: &str,
    now: i64,
) -> Result<(String, i64), WriteError> {
    find(db, caller, thread_id)
        .await?
        .ok_or(WriteError::NotFound)?;
    let token = crate::ids::new_secret();
    let expires_at = now + LINK_TTL_MS;
    let mut vars = Map::new();
    vars.insert("ws".into(), json!(caller.workspace_id));
    vars.insert("tid".into(), json!(thread_id));
    vars.insert("hash".into(), json!(hash(&token)));
    vars.insert("now".into(), json!(now));
    vars.insert("exp".into(), json!(expires_at));
    vars.insert("user".into(), json!(caller.user_id));
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "portal.link_created",
        subject: format!("thread:{thread_id}"),
        detail: json!({ "expires_at": expires_at }),
    }
    .bind(&mut vars);
    exec(
        db,
        &format!(
            "BEGIN TRANSACTION;
             UPDATE portal_link SET revoked_at = $now WHERE thread = type::record('thread', $tid) AND revoked_at = NONE;
             CREATE portal_link SET workspace = type::record('workspace', $ws), thread = type::record('thread', $tid),
                 token_hash = $hash, created_by = $user, created_at = $now, expires_at = $exp;
             {AUDIT_STATEMENT}
             COMMIT TRANSACTION;"
        ),
        Value::Object(vars),
    )
    .await?;
    Ok((token, expires_at))
}

/// Revokes the thread's link, if it has one.
pub async fn revoke(db: &Db, caller: &Caller, thread_id: &str, now: i64) -> Result<(), WriteError> {
    find(db, caller, thread_id)
        .await?
        .ok_or(WriteError::NotFound)?;
    let mut vars = Map::new();
    vars.insert("ws".into(), json!(caller.workspace_id));
    vars.insert("tid".into(), json!(thread_id));
    vars.insert("now".into(), json!(now));
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "portal.link_revoked",
        subject: format!("thread:{thread_id}"),
        detail: json!({}),
    }
    .bind(&mut vars);
    exec(
        db,
        &format!(
            "BEGIN TRANSACTION;
             UPDATE portal_link SET revoked_at = $now WHERE thread = type::record('thread', $tid)
                 AND workspace = type::record('workspace', $ws) AND revoked_at = NONE;
             {AUDIT_STATEMENT}
             COMMIT TRANSACTION;"
        ),
        Value::Object(vars),
    )
    .await?;
    Ok(())
}

/// The thread's active link, for the context panel.
pub async fn active(db: &Db, thread_id: &str, now: i64) -> Result<Option<PortalLinkInfo>, DbError> {
    let mut resp = exec(
        db,
        "SELECT created_at, expires_at FROM portal_link WHERE thread = type::record('thread', $tid)
             AND revoked_at = NONE AND expires_at > $now ORDER BY created_at DESC LIMIT 1;",
        json!({ "tid": thread_id, "now": now }),
    )
    .await?;
    first(&mut resp, 0)
}

#[derive(Deserialize)]
struct LinkRow {
    workspace: String,
    thread: String,
    expires_at: i64,
    revoked_at: Option<i64>,
}

/// The thread a token opens, if it is open (not expired, not revoked).
pub async fn resolve(db: &Db, token: &str, now: i64) -> Result<Option<PortalSession>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(workspace) AS workspace, record::id(thread) AS thread, expires_at, revoked_at
             FROM portal_link WHERE token_hash = $hash LIMIT 1;",
        json!({ "hash": hash(token) }),
    )
    .await?;
    let Some(row) = first::<LinkRow>(&mut resp, 0)? else {
        return Ok(None);
    };
    Ok(
        (link_state(row.expires_at, row.revoked_at, now) == LinkState::Open).then_some(
            PortalSession {
                workspace: row.workspace,
                thread: row.thread,
            },
        ),
    )
}

/// The fields of a message the creator may see; notes are filtered in the query.
pub const VISIBLE: &str = "channel != 'note' AND direction != 'internal'";

pub async fn view(db: &Db, s: &PortalSession, now: i64) -> Result<Option<PortalView>, DbError> {
    #[derive(Deserialize)]
    struct Head {
        creator_name: String,
        workspace_name: String,
        client_name: String,
        campaign_name: String,
        brief: String,
        creator_guidance: String,
        deliverables: Vec<String>,
        compensation: String,
        content_due: Option<i64>,
        post_by: Option<i64>,
        stage: Stage,
    }
    let mut resp = exec(
        db,
        &format!(
            "SELECT creator_name, workspace.name AS workspace_name, client_name, campaign_name, campaign.brief AS brief,
                    campaign.creator_guidance AS creator_guidance, campaign.deliverables AS deliverables,
                    campaign.compensation AS compensation, campaign.content_due AS content_due,
                    campaign.post_by AS post_by, stage
                 FROM thread WHERE id = type::record('thread', $tid) AND workspace = type::record('workspace', $ws);
             SELECT {MESSAGE_FIELDS} FROM message WHERE thread = type::record('thread', $tid) AND {VISIBLE}
                 ORDER BY at DESC, id DESC LIMIT $page;"
        ),
        json!({ "tid": s.thread, "ws": s.workspace, "page": TIMELINE_PAGE + 1 }),
    )
    .await?;
    let Some(h) = first::<Head>(&mut resp, 0)? else {
        return Ok(None);
    };
    let (messages, has_earlier) = portal_page(rows(&mut resp, 1)?);
    Ok(Some(PortalView {
        creator_name: h.creator_name,
        workspace_name: h.workspace_name,
        client_name: h.client_name,
        campaign_name: h.campaign_name,
        brief: h.brief,
        creator_guidance: h.creator_guidance,
        deliverables: h.deliverables,
        compensation: h.compensation,
        content_due: h.content_due,
        post_by: h.post_by,
        stage: h.stage,
        messages,
        has_earlier,
        now,
    }))
}

/// A page read newest first with one extra row: the creator's copies oldest first, and whether
/// there is more.
fn portal_page(newest_first: Vec<MessageView>) -> (Vec<PortalMessage>, bool) {
    let (page, more) = super::threads::oldest_first(newest_first);
    (page.iter().map(PortalMessage::of).collect(), more)
}

/// The visible messages before `before_id` in the portal's thread; None when that message is
/// not one of them.
pub async fn earlier(
    db: &Db,
    s: &PortalSession,
    before_id: &str,
) -> Result<Option<PortalPage>, DbError> {
    let mut resp = exec(
        db,
        &format!(
            "LET $b = (SELECT at, id FROM ONLY type::record('message', $mid)
                 WHERE thread = type::record('thread', $tid) AND {VISIBLE});
             RETURN $b != NONE;
             SELECT {MESSAGE_FIELDS} FROM message WHERE thread = type::record('thread', $tid) AND {VISIBLE}
                 AND (at < $b.at OR (at = $b.at AND id < $b.id))
                 ORDER BY at DESC, id DESC LIMIT $page;"
        ),
        json!({ "tid": s.thread, "mid": before_id, "page": TIMELINE_PAGE + 1 }),
    )
    .await?;
    if first::<bool>(&mut resp, 1)? != Some(true) {
        return Ok(None);
    }
    let (messages, has_earlier) = portal_page(rows(&mut resp, 2)?);
    Ok(Some(PortalPage {
        messages,
        has_earlier,
    }))
}

/// The creator's reply from the portal: an inbound portal message in their thread.
pub async fn reply(
    db: &Db,
    s: &PortalSession,
    text: &str,
    now: i64,
) -> Result<Option<PortalMessage>, DbError> {
    let mut resp = exec(
        db,
        &format!(
            "SELECT {}, record::id(creator) AS cid FROM thread WHERE id = type::record('thread', $tid)
                 AND workspace = type::record('workspace', $ws);",
            super::THREAD_FIELDS
        ),
        json!({ "tid": s.thread, "ws": s.workspace }),
    )
    .await?;
    let Some(mut thread) = first::<ThreadSummary>(&mut resp, 0)? else {
        return Ok(None);
    };
    let msg = NewMessage::from_creator(
        Channel::InApp,
        thread.creator_id.clone(),
        thread.creator_name.clone(),
        None,
        text.to_string(),
        now,
        format!("portal-{}", crate::ids::new_id()),
    );
    let stored = append_message(db, &s.workspace, &mut thread, msg, None).await?;
    Ok(Some(PortalMessage::of(&stored)))
}

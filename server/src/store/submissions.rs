//! Replies held for review: a teammate's reply that an open sensitive topic keeps from being sent
//! becomes a draft `submitted` for the role it needs (never canceling another pending draft), and
//! a manager may pass a draft up to an owner (`escalated`). Each is one transaction with its audit
//! event and the reviewer's notification.

use super::audit::{audits_var, AuditEntry, AUDITS_STATEMENT};
use super::drafts::{NewDraft, CREATE_STATEMENT};
use super::notifications::{entry as notice, NOTIFY_STATEMENT};
use super::reply_gate::GateFacts;
use super::thread_write::WriteError;
use crate::db::{exec_transaction, Db};
use app::api::backend::{Caller, Scope};
use app::domain::draft::{check_escalate, DraftState};
use app::domain::reply_gate::NeedsReview;
use app::model::{Channel, DraftView, Role, ThreadSummary};
use serde_json::json;

/// What the teammate wrote and where it was to go.
pub struct Submission<'a> {
    pub text: &'a str,
    pub channel: Channel,
    pub needs: &'a NeedsReview,
    /// A decision the reply carries out, audited with the submission.
    pub also: Option<AuditEntry<'a>>,
}

/// Keeps `s` as a draft submitted for review by `s.needs.role`, assigned to a teammate who has
/// it, with the author; nothing is sent and no other draft changes.
pub async fn submit(
    db: &Db,
    caller: &Caller,
    thread: &ThreadSummary,
    facts: &GateFacts,
    s: Submission<'_>,
    now: i64,
) -> Result<DraftView, WriteError> {
    let id = crate::ids::new_id();
    let author_name = super::thread_write::user_name(db, &caller.user_id).await?;
    let reviewer = facts.reviewer(s.needs.role, thread.assignee_id.as_deref());
    let topics: Vec<String> = s
        .needs
        .topics
        .iter()
        .map(|t| t.as_str().to_string())
        .collect();
    let rule = s
        .needs
        .topics
        .first()
        .map_or("review:draft_waiting".to_string(), |t| {
            format!("review:{}", t.as_str())
        });
    let reason = s.needs.notice();
    let (trigger, trigger_text) = facts
        .last_creator_message
        .clone()
        .map_or((None, String::new()), |(id, text)| (Some(id), text));
    let draft = NewDraft {
        id: id.clone(),
        thread,
        trigger: trigger.as_deref(),
        trigger_text: app::domain::text::snippet(&trigger_text, 600),
        state: DraftState::Submitted,
        text: s.text,
        source: "teammate",
        topics: &topics,
        reviewer_role: s.needs.role,
        reviewer: reviewer.as_ref().map(|r| r.0.clone()),
        reviewer_name: reviewer.as_ref().map(|r| r.1.clone()),
        rule: &rule,
        reason: &reason,
        author: Some((caller.user_id.clone(), author_name.clone())),
    };
    let mut audits = vec![AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "draft.submitted",
        subject: format!("draft:{id}"),
        detail: json!({ "thread": thread.id, "channel": s.channel, "role": s.needs.role, "topics": topics }),
    }];
    audits.extend(s.also.clone());
    let notify: Vec<serde_json::Value> = reviewer
        .iter()
        .filter(|r| r.0 != caller.user_id)
        .map(|r| {
            notice(
                &r.0,
                "review",
                &thread.id,
                &format!("{author_name}'s reply needs your approval"),
                &author_name,
            )
        })
        .collect();
    let sql = format!(
        "BEGIN TRANSACTION;
         {CREATE_STATEMENT}
         UPDATE type::record('draft', $draft.id) SET channel = $channel;
         {AUDITS_STATEMENT}
         {NOTIFY_STATEMENT}
         COMMIT TRANSACTION;"
    );
    exec_transaction(
        db,
        &sql,
        json!({
            "ws": caller.workspace_id, "now": now, "draft": draft.var(), "channel": s.channel,
            "audits": audits_var(&audits), "notify": notify,
        }),
    )
    .await?;
    super::drafts::load(db, caller, &id).await
}

/// A manager passes a draft up to an owner with a comment: it stays open, now for an owner, and
/// is assigned to one.
pub async fn escalate(
    db: &Db,
    caller: &Caller,
    draft_id: &str,
    comment: &str,
    now: i64,
) -> Result<DraftView, WriteError> {
    if caller.scope != Scope::Workspace {
        return Err(WriteError::Forbidden("this view can only read".into()));
    }
    let d = super::drafts::load(db, caller, draft_id).await?;
    check_escalate(d.state, d.reviewer_role, caller.role).map_err(|e| {
        if d.state.is_open() {
            WriteError::Forbidden(e)
        } else {
            WriteError::Invalid(e)
        }
    })?;
    let thread = super::threads::find(db, caller, &d.thread_id)
        .await?
        .ok_or(WriteError::NotFound)?
        .summary;
    let facts = super::reply_gate::facts(db, &caller.workspace_id, &thread).await?;
    let owner = facts.reviewer(Role::Owner, thread.assignee_id.as_deref());
    let by = super::thread_write::user_name(db, &caller.user_id).await?;
    let audits = [AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "draft.escalated",
        subject: format!("draft:{draft_id}"),
        detail: json!({ "from": d.reviewer_role, "to": Role::Owner, "comment": comment }),
    }];
    let notify: Vec<serde_json::Value> = owner
        .iter()
        .map(|o| {
            notice(
                &o.0,
                "review",
                &thread.id,
                &format!("{by} passed a draft up to you: {comment}"),
                &by,
            )
        })
        .collect();
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $moved = (UPDATE type::record('draft', $did) SET state = 'escalated', reviewer_role = 'owner',
             reviewer = IF $owner != NONE THEN type::record('user', $owner) ELSE NONE END, reviewer_name = $owner_name,
             comment = $comment, updated_at = $now
             WHERE state IN {open} AND workspace = type::record('workspace', $ws) RETURN AFTER);
         IF array::len($moved) = 0 {{ THROW 'this draft was already decided' }};
         {AUDITS_STATEMENT}
         {NOTIFY_STATEMENT}
         COMMIT TRANSACTION;",
        open = super::reply_gate::OPEN_STATES
    );
    exec_transaction(
        db,
        &sql,
        json!({
            "ws": caller.workspace_id, "did": draft_id, "now": now, "comment": comment,
            "owner": owner.as_ref().map(|o| &o.0), "owner_name": owner.as_ref().map(|o| &o.1),
            "audits": audits_var(&audits), "notify": notify,
        }),
    )
    .await
    .map_err(super::drafts::decided)?;
    super::drafts::load(db, caller, draft_id).await
}

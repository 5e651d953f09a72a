//! Server functions for drafts behind approval, notifications and the audit trail. Each
//! validates its arguments, authorizes, and calls the backend.

#[cfg(feature = "ssr")]
use super::backend::Caller;
#[cfg(feature = "ssr")]
use super::context;
use super::AppError;
use crate::model::{
    ApprovalQueue, AuditQuery, AuditView, BulkOutcome, DraftQuery, DraftView, MessageView,
    NotificationView,
};
use leptos::prelude::*;
use server_fn::codec::Json;

/// The most drafts one bulk approval takes.
pub const BULK_MAX: usize = 50;

#[cfg(feature = "ssr")]
use super::check_id;

/// A reply text a reviewer wrote: cleaned, and with every merge field filled in.
#[cfg(feature = "ssr")]
fn reviewed_text(text: &str) -> Result<String, AppError> {
    let text = crate::domain::text::clean_body(text).map_err(AppError::Invalid)?;
    if let Some(field) = crate::domain::language::unfilled(&text) {
        return Err(AppError::Invalid(format!(
            "fill in {{{{{field}}}}} before sending"
        )));
    }
    Ok(text)
}

#[server(endpoint = "approval_queue", input = Json)]
pub async fn load_approval_queue(query: DraftQuery) -> Result<ApprovalQueue, AppError> {
    if let Some(c) = &query.campaign {
        check_id(c)?;
    }
    if let Some(r) = &query.reviewer {
        if r != "me" {
            check_id(r)?;
        }
    }
    let (backend, caller) = context::caller().await?;
    backend.approval_queue(&caller, &query).await
}

/// Approves a pending draft and sends it; `text` is the reviewer's edit, if any.
#[server(endpoint = "approve_draft", input = Json)]
pub async fn approve_draft(
    draft_id: String,
    #[server(default)] text: Option<String>,
) -> Result<MessageView, AppError> {
    check_id(&draft_id)?;
    let text = text.as_deref().map(reviewed_text).transpose()?;
    let (backend, caller) = context::caller().await?;
    caller.require_thread_write()?;
    backend
        .approve_draft(&caller, &draft_id, text.as_deref())
        .await
}

/// Approves several drafts as they are; each is checked on its own.
#[server(endpoint = "approve_drafts", input = Json)]
pub async fn approve_drafts(draft_ids: Vec<String>) -> Result<BulkOutcome, AppError> {
    if draft_ids.is_empty() || draft_ids.len() > BULK_MAX {
        return Err(AppError::Invalid(format!(
            "choose between 1 and {BULK_MAX} drafts"
        )));
    }
    for id in &draft_ids {
        check_id(id)?;
    }
    let (backend, caller) = context::caller().await?;
    caller.require_thread_write()?;
    let mut out = BulkOutcome::default();
    for id in &draft_ids {
        match backend.approve_draft(&caller, id, None).await {
            Ok(_) => out.approved += 1,
            Err(e) => out.refused.push((id.clone(), e.to_string())),
        }
    }
    Ok(out)
}

#[server(endpoint = "reject_draft", input = Json)]
pub async fn reject_draft(draft_id: String, comment: String) -> Result<(), AppError> {
    check_id(&draft_id)?;
    let comment = comment.trim();
    if comment.is_empty() || comment.chars().count() > 2000 {
        return Err(AppError::Invalid(
            "say why the draft is rejected (up to 2,000 characters)".into(),
        ));
    }
    let (backend, caller) = context::caller().await?;
    caller.require_thread_write()?;
    backend.reject_draft(&caller, &draft_id, comment).await
}

/// Suggests a reply to a creator's message: a draft (never sent) from the matching approved
/// language and the campaign's brief, or from the model provider when one is configured.
#[server(endpoint = "suggest_reply", input = Json)]
pub async fn suggest_reply(message_id: String) -> Result<DraftView, AppError> {
    check_id(&message_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend.suggest_reply(&caller, &message_id).await
}

/// A manager passes a draft up to an owner with a comment (it stays open, now for an owner).
#[server(endpoint = "escalate_draft", input = Json)]
pub async fn escalate_draft(draft_id: String, comment: String) -> Result<DraftView, AppError> {
    check_id(&draft_id)?;
    let comment = comment.trim();
    if comment.is_empty() || comment.chars().count() > 2000 {
        return Err(AppError::Invalid(
            "say why it goes to an owner (up to 2,000 characters)".into(),
        ));
    }
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend.escalate_draft(&caller, &draft_id, comment).await
}

#[server(endpoint = "edit_draft", input = Json)]
pub async fn edit_draft(draft_id: String, text: String) -> Result<DraftView, AppError> {
    check_id(&draft_id)?;
    let text = crate::domain::text::clean_body(&text).map_err(AppError::Invalid)?;
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend.edit_draft(&caller, &draft_id, &text).await
}

#[server(endpoint = "notifications")]
pub async fn notifications() -> Result<Vec<NotificationView>, AppError> {
    let (backend, caller) = context::caller().await?;
    backend.notifications(&caller).await
}

/// Marks the caller's notifications read (those about one thread, or all).
#[server(endpoint = "mark_notifications_read", input = Json)]
pub async fn mark_notifications_read(thread_id: Option<String>) -> Result<(), AppError> {
    if let Some(t) = &thread_id {
        check_id(t)?;
    }
    let (backend, caller) = context::caller().await?;
    backend
        .mark_notifications_read(&caller, thread_id.as_deref())
        .await
}

/// The audit trail, newest first: the workspace's (managers and owners) or one thread's.
#[server(endpoint = "audit_log", input = Json)]
pub async fn audit_log(query: AuditQuery) -> Result<Vec<AuditView>, AppError> {
    validate_audit_query(&query)?;
    let (backend, caller) = context::caller().await?;
    if query.thread.is_none() {
        caller.require_manager()?;
    }
    backend.audit_log(&caller, &query, 500).await
}

/// Checks an audit query's values (ids, the action's shape, the time range).
pub fn validate_audit_query(q: &AuditQuery) -> Result<(), AppError> {
    if let Some(t) = &q.thread {
        if !crate::domain::filter::is_valid_id(t) {
            return Err(AppError::NotFound);
        }
    }
    if let Some(a) = &q.action {
        let ok = !a.is_empty()
            && a.len() <= 64
            && a.chars()
                .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_');
        if !ok {
            return Err(AppError::Invalid("unknown audit action".into()));
        }
    }
    if let (Some(f), Some(t)) = (q.from, q.to) {
        if f >= t {
            return Err(AppError::Invalid("the range ends before it starts".into()));
        }
    }
    Ok(())
}

/// What drafts behind approval, notifications and the audit trail need from the server: implemented
/// once, in `server::backend::review`.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait ReviewApi: Send + Sync {
    /// The approval queue (drafts in one state, filtered) with the filters' options.
    async fn approval_queue(
        &self,
        caller: &Caller,
        query: &DraftQuery,
    ) -> Result<ApprovalQueue, AppError>;
    /// Approves a pending draft (`text`: the reviewer's edit) and sends it.
    async fn approve_draft(
        &self,
        caller: &Caller,
        draft_id: &str,
        text: Option<&str>,
    ) -> Result<MessageView, AppError>;
    async fn escalate_draft(
        &self,
        caller: &Caller,
        draft_id: &str,
        comment: &str,
    ) -> Result<DraftView, AppError>;
    async fn suggest_reply(&self, caller: &Caller, message_id: &str)
        -> Result<DraftView, AppError>;
    async fn reject_draft(
        &self,
        caller: &Caller,
        draft_id: &str,
        comment: &str,
    ) -> Result<(), AppError>;
    async fn edit_draft(
        &self,
        caller: &Caller,
        draft_id: &str,
        text: &str,
    ) -> Result<DraftView, AppError>;
    async fn notifications(&self, caller: &Caller) -> Result<Vec<NotificationView>, AppError>;
    async fn mark_notifications_read(
        &self,
        caller: &Caller,
        thread_id: Option<&str>,
    ) -> Result<(), AppError>;
    /// Audit events, newest first (at most `limit`).
    async fn audit_log(
        &self,
        caller: &Caller,
        query: &AuditQuery,
        limit: usize,
    ) -> Result<Vec<AuditView>, AppError>;
}

//! `app::api::ReviewApi` for the server: the approval queue, notifications, the audit trail.

use super::{internal, write_error};
use crate::state::AppState;
use crate::store::{audit_read, drafts, inbox, notifications};
use app::api::backend::Caller;
use app::api::{AppError, ReviewApi};
use app::model::*;

#[async_trait::async_trait]
impl ReviewApi for AppState {
    async fn approval_queue(
        &self,
        caller: &Caller,
        query: &DraftQuery,
    ) -> Result<ApprovalQueue, AppError> {
        let list = drafts::list(&self.db, caller, query)
            .await
            .map_err(internal)?;
        let options = inbox::filter_options(&self.db, caller)
            .await
            .map_err(internal)?;
        Ok(ApprovalQueue {
            drafts: list,
            campaigns: options.campaigns,
            reviewers: options.teammates,
            role: caller.role,
            me: caller.user_id.clone(),
            now: self.clock.now_ms(),
        })
    }

    async fn approve_draft(
        &self,
        caller: &Caller,
        draft_id: &str,
        text: Option<&str>,
    ) -> Result<MessageView, AppError> {
        let domain = self.config.email_domain();
        let m = drafts::approve(
            &self.db,
            caller,
            draft_id,
            text,
            &domain,
            self.clock.now_ms(),
        )
        .await
        .map_err(write_error)?;
        if m.status == DeliveryStatus::Queued {
            self.outbound.ring();
        }
        if let Some(t) = drafts::thread_of(&self.db, draft_id)
            .await
            .map_err(internal)?
        {
            crate::store::followups::replan_after(
                &self.db,
                &caller.workspace_id,
                &t,
                app::domain::followup::Cancel::NotNeeded,
                self.clock.now_ms(),
            )
            .await;
        }
        Ok(m)
    }

    async fn reject_draft(
        &self,
        caller: &Caller,
        draft_id: &str,
        comment: &str,
    ) -> Result<(), AppError> {
        drafts::reject(&self.db, caller, draft_id, comment, self.clock.now_ms())
            .await
            .map_err(write_error)
    }

    async fn escalate_draft(
        &self,
        caller: &Caller,
        draft_id: &str,
        comment: &str,
    ) -> Result<DraftView, AppError> {
        crate::store::submissions::escalate(
            &self.db,
            caller,
            draft_id,
            comment,
            self.clock.now_ms(),
        )
        .await
        .map_err(write_error)
    }

    async fn suggest_reply(
        &self,
        caller: &Caller,
        message_id: &str,
    ) -> Result<DraftView, AppError> {
        use crate::store::suggestions;
        let now = self.clock.now_ms();
        let basis = suggestions::basis(&self.db, caller, message_id, now)
            .await
            .map_err(write_error)?;
        let assembled = basis.assembled();
        let mut text = assembled.text.clone();
        let mut source = match (&assembled.key, &assembled.passage) {
            (Some(k), _) => format!("library:{k}"),
            (None, Some(_)) => "brief".to_string(),
            (None, None) => "library:reply".to_string(),
        };
        // With a model provider, it words the reply from the brief, guidance and approved base;
        // a failure keeps the assembled one.
        if let Some(config) = self.config.model.clone() {
            let model = crate::model_provider::Model::new(config);
            match model.draft(&basis.model_request(&assembled.text)).await {
                Ok(worded) => {
                    text = worded;
                    source = format!("model:{}", model.name());
                }
                Err(e) => {
                    tracing::warn!(reason = %e, "model suggestion failed; approved language used")
                }
            }
        }
        suggestions::save(&self.db, caller, &basis, &text, &source, now)
            .await
            .map_err(write_error)
    }

    async fn edit_draft(
        &self,
        caller: &Caller,
        draft_id: &str,
        text: &str,
    ) -> Result<DraftView, AppError> {
        drafts::edit(&self.db, caller, draft_id, text, self.clock.now_ms())
            .await
            .map_err(write_error)
    }

    async fn notifications(&self, caller: &Caller) -> Result<Vec<NotificationView>, AppError> {
        notifications::list(&self.db, caller)
            .await
            .map_err(internal)
    }

    async fn mark_notifications_read(
        &self,
        caller: &Caller,
        thread_id: Option<&str>,
    ) -> Result<(), AppError> {
        notifications::mark_read(&self.db, caller, thread_id)
            .await
            .map_err(internal)
    }

    /// Audit events, newest first (at most `limit`); a thread filter must name a thread the
    /// caller may see.
    async fn audit_log(
        &self,
        caller: &Caller,
        query: &AuditQuery,
        limit: usize,
    ) -> Result<Vec<AuditView>, AppError> {
        if let Some(t) = &query.thread {
            crate::store::threads::find(&self.db, caller, t)
                .await
                .map_err(internal)?
                .ok_or(AppError::NotFound)?;
        }
        audit_read::list(&self.db, caller, query, limit)
            .await
            .map_err(internal)
    }
}

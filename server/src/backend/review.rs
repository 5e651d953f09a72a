//! The backend's drafts, notifications and audit-trail operations (called by the `Backend` impl).

use super::{internal, write_error, SurrealBackend};
use crate::store::{audit_read, drafts, inbox, notifications};
use app::api::backend::Caller;
use app::api::AppError;
use app::model::*;

impl SurrealBackend {
    pub(super) async fn review_queue(
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

    pub(super) async fn review_approve(
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

    pub(super) async fn review_reject(
        &self,
        caller: &Caller,
        draft_id: &str,
        comment: &str,
    ) -> Result<(), AppError> {
        drafts::reject(&self.db, caller, draft_id, comment, self.clock.now_ms())
            .await
            .map_err(write_error)
    }

    pub(super) async fn review_edit(
        &self,
        caller: &Caller,
        draft_id: &str,
        text: &str,
    ) -> Result<DraftView, AppError> {
        drafts::edit(&self.db, caller, draft_id, text, self.clock.now_ms())
            .await
            .map_err(write_error)
    }

    pub(super) async fn my_notifications(
        &self,
        caller: &Caller,
    ) -> Result<Vec<NotificationView>, AppError> {
        notifications::list(&self.db, caller)
            .await
            .map_err(internal)
    }

    pub(super) async fn read_notifications(
        &self,
        caller: &Caller,
        thread_id: Option<&str>,
    ) -> Result<(), AppError> {
        notifications::mark_read(&self.db, caller, thread_id)
            .await
            .map_err(internal)
    }

    pub(super) async fn audit_events(
        &self,
        caller: &Caller,
        query: &AuditQuery,
        limit: usize,
    ) -> Result<Vec<AuditView>, AppError> {
        if let Some(t) = &query.thread {
            // The thread must be one the caller may see.
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

impl SurrealBackend {
    pub(super) async fn policies(&self, caller: &Caller) -> Result<PolicySettings, AppError> {
        crate::store::policies::settings(&self.db, caller)
            .await
            .map_err(internal)
    }

    pub(super) async fn change_policy(
        &self,
        caller: &Caller,
        campaign_id: &str,
        policy: Option<&app::domain::policy::ResponsePolicy>,
    ) -> Result<PolicySettings, AppError> {
        crate::store::policies::set_policy(
            &self.db,
            caller,
            campaign_id,
            policy,
            self.clock.now_ms(),
        )
        .await
        .map_err(write_error)?;
        self.policies(caller).await
    }

    pub(super) async fn change_followups(
        &self,
        caller: &Caller,
        campaign_id: &str,
        rules: Option<&[app::domain::followup::RuleSetting]>,
    ) -> Result<PolicySettings, AppError> {
        crate::store::policies::set_followups(
            &self.db,
            caller,
            campaign_id,
            rules,
            self.clock.now_ms(),
        )
        .await
        .map_err(write_error)?;
        self.policies(caller).await
    }

    pub(super) async fn change_language(
        &self,
        caller: &Caller,
        snippet: &app::domain::language::Snippet,
    ) -> Result<PolicySettings, AppError> {
        crate::store::policies::save_language(&self.db, caller, snippet, self.clock.now_ms())
            .await
            .map_err(write_error)?;
        self.policies(caller).await
    }
}

//! `app::api::ThreadApi` for the server: reading a thread and a teammate's writes in it.

use super::{internal, write_error};
use crate::state::AppState;
use crate::store::{thread_write, threads};
use app::api::backend::Caller;
use app::api::{AppError, ThreadApi};
use app::model::*;

#[async_trait::async_trait]
impl ThreadApi for AppState {
    async fn thread_detail(
        &self,
        caller: &Caller,
        thread_id: &str,
    ) -> Result<ThreadDetail, AppError> {
        threads::detail(&self.db, caller, thread_id, self.clock.now_ms())
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)
    }

    async fn earlier_messages(
        &self,
        caller: &Caller,
        thread_id: &str,
        before_id: &str,
    ) -> Result<MessagesPage, AppError> {
        threads::earlier(&self.db, caller, thread_id, before_id)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)
    }

    async fn mark_read(&self, caller: &Caller, thread_id: &str) -> Result<(), AppError> {
        thread_write::mark_read(&self.db, caller, thread_id)
            .await
            .map_err(write_error)
    }

    async fn post_message(
        &self,
        caller: &Caller,
        thread_id: &str,
        kind: ComposeKind,
        text: &str,
        channel: Option<Channel>,
    ) -> Result<ComposeOutcome, AppError> {
        let now = self.clock.now_ms();
        let domain = self.config.email_domain();
        let compose = thread_write::Compose {
            kind,
            text,
            channel,
            also: None,
        };
        let outcome =
            thread_write::post_message(&self.db, caller, thread_id, compose, &domain, now)
                .await
                .map_err(write_error)?;
        let ComposeOutcome::Sent(m) = &outcome else {
            // Held for review: nothing was sent.
            return Ok(outcome);
        };
        if m.status == DeliveryStatus::Queued {
            self.outbound.ring();
        }
        if m.direction == Direction::Outbound {
            crate::store::followups::replan_after(
                &self.db,
                &caller.workspace_id,
                thread_id,
                app::domain::followup::Cancel::NotNeeded,
                now,
            )
            .await;
        }
        Ok(outcome)
    }

    async fn cancel_followup(&self, caller: &Caller, followup_id: &str) -> Result<(), AppError> {
        let found = crate::store::followups::cancel_by_hand(
            &self.db,
            caller,
            followup_id,
            self.clock.now_ms(),
        )
        .await
        .map_err(internal)?;
        found.then_some(()).ok_or(AppError::NotFound)
    }

    async fn escalate_thread(
        &self,
        caller: &Caller,
        thread_id: &str,
        note: &str,
    ) -> Result<(), AppError> {
        let found = crate::store::escalations::by_hand(
            &self.db,
            caller,
            thread_id,
            note,
            self.clock.now_ms(),
        )
        .await
        .map_err(internal)?;
        found.then_some(()).ok_or(AppError::NotFound)
    }

    async fn correct_intents(
        &self,
        caller: &Caller,
        message_id: &str,
        intents: &[app::domain::classify::Intent],
    ) -> Result<app::domain::classify::Classification, AppError> {
        use crate::store::labels::{correct, Refused};
        let now = self.clock.now_ms();
        match correct(&self.db, caller, message_id, intents, now)
            .await
            .map_err(internal)?
        {
            Ok(c) => Ok(c),
            Err(Refused::NotFound) => Err(AppError::NotFound),
            Err(Refused::NotACreatorMessage) => Err(AppError::Invalid(
                "only a creator's message has intents to correct".into(),
            )),
        }
    }

    async fn decide_content(
        &self,
        caller: &Caller,
        thread_id: &str,
        message_id: &str,
        decision: app::domain::content::ContentDecision,
        feedback: &str,
        channel: Option<Channel>,
    ) -> Result<Option<ComposeOutcome>, AppError> {
        let d = crate::store::content_review::Decision {
            thread_id,
            message_id,
            decision,
            feedback,
            channel,
        };
        let domain = self.config.email_domain();
        let outcome =
            crate::store::content_review::decide(&self.db, caller, d, &domain, self.clock.now_ms())
                .await
                .map_err(write_error)?;
        if let Some(ComposeOutcome::Sent(m)) = &outcome {
            if m.status == DeliveryStatus::Queued {
                self.outbound.ring();
            }
        }
        Ok(outcome)
    }

    async fn retry_message(&self, caller: &Caller, message_id: &str) -> Result<(), AppError> {
        let now = self.clock.now_ms();
        // The message must be in a thread the caller may see.
        threads::of_message(&self.db, caller, message_id)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)?;
        let ok = crate::store::jobs::requeue(
            &self.db,
            &caller.workspace_id,
            message_id,
            &caller.user_id,
            now,
        )
        .await
        .map_err(internal)?;
        if !ok {
            return Err(AppError::Invalid(
                "only a message that failed to send can be retried".into(),
            ));
        }
        self.outbound.ring();
        Ok(())
    }

    async fn set_stage(
        &self,
        caller: &Caller,
        thread_id: &str,
        stage: Stage,
        reason: Option<DeclineReason>,
    ) -> Result<EnrollmentView, AppError> {
        let view = thread_write::set_stage(
            &self.db,
            caller,
            thread_id,
            stage,
            reason,
            self.clock.now_ms(),
        )
        .await
        .map_err(write_error)?;
        crate::store::followups::replan_after(
            &self.db,
            &caller.workspace_id,
            thread_id,
            app::domain::followup::Cancel::StageChanged,
            self.clock.now_ms(),
        )
        .await;
        Ok(view)
    }

    async fn set_enrollment_terms(
        &self,
        caller: &Caller,
        thread_id: &str,
        terms: &app::model::EnrollmentTerms,
    ) -> Result<EnrollmentView, AppError> {
        thread_write::set_terms(&self.db, caller, thread_id, terms, self.clock.now_ms())
            .await
            .map_err(write_error)
    }

    async fn set_assignee(
        &self,
        caller: &Caller,
        thread_id: &str,
        assignee_id: Option<&str>,
    ) -> Result<EnrollmentView, AppError> {
        thread_write::set_assignee(
            &self.db,
            caller,
            thread_id,
            assignee_id,
            self.clock.now_ms(),
        )
        .await
        .map_err(write_error)
    }

    async fn move_message(
        &self,
        caller: &Caller,
        message_id: &str,
        to_thread: &str,
    ) -> Result<(), AppError> {
        crate::store::moves::move_message(
            &self.db,
            caller,
            message_id,
            to_thread,
            self.clock.now_ms(),
        )
        .await
        .map_err(write_error)
    }

    async fn merge_creators(
        &self,
        caller: &Caller,
        keep: &str,
        duplicate: &str,
    ) -> Result<String, AppError> {
        crate::store::merge::merge(&self.db, caller, keep, duplicate, self.clock.now_ms())
            .await
            .map_err(write_error)
    }

    async fn undo_merge(&self, caller: &Caller, merge_id: &str) -> Result<(), AppError> {
        crate::store::merge::undo(&self.db, caller, merge_id, self.clock.now_ms())
            .await
            .map_err(write_error)
    }

    async fn snooze_thread(
        &self,
        caller: &Caller,
        thread_id: &str,
        until: Option<i64>,
        until_reply: bool,
    ) -> Result<(), AppError> {
        let request = app::domain::snooze::request(until, until_reply);
        thread_write::snooze(&self.db, caller, thread_id, request, self.clock.now_ms())
            .await
            .map_err(write_error)
    }
}

#[cfg(feature = "ssr")]
use super::backend::Caller;
#[cfg(feature = "ssr")]
use super::context;
use super::AppError;
#[cfg(feature = "ssr")]
use crate::domain::filter::is_valid_id;
use crate::model::{
    Channel, ComposeKind, ComposeOutcome, DeclineReason, EnrollmentView, MessagesPage, Stage,
    ThreadDetail,
};
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::check_id;

/// The whole thread: timeline across channels and the context panel.
#[server(endpoint = "get_thread")]
pub async fn get_thread(thread_id: String) -> Result<ThreadDetail, AppError> {
    check_id(&thread_id)?;
    let (backend, caller) = context::caller().await?;
    backend.thread_detail(&caller, &thread_id).await
}

/// The messages before `before_id` in the thread ("load earlier"), a page at a time.
#[server(endpoint = "earlier_messages")]
pub async fn earlier_messages(
    thread_id: String,
    before_id: String,
) -> Result<MessagesPage, AppError> {
    check_id(&thread_id)?;
    check_id(&before_id)?;
    let (backend, caller) = context::caller().await?;
    backend
        .earlier_messages(&caller, &thread_id, &before_id)
        .await
}

/// Marks the thread read for the team (writers only; a viewer's visit changes nothing).
#[server(endpoint = "mark_read")]
pub async fn mark_read(thread_id: String) -> Result<(), AppError> {
    check_id(&thread_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_thread_write()?;
    backend.mark_read(&caller, &thread_id).await
}

#[server(endpoint = "post_message", input = Json)]
pub async fn post_message(
    thread_id: String,
    kind: ComposeKind,
    text: String,
    /// The reply's channel; `None` takes the thread's default. Ignored for notes.
    #[server(default)]
    channel: Option<Channel>,
) -> Result<ComposeOutcome, AppError> {
    check_id(&thread_id)?;
    let text = crate::domain::text::clean_body(&text).map_err(AppError::Invalid)?;
    if kind == ComposeKind::Reply {
        if let Some(field) = crate::domain::language::unfilled(&text) {
            return Err(AppError::Invalid(format!(
                "fill {{{{{field}}}}} before sending"
            )));
        }
    }
    if channel == Some(Channel::Note) {
        return Err(AppError::Invalid(
            "a note is written with kind \"note\", not as a channel".into(),
        ));
    }
    let (backend, caller) = context::caller().await?;
    caller.require_thread_write()?;
    let channel = if kind == ComposeKind::Reply {
        channel
    } else {
        None
    };
    backend
        .post_message(&caller, &thread_id, kind, &text, channel)
        .await
}

/// Approves the content of a creator's message, or asks for changes with feedback sent to the
/// creator as a reply (governed like any reply: it may be submitted for review). Writers only.
#[server(endpoint = "decide_content", input = Json)]
pub async fn decide_content(
    thread_id: String,
    message_id: String,
    decision: crate::domain::content::ContentDecision,
    #[server(default)] feedback: String,
    #[server(default)] channel: Option<Channel>,
) -> Result<Option<ComposeOutcome>, AppError> {
    check_id(&thread_id)?;
    check_id(&message_id)?;
    let feedback = if decision == crate::domain::content::ContentDecision::RequestChanges {
        let text = crate::domain::text::clean_body(&feedback).map_err(AppError::Invalid)?;
        if let Some(field) = crate::domain::language::unfilled(&text) {
            return Err(AppError::Invalid(format!(
                "fill {{{{{field}}}}} before sending"
            )));
        }
        text
    } else {
        String::new()
    };
    if channel == Some(Channel::Note) {
        return Err(AppError::Invalid(
            "feedback goes to the creator, not into a note".into(),
        ));
    }
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend
        .decide_content(
            &caller,
            &thread_id,
            &message_id,
            decision,
            &feedback,
            channel,
        )
        .await
}

/// Cancels a scheduled follow-up by hand (writers): it is not sent; the stage's next one may be.
#[server(endpoint = "cancel_followup", input = Json)]
pub async fn cancel_followup(followup_id: String) -> Result<(), AppError> {
    check_id(&followup_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend.cancel_followup(&caller, &followup_id).await
}

/// Corrects what a creator's message was understood to say (writers; audited): the intents named
/// replace the classifier's, and `server export-labels` can feed them back into training.
#[server(endpoint = "correct_intents", input = Json)]
pub async fn correct_intents(
    message_id: String,
    intents: Vec<crate::domain::classify::Intent>,
) -> Result<crate::domain::classify::Classification, AppError> {
    check_id(&message_id)?;
    if intents.len() > crate::domain::classify::Intent::ALL.len() {
        return Err(AppError::Invalid("name each intent once".into()));
    }
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend
        .correct_intents(&caller, &message_id, &intents)
        .await
}

/// Escalates a thread by hand (writers): its owners and managers are notified with the note.
#[server(endpoint = "escalate_thread", input = Json)]
pub async fn escalate_thread(thread_id: String, note: String) -> Result<(), AppError> {
    check_id(&thread_id)?;
    let note = note.trim();
    if note.is_empty() || note.chars().count() > 500 {
        return Err(AppError::Invalid(
            "say why it needs a manager (up to 500 characters)".into(),
        ));
    }
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend.escalate_thread(&caller, &thread_id, note).await
}

/// Tries a message that failed to send once more (writers only).
#[server(endpoint = "retry_message")]
pub async fn retry_message(message_id: String) -> Result<(), AppError> {
    check_id(&message_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend.retry_message(&caller, &message_id).await
}

#[server(endpoint = "set_stage", input = Json)]
pub async fn set_stage(
    thread_id: String,
    stage: Stage,
    reason: Option<DeclineReason>,
) -> Result<EnrollmentView, AppError> {
    check_id(&thread_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_thread_write()?;
    backend.set_stage(&caller, &thread_id, stage, reason).await
}

#[server(endpoint = "set_assignee", input = Json)]
pub async fn set_assignee(
    thread_id: String,
    assignee_id: Option<String>,
) -> Result<EnrollmentView, AppError> {
    check_id(&thread_id)?;
    if let Some(id) = &assignee_id {
        if !is_valid_id(id) {
            return Err(AppError::Invalid("unknown teammate".into()));
        }
    }
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend
        .set_assignee(&caller, &thread_id, assignee_id.as_deref())
        .await
}

/// Saves an enrollment's agreed terms, shipping address and next action (an empty next action
/// goes back to the stage's default).
#[server(endpoint = "set_enrollment_terms", input = Json)]
pub async fn set_enrollment_terms(
    thread_id: String,
    terms: crate::model::EnrollmentTerms,
) -> Result<EnrollmentView, AppError> {
    check_id(&thread_id)?;
    let too_long = terms.agreed_terms.chars().count() > 2_000
        || terms.next_action.chars().count() > 200
        || terms
            .shipping_info
            .as_ref()
            .is_some_and(|s| s.chars().count() > 500);
    if too_long {
        return Err(AppError::Invalid(
            "terms are at most 2,000 characters, an address 500, a next action 200".into(),
        ));
    }
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend
        .set_enrollment_terms(&caller, &thread_id, &terms)
        .await
}

/// Moves a message filed under the wrong campaign to another thread of the same creator.
#[server(endpoint = "move_message")]
pub async fn move_message(message_id: String, to_thread_id: String) -> Result<(), AppError> {
    check_id(&message_id)?;
    check_id(&to_thread_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend
        .move_message(&caller, &message_id, &to_thread_id)
        .await
}

/// Merges a duplicate creator record into `keep_id` (undoable with `undo_merge`).
#[server(endpoint = "merge_creators")]
pub async fn merge_creators(keep_id: String, duplicate_id: String) -> Result<String, AppError> {
    check_id(&keep_id)?;
    check_id(&duplicate_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend
        .merge_creators(&caller, &keep_id, &duplicate_id)
        .await
}

/// Undoes a merge: the duplicate gets back its addresses, threads and messages.
#[server(endpoint = "undo_merge")]
pub async fn undo_merge(merge_id: String) -> Result<(), AppError> {
    check_id(&merge_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend.undo_merge(&caller, &merge_id).await
}

/// Snoozes a thread until `until` (Unix ms) and/or the creator's next message; with neither,
/// wakes it (writers only).
#[server(endpoint = "snooze_thread", input = Json)]
pub async fn snooze_thread(
    thread_id: String,
    until: Option<i64>,
    #[server(default)] until_reply: bool,
) -> Result<(), AppError> {
    check_id(&thread_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_thread_write()?;
    backend
        .snooze_thread(&caller, &thread_id, until, until_reply)
        .await
}

/// What reading a thread, and every write a teammate makes in it, need from the server:
/// implemented once, in `server::backend::thread`.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait ThreadApi: Send + Sync {
    async fn thread_detail(
        &self,
        caller: &Caller,
        thread_id: &str,
    ) -> Result<ThreadDetail, AppError>;
    async fn earlier_messages(
        &self,
        caller: &Caller,
        thread_id: &str,
        before_id: &str,
    ) -> Result<MessagesPage, AppError>;
    async fn mark_read(&self, caller: &Caller, thread_id: &str) -> Result<(), AppError>;
    async fn post_message(
        &self,
        caller: &Caller,
        thread_id: &str,
        kind: ComposeKind,
        text: &str,
        channel: Option<Channel>,
    ) -> Result<ComposeOutcome, AppError>;
    /// Queues a failed outbound message for another attempt.
    async fn retry_message(&self, caller: &Caller, message_id: &str) -> Result<(), AppError>;
    async fn cancel_followup(&self, caller: &Caller, followup_id: &str) -> Result<(), AppError>;
    async fn correct_intents(
        &self,
        caller: &Caller,
        message_id: &str,
        intents: &[crate::domain::classify::Intent],
    ) -> Result<crate::domain::classify::Classification, AppError>;
    async fn escalate_thread(
        &self,
        caller: &Caller,
        thread_id: &str,
        note: &str,
    ) -> Result<(), AppError>;
    async fn decide_content(
        &self,
        caller: &Caller,
        thread_id: &str,
        message_id: &str,
        decision: crate::domain::content::ContentDecision,
        feedback: &str,
        channel: Option<Channel>,
    ) -> Result<Option<ComposeOutcome>, AppError>;
    async fn set_stage(
        &self,
        caller: &Caller,
        thread_id: &str,
        stage: Stage,
        reason: Option<DeclineReason>,
    ) -> Result<EnrollmentView, AppError>;
    async fn set_assignee(
        &self,
        caller: &Caller,
        thread_id: &str,
        assignee_id: Option<&str>,
    ) -> Result<EnrollmentView, AppError>;
    async fn set_enrollment_terms(
        &self,
        caller: &Caller,
        thread_id: &str,
        terms: &crate::model::EnrollmentTerms,
    ) -> Result<EnrollmentView, AppError>;
    /// Moves a message to another campaign thread of the same creator.
    async fn move_message(
        &self,
        caller: &Caller,
        message_id: &str,
        to_thread: &str,
    ) -> Result<(), AppError>;
    /// Merges creator `duplicate` into `keep`; returns the merge id (for undo).
    async fn merge_creators(
        &self,
        caller: &Caller,
        keep: &str,
        duplicate: &str,
    ) -> Result<String, AppError>;
    async fn undo_merge(&self, caller: &Caller, merge_id: &str) -> Result<(), AppError>;
    /// Snoozes a thread until a time and/or the creator's reply; neither wakes it.
    async fn snooze_thread(
        &self,
        caller: &Caller,
        thread_id: &str,
        until: Option<i64>,
        until_reply: bool,
    ) -> Result<(), AppError>;
}

//! The seam between server functions and the server: a trait the `server` crate implements.

use super::AppError;
use crate::domain::filter::InboxFilter;
use crate::model::*;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub type BackendResult<'a, T> = Pin<Box<dyn Future<Output = Result<T, AppError>> + Send + 'a>>;

/// What a request may see. Today every caller is a signed-in teammate scoped to the whole
/// workspace; a signed embed token will produce a read-only caller scoped to one client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    Workspace,
    Client(String),
}

/// The resolved identity behind a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub user_id: String,
    pub workspace_id: String,
    pub role: Role,
    pub scope: Scope,
}

impl Caller {
    /// Workspace settings (integrations, keys) are for owners signed in as teammates.
    pub fn require_owner(&self) -> Result<(), AppError> {
        if self.role == Role::Owner && self.scope == Scope::Workspace {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "only the workspace's owners can see its integration keys".into(),
            ))
        }
    }

    /// Campaign policies, approved language and the workspace's audit trail are for owners and
    /// managers signed in as teammates.
    pub fn require_manager(&self) -> Result<(), AppError> {
        if matches!(self.role, Role::Owner | Role::Manager) && self.scope == Scope::Workspace {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "only owners and managers can do this".into(),
            ))
        }
    }

    pub fn require_write(&self) -> Result<(), AppError> {
        if self.role.can_write() && self.scope == Scope::Workspace {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "your role can only read this workspace".into(),
            ))
        }
    }
}

pub struct NewSession {
    pub token: String,
    pub max_age_secs: i64,
    pub info: SessionInfo,
}

pub trait Backend: Send + Sync + 'static {
    /// Whether cookies must carry `Secure` (the public URL is https).
    fn secure_cookies(&self) -> bool;
    fn sign_in<'a>(&'a self, email: &'a str, password: &'a str) -> BackendResult<'a, NewSession>;
    fn sign_out<'a>(&'a self, session_token: &'a str) -> BackendResult<'a, ()>;
    fn authenticate<'a>(&'a self, session_token: &'a str) -> BackendResult<'a, Caller>;
    fn session_info<'a>(&'a self, caller: &'a Caller) -> BackendResult<'a, SessionInfo>;
    fn list_threads<'a>(
        &'a self,
        caller: &'a Caller,
        filter: &'a InboxFilter,
        after: Option<Cursor>,
    ) -> BackendResult<'a, InboxPage>;
    fn inbox_counts<'a>(&'a self, caller: &'a Caller) -> BackendResult<'a, InboxCounts>;
    fn count_matching<'a>(
        &'a self,
        caller: &'a Caller,
        filter: &'a InboxFilter,
    ) -> BackendResult<'a, u64>;
    fn filter_options<'a>(&'a self, caller: &'a Caller) -> BackendResult<'a, FilterOptions>;
    fn thread_detail<'a>(
        &'a self,
        caller: &'a Caller,
        thread_id: &'a str,
    ) -> BackendResult<'a, ThreadDetail>;
    fn mark_read<'a>(&'a self, caller: &'a Caller, thread_id: &'a str) -> BackendResult<'a, ()>;
    fn post_message<'a>(
        &'a self,
        caller: &'a Caller,
        thread_id: &'a str,
        kind: ComposeKind,
        text: &'a str,
        channel: Option<Channel>,
    ) -> BackendResult<'a, MessageView>;
    /// Queues a failed outbound message for another attempt.
    fn retry_message<'a>(
        &'a self,
        caller: &'a Caller,
        message_id: &'a str,
    ) -> BackendResult<'a, ()>;
    /// Sets (or clears) the URL our replies on the API channel are posted to.
    fn set_api_outbound_url<'a>(
        &'a self,
        caller: &'a Caller,
        url: Option<&'a str>,
    ) -> BackendResult<'a, ApiChannelSettings>;
    fn set_stage<'a>(
        &'a self,
        caller: &'a Caller,
        thread_id: &'a str,
        stage: Stage,
        reason: Option<DeclineReason>,
    ) -> BackendResult<'a, EnrollmentView>;
    fn set_assignee<'a>(
        &'a self,
        caller: &'a Caller,
        thread_id: &'a str,
        assignee_id: Option<&'a str>,
    ) -> BackendResult<'a, EnrollmentView>;
    /// The API channel's endpoint and key (the key is created on first use).
    fn api_channel_settings<'a>(
        &'a self,
        caller: &'a Caller,
    ) -> BackendResult<'a, ApiChannelSettings>;
    fn sms_settings<'a>(&'a self, caller: &'a Caller) -> BackendResult<'a, SmsSettings>;
    fn list_unmatched<'a>(&'a self, caller: &'a Caller) -> BackendResult<'a, Vec<UnmatchedView>>;
    fn creator_options<'a>(&'a self, caller: &'a Caller) -> BackendResult<'a, Vec<NamedRef>>;
    /// Returns the id of the thread the message went to.
    fn link_unmatched<'a>(
        &'a self,
        caller: &'a Caller,
        unmatched_id: &'a str,
        creator_id: &'a str,
    ) -> BackendResult<'a, String>;
    /// Moves a message to another campaign thread of the same creator.
    fn move_message<'a>(
        &'a self,
        caller: &'a Caller,
        message_id: &'a str,
        to_thread: &'a str,
    ) -> BackendResult<'a, ()>;
    /// Merges creator `duplicate` into `keep`; returns the merge id (for undo).
    fn merge_creators<'a>(
        &'a self,
        caller: &'a Caller,
        keep: &'a str,
        duplicate: &'a str,
    ) -> BackendResult<'a, String>;
    fn undo_merge<'a>(&'a self, caller: &'a Caller, merge_id: &'a str) -> BackendResult<'a, ()>;
    /// What a portal token opens (`NotFound` for any token that does not open).
    fn portal_view<'a>(&'a self, token: &'a str) -> BackendResult<'a, PortalView>;
    fn portal_reply<'a>(&'a self, token: &'a str, text: &'a str) -> BackendResult<'a, MessageView>;
    fn create_portal_link<'a>(
        &'a self,
        caller: &'a Caller,
        thread_id: &'a str,
    ) -> BackendResult<'a, PortalLink>;
    fn revoke_portal_link<'a>(
        &'a self,
        caller: &'a Caller,
        thread_id: &'a str,
    ) -> BackendResult<'a, ()>;
    fn mailbox_settings<'a>(&'a self, caller: &'a Caller) -> BackendResult<'a, MailboxSettings>;
    fn connect_mailbox<'a>(
        &'a self,
        caller: &'a Caller,
        connection: crate::domain::email::MailboxConnection,
    ) -> BackendResult<'a, MailboxSettings>;
    /// Signs in to the mailbox's IMAP and SMTP servers; `Err` says what failed.
    fn test_mailbox<'a>(&'a self, caller: &'a Caller) -> BackendResult<'a, String>;
    fn instagram_settings<'a>(&'a self, caller: &'a Caller)
        -> BackendResult<'a, InstagramSettings>;
    fn connect_instagram<'a>(
        &'a self,
        caller: &'a Caller,
        connection: crate::domain::instagram::InstagramConnection,
    ) -> BackendResult<'a, InstagramSettings>;
    /// A new creator (with the sender's address) enrolled in `campaign_id`, with the unmatched
    /// message moved into the new thread; returns the thread id.
    fn create_creator_from_unmatched<'a>(
        &'a self,
        caller: &'a Caller,
        unmatched_id: &'a str,
        name: &'a str,
        campaign_id: &'a str,
    ) -> BackendResult<'a, String>;
    /// Checks a connected channel's credentials with its provider (`sms` or `instagram`).
    fn test_channel<'a>(
        &'a self,
        caller: &'a Caller,
        channel: Channel,
    ) -> BackendResult<'a, String>;
    fn connect_sms<'a>(
        &'a self,
        caller: &'a Caller,
        connection: crate::domain::twilio::TwilioConnection,
    ) -> BackendResult<'a, SmsSettings>;
    /// The approval queue (drafts in one state, filtered) with the filters' options.
    fn approval_queue<'a>(
        &'a self,
        caller: &'a Caller,
        query: &'a DraftQuery,
    ) -> BackendResult<'a, ApprovalQueue>;
    /// Approves a pending draft (`text`: the reviewer's edit) and sends it.
    fn approve_draft<'a>(
        &'a self,
        caller: &'a Caller,
        draft_id: &'a str,
        text: Option<&'a str>,
    ) -> BackendResult<'a, MessageView>;
    fn reject_draft<'a>(
        &'a self,
        caller: &'a Caller,
        draft_id: &'a str,
        comment: &'a str,
    ) -> BackendResult<'a, ()>;
    fn edit_draft<'a>(
        &'a self,
        caller: &'a Caller,
        draft_id: &'a str,
        text: &'a str,
    ) -> BackendResult<'a, DraftView>;
    fn notifications<'a>(&'a self, caller: &'a Caller) -> BackendResult<'a, Vec<NotificationView>>;
    fn mark_notifications_read<'a>(
        &'a self,
        caller: &'a Caller,
        thread_id: Option<&'a str>,
    ) -> BackendResult<'a, ()>;
    /// Audit events, newest first (at most `limit`).
    /// Snoozes a thread until a time and/or the creator's reply; neither wakes it.
    fn snooze_thread<'a>(
        &'a self,
        caller: &'a Caller,
        thread_id: &'a str,
        until: Option<i64>,
        until_reply: bool,
    ) -> BackendResult<'a, ()>;
    fn policy_settings<'a>(&'a self, caller: &'a Caller) -> BackendResult<'a, PolicySettings>;
    /// Sets a campaign's own policy (`None`: back to its kind's defaults).
    fn set_campaign_policy<'a>(
        &'a self,
        caller: &'a Caller,
        campaign_id: &'a str,
        policy: Option<&'a crate::domain::policy::ResponsePolicy>,
    ) -> BackendResult<'a, PolicySettings>;
    fn set_reply_timer<'a>(
        &'a self,
        caller: &'a Caller,
        escalate_after_hours: Option<u32>,
        business_hours: Option<crate::domain::reply_clock::BusinessHours>,
    ) -> BackendResult<'a, PolicySettings>;
    fn set_campaign_followups<'a>(
        &'a self,
        caller: &'a Caller,
        campaign_id: &'a str,
        rules: Option<&'a [crate::domain::followup::RuleSetting]>,
    ) -> BackendResult<'a, PolicySettings>;
    /// Saves one approved-language entry for the workspace (replacing a built-in one by key).
    fn save_language<'a>(
        &'a self,
        caller: &'a Caller,
        snippet: &'a crate::domain::language::Snippet,
    ) -> BackendResult<'a, PolicySettings>;
    fn audit_log<'a>(
        &'a self,
        caller: &'a Caller,
        query: &'a AuditQuery,
        limit: usize,
    ) -> BackendResult<'a, Vec<AuditView>>;
    /// What a bulk message would do: each selected creator's channel or skip reason, and the
    /// message as `sample` (a thread id) would read it.
    fn bulk_preview<'a>(
        &'a self,
        caller: &'a Caller,
        selection: &'a bulk::BulkSelection,
        compose: &'a bulk::BulkCompose,
        sample: Option<&'a str>,
    ) -> BackendResult<'a, bulk::BulkPreview>;
    /// Creates a bulk message (written at once when due and needing no approval); its id.
    fn create_bulk<'a>(
        &'a self,
        caller: &'a Caller,
        selection: &'a bulk::BulkSelection,
        compose: &'a bulk::BulkCompose,
        schedule_at: Option<i64>,
    ) -> BackendResult<'a, String>;
    fn bulk_view<'a>(
        &'a self,
        caller: &'a Caller,
        id: &'a str,
    ) -> BackendResult<'a, bulk::BulkView>;
    fn bulk_list<'a>(&'a self, caller: &'a Caller) -> BackendResult<'a, Vec<bulk::BulkView>>;
    /// Approves or rejects a bulk message awaiting approval.
    fn decide_bulk<'a>(
        &'a self,
        caller: &'a Caller,
        id: &'a str,
        approve: bool,
    ) -> BackendResult<'a, bulk::BulkView>;
    fn cancel_bulk<'a>(
        &'a self,
        caller: &'a Caller,
        id: &'a str,
    ) -> BackendResult<'a, bulk::BulkView>;
    /// Queues the bulk message's failed sends again.
    fn retry_bulk<'a>(
        &'a self,
        caller: &'a Caller,
        id: &'a str,
    ) -> BackendResult<'a, bulk::BulkView>;
}

pub type SharedBackend = Arc<dyn Backend>;

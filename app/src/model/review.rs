//! Shared types for drafts behind approval, notifications and the audit trail.

use super::{NamedRef, Role};
use crate::domain::classify::Intent;
use crate::domain::draft::DraftState;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DraftView {
    pub id: String,
    pub thread_id: String,
    pub creator_name: String,
    pub campaign_id: String,
    pub campaign_name: String,
    /// The creator message it answers.
    pub trigger_text: String,
    pub state: DraftState,
    pub text: String,
    /// "library:<key>" or "model:<name>".
    pub source: String,
    pub edited: bool,
    pub topics: Vec<Intent>,
    /// The least role that may approve it.
    pub reviewer_role: Role,
    pub reviewer_id: Option<String>,
    pub reviewer_name: Option<String>,
    /// The policy rule that made it, and why.
    pub rule: String,
    pub reason: String,
    /// A rejection's comment.
    pub comment: Option<String>,
    pub cancel_reason: Option<String>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<i64>,
    /// The message sent from it.
    pub message_id: Option<String>,
    pub created_at: i64,
    /// The teammate who wrote it (a reply submitted for review); none for automation's drafts.
    #[serde(default)]
    pub author_id: Option<String>,
    #[serde(default)]
    pub author_name: Option<String>,
    /// The channel its author chose (a reply submitted for review).
    #[serde(default)]
    pub channel: Option<crate::model::Channel>,
}

/// An approved-language entry filled for one creator, as the composer offers it: its words with
/// every merge field it could fill, and the fields a person still has to fill.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FilledSnippet {
    pub key: String,
    pub title: String,
    pub category: String,
    pub scope: crate::domain::language::Scope,
    pub text: String,
    pub missing: Vec<String>,
}

/// What happened to a reply from the composer: sent (or queued to send), or held as a draft
/// submitted for review because an open sensitive topic needs a role the author does not have.
/// A sent reply serializes as the message itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ComposeOutcome {
    Sent(Box<crate::model::MessageView>),
    Submitted {
        submitted: Box<DraftView>,
        /// What the composer shows ("This reply needs a manager's approval: …").
        notice: String,
    },
}

/// The Approvals page's filters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DraftQuery {
    #[serde(default)]
    pub campaign: Option<String>,
    #[serde(default)]
    pub topic: Option<Intent>,
    /// A teammate's id, or "me".
    #[serde(default)]
    pub reviewer: Option<String>,
    /// Every draft waiting for review (pending, submitted, escalated) when absent.
    #[serde(default)]
    pub state: Option<DraftState>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApprovalQueue {
    pub drafts: Vec<DraftView>,
    pub campaigns: Vec<NamedRef>,
    pub reviewers: Vec<NamedRef>,
    /// The caller's role (the page disables what it cannot do).
    pub role: Role,
    pub me: String,
    pub now: i64,
}

/// What a bulk approval did.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BulkOutcome {
    pub approved: usize,
    /// Each draft not approved, and why.
    pub refused: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: String,
    /// "mention" or "review".
    pub kind: String,
    pub thread_id: String,
    pub text: String,
    pub by_name: String,
    pub at: i64,
    pub read: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditView {
    pub id: String,
    pub at: i64,
    /// "user", "automation", "provider", "creator"…
    pub actor_kind: String,
    pub actor_name: Option<String>,
    pub action: String,
    pub subject: String,
    pub thread_id: Option<String>,
    pub detail: String,
}

/// The audit view's filters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// An action or an action family ("draft." matches every draft action).
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub thread: Option<String>,
    /// Unix ms, inclusive.
    #[serde(default)]
    pub from: Option<i64>,
    /// Unix ms, exclusive.
    #[serde(default)]
    pub to: Option<i64>,
}

/// One campaign's response policy as the Policies page edits it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CampaignPolicy {
    pub campaign_id: String,
    pub name: String,
    pub kind: String,
    pub policy: crate::domain::policy::ResponsePolicy,
    /// The campaign has its own policy (else: its kind's defaults).
    pub customized: bool,
    /// Every follow-up rule as the campaign sets it.
    pub followups: Vec<crate::domain::followup::RuleSetting>,
    /// The campaign changed its follow-up rules (else: the defaults).
    pub followups_customized: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicySettings {
    pub campaigns: Vec<CampaignPolicy>,
    /// After how many hours of waiting a thread is escalated to the owners and managers.
    pub escalate_after_hours: Option<u32>,
    /// The working hours the reply goal counts (none: the clock's 24 hours).
    pub business_hours: Option<crate::domain::reply_clock::BusinessHours>,
    /// The IANA time zones working hours may name (the server's database), sorted.
    #[serde(default)]
    pub time_zones: Vec<String>,
    pub library: Vec<crate::domain::language::Snippet>,
    /// Owners and managers edit; others read.
    pub can_edit: bool,
}

/// A follow-up as the thread shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FollowupView {
    pub id: String,
    /// The rule's key (`app::domain::followup::defaults`).
    pub rule: String,
    pub step: u8,
    pub due_at: i64,
    /// scheduled, sent, drafted, stale, escalated or canceled.
    pub state: String,
    pub cancel_reason: Option<String>,
    pub updated_at: i64,
}

//! What the browser and the server exchange about bulk messages.

use super::Channel;
use crate::domain::filter::InboxFilter;
use serde::{Deserialize, Serialize};

/// Who a bulk message goes to: every thread matching an inbox filter (resolved by the server
/// when the message is created), or threads picked one by one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum BulkSelection {
    Filter(InboxFilter),
    Threads(Vec<String>),
}

/// The message as composed once, with merge fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct BulkCompose {
    /// The subject of emails (a new conversation in the creator's mail client).
    pub subject: String,
    pub body: String,
}

/// One recipient as the preview and the summary show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BulkRecipient {
    pub thread_id: String,
    pub creator_name: String,
    pub campaign_name: String,
    /// The channel the message goes out on, or why the recipient is skipped.
    pub channel: Option<Channel>,
    pub skip: Option<String>,
}

/// What sending would do, before anything is written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct BulkPreview {
    /// Threads selected.
    pub total: u32,
    /// Recipients per channel, for those who will get it.
    pub by_channel: Vec<(Channel, u32)>,
    /// Skipped recipients per reason.
    pub skipped: Vec<(String, u32)>,
    /// The first recipients (those skipped first), for the table.
    pub recipients: Vec<BulkRecipient>,
    /// Why the whole batch needs one approval, and by whom ("a manager…").
    pub approval: Option<String>,
    /// The message as `sample_thread` will read it (the first recipient by default).
    pub sample_thread: Option<String>,
    pub sample: Option<String>,
    /// A merge field with no value for the sample recipient, or an unknown one.
    pub problem: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BulkState {
    PendingApproval,
    Scheduled,
    /// Its recipients' messages are being written.
    Enqueuing,
    /// Every message is written; they go out as the rate limits allow.
    Sending,
    Canceled,
    Rejected,
}

impl BulkState {
    pub fn label(self) -> &'static str {
        match self {
            BulkState::PendingApproval => "Awaiting approval",
            BulkState::Scheduled => "Scheduled",
            BulkState::Enqueuing => "Preparing",
            BulkState::Sending => "Sending",
            BulkState::Canceled => "Canceled",
            BulkState::Rejected => "Rejected",
        }
    }
}

/// Where a bulk message stands: its counts per outcome (they add up to `total`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct BulkCounts {
    pub total: u32,
    /// Not written yet (scheduled, awaiting approval or being prepared).
    pub waiting: u32,
    pub queued: u32,
    pub sent: u32,
    pub failed: u32,
    pub skipped: u32,
    pub canceled: u32,
}

impl BulkCounts {
    /// Nothing is left to happen (every recipient is sent, failed, skipped or canceled).
    pub fn finished(&self) -> bool {
        self.waiting == 0 && self.queued == 0
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BulkView {
    pub id: String,
    pub state: BulkState,
    pub selection: String,
    pub subject: String,
    pub body: String,
    pub created_by_name: String,
    pub created_at: i64,
    pub scheduled_at: i64,
    pub counts: BulkCounts,
    pub approval: Option<String>,
    pub decided_by_name: Option<String>,
    pub canceled_by_name: Option<String>,
    /// Recipients skipped or failed, with the reason (the first 200).
    pub problems: Vec<BulkRecipient>,
    /// Whether the caller may approve it (pending, and their role is enough).
    pub can_approve: bool,
    pub now: i64,
}

//! What screens show: the session, inbox rows and pages, a thread with its creator, campaign
//! and enrollment, reply options, portal views, counts and the Unmatched queue.

use super::*;
use serde::{Deserialize, Serialize};

/// The signed-in person and where they are working.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user_id: String,
    pub user_name: String,
    pub email: String,
    pub workspace_id: String,
    pub workspace_name: String,
    pub role: Role,
    /// The workspace's working hours, when the reply goal counts only those.
    #[serde(default)]
    pub business_hours: Option<crate::domain::reply_clock::BusinessHours>,
    /// Every workspace the person is an active member of (the top bar's switcher), by name.
    #[serde(default)]
    pub workspaces: Vec<NamedRef>,
}

/// One row of the global inbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThreadSummary {
    pub id: String,
    pub creator_id: String,
    pub creator_name: String,
    pub creator_handle: String,
    pub creator_avatar: Option<String>,
    pub campaign_id: String,
    pub campaign_name: String,
    pub client_id: String,
    pub client_name: String,
    pub stage: Stage,
    pub assignee_id: Option<String>,
    pub assignee_name: Option<String>,
    pub last_at: i64,
    pub last_channel: Channel,
    pub last_sender_kind: SenderKind,
    pub last_sender_name: String,
    pub last_snippet: String,
    /// When the creator started waiting for an answer (their oldest unanswered message), if they are.
    pub awaiting_since: Option<i64>,
    pub unread: bool,
    /// Every channel this thread has used (the channel filter matches any of them).
    #[serde(default)]
    pub channels: Vec<Channel>,
    /// Snoozed until this time (out of Needs reply and Overdue meanwhile).
    #[serde(default)]
    pub snoozed_until: Option<i64>,
    /// Snoozed until the creator writes again.
    #[serde(default)]
    pub snooze_until_reply: Option<bool>,
    /// No answer after the last follow-up (`followup_outcomes`); cleared when the creator writes.
    #[serde(default)]
    pub stale: Option<bool>,
    /// Why the creator declined (the enrollment's reason, kept on the thread).
    #[serde(default)]
    pub decline_reason: Option<DeclineReason>,
    /// Sensitive topics the creator raised since our last teammate reply that reached them
    /// (`reply_gate::open_topics`; kept on the thread by the schema, v18).
    #[serde(default)]
    pub open_topics: Vec<crate::domain::classify::Intent>,
    /// The campaign's post-by date (kept on the thread by the schema, v18).
    #[serde(default)]
    pub post_by: Option<i64>,
    /// When the row last changed, in the database's clock (ms). Live updates compare it so an
    /// older copy never replaces a newer one.
    #[serde(default)]
    pub version: i64,
}

/// Keyset cursor: the last row's sort key in its view's order and its id
/// (`domain::live_merge::cursor_after`). Pages never use OFFSET.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The last row's activity time, or in the Overdue view the time its wait began.
    pub key: i64,
    pub id: String,
}

/// The inbox orders threads by `RANK_BASE − last_at` (`thread.inbox_rank`, schema v2): activity
/// times run from 0 to this (the year 33658).
pub const RANK_BASE: i64 = 1_000_000_000_000_000;

impl Cursor {
    /// A cursor the server can page from: a time the rank can hold and a record id.
    pub fn is_valid(&self) -> bool {
        (0..=RANK_BASE).contains(&self.key) && crate::domain::filter::is_valid_id(&self.id)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InboxPage {
    pub threads: Vec<ThreadSummary>,
    pub next: Option<Cursor>,
    /// The server's clock when the page was read, so badges agree with the data.
    pub now: i64,
}

/// What the filter bar offers: everything in the caller's workspace (and scope).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct FilterOptions {
    pub campaigns: Vec<NamedRef>,
    pub clients: Vec<NamedRef>,
    pub teammates: Vec<NamedRef>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NamedRef {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    pub channel: Channel,
    pub address: String,
    pub consent: Consent,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Consent {
    Granted,
    Unknown,
    OptedOut,
}

impl Consent {
    pub const ALL: [Consent; 3] = [Consent::Granted, Consent::Unknown, Consent::OptedOut];
    /// As stored and in URLs and form values.
    pub fn as_str(self) -> &'static str {
        match self {
            Consent::Granted => "granted",
            Consent::Unknown => "unknown",
            Consent::OptedOut => "opted_out",
        }
    }
    pub fn parse(s: &str) -> Option<Consent> {
        Consent::ALL.into_iter().find(|c| c.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Consent::Granted => "consented",
            Consent::Unknown => "consent unknown",
            Consent::OptedOut => "opted out",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreatorView {
    pub id: String,
    pub name: String,
    pub handle: String,
    pub avatar: Option<String>,
    pub notes: String,
    pub identities: Vec<Identity>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CampaignView {
    pub id: String,
    pub name: String,
    pub client_name: String,
    pub platform: String,
    pub kind: String,
    pub brief: String,
    pub deliverables: Vec<String>,
    pub compensation: String,
    pub content_due: Option<i64>,
    pub post_by: Option<i64>,
    pub status: String,
    #[serde(default)]
    pub creator_guidance: String,
    #[serde(default)]
    pub usage_terms: String,
    #[serde(default)]
    pub products: Vec<String>,
    /// Owners and managers only: members, viewers, the portal and model providers never get it.
    #[serde(default)]
    pub rate_ceiling_cents: Option<i64>,
}

/// What a teammate edits on an enrollment besides its stage and assignee.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollmentTerms {
    /// Rate, deliverables and usage as agreed.
    pub agreed_terms: String,
    pub shipping_info: Option<String>,
    /// Empty: the stage's default next action.
    pub next_action: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnrollmentView {
    pub id: String,
    pub stage: Stage,
    pub decline_reason: Option<DeclineReason>,
    pub assignee_id: Option<String>,
    pub next_action: String,
    pub agreed_terms: String,
    /// The shipping address the creator gave (saved by the policy or a teammate).
    #[serde(default)]
    pub shipping_info: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OtherCampaign {
    pub thread_id: String,
    pub campaign_name: String,
    pub stage: Stage,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: String,
    pub direction: Direction,
    pub channel: Channel,
    pub sender_kind: SenderKind,
    pub sender_name: String,
    pub subject: Option<String>,
    pub text: String,
    pub at: i64,
    pub status: DeliveryStatus,
    /// The creator's reaction to this message (an emoji), where the channel reports one.
    #[serde(default)]
    pub reaction: Option<String>,
    /// An email's HTML body, sanitized on arrival (no scripts; remote images only on demand).
    #[serde(default)]
    pub html: Option<String>,
    #[serde(default)]
    pub attachments: Option<Vec<AttachmentRef>>,
    /// The campaign was guessed (no reply headers, several open campaigns): a person should check.
    #[serde(default)]
    pub check_campaign: Option<bool>,
    /// Quoted history was trimmed from `text` for display.
    #[serde(default)]
    pub quoted_trimmed: Option<bool>,
    /// The receiving mail server could not verify the email's sender (why, in words): shown as
    /// "Unverified sender"; automation never acts on it (`domain::email_auth`).
    #[serde(default)]
    pub unverified_sender: Option<String>,
    /// Why an outbound message could not be delivered (shown beside its Retry button).
    #[serde(default)]
    pub failure_reason: Option<String>,
    /// What a creator's message is about, with the evidence (team views only: never sent to
    /// the creator portal, and not carried by live pushes — the thread loads it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<crate::domain::classify::Classification>,
    /// What the campaign's response policy decided about a creator's message (team views only,
    /// like `classification`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<crate::domain::policy::Decision>,
    /// The mailbox, number or Instagram account it came in on or goes out from (team views).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<MessageVia>,
    /// When the row last changed, in the database's clock (ms); see `ThreadSummary::version`.
    #[serde(default)]
    pub version: i64,
}

/// The identity a message came in on or went out from, as it was labeled then.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageVia {
    pub label: String,
    pub address: String,
}

/// How many messages a thread opens with, and each "load earlier" adds.
pub const TIMELINE_PAGE: usize = 100;

/// Messages before a given one, oldest first (`earlier_messages`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MessagesPage {
    pub messages: Vec<MessageView>,
    /// Whether there are more before these.
    pub has_earlier: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThreadDetail {
    pub summary: ThreadSummary,
    pub creator: CreatorView,
    pub campaign: CampaignView,
    pub enrollment: EnrollmentView,
    pub other_campaigns: Vec<OtherCampaign>,
    /// The newest `TIMELINE_PAGE` messages, oldest first; earlier ones load on request.
    pub messages: Vec<MessageView>,
    /// Whether the thread has messages before the first of `messages`.
    #[serde(default)]
    pub has_earlier: bool,
    pub teammates: Vec<NamedRef>,
    /// The channels a teammate's reply can go out on, the default, and why others cannot.
    #[serde(default)]
    pub reply: ReplyOptions,
    /// The creator's portal link for this campaign, if one is active.
    #[serde(default)]
    pub portal: Option<PortalLinkInfo>,
    /// Duplicates merged into this creator (newest first), each undoable.
    #[serde(default)]
    pub merges: Vec<MergeInfo>,
    /// Drafts on this thread, newest first (pending ones can be reviewed in place).
    #[serde(default)]
    pub drafts: Vec<DraftView>,
    /// Follow-ups on this thread, newest first (scheduled, fired or canceled, and why).
    #[serde(default)]
    pub followups: Vec<FollowupView>,
    /// The channels on which the viewer's reply would be submitted for review, and why
    /// (`domain::reply_gate`).
    #[serde(default)]
    pub reply_review: Vec<crate::domain::reply_gate::NeedsReview>,
    pub now: i64,
}

/// One channel as the composer offers it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelOption {
    pub channel: Channel,
    /// Whether a reply may go out on it now.
    pub available: bool,
    /// Where it goes ("to +1 415…") when available; why not when unavailable.
    pub detail: String,
}

/// The reply channels for a thread: the default choice and every channel with its state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct ReplyOptions {
    pub default: Option<Channel>,
    pub options: Vec<ChannelOption>,
}

impl ReplyOptions {
    pub fn allows(&self, channel: Channel) -> bool {
        self.options
            .iter()
            .any(|o| o.channel == channel && o.available)
    }
}

/// A duplicate creator merged into this one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MergeInfo {
    pub id: String,
    pub duplicate_name: String,
    pub at: i64,
}

/// An active portal link as teammates see it (the token itself is shown once, when created).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortalLinkInfo {
    pub created_at: i64,
    pub expires_at: i64,
}

/// A newly created portal link: the only time its URL is shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortalLink {
    pub url: String,
    pub expires_at: i64,
}

/// A message as the creator portal shows it: only these fields, copied one by one from the
/// team's `MessageView` (`PortalMessage::of`), so a field added for the team — the classifier's
/// reading, the policy's decision, a failure's provider error, the team's mailbox — never reaches
/// a creator unless it is added here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortalMessage {
    pub id: String,
    pub direction: Direction,
    pub channel: Channel,
    pub sender_kind: SenderKind,
    pub sender_name: String,
    pub subject: Option<String>,
    pub text: String,
    pub at: i64,
    pub status: DeliveryStatus,
    pub reaction: Option<String>,
    pub html: Option<String>,
    pub attachments: Option<Vec<AttachmentRef>>,
    pub version: i64,
}

impl PortalMessage {
    /// The allow-list: what a creator may see of a message in their thread.
    pub fn of(m: &MessageView) -> PortalMessage {
        PortalMessage {
            id: m.id.clone(),
            direction: m.direction,
            channel: m.channel,
            sender_kind: m.sender_kind,
            sender_name: m.sender_name.clone(),
            subject: m.subject.clone(),
            text: m.text.clone(),
            at: m.at,
            status: m.status,
            reaction: m.reaction.clone(),
            html: m.html.clone(),
            attachments: m.attachments.clone(),
            version: m.version,
        }
    }
}

/// What a creator sees in their portal: their campaign and its conversation (never the team's
/// internal notes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortalView {
    pub creator_name: String,
    pub workspace_name: String,
    pub client_name: String,
    pub campaign_name: String,
    pub brief: String,
    pub creator_guidance: String,
    pub deliverables: Vec<String>,
    pub compensation: String,
    pub content_due: Option<i64>,
    pub post_by: Option<i64>,
    pub stage: Stage,
    /// The newest `TIMELINE_PAGE` messages, oldest first.
    pub messages: Vec<PortalMessage>,
    /// Whether there are messages before the first of `messages` (`portal_earlier`).
    #[serde(default)]
    pub has_earlier: bool,
    pub now: i64,
}

/// Portal messages before a given one, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PortalPage {
    pub messages: Vec<PortalMessage>,
    pub has_earlier: bool,
}

/// An email attachment, downloadable at `/attachments/{id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttachmentRef {
    pub id: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
}

/// Counts for the navigation's views.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct InboxCounts {
    pub all: u64,
    pub mine: u64,
    pub unread: u64,
    pub needs_reply: u64,
    pub overdue: u64,
    /// Messages from senders no creator has as an identity yet.
    #[serde(default)]
    pub unmatched: u64,
    /// Drafts waiting for approval.
    #[serde(default)]
    pub approvals: u64,
    /// The caller's unread notifications.
    #[serde(default)]
    pub notifications: u64,
}

/// A message from an unknown sender, waiting to be linked to a creator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnmatchedView {
    pub id: String,
    pub channel: Channel,
    /// The sender's address on that channel (normalized: an email, an E.164 phone…).
    pub address: String,
    pub text: String,
    pub at: i64,
}

/// What the composer sends: a reply to the creator or an internal note.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComposeKind {
    Reply,
    Note,
}

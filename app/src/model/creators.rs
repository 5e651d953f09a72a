//! The Creators page and the creator profile.

use super::{Channel, Consent, DeclineReason, Identity, MessageView, Stage};
use serde::{Deserialize, Serialize};

/// Which creators the Creators page lists (every filter optional).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CreatorQuery {
    pub search: Option<String>,
    pub campaign: Option<String>,
    pub stage: Option<Stage>,
    pub tag: Option<String>,
    /// Creators reachable on this channel (an identity there).
    pub channel: Option<Channel>,
    /// Creators with an identity in this consent state (on `channel` when one is chosen).
    pub consent: Option<Consent>,
    /// Rows to skip (paging).
    pub offset: u32,
}

/// A creator's campaign as a list line shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatorCampaign {
    pub thread_id: String,
    pub campaign_name: String,
    pub stage: Stage,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreatorRow {
    pub id: String,
    pub name: String,
    pub handle: String,
    pub tags: Vec<String>,
    pub identities: Vec<Identity>,
    pub campaigns: Vec<CreatorCampaign>,
    pub rate_cents: Option<i64>,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreatorPage {
    pub creators: Vec<CreatorRow>,
    /// How many creators match in all.
    pub total: u32,
    /// The next page's offset, if there is one.
    pub next: Option<u32>,
    /// Every tag in the workspace (for the filter).
    pub tags: Vec<String>,
}

/// Which creators an action is for: these, or every one matching a query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CreatorSelection {
    Ids(Vec<String>),
    Matching(CreatorQuery),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollOutcome {
    pub enrolled: u32,
    /// Already in the campaign (left as they were).
    pub already: u32,
}

/// One campaign on a creator's profile: where it ended or stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileCampaign {
    pub thread_id: String,
    pub campaign_id: String,
    pub campaign_name: String,
    pub client_name: String,
    pub stage: Stage,
    pub decline_reason: Option<DeclineReason>,
    pub agreed_terms: String,
    pub archived: bool,
    pub last_at: i64,
    /// Links the creator sent while the content was delivered or posted.
    pub content_links: Vec<String>,
}

/// A rate the creator named in a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotedRate {
    pub text: String,
    pub campaign_name: String,
    pub at: i64,
}

/// One entry of the creator's timeline across all their campaigns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProfileEntry {
    pub thread_id: String,
    pub campaign_name: String,
    pub message: MessageView,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreatorProfile {
    pub id: String,
    pub name: String,
    pub handle: String,
    pub avatar: Option<String>,
    pub notes: String,
    pub preferences: String,
    pub tags: Vec<String>,
    pub identities: Vec<Identity>,
    /// The rate on file (from an import or a teammate).
    pub rate_cents: Option<i64>,
    pub custom: Vec<(String, String)>,
    /// The CSV import the creator came from: its file name and when it ran.
    pub imported_from: Option<(String, i64)>,
    pub quoted_rates: Vec<QuotedRate>,
    pub campaigns: Vec<ProfileCampaign>,
    /// The newest entries first, across every campaign (at most `PROFILE_ENTRIES`).
    pub timeline: Vec<ProfileEntry>,
    /// Whether there are older entries than the timeline shows.
    pub more: bool,
    /// Owners may undo an opt-out; other writers may only opt a creator out.
    pub can_undo_opt_out: bool,
    pub can_edit: bool,
}

/// What a teammate edits on a profile.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileEdit {
    pub name: String,
    pub tags: Vec<String>,
    pub preferences: String,
    pub notes: String,
    pub rate_cents: Option<i64>,
}

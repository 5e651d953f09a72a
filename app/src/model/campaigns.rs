//! Clients and campaigns as the Campaigns page reads and edits them.

use super::Stage;
use serde::{Deserialize, Serialize};

/// A client of the workspace (a brand the team runs campaigns for).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientView {
    pub id: String,
    pub name: String,
    pub archived: bool,
    pub campaigns: u32,
}

/// How many of a campaign's creators are in one stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageCount {
    pub stage: Stage,
    pub count: u32,
}

/// One line of the campaign list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignRow {
    pub id: String,
    pub name: String,
    pub client_id: String,
    pub client_name: String,
    pub kind: String,
    pub status: String,
    pub platforms: Vec<String>,
    /// Creators per stage (stages with none left out), in funnel order.
    pub stages: Vec<StageCount>,
    pub creators: u32,
    /// Threads whose creator has waited past the 24-hour reply goal.
    pub overdue: u32,
    pub content_due: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignsPage {
    pub clients: Vec<ClientView>,
    pub campaigns: Vec<CampaignRow>,
    /// Owners and managers create and edit; everyone else reads.
    pub can_manage: bool,
    pub now: i64,
}

/// Every field of a campaign a team negotiates with: what the editor shows and saves. The rate
/// ceiling is only ever filled for owners and managers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignForm {
    /// None for a campaign not saved yet.
    pub id: Option<String>,
    pub client_id: String,
    pub name: String,
    pub platforms: Vec<String>,
    /// "gifting" or "paid".
    pub kind: String,
    pub brief: String,
    pub creator_guidance: String,
    pub negotiation_language: String,
    pub rate_ceiling_cents: Option<i64>,
    pub compensation: String,
    pub deliverables: Vec<String>,
    /// Products or variants a creator may pick from.
    pub products: Vec<String>,
    pub usage_terms: String,
    pub content_due: Option<i64>,
    pub post_by: Option<i64>,
    /// Instagram accounts and hashtags whose posts count for the campaign.
    pub tracking_handles: Vec<String>,
    pub tracking_hashtags: Vec<String>,
    /// "draft", "active" or "closed".
    pub status: String,
    /// The mailbox, number and Instagram account it sends from (none: the workspace's default).
    #[serde(default)]
    pub senders: crate::domain::sending::CampaignSenders,
}

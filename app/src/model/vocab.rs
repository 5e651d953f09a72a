//! The words every part shares: roles, funnel stages, decline reasons, channels, directions,
//! senders and delivery states, each with its label.

use serde::{Deserialize, Serialize};

/// A teammate's role inside one workspace. Ordered from most to least powerful.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Manager,
    Member,
    Viewer,
}

impl Role {
    pub fn can_write(self) -> bool {
        !matches!(self, Role::Viewer)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Manager => "manager",
            Role::Member => "member",
            Role::Viewer => "viewer",
        }
    }
    /// "an owner", "a manager"…
    pub fn with_article(self) -> &'static str {
        match self {
            Role::Owner => "an owner",
            Role::Manager => "a manager",
            Role::Member => "a member",
            Role::Viewer => "a viewer",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        [Role::Owner, Role::Manager, Role::Member, Role::Viewer]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// Where an enrollment (creator × campaign) stands in the campaign funnel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Enrolled, not yet written to: the first message of ours moves it to Contacted.
    Prospect,
    Contacted,
    Replied,
    Negotiating,
    Accepted,
    InfoCollected,
    ProductShipped,
    ContentDelivered,
    /// The team approved the content the creator handed in; the post comes next.
    ContentApproved,
    Posted,
    Completed,
    Declined,
}

impl Stage {
    pub const ALL: [Stage; 12] = [
        Stage::Prospect,
        Stage::Contacted,
        Stage::Replied,
        Stage::Negotiating,
        Stage::Accepted,
        Stage::InfoCollected,
        Stage::ProductShipped,
        Stage::ContentDelivered,
        Stage::ContentApproved,
        Stage::Posted,
        Stage::Completed,
        Stage::Declined,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Prospect => "prospect",
            Stage::Contacted => "contacted",
            Stage::Replied => "replied",
            Stage::Negotiating => "negotiating",
            Stage::Accepted => "accepted",
            Stage::InfoCollected => "info_collected",
            Stage::ProductShipped => "product_shipped",
            Stage::ContentDelivered => "content_delivered",
            Stage::ContentApproved => "content_approved",
            Stage::Posted => "posted",
            Stage::Completed => "completed",
            Stage::Declined => "declined",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Stage::Prospect => "Prospect",
            Stage::Contacted => "Contacted",
            Stage::Replied => "Replied",
            Stage::Negotiating => "Negotiating",
            Stage::Accepted => "Accepted",
            Stage::InfoCollected => "Info collected",
            Stage::ProductShipped => "Product shipped",
            Stage::ContentDelivered => "Content delivered",
            Stage::ContentApproved => "Content approved",
            Stage::Posted => "Posted",
            Stage::Completed => "Completed",
            Stage::Declined => "Declined",
        }
    }
    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|x| x.as_str() == s)
    }
    /// Completed and declined enrollments are over; every other stage is open.
    pub fn is_closed(self) -> bool {
        matches!(self, Stage::Completed | Stage::Declined)
    }
}

/// Why a creator declined (structured so it can be reported on).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum DeclineReason {
    Rate,
    Timing,
    BrandFit,
    Exclusivity,
    NoReply,
    Other,
}

impl DeclineReason {
    pub const ALL: [DeclineReason; 6] = [
        DeclineReason::Rate,
        DeclineReason::Timing,
        DeclineReason::BrandFit,
        DeclineReason::Exclusivity,
        DeclineReason::NoReply,
        DeclineReason::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            DeclineReason::Rate => "rate",
            DeclineReason::Timing => "timing",
            DeclineReason::BrandFit => "brand_fit",
            DeclineReason::Exclusivity => "exclusivity",
            DeclineReason::NoReply => "no_reply",
            DeclineReason::Other => "other",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            DeclineReason::Rate => "Rate",
            DeclineReason::Timing => "Timing",
            DeclineReason::BrandFit => "Brand fit",
            DeclineReason::Exclusivity => "Exclusivity",
            DeclineReason::NoReply => "No reply",
            DeclineReason::Other => "Other",
        }
    }
    pub fn parse(s: &str) -> Option<DeclineReason> {
        DeclineReason::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The way a message travelled. `Note` is internal and never reaches the creator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Sms,
    Instagram,
    InApp,
    /// The signed API channel: marketplaces and other platforms post messages to a webhook.
    Api,
    Note,
}

impl Channel {
    pub const ALL: [Channel; 6] = [
        Channel::Email,
        Channel::Sms,
        Channel::Instagram,
        Channel::InApp,
        Channel::Api,
        Channel::Note,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Instagram => "instagram",
            Channel::InApp => "in_app",
            Channel::Api => "api",
            Channel::Note => "note",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Channel::Email => "Email",
            Channel::Sms => "SMS",
            Channel::Instagram => "Instagram DM",
            Channel::InApp => "Creator portal",
            Channel::Api => "API",
            Channel::Note => "Internal note",
        }
    }
    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Inbound,
    Outbound,
    Internal,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
            Direction::Internal => "internal",
        }
    }
}

/// Who wrote an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum SenderKind {
    Creator,
    Teammate,
    Automation,
}

impl SenderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SenderKind::Creator => "creator",
            SenderKind::Teammate => "teammate",
            SenderKind::Automation => "automation",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Received,
    Queued,
    Sent,
    Delivered,
    Read,
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Received => "received",
            DeliveryStatus::Queued => "queued",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Read => "read",
            DeliveryStatus::Failed => "failed",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            DeliveryStatus::Received => "Received",
            DeliveryStatus::Queued => "Queued",
            DeliveryStatus::Sent => "Sent",
            DeliveryStatus::Delivered => "Delivered",
            DeliveryStatus::Read => "Read",
            DeliveryStatus::Failed => "Failed",
        }
    }
}

//! Why a conversation cannot move on without the team: one rule for the Reports page's blocked
//! categories, the inbox's Blocked filter (`store/inbox_query.rs` binds `Blocked::rule` as
//! parameters) and live rows (`filter::InboxFilter::matches`).
//!
//! A thread is blocked in a category when its stage is one of the category's stages or one of the
//! category's topics is open (a sensitive topic the creator raised since our last teammate reply
//! that reached them: `reply_gate::open_topics`), unless the thread is closed.

use crate::domain::classify::Intent;
use crate::model::Stage;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Blocked {
    /// Rate, usage rights or exclusivity is open, or the thread is negotiating.
    Negotiation,
    /// Accepted, shipping information not collected yet.
    Shipping,
    /// Content handed in, not approved yet.
    ContentApproval,
    /// A legal question, claim or disclosure is open.
    Compliance,
}

/// What puts a thread in a category: any of these stages, or any of these topics open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockRule {
    pub stages: &'static [Stage],
    pub topics: &'static [Intent],
}

/// Closed threads are never blocked.
pub const CLOSED: [Stage; 2] = [Stage::Declined, Stage::Completed];

impl Blocked {
    pub const ALL: [Blocked; 4] = [
        Blocked::Negotiation,
        Blocked::Shipping,
        Blocked::ContentApproval,
        Blocked::Compliance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Blocked::Negotiation => "negotiation",
            Blocked::Shipping => "shipping",
            Blocked::ContentApproval => "content_approval",
            Blocked::Compliance => "compliance",
        }
    }

    pub fn parse(s: &str) -> Option<Blocked> {
        Blocked::ALL.into_iter().find(|b| b.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Blocked::Negotiation => "Negotiation",
            Blocked::Shipping => "Shipping information",
            Blocked::ContentApproval => "Content approval",
            Blocked::Compliance => "Compliance",
        }
    }

    pub fn rule(self) -> BlockRule {
        match self {
            Blocked::Negotiation => BlockRule {
                stages: &[Stage::Negotiating],
                topics: &[Intent::Rate, Intent::UsageRights, Intent::Exclusivity],
            },
            Blocked::Shipping => BlockRule {
                stages: &[Stage::Accepted],
                topics: &[],
            },
            Blocked::ContentApproval => BlockRule {
                stages: &[Stage::ContentDelivered],
                topics: &[],
            },
            Blocked::Compliance => BlockRule {
                stages: &[],
                topics: &[Intent::Legal],
            },
        }
    }
}

/// The categories a thread in `stage` with these open topics is blocked in.
pub fn blocked(stage: Stage, open_topics: &[Intent]) -> Vec<Blocked> {
    if CLOSED.contains(&stage) {
        return Vec::new();
    }
    Blocked::ALL
        .into_iter()
        .filter(|b| {
            let rule = b.rule();
            rule.stages.contains(&stage) || rule.topics.iter().any(|t| open_topics.contains(t))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Blocked::*;

    #[test]
    fn categories_from_stage_and_open_topics() {
        let cases: &[(Stage, &[Intent], &[Blocked])] = &[
            (Stage::Contacted, &[], &[]),
            (Stage::Negotiating, &[], &[Negotiation]),
            (Stage::Replied, &[Intent::UsageRights], &[Negotiation]),
            (Stage::Replied, &[Intent::Payment], &[]),
            (Stage::Accepted, &[Intent::Legal], &[Shipping, Compliance]),
            (
                Stage::ContentDelivered,
                &[Intent::Exclusivity],
                &[Negotiation, ContentApproval],
            ),
            (Stage::Declined, &[Intent::Rate, Intent::Legal], &[]),
            (Stage::Completed, &[Intent::Legal], &[]),
        ];
        for (stage, open, want) in cases {
            assert_eq!(blocked(*stage, open), *want, "{stage:?} {open:?}");
        }
    }

    #[test]
    fn names_round_trip() {
        for b in Blocked::ALL {
            assert_eq!(Blocked::parse(b.as_str()), Some(b));
        }
        assert_eq!(Blocked::parse("Negotiation"), None);
    }
}

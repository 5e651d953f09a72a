//! What a creator's message is about: hand-written rules (`rules.rs`) and a learned model
//! (`weights.rs`, trained by `learn.rs` from `app/fixtures/intents/`) combined (`combine.rs`).
//! Each intent comes with a confidence and the spans of text that carried it, so the thread can
//! show *why*; sensitive topics are flagged for the response policy, and `safety.rs` says when
//! automation may act alone. No I/O: a pure function of the text and the weights.

mod address;
mod combine;
mod concepts;
pub mod correct;
mod cues;
pub mod features;
pub mod learn;
pub mod learned;
pub mod model;
pub mod rules;
pub mod safety;
mod scan;
pub mod score;
pub mod weights;

use crate::model::DeclineReason;
pub use address::{extract_address, ShippingAddress};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    /// Interested, or accepting the offer.
    Accepted,
    Declined,
    /// A rate, a counter-offer, money for the work.
    Rate,
    AddressProvided,
    /// A question about the brief, the content or the product.
    Question,
    /// Content handed in (a link or a file), or a post gone live.
    ContentSubmitted,
    UsageRights,
    Exclusivity,
    /// Payment or invoice.
    Payment,
    /// Disclosure, compliance, product claims, contracts.
    Legal,
    Complaint,
    /// Out-of-office or another automatic reply.
    AutoReply,
    OptOut,
}

impl Intent {
    pub const ALL: [Intent; 13] = [
        Intent::Accepted,
        Intent::Declined,
        Intent::Rate,
        Intent::AddressProvided,
        Intent::Question,
        Intent::ContentSubmitted,
        Intent::UsageRights,
        Intent::Exclusivity,
        Intent::Payment,
        Intent::Legal,
        Intent::Complaint,
        Intent::AutoReply,
        Intent::OptOut,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Accepted => "accepted",
            Intent::Declined => "declined",
            Intent::Rate => "rate",
            Intent::AddressProvided => "address_provided",
            Intent::Question => "question",
            Intent::ContentSubmitted => "content_submitted",
            Intent::UsageRights => "usage_rights",
            Intent::Exclusivity => "exclusivity",
            Intent::Payment => "payment",
            Intent::Legal => "legal",
            Intent::Complaint => "complaint",
            Intent::AutoReply => "auto_reply",
            Intent::OptOut => "opt_out",
        }
    }

    pub fn parse(s: &str) -> Option<Intent> {
        Intent::ALL.into_iter().find(|i| i.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Intent::Accepted => "Interested / accepted",
            Intent::Declined => "Declined",
            Intent::Rate => "Rate / negotiation",
            Intent::AddressProvided => "Shipping address",
            Intent::Question => "Question",
            Intent::ContentSubmitted => "Content submitted",
            Intent::UsageRights => "Usage rights",
            Intent::Exclusivity => "Exclusivity",
            Intent::Payment => "Payment / invoice",
            Intent::Legal => "Disclosure / legal / claims",
            Intent::Complaint => "Complaint",
            Intent::AutoReply => "Auto-reply",
            Intent::OptOut => "Opt-out",
        }
    }

    /// Topics a person must see before anything is said about them.
    pub fn is_sensitive(self) -> bool {
        matches!(
            self,
            Intent::Rate
                | Intent::UsageRights
                | Intent::Exclusivity
                | Intent::Payment
                | Intent::Legal
                | Intent::Complaint
        )
    }
}

/// A byte range of the message text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Detected {
    pub intent: Intent,
    /// 0–100.
    pub confidence: u8,
    pub evidence: Vec<Span>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    /// Most confident first.
    pub intents: Vec<Detected>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decline_reason: Option<DeclineReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<ShippingAddress>,
    /// Links in the message (content handed in).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<String>,
    /// What keeps automation from acting on the message alone (`safety::automation_verdict`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cautions: Vec<safety::Caution>,
    /// Which classifier decided: "rules", "rules + learned model", a model provider's name, or
    /// "corrected by <name>".
    #[serde(default)]
    pub source: String,
}

impl Classification {
    pub fn has(&self, intent: Intent) -> bool {
        self.intents.iter().any(|d| d.intent == intent)
    }

    pub fn intent_set(&self) -> Vec<Intent> {
        let mut v: Vec<Intent> = self.intents.iter().map(|d| d.intent).collect();
        v.sort();
        v
    }

    /// The sensitive topics the message touches.
    pub fn sensitive(&self) -> Vec<Intent> {
        self.intents
            .iter()
            .map(|d| d.intent)
            .filter(|i| i.is_sensitive())
            .collect()
    }
}

/// Evidence at or above this confidence counts as the intent.
pub const THRESHOLD: u8 = 50;

/// Classifies a message with the model in use (`learned::installed`).
pub fn classify(text: &str) -> Classification {
    classify_with(learned::installed(), text)
}

/// Classifies a message with the given weights (`None`: by the rules alone).
pub fn classify_with(weights: Option<&weights::Weights>, text: &str) -> Classification {
    let rules = rules::rules(text);
    let Some(w) = weights else { return rules };
    let scored = w.score(&features::extract(text, &rules));
    combine::combine(text, rules, &scored)
}
#[cfg(test)]
mod tests;

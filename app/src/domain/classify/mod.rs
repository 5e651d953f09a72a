//! What a creator's message is about: an explainable, rule-based classifier. Each intent comes
//! with a confidence and the spans of text (byte ranges) that triggered it, so the thread can
//! show *why*; sensitive topics are flagged for the response policy. No I/O: a pure function of
//! the text.

mod address;
mod cues;
pub mod model;
mod scan;
pub mod score;

use crate::model::DeclineReason;
pub use address::{extract_address, ShippingAddress};
use scan::Folded;
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
    /// Which classifier decided: "rules" or the model provider's name.
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

pub fn classify(text: &str) -> Classification {
    let body = scan::without_signature(text);
    let folded = Folded::new(&text[..body]);
    let mut found: Vec<(Intent, Vec<(Span, u8)>)> = Vec::new();
    for cue in cues::CUES {
        for span in folded.find_all(cue.phrase, cue.whole_word) {
            if cue.negatable && folded.negated_before(span.start) {
                continue;
            }
            if cue.alone && !folded.is_whole_message(span) {
                continue;
            }
            push(&mut found, cue.intent, folded.orig(span), cue.weight);
        }
    }
    let links = scan::links(&text[..body]);
    let money = folded.money();
    if let Some(span) = money {
        push(&mut found, Intent::Rate, folded.orig(span), 60);
    }
    for (link, span) in &links {
        if cues::is_content_link(link) {
            push(&mut found, Intent::ContentSubmitted, *span, 70);
        }
    }
    let address = extract_address(&text[..body]);
    if let Some(a) = &address {
        push(&mut found, Intent::AddressProvided, a.span, 85);
    }
    for (span, weight) in folded.questions() {
        push(&mut found, Intent::Question, folded.orig(span), weight);
    }
    if let Some(span) = folded.opens_with_yes() {
        if !found.iter().any(|(i, _)| *i == Intent::Declined) {
            push(&mut found, Intent::Accepted, folded.orig(span), 65);
        }
    }
    let mut intents: Vec<Detected> = found
        .into_iter()
        .map(|(intent, spans)| {
            // Independent cues add up: 1 − Π(1 − w).
            let miss = spans
                .iter()
                .fold(1.0f32, |m, (_, w)| m * (1.0 - f32::from(*w) / 100.0));
            let mut all: Vec<Span> = spans.into_iter().map(|(s, _)| s).collect();
            // Longest first, so a phrase inside a longer one ("sí!" in "claro que sí!") goes.
            all.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
            let mut evidence: Vec<Span> = Vec::new();
            for s in all {
                if !evidence.iter().any(|e| e.start < s.end && s.start < e.end) {
                    evidence.push(s);
                }
            }
            Detected {
                intent,
                confidence: ((1.0 - miss) * 100.0).round().min(99.0) as u8,
                evidence,
            }
        })
        .filter(|d| d.confidence >= THRESHOLD)
        .collect();
    resolve_conflicts(&mut intents);
    intents.sort_by(|a, b| {
        b.confidence
            .cmp(&a.confidence)
            .then(a.intent.cmp(&b.intent))
    });
    let decline_reason = intents
        .iter()
        .any(|d| d.intent == Intent::Declined)
        .then(|| cues::decline_reason(&folded));
    Classification {
        intents,
        decline_reason,
        address,
        links: links.into_iter().map(|(l, _)| l).collect(),
        source: "rules".into(),
    }
}

fn push(found: &mut Vec<(Intent, Vec<(Span, u8)>)>, intent: Intent, span: Span, weight: u8) {
    match found.iter_mut().find(|(i, _)| *i == intent) {
        Some((_, spans)) => spans.push((span, weight)),
        None => found.push((intent, vec![(span, weight)])),
    }
}

/// An auto-reply says nothing else; a decline outweighs polite enthusiasm ("love it, but I'll
/// pass"); an opt-out ends the conversation.
fn resolve_conflicts(intents: &mut Vec<Detected>) {
    let has = |v: &Vec<Detected>, i: Intent| v.iter().any(|d| d.intent == i);
    if has(intents, Intent::AutoReply) {
        intents.retain(|d| d.intent == Intent::AutoReply);
        return;
    }
    if has(intents, Intent::OptOut) {
        intents.retain(|d| matches!(d.intent, Intent::OptOut | Intent::Complaint));
        return;
    }
    if has(intents, Intent::Declined) {
        // The money or exclusivity behind a decline is its reason, not a topic to negotiate.
        intents.retain(|d| {
            !matches!(
                d.intent,
                Intent::Accepted | Intent::Rate | Intent::Exclusivity
            )
        });
    }
    // A question about money, rights, exclusivity or the law is that topic, not a brief question.
    let topic_spans: Vec<Span> = intents
        .iter()
        .filter(|d| d.intent.is_sensitive())
        .flat_map(|d| d.evidence.clone())
        .collect();
    if let Some(q) = intents.iter_mut().find(|d| d.intent == Intent::Question) {
        q.evidence.retain(|s| {
            !topic_spans
                .iter()
                .any(|t| t.start < s.end && s.start < t.end)
        });
    }
    intents.retain(|d| d.intent != Intent::Question || !d.evidence.is_empty());
}

#[cfg(test)]
mod tests;

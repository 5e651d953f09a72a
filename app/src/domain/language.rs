//! The approved-language library: wording the team has signed off (disclosures, usage-rights
//! wording, payment terms, shipping confirmation, content guidelines…) with merge fields such as
//! `{{first_name}}` or `{{campaign}}`. Automatic replies and drafts are built only from it (or from
//! the model provider, when one is configured). A workspace may replace any built-in entry by key.

use super::classify::Intent;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snippet {
    pub key: String,
    pub title: String,
    pub category: String,
    pub body: String,
    /// The campaign it belongs to (none: the whole workspace).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
}

/// The merge fields a snippet may use, and what each means.
pub const MERGE_FIELDS: &[(&str, &str)] = &[
    ("first_name", "the creator's first name"),
    ("creator", "the creator's full name"),
    ("campaign", "the campaign's name"),
    ("brand", "the client (brand) name"),
    ("address", "the shipping address the creator gave"),
    (
        "deliverables",
        "the campaign's deliverables, comma separated",
    ),
    ("compensation", "the campaign's compensation"),
    ("post_by", "the posting date"),
    ("guidance", "the campaign's creator guidance"),
    ("sender", "the teammate or team signing"),
];

fn snippet(key: &str, title: &str, category: &str, body: &str) -> Snippet {
    Snippet {
        key: key.into(),
        title: title.into(),
        category: category.into(),
        body: body.into(),
        campaign: None,
    }
}

/// The built-in library every workspace starts with.
pub fn defaults() -> Vec<Snippet> {
    vec![
        snippet(
            "shipping_confirmation",
            "Shipping confirmation",
            "shipping",
            "Hi {{first_name}}, thank you! We have your address as {{address}} and will ship your {{brand}} package for {{campaign}} shortly. You will get tracking as soon as it leaves us.\n\n{{sender}}",
        ),
        snippet(
            "rate_reply",
            "Reply to a rate",
            "payment",
            "Hi {{first_name}}, thanks for sharing your rate for {{campaign}}. What we can offer is {{compensation}} for: {{deliverables}}. Usage beyond our own channels is agreed separately and in writing. Would that work for you?\n\n{{sender}}",
        ),
        snippet(
            "usage_rights_terms",
            "Usage rights wording",
            "usage_rights",
            "Hi {{first_name}}, on usage: {{brand}} may reshare your {{campaign}} content on its owned social channels for 90 days from posting. Paid usage (ads, whitelisting) is agreed separately and in writing.\n\n{{sender}}",
        ),
        snippet(
            "exclusivity_terms",
            "Exclusivity wording",
            "exclusivity",
            "Hi {{first_name}}, for {{campaign}} we ask that you do not post sponsored content for a direct competitor of {{brand}} for 14 days after your post. Happy to talk through any conflict you see.\n\n{{sender}}",
        ),
        snippet(
            "payment_terms",
            "Payment terms",
            "payment",
            "Hi {{first_name}}, payment for {{campaign}} ({{compensation}}) is made within 30 days of the content going live, against an invoice sent to us by reply. \n\n{{sender}}",
        ),
        snippet(
            "disclosure",
            "Disclosure and claims",
            "legal",
            "Hi {{first_name}}, every {{campaign}} post must be clearly disclosed (#ad or the platform's paid-partnership label, at the start of the caption). Please make no health or performance claims about {{brand}} products beyond what is in the brief.\n\n{{sender}}",
        ),
        snippet(
            "complaint_ack",
            "Acknowledging a complaint",
            "complaint",
            "Hi {{first_name}}, I am sorry about this, and thank you for telling us. I am looking into it now and will come back to you today with a fix.\n\n{{sender}}",
        ),
        snippet(
            "followup_1",
            "Follow-up 1 (no reply)",
            "follow_up",
            "Hi {{first_name}}, just checking you saw our note about {{campaign}} with {{brand}}. Happy to share more details if it sounds interesting!\n\n{{sender}}",
        ),
        snippet(
            "followup_2",
            "Follow-up 2 (no reply)",
            "follow_up",
            "Hi {{first_name}}, one last nudge on {{campaign}}: we would love to have you. If now is not the right time, no worries at all.\n\n{{sender}}",
        ),
        snippet(
            "shipping_reminder",
            "Shipping details reminder",
            "shipping",
            "Hi {{first_name}}, so glad you are in for {{campaign}}! Could you reply with the address we should ship your {{brand}} package to?\n\n{{sender}}",
        ),
        snippet(
            "posting_reminder",
            "Posting deadline reminder",
            "content",
            "Hi {{first_name}}, a friendly reminder that {{campaign}} content is due to go live by {{post_by}}. Reply here if you need anything from us.\n\n{{sender}}",
        ),
        snippet(
            "rate_confirmation",
            "Rate confirmation nudge",
            "payment",
            "Hi {{first_name}}, just checking in on {{campaign}}: does {{compensation}} for {{deliverables}} work for you? Happy to answer any questions.\n\n{{sender}}",
        ),
        snippet(
            "posting_overdue",
            "Approved but not posted",
            "content",
            "Hi {{first_name}}, your {{campaign}} content is approved and was due to go live by {{post_by}}. Could you share the link once it is up, or tell us if anything is holding it?\n\n{{sender}}",
        ),
        snippet(
            "wrap_up",
            "Campaign wrap-up",
            "outreach",
            "Hi {{first_name}}, {{campaign}} is complete: thank you for working with {{brand}}! We loved what you made and hope to work together again.\n\n{{sender}}",
        ),
        snippet(
            "content_guidelines",
            "Content guidelines",
            "content",
            "Hi {{first_name}}, here is what we are looking for in {{campaign}}: {{guidance}}\n\nDeliverables: {{deliverables}}. Please post by {{post_by}}.\n\n{{sender}}",
        ),
    ]
}

/// The library as a workspace sees it: its own entries replace built-in ones with the same key.
pub fn library(overrides: Vec<Snippet>) -> Vec<Snippet> {
    let mut out = defaults();
    for o in overrides {
        match out.iter_mut().find(|s| s.key == o.key) {
            Some(s) => *s = o,
            None => out.push(o),
        }
    }
    out
}

/// Fills a snippet's merge fields. A field without a value is an error naming it: nothing half
/// filled is ever sent automatically.
pub fn render(body: &str, fields: &BTreeMap<&str, String>) -> Result<String, String> {
    let (text, missing) = fill(body, fields)?;
    if missing.is_empty() {
        Ok(text)
    } else {
        Err(format!("no value for {}", missing.join(", ")))
    }
}

/// Fills what it can and leaves each field without a value as `{{name}}` for a person to
/// complete (drafts for review); returns the names left. `Err` only for an unclosed field.
pub fn fill(body: &str, fields: &BTreeMap<&str, String>) -> Result<(String, Vec<String>), String> {
    let mut out = String::with_capacity(body.len() + 64);
    let mut rest = body;
    let mut missing: Vec<String> = Vec::new();
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            return Err("a merge field is not closed with }}".into());
        };
        let name = after[..close].trim();
        match fields.get(name).filter(|v| !v.trim().is_empty()) {
            Some(v) => out.push_str(v),
            None => {
                out.push_str("{{");
                out.push_str(name);
                out.push_str("}}");
                if !missing.iter().any(|m| m == name) {
                    missing.push(name.to_string());
                }
            }
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Ok((out, missing))
}

/// Whether a reply still holds a merge field to fill (it cannot be sent as it is).
pub fn unfilled(text: &str) -> Option<String> {
    let open = text.find("{{")?;
    let close = text[open..].find("}}")? + open;
    Some(text[open + 2..close].trim().to_string())
}

/// Checks a snippet a person wrote: known merge fields only, all closed.
pub fn validate(body: &str) -> Result<(), String> {
    if body.trim().is_empty() {
        return Err("the wording is empty".into());
    }
    check_fields(body, MERGE_FIELDS)
}

/// Whether `body` uses only the `known` merge fields, each closed; the error names the first
/// unknown one.
pub fn check_fields(body: &str, known: &[(&str, &str)]) -> Result<(), String> {
    let all: BTreeMap<&str, String> = known.iter().map(|(k, _)| (*k, "x".to_string())).collect();
    render(body, &all)
        .map(|_| ())
        .map_err(|e| e.replace("no value for", "unknown merge field"))
}

/// What a message's merge fields are filled from (automatic replies, follow-ups, bulk messages).
pub struct FieldValues<'a> {
    pub creator_name: &'a str,
    pub campaign: &'a str,
    pub brand: &'a str,
    pub post_by: Option<i64>,
    pub deliverables: &'a [String],
    pub compensation: &'a str,
    pub sender: &'a str,
    pub address: Option<&'a str>,
    pub guidance: Option<&'a str>,
    /// A portal link made for this message (`{{portal_link}}`, and `{{brief_link}}` at the brief).
    pub portal_link: Option<&'a str>,
}

/// The merge fields `v` fills; a field whose value is absent or empty stays unfilled.
pub fn fields(v: &FieldValues<'_>) -> BTreeMap<&'static str, String> {
    let mut m = BTreeMap::from([
        (
            "first_name",
            v.creator_name
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_string(),
        ),
        ("creator", v.creator_name.to_string()),
        ("campaign", v.campaign.to_string()),
        ("brand", v.brand.to_string()),
        (
            "post_by",
            v.post_by
                .map(super::time_fmt::short_date)
                .unwrap_or_default(),
        ),
        ("deliverables", v.deliverables.join(", ")),
        ("compensation", v.compensation.to_string()),
        ("sender", v.sender.to_string()),
    ]);
    if let Some(a) = v.address {
        m.insert("address", a.to_string());
    }
    if let Some(g) = v.guidance {
        m.insert("guidance", g.to_string());
    }
    if let Some(link) = v.portal_link {
        m.insert("portal_link", link.to_string());
        m.insert("brief_link", format!("{link}#brief"));
    }
    m
}

/// The library entry a review draft starts from: the most sensitive topic decides.
pub fn snippet_for_topics(topics: &[Intent]) -> &'static str {
    const ORDER: &[(Intent, &str)] = &[
        (Intent::Complaint, "complaint_ack"),
        (Intent::Legal, "disclosure"),
        (Intent::Rate, "rate_reply"),
        (Intent::UsageRights, "usage_rights_terms"),
        (Intent::Exclusivity, "exclusivity_terms"),
        (Intent::Payment, "payment_terms"),
        (Intent::Question, "content_guidelines"),
    ];
    ORDER
        .iter()
        .find(|(i, _)| topics.contains(i))
        .map(|(_, k)| *k)
        .unwrap_or("content_guidelines")
}

mod campaign;
pub use campaign::{campaign_library, Scope, GUIDANCE_KEY, NEGOTIATION_KEY};

#[cfg(test)]
mod tests;

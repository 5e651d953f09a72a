//! The optional model provider's part in understanding a message and drafting a reply: the
//! prompts it is sent, reading its answers, and merging what it found with the rules. The rules
//! stay authoritative — the model can only add intents (so it can make a message need review,
//! never make a sensitive one automatic), and a model never sends anything by itself.

use super::{Classification, Detected, Intent, THRESHOLD};

/// The system prompt for classification: the answer must be JSON naming known intents.
pub fn classify_prompt() -> String {
    let names: Vec<&str> = Intent::ALL.iter().map(|i| i.as_str()).collect();
    format!(
        "You label messages that influencers (creators) send to a brand's campaign team. \
Answer with JSON only, shaped {{\"intents\":[{{\"intent\":NAME,\"confidence\":0-100}}]}}, listing every intent \
the message clearly expresses. NAME is one of: {}. An empty list is a valid answer.",
        names.join(", ")
    )
}

/// The system prompt for drafting a reply for a person to review.
pub const DRAFT_PROMPT: &str = "You draft replies from a brand's campaign team to an influencer. \
Write only the reply's text: short, warm, plain, no subject line, no placeholders. Never promise money, \
usage rights, exclusivity terms, dates or legal positions beyond the approved wording you are given; \
base the reply on that wording. A person reviews your draft before anything is sent.";

/// The user message for drafting: the campaign's context, the creator's message and the approved
/// wording to start from.
pub fn draft_request(
    campaign: &str,
    brief: &str,
    guidance: &str,
    message: &str,
    approved: &str,
) -> String {
    format!(
        "Campaign: {campaign}\nBrief: {brief}\nCreator guidance: {guidance}\n\nThe creator wrote:\n{message}\n\n\
Approved wording to base the reply on:\n{approved}"
    )
}

/// The intents a model's answer names (unknown names and malformed entries are dropped; an
/// answer that is not the asked-for JSON is an error). Code fences around the JSON are allowed.
pub fn read_intents(content: &str) -> Result<Vec<(Intent, u8)>, String> {
    let trimmed = content.trim();
    let json = trimmed
        .strip_prefix("```json")
        .or_else(|| trimmed.strip_prefix("```"))
        .and_then(|s| s.strip_suffix("```"))
        .unwrap_or(trimmed)
        .trim();
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("the model's answer is not JSON: {e}"))?;
    let list = value
        .get("intents")
        .and_then(|v| v.as_array())
        .ok_or("the model's answer has no \"intents\" list")?;
    let mut out: Vec<(Intent, u8)> = Vec::new();
    for item in list {
        let Some(intent) = item
            .get("intent")
            .and_then(|v| v.as_str())
            .and_then(Intent::parse)
        else {
            continue;
        };
        let confidence = item
            .get("confidence")
            .and_then(|v| v.as_u64())
            .map_or(0, |c| c.min(100) as u8);
        if !out.iter().any(|(i, _)| *i == intent) {
            out.push((intent, confidence));
        }
    }
    Ok(out)
}

/// The rules' classification with what the model found added (at or above the threshold; an
/// intent both found keeps the rules' evidence and the higher confidence).
pub fn merge(mut rules: Classification, found: &[(Intent, u8)], model: &str) -> Classification {
    let mut added = false;
    for (intent, confidence) in found.iter().copied().filter(|(_, c)| *c >= THRESHOLD) {
        match rules.intents.iter_mut().find(|d| d.intent == intent) {
            Some(d) => d.confidence = d.confidence.max(confidence),
            None => {
                rules.intents.push(Detected {
                    intent,
                    confidence,
                    evidence: Vec::new(),
                });
                added = true;
            }
        }
    }
    rules
        .intents
        .sort_by_key(|d| std::cmp::Reverse(d.confidence));
    rules.source = if added {
        format!("rules + model {model}")
    } else {
        format!("rules (model {model} agreed or found nothing more)")
    };
    rules
}

#[cfg(test)]
mod tests {
    use super::*;
    use Intent::*;

    #[test]
    fn answers_are_read_strictly() {
        let cases: &[(&str, Result<&[(Intent, u8)], ()>)] = &[
            (
                r#"{"intents":[{"intent":"rate","confidence":90}]}"#,
                Ok(&[(Rate, 90)]),
            ),
            (
                "```json\n{\"intents\":[{\"intent\":\"complaint\",\"confidence\":70}]}\n```",
                Ok(&[(Complaint, 70)]),
            ),
            (
                r#"{"intents":[{"intent":"bribe","confidence":99},{"intent":"payment","confidence":300}]}"#,
                Ok(&[(Payment, 100)]),
            ),
            (
                r#"{"intents":[{"intent":"rate"},{"intent":"rate","confidence":80}]}"#,
                Ok(&[(Rate, 0)]),
            ),
            (r#"{"intents":[]}"#, Ok(&[])),
            ("I think it is about money", Err(())),
            (r#"{"labels":["rate"]}"#, Err(())),
        ];
        for (content, want) in cases {
            let got = read_intents(content);
            match want {
                Ok(w) => assert_eq!(got.as_deref(), Ok(*w), "{content}"),
                Err(()) => assert!(got.is_err(), "{content}"),
            }
        }
    }

    #[test]
    fn the_model_only_adds() {
        let rules = super::super::classify("my rate is $500");
        assert!(rules.has(Rate));
        let merged = merge(
            rules.clone(),
            &[(Complaint, 80), (Accepted, 30), (Rate, 99)],
            "m1",
        );
        assert!(merged.has(Complaint), "a confident extra intent is added");
        assert!(!merged.has(Accepted), "below the threshold it is not");
        let rate = merged.intents.iter().find(|d| d.intent == Rate).unwrap();
        assert_eq!(rate.confidence, 99);
        assert!(!rate.evidence.is_empty(), "the rules' evidence is kept");
        assert_eq!(merged.source, "rules + model m1");
        let nothing = merge(rules.clone(), &[], "m1");
        assert_eq!(nothing.intents, rules.intents);
    }
}

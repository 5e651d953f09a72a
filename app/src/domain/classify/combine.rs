//! Rules and learned model together: the model's probability names the intents, the rules'
//! confident findings of a sensitive topic stand even where the model doubts them (a person then
//! looks — the safe mistake), evidence comes from the words that carried each intent, and the
//! conflicts are settled as the rules settle them. A positive opener followed by a contrast is
//! not read as acceptance when a decline is in the air. Pure: the same text, rules and scores
//! always give the same classification.

use super::cues;
use super::rules::resolve_conflicts;
use super::safety::{possible, sort, CautionKind};
use super::scan::{self, Folded};
use super::weights::Scored;
use super::{Classification, Detected, Intent, Span};

/// The model's probability at or above which an intent is named; lower for a sensitive topic,
/// where naming it wrongly costs a person's look and missing it may cost an unreviewed reply.
pub const NAMED: f32 = 0.5;
/// Both chosen by 5-fold cross-validation on the train split.
pub const SENSITIVE_NAMED: f32 = 0.15;
/// A rules finding of a sensitive topic this confident stands unless the model is this sure
/// it is absent.
const RULES_STRONG: u8 = 80;
const MODEL_DOUBT: f32 = 0.05;
/// A decline this likely, after a positive opener and a contrast, outweighs the opener.
const DECLINE_AFTER_CONTRAST: f32 = 0.25;
/// How many spans of evidence each intent shows, and how strong a word's push must be beside
/// the strongest to be shown.
const EVIDENCE: usize = 3;
const EVIDENCE_SHARE: f32 = 0.5;
/// An opt-out ends every message to the creator on that channel: the model alone names it only
/// when this sure (the rules' "STOP" needs no such margin).
const OPT_OUT_ALONE: f32 = 0.9;

pub fn combine(text: &str, rules: Classification, scored: &[Scored]) -> Classification {
    let p = |i: Intent| {
        scored
            .iter()
            .find(|s| s.intent == i)
            .map_or(0.0, |s| s.probability)
    };
    let mut intents: Vec<Detected> = Vec::new();
    for s in scored {
        let rule = rules.intents.iter().find(|d| d.intent == s.intent);
        let bar = if s.intent.is_sensitive() {
            SENSITIVE_NAMED
        } else {
            NAMED
        };
        let named = (s.probability >= bar
            && (s.intent != Intent::OptOut || rule.is_some() || s.probability >= OPT_OUT_ALONE))
            || (s.intent.is_sensitive()
                && rule.is_some_and(|d| d.confidence >= RULES_STRONG)
                && s.probability >= MODEL_DOUBT);
        if !named {
            continue;
        }
        let mut evidence: Vec<Span> = rule.map(|d| d.evidence.clone()).unwrap_or_default();
        let strongest = s.evidence.first().map_or(0.0, |e| e.1);
        for (span, push) in &s.evidence {
            if evidence.len() >= EVIDENCE || *push < strongest * EVIDENCE_SHARE {
                break;
            }
            if !evidence
                .iter()
                .any(|e| e.start < span.end && span.start < e.end)
            {
                evidence.push(*span);
            }
        }
        evidence.sort_by_key(|e| e.start);
        let confidence = (s.probability * 100.0).round().clamp(0.0, 99.0) as u8;
        intents.push(Detected {
            intent: s.intent,
            confidence: rule.map_or(confidence, |d| {
                confidence.max(d.confidence.min(confidence + 20))
            }),
            evidence,
        });
    }
    unexplained_question(&mut intents, &rules);
    let end = scan::body_end(text);
    let folded = Folded::new(&text[..end]);
    let found: Vec<Intent> = intents.iter().map(|d| d.intent).collect();
    // The rules found the hedges in the same body; the model's unnamed topics join them.
    let mut cautions = rules.cautions;
    cautions.extend(possible(&text[..end], &found, scored));
    sort(&mut cautions);
    decline_after_contrast(&mut intents, &cautions, p(Intent::Declined), scored);
    resolve_conflicts(&mut intents);
    intents.sort_by(|a, b| {
        b.confidence
            .cmp(&a.confidence)
            .then(a.intent.cmp(&b.intent))
    });
    let declined = intents.iter().any(|d| d.intent == Intent::Declined);
    let cautions = {
        let found: Vec<Intent> = intents.iter().map(|d| d.intent).collect();
        cautions
            .into_iter()
            .filter(|c| c.intent.is_none_or(|i| !found.contains(&i)))
            .collect()
    };
    Classification {
        decline_reason: declined.then(|| cues::decline_reason(&folded)),
        address: rules.address,
        links: rules.links,
        intents,
        cautions,
        source: "rules + learned model".into(),
    }
}

/// A question the model names nothing for ("Who is my point of contact?") is still a question:
/// the rules' question sentences are named when no other intent was.
fn unexplained_question(intents: &mut Vec<Detected>, rules: &Classification) {
    if !intents.is_empty() {
        return;
    }
    if let Some(q) = rules.intents.iter().find(|d| d.intent == Intent::Question) {
        intents.push(q.clone());
    }
}

/// "Sounds fun but I'm fully booked": when a contrast or negation follows the words read as
/// acceptance and a decline is likely, the message is a decline.
fn decline_after_contrast(
    intents: &mut Vec<Detected>,
    cautions: &[super::safety::Caution],
    p_declined: f32,
    scored: &[Scored],
) {
    let Some(opener) = intents
        .iter()
        .find(|d| d.intent == Intent::Accepted)
        .and_then(|d| d.evidence.first().copied())
    else {
        return;
    };
    let turned = cautions.iter().any(|c| {
        matches!(c.kind, CautionKind::Contrast | CautionKind::Negation)
            && c.span.start >= opener.end
    });
    if !turned || p_declined < DECLINE_AFTER_CONTRAST {
        return;
    }
    intents.retain(|d| d.intent != Intent::Accepted);
    if !intents.iter().any(|d| d.intent == Intent::Declined) {
        let evidence = scored
            .iter()
            .find(|s| s.intent == Intent::Declined)
            .map(|s| s.evidence.iter().take(EVIDENCE).map(|e| e.0).collect())
            .unwrap_or_default();
        intents.push(Detected {
            intent: Intent::Declined,
            confidence: (p_declined * 100.0).round() as u8,
            evidence,
        });
    }
}

//! The hand-written rules: cue phrases (`cues.rs`), money amounts, questions, links and
//! addresses, each with the span of text that triggered it. Their findings are both features of
//! the learned model and a floor under it (`combine.rs`).

use super::cues;
use super::scan::{self, Folded};
use super::{extract_address, Classification, Detected, Intent, Span, THRESHOLD};

/// The rules' classification of a message.
pub fn rules(text: &str) -> Classification {
    let body = scan::body_end(text);
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
        cautions: super::safety::hedges(&text[..body], &folded),
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
pub fn resolve_conflicts(intents: &mut Vec<Detected>) {
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

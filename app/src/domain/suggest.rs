//! "Suggest a reply" without a model provider: assembled from the approved language that matches
//! what the creator wrote, and — for a question about the campaign — the passage of the brief (or
//! the creator guidance) that answers it best. A suggestion is only ever a draft.

use super::classify::{Classification, Intent};
use super::language::{self, Snippet};
use std::collections::BTreeMap;

/// What a suggestion is built from.
pub struct Asked<'a> {
    pub text: &'a str,
    pub classification: &'a Classification,
    pub brief: &'a str,
    pub guidance: &'a str,
    pub library: &'a [Snippet],
    pub fields: &'a BTreeMap<&'static str, String>,
}

/// A suggested reply: its words (merge fields it could not fill left as `{{name}}`), the library
/// entry it started from, and the brief passage it quotes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    pub text: String,
    pub key: Option<String>,
    pub passage: Option<String>,
    pub missing: Vec<String>,
}

/// Words that say nothing about what is asked.
const STOP: &[&str] = &[
    "the", "a", "an", "and", "or", "but", "to", "of", "in", "on", "for", "with", "is", "are",
    "was", "be", "it", "this", "that", "i", "you", "we", "my", "your", "our", "me", "can", "do",
    "does", "did", "will", "would", "should", "could", "have", "has", "there", "what", "when",
    "how", "if", "any", "about", "so", "just", "hi", "hey", "thanks", "please", "need", "want",
    "at", "by", "as", "from", "us", "they", "them", "its", "be", "also", "get", "ok",
];

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() > 2 && !STOP.contains(&w.as_str()))
        .collect()
}

/// The sentence of `text` sharing the most content words with `question` (at least one), in the
/// text's own words.
pub fn best_passage(question: &str, text: &str) -> Option<String> {
    let asked: Vec<String> = words(question);
    if asked.is_empty() {
        return None;
    }
    let stem = |w: &str| w.chars().take(5).collect::<String>();
    let asked: Vec<String> = asked.iter().map(|w| stem(w)).collect();
    text.split_inclusive(['.', '!', '?', '\n'])
        .map(str::trim)
        .filter(|s| s.chars().count() > 12)
        .map(|s| {
            let mut seen: Vec<String> = Vec::new();
            for w in words(s).iter().map(|w| stem(w)) {
                if asked.contains(&w) && !seen.contains(&w) {
                    seen.push(w);
                }
            }
            (seen.len(), s)
        })
        .filter(|(score, _)| *score > 0)
        .max_by_key(|(score, s)| (*score, std::cmp::Reverse(s.len())))
        .map(|(_, s)| s.to_string())
}

/// A reply for a person to check: the approved language for the message's most sensitive topic
/// (or its question), with the brief's answer quoted when the creator asked about the campaign.
pub fn assemble(a: &Asked<'_>) -> Suggestion {
    let intents: Vec<Intent> = a.classification.intents.iter().map(|d| d.intent).collect();
    let sensitive = a.classification.sensitive();
    let question = intents.contains(&Intent::Question);
    let passage = question
        .then(|| best_passage(a.text, a.brief).or_else(|| best_passage(a.text, a.guidance)))
        .flatten();
    let key = if sensitive.is_empty() {
        match &passage {
            Some(_) => None,
            None if intents.contains(&Intent::AddressProvided) => Some("shipping_confirmation"),
            None => Some(language::snippet_for_topics(&intents)),
        }
    } else {
        Some(language::snippet_for_topics(&sensitive))
    };
    let entry = key.and_then(|k| a.library.iter().find(|s| s.key == k));
    let body = match (entry, &passage) {
        (Some(s), None) => s.body.clone(),
        (Some(s), Some(p)) => format!("{}\n\nFrom the brief: \"{p}\"", s.body),
        (None, Some(p)) => format!(
            "Hi {{{{first_name}}}}, good question! From the brief for {{{{campaign}}}}: \"{p}\"\n\nLet me know if anything else is unclear.\n\n{{{{sender}}}}"
        ),
        (None, None) => "Hi {{first_name}}, thanks for your message about {{campaign}}. \n\n{{sender}}".to_string(),
    };
    let (text, missing) = language::fill(&body, a.fields).unwrap_or((body, Vec::new()));
    Suggestion {
        text,
        key: entry.map(|s| s.key.clone()),
        passage,
        missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::classify::classify;

    const BRIEF: &str =
        "Introduce the Winter Glow vitamin C serum. Show your real morning routine. \
Posting window: the week of January 12, and please post before noon Eastern. \
Mention the 15% launch code GLOW15 in the caption.\nKeep it honest: no medical claims.";

    fn fields() -> BTreeMap<&'static str, String> {
        BTreeMap::from([
            ("first_name", "Maya".to_string()),
            ("campaign", "Winter Glow".to_string()),
            ("sender", "The Glow team".to_string()),
            ("compensation", "$800".to_string()),
            ("deliverables", "1 Reel".to_string()),
        ])
    }

    #[test]
    fn the_brief_answers_a_question_about_it() {
        let cases = [
            (
                "When should I post? Is there a posting window?",
                Some("Posting window"),
            ),
            (
                "Is there a discount code I should put in the caption?",
                Some("GLOW15"),
            ),
            (
                "Can I say it cured my acne? Any claims I should avoid?",
                Some("no medical claims"),
            ),
            ("What's the weather like there?", None),
            ("", None),
        ];
        for (q, want) in cases {
            let got = best_passage(q, BRIEF);
            match want {
                Some(part) => assert!(
                    got.as_deref().is_some_and(|p| p.contains(part)),
                    "{q}: {got:?}"
                ),
                None => assert_eq!(got, None, "{q}"),
            }
        }
    }

    #[test]
    fn a_suggestion_starts_from_the_matching_approved_language() {
        let library = language::defaults();
        let f = fields();
        let suggest = |text: &str| {
            let c = classify(text);
            assemble(&Asked {
                text,
                classification: &c,
                brief: BRIEF,
                guidance: "",
                library: &library,
                fields: &f,
            })
        };
        let rate = suggest("My rate for a reel is $1,500, can you do that?");
        assert_eq!(rate.key.as_deref(), Some("rate_reply"));
        assert!(
            rate.text
                .starts_with("Hi Maya, thanks for sharing your rate for Winter Glow"),
            "{}",
            rate.text
        );
        assert!(rate.missing.is_empty(), "{:?}", rate.missing);
        let question = suggest("Quick question: when is the posting window?");
        assert!(
            question
                .passage
                .as_deref()
                .is_some_and(|p| p.contains("Posting window")),
            "{question:?}"
        );
        assert!(
            question.text.contains("From the brief"),
            "{}",
            question.text
        );
        assert!(!question.text.contains("{{"), "{}", question.text);
        // An address without one on file leaves the merge field for a person.
        let shipping = suggest("Here is my address: 12 Main St, Austin TX 78701");
        assert_eq!(shipping.key.as_deref(), Some("shipping_confirmation"));
        assert_eq!(
            shipping.missing,
            vec!["address".to_string(), "brand".to_string()]
        );
    }
}

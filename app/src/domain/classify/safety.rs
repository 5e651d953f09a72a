//! When automation may act on a creator's message by itself (an automatic reply, an automatic
//! stage move): only when every intent found is a safe one, recognized with high confidence,
//! and nothing in the message hints otherwise — no contrast ("but", "sorry", "pero"…), no
//! negation ("not", "can't", "no puedo"…), no sign of a sensitive topic or a decline the
//! classifier was not sure enough to name. Everything else waits for a person.

use super::scan::Folded;
use super::weights::Scored;
use super::{Classification, Intent, Span};
use serde::{Deserialize, Serialize};

/// Below this confidence automation does not act on an intent.
pub const AUTOMATION_CONFIDENCE: u8 = 85;
/// A sensitive topic (or a decline) this likely, even unnamed, keeps automation off.
pub const POSSIBLE: f32 = 0.2;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CautionKind {
    Contrast,
    Negation,
    /// A sensitive topic or a decline the message may be about.
    Possible,
}

/// Something in the message that keeps automation off, with where it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Caution {
    pub kind: CautionKind,
    pub span: Span,
    /// The words themselves, as written.
    #[serde(default)]
    pub words: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<Intent>,
}

/// Contrast words and phrases (folded: lowercase, no accents), English, Spanish, Portuguese,
/// French. "mas" and "mais" also mean "more"; a message holding them waits, which is safe.
const CONTRAST: &[&str] = &[
    "but",
    "sorry",
    "unfortunately",
    "however",
    "though",
    "although",
    "sadly",
    "regretfully",
    "pero",
    "lo siento",
    "perdon",
    "lamentablemente",
    "desafortunadamente",
    "sin embargo",
    "aunque",
    "mas",
    "porem",
    "infelizmente",
    "desculpa",
    "desculpe",
    "mais",
    "desole",
    "desolee",
    "malheureusement",
    "cependant",
    "toutefois",
    "pourtant",
];

const NEGATION: &[&str] = &[
    "not",
    "no",
    "nope",
    "nah",
    "never",
    "cannot",
    "can't",
    "cant",
    "don't",
    "dont",
    "won't",
    "wont",
    "isn't",
    "doesn't",
    "doesnt",
    "didn't",
    "didnt",
    "wouldn't",
    "couldn't",
    "shouldn't",
    "haven't",
    "hasn't",
    "aren't",
    "wasn't",
    "nunca",
    "jamas",
    "tampoco",
    "ni",
    "nao",
    "nem",
    "ne",
    "pas",
    "non",
    "isnt",
    "wasnt",
    "arent",
];

/// Phrases whose negation is a way of saying yes.
const POSITIVE_NEGATIONS: &[&str] = &[
    "can't wait",
    "cant wait",
    "no problem",
    "no worries",
    "not a problem",
    "no doubt",
    "sin problema",
    "no hay problema",
    "sem problema",
    "pas de souci",
    "pas de probleme",
];

/// The contrast and negation words in a message's body (the rules find them once; the
/// combination adds `possible`). `folded` is `body` (the message without quoted history and
/// signature) folded.
pub fn hedges(body: &str, folded: &Folded) -> Vec<Caution> {
    let mut out = Vec::new();
    let positive: Vec<Span> = POSITIVE_NEGATIONS
        .iter()
        .flat_map(|p| folded.find_all(p, true))
        .collect();
    for (list, kind) in [
        (CONTRAST, CautionKind::Contrast),
        (NEGATION, CautionKind::Negation),
    ] {
        for word in list {
            for span in folded.find_all(word, true) {
                if positive
                    .iter()
                    .any(|p| p.start <= span.start && span.end <= p.end)
                {
                    continue;
                }
                let span = folded.orig(span);
                out.push(Caution {
                    kind,
                    span,
                    words: body.get(span.start..span.end).unwrap_or("").to_string(),
                    intent: None,
                });
            }
        }
    }
    sort(&mut out);
    out
}

/// The sensitive topics and the decline the model gives some weight to without them being
/// among `found`.
pub fn possible(body: &str, found: &[Intent], scored: &[Scored]) -> Vec<Caution> {
    scored
        .iter()
        .filter(|s| s.intent.is_sensitive() || s.intent == Intent::Declined)
        .filter(|s| !found.contains(&s.intent) && s.probability >= POSSIBLE)
        .map(|s| {
            let span = s
                .evidence
                .first()
                .map_or(Span { start: 0, end: 0 }, |e| e.0);
            Caution {
                kind: CautionKind::Possible,
                span,
                words: body.get(span.start..span.end).unwrap_or("").to_string(),
                intent: Some(s.intent),
            }
        })
        .collect()
}

/// In the order they stand in the message (stable: hedges before possible topics at one place).
pub fn sort(cautions: &mut [Caution]) {
    cautions.sort_by_key(|c| (c.span.start, c.span.end));
}

/// Why automation leaves a message to a person.
#[derive(Clone, Debug, PartialEq)]
pub enum Hold {
    /// No intent was recognized.
    NotUnderstood,
    /// An automatic reply or an opt-out: nothing to answer.
    NothingToAnswer(Intent),
    /// A decline or a sensitive topic.
    Topic(Intent),
    Caution(Caution),
    Unsure {
        intent: Intent,
        confidence: u8,
    },
}

impl Hold {
    /// The reason shown with the decision, quoting the words that caused it.
    pub fn reason(&self) -> String {
        match self {
            Hold::NotUnderstood => "not understood — needs a person".into(),
            Hold::NothingToAnswer(i) => format!("{}: nothing to answer", i.label().to_lowercase()),
            Hold::Topic(Intent::Declined) => "a decline: a person confirms it".into(),
            Hold::Topic(i) => format!("about {}: needs a person", i.label().to_lowercase()),
            Hold::Caution(c) => match (c.kind, c.intent) {
                (CautionKind::Contrast, _) => {
                    format!("“{}” (a contrast) — needs a person", c.words)
                }
                (CautionKind::Negation, _) => {
                    format!("“{}” (a negation) — needs a person", c.words)
                }
                (CautionKind::Possible, Some(i)) => {
                    format!("may be about {} — needs a person", i.label().to_lowercase())
                }
                (CautionKind::Possible, None) => "unclear — needs a person".into(),
            },
            Hold::Unsure { intent, confidence } => format!(
                "not sure it is “{}” ({confidence}%) — needs a person",
                intent.label()
            ),
        }
    }
}

/// Intents automation may answer or move a stage on by itself. A question is answered by a
/// person: a fixed wording cannot know what was asked, and a question is where money, rights
/// and claims hide ("is there a paid component?").
pub fn is_safe(intent: Intent) -> bool {
    matches!(
        intent,
        Intent::Accepted | Intent::AddressProvided | Intent::ContentSubmitted
    )
}

/// Whether automation may act on the message by itself, or why a person must.
pub fn automation_verdict(c: &Classification) -> Result<(), Hold> {
    if c.intents.is_empty() {
        return Err(Hold::NotUnderstood);
    }
    if let Some(d) = c
        .intents
        .iter()
        .find(|d| matches!(d.intent, Intent::AutoReply | Intent::OptOut))
    {
        return Err(Hold::NothingToAnswer(d.intent));
    }
    if let Some(d) = c.intents.iter().find(|d| !is_safe(d.intent)) {
        return Err(Hold::Topic(d.intent));
    }
    if let Some(caution) = c.cautions.first() {
        return Err(Hold::Caution(caution.clone()));
    }
    if let Some(d) = c
        .intents
        .iter()
        .find(|d| d.confidence < AUTOMATION_CONFIDENCE)
    {
        return Err(Hold::Unsure {
            intent: d.intent,
            confidence: d.confidence,
        });
    }
    Ok(())
}

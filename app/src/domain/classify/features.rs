//! The learned model's view of a message: words, word pairs, character 4-grams (which carry
//! typos, plurals and the Spanish, Portuguese and French forms of a word), the rules' findings
//! and a few shapes (a money amount, a question mark, a content link). Each feature keeps the
//! span of the original text it came from, so the words that carried an intent can be shown.

use super::scan::{self, Folded};
use super::{Classification, Span};

/// One feature of a message: its key in the model and where it is in the original text.
#[derive(Clone, Debug, PartialEq)]
pub struct Feature {
    pub key: String,
    pub span: Span,
}

/// A word of the folded text with its span in the folded text.
struct Word<'a> {
    text: &'a str,
    span: Span,
}

fn words(folded: &Folded, end: usize) -> Vec<Word<'_>> {
    let text = &folded.text[..end];
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices().chain(std::iter::once((end, ' '))) {
        let word_char = c.is_alphanumeric() || c == '\'';
        match (start, word_char) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                let w = text[s..i].trim_matches('\'');
                if !w.is_empty() {
                    let lead = text[s..i].len() - text[s..i].trim_start_matches('\'').len();
                    out.push(Word {
                        text: w,
                        span: Span {
                            start: s + lead,
                            end: s + lead + w.len(),
                        },
                    });
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// A word as the model sees it: apostrophes dropped ("i'm" → "im"), numbers as their shape —
/// short, amount-sized (3 to 5 digits: "850", "1500") or long (an order number, a phone, a
/// timestamp: never a fee).
fn normal(word: &str) -> String {
    if word.chars().all(|c| c.is_ascii_digit()) {
        return match word.len() {
            0..=2 => "#0".into(),
            3..=5 => "#000".into(),
            _ => "#long".into(),
        };
    }
    if word.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return "#0x".into();
    }
    word.chars().filter(|c| *c != '\'').collect()
}

/// The features of a message; `rules` is the rules' classification of the same text.
pub fn extract(text: &str, rules: &Classification) -> Vec<Feature> {
    let end = scan::body_end(text);
    let folded = Folded::new(&text[..end]);
    let ws = words(&folded, folded.text.len());
    let mut out: Vec<Feature> = Vec::new();
    let mut push = |key: String, span: Span| out.push(Feature { key, span });
    for (i, w) in ws.iter().enumerate() {
        let n = normal(w.text);
        let span = folded.orig(w.span);
        if let Some(next) = ws.get(i + 1) {
            let pair = Span {
                start: span.start,
                end: folded.orig(next.span).end,
            };
            push(format!("b:{n}_{}", normal(next.text)), pair);
        }
        if !n.starts_with('#') {
            let marked: Vec<char> = format!("<{n}>").chars().collect();
            for gram in marked.windows(4) {
                push(format!("c:{}", gram.iter().collect::<String>()), span);
            }
        }
        push(format!("w:{n}"), span);
    }
    if let Some(first) = ws.first() {
        push(
            format!("first:{}", normal(first.text)),
            folded.orig(first.span),
        );
    }
    let whole = Span { start: 0, end };
    if ws.len() <= 3 {
        push("s:short".into(), whole);
    }
    for (i, c) in folded.text.char_indices() {
        let span = folded.orig(Span {
            start: i,
            end: i + c.len_utf8(),
        });
        match c {
            '?' | '¿' => push("s:question_mark".into(), span),
            '!' => push("s:exclamation".into(), span),
            c if !c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace() => {
                push(format!("e:{c}"), span)
            }
            _ => {}
        }
    }
    for (family, words) in super::concepts::FAMILIES {
        for w in *words {
            if let Some(span) = folded.find_all(w, true).first() {
                push(format!("k:{family}"), folded.orig(*span));
            }
        }
    }
    if let Some(span) = super::address::postal_code(&text[..end]) {
        push("s:postal".into(), span);
    }
    if let Some(span) = folded.money() {
        push("s:money".into(), folded.orig(span));
    }
    for d in &rules.intents {
        let span = d.evidence.first().copied().unwrap_or(whole);
        push(format!("r:{}", d.intent.as_str()), span);
    }
    if rules.address.is_some() {
        push(
            "s:address".into(),
            rules.address.as_ref().map_or(whole, |a| a.span),
        );
    }
    if !rules.links.is_empty() {
        push("s:link".into(), whole);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_pairs_grams_and_spans() {
        let text = "Can't wait — I'm IN! 1.5k?";
        let rules = Classification::default();
        let f = extract(text, &rules);
        let keys: Vec<&str> = f.iter().map(|f| f.key.as_str()).collect();
        for want in [
            "w:cant",
            "w:im",
            "w:in",
            "b:im_in",
            "c:<can",
            "#0",
            "s:question_mark",
        ] {
            assert!(
                keys.iter().any(|k| k.ends_with(want) || *k == want),
                "{want} in {keys:?}"
            );
        }
        let im = f.iter().find(|f| f.key == "w:im").unwrap();
        assert_eq!(&text[im.span.start..im.span.end], "I'm");
        let pair = f.iter().find(|f| f.key == "b:im_in").unwrap();
        assert_eq!(&text[pair.span.start..pair.span.end], "I'm IN");
    }

    #[test]
    fn numbers_are_read_by_their_size() {
        for (word, shape) in [
            ("12", "#0"),
            ("850", "#000"),
            ("15000", "#000"),
            ("1796646016775", "#long"),
            ("5550100", "#long"),
            ("2k", "#0x"),
        ] {
            assert_eq!(normal(word), shape, "{word}");
        }
        // An order number or a timestamp alone is no fee.
        let c = super::super::classify("zxqv 1796646016775 🫠");
        assert!(c.intents.is_empty(), "{:?}", c.intent_set());
    }

    #[test]
    fn quoted_history_is_not_read() {
        let text =
            "Sounds good!\n\nOn Tue, Jun 2, 2026 Marco <m@x.example> wrote:\n> our budget is $800";
        let f = extract(text, &Classification::default());
        assert!(f.iter().all(|f| f.key != "w:budget" && f.key != "s:money"));
    }

    #[test]
    fn accents_fold_and_keep_offsets() {
        let text = "¿Cuánto pagan?";
        let f = extract(text, &Classification::default());
        let w = f.iter().find(|f| f.key == "w:cuanto").unwrap();
        assert_eq!(&text[w.span.start..w.span.end], "Cuánto");
    }
}

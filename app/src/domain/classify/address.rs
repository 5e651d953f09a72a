//! Finding a shipping address in a message: a street line (a house number and a street word,
//! "12 Main St"; a street word and a number, "Calle Mayor 12"; or a number and a street word,
//! "8 avenue Victor Hugo") followed within a short distance by a postal code (US "TX 78701", UK
//! "SW1A 2AA", Canada "M4B 1B3", Brazil "01310-100", Portugal "4050-262", Argentina "C1043",
//! four to six digits elsewhere). Both are required, so "I have 3 dogs, way too many" is no
//! address.

use super::Span;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShippingAddress {
    /// The address on one line, as written.
    pub text: String,
    pub street: String,
    /// City, region and postal code as written after the street.
    pub locality: String,
    pub postal_code: String,
    pub span: Span,
}

const STREET_WORDS: &[&str] = &[
    "st",
    "st.",
    "street",
    "ave",
    "ave.",
    "avenue",
    "rd",
    "rd.",
    "road",
    "blvd",
    "blvd.",
    "boulevard",
    "ln",
    "ln.",
    "lane",
    "dr",
    "dr.",
    "drive",
    "way",
    "ct",
    "ct.",
    "court",
    "pl",
    "pl.",
    "place",
    "ter",
    "terrace",
    "pkwy",
    "parkway",
    "hwy",
    "highway",
    "cir",
    "circle",
    "sq",
    "square",
    "row",
    "loop",
    "strip",
    "crescent",
    "cres",
    "close",
    "mews",
    "walk",
    "gardens",
];
/// Street words written before the street's name (and its number, in Spanish and Portuguese).
const STREET_PREFIXES: &[&str] = &[
    "calle",
    "c/",
    "avenida",
    "av.",
    "avda.",
    "paseo",
    "carrera",
    "rua",
    "rue",
    "avenue",
    "via",
    "boulevard",
    "bd",
    "allee",
    "allée",
    "chemin",
    "quai",
    "place",
    "strada",
    "piazza",
    "travessa",
];
/// Words after which a number is a unit, not a postal code ("Suite 1600").
const UNIT_WORDS: &[&str] = &[
    "suite", "apt", "apt.", "unit", "#", "floor", "piso", "apto", "flat", "ste", "ste.",
];

struct Token<'a> {
    text: &'a str,
    start: usize,
}

fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, ch) in text.char_indices() {
        let sep = ch.is_whitespace() || ch == ',';
        match (sep, start) {
            (true, Some(s)) => {
                out.push(Token {
                    text: &text[s..i],
                    start: s,
                });
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(Token {
            text: &text[s..],
            start: s,
        });
    }
    out
}

/// "12", "12B", "2-4", "#11-26".
fn is_house_number(t: &str) -> bool {
    let t = t.strip_prefix('#').unwrap_or(t);
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    (1..=6).contains(&digits)
        && t[digits..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        && t[digits..]
            .chars()
            .filter(|c| c.is_ascii_alphabetic())
            .count()
            <= 2
}

/// A shape of letters (`A`) and digits (`9`).
fn shaped(t: &str, shape: &str) -> bool {
    t.len() == shape.len()
        && t.chars().zip(shape.chars()).all(|(c, s)| match s {
            'A' => c.is_ascii_uppercase(),
            '9' => c.is_ascii_digit(),
            other => c == other,
        })
}

/// A postal code in one token: 4–6 digits, ZIP+4, Brazil's 5-3, Portugal's 4-3, Argentina's
/// letter and 4 digits.
fn is_postal(t: &str) -> bool {
    let t = t.trim_end_matches(['.', ';', ')']);
    let digits = (4..=6).contains(&t.len()) && t.chars().all(|c| c.is_ascii_digit());
    digits
        || ["99999-9999", "99999-999", "9999-999", "A9999", "A9999AAA"]
            .iter()
            .any(|s| shaped(t, s))
}

/// A postal code written as two tokens: UK ("SW1A 2AA", "M14 5PA"), Canada ("M4B 1B3"),
/// Ireland ("D06 X2T4").
fn is_postal_pair(a: &str, b: &str) -> bool {
    let b = b.trim_end_matches(['.', ';', ')']);
    let uk_out = ["A9", "A99", "AA9", "AA99", "A9A", "AA9A"]
        .iter()
        .any(|s| shaped(a, s));
    (uk_out && shaped(b, "9AA"))
        || (shaped(a, "A9A") && shaped(b, "9A9"))
        || (shaped(a, "A99") && (shaped(b, "A9A9") || shaped(b, "AA99")))
}

/// The postal code starting at token `k`: its last token's index.
fn postal_at(toks: &[Token], k: usize) -> Option<usize> {
    let before = k
        .checked_sub(1)
        .map(|j| toks[j].text.to_lowercase())
        .unwrap_or_default();
    if let Some(next) = toks.get(k + 1) {
        if is_postal_pair(toks[k].text, next.text) {
            return Some(k + 1);
        }
    }
    (is_postal(toks[k].text) && !UNIT_WORDS.contains(&before.as_str())).then_some(k)
}

/// The street's first and last token indexes.
fn street_at(toks: &[Token], i: usize) -> Option<(usize, usize)> {
    let word = |k: usize| toks.get(k).map(|t| t.text.to_lowercase());
    // "12 Main St" / "1200 N Lamar Blvd Apt 4"
    if is_house_number(toks[i].text) {
        for (k, t) in toks.iter().enumerate().take(i + 6).skip(i + 1) {
            // "Flat 2, 14 Baker Street": the number nearest the street word is the house's.
            if is_house_number(t.text) {
                break;
            }
            if word(k).is_some_and(|w| STREET_WORDS.contains(&w.as_str())) && k > i + 1 {
                return Some((i, k));
            }
        }
    }
    // "8 avenue Victor Hugo", "12 Rue de Rivoli"
    if is_house_number(toks[i].text)
        && word(i + 1).is_some_and(|w| STREET_PREFIXES.contains(&w.as_str()))
        && i + 2 < toks.len()
    {
        return Some((i, i + 2));
    }
    // "Calle Mayor 12"
    if word(i).is_some_and(|w| STREET_PREFIXES.contains(&w.as_str())) {
        return (i + 2..(i + 7).min(toks.len()))
            .find(|k| is_house_number(toks[*k].text))
            .map(|k| (i, k));
    }
    None
}

/// The first postal code in the text, on its own (a hint for the learned model where no whole
/// address is found).
pub fn postal_code(text: &str) -> Option<Span> {
    let toks = tokens(text);
    (0..toks.len()).find_map(|k| {
        postal_at(&toks, k).map(|last| Span {
            start: toks[k].start,
            end: toks[last].start + toks[last].text.len(),
        })
    })
}

pub fn extract_address(text: &str) -> Option<ShippingAddress> {
    let toks = tokens(text);
    for i in 0..toks.len() {
        let Some((s, e)) = street_at(&toks, i) else {
            continue;
        };
        // The postal code within the next dozen tokens (unit, city, state between).
        let Some((first, postal)) =
            (e + 1..(e + 13).min(toks.len())).find_map(|k| postal_at(&toks, k).map(|l| (k, l)))
        else {
            continue;
        };
        let start = toks[s].start;
        let street_end = toks[e].start + toks[e].text.len();
        let p = &toks[postal];
        let end = p.start + p.text.trim_end_matches(['.', ';', ')']).len();
        let code = &text[toks[first].start..end];
        let one_line = |s: &str| {
            s.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .trim_matches([',', ' '])
                .to_string()
        };
        return Some(ShippingAddress {
            text: one_line(&text[start..end]),
            street: one_line(&text[start..street_end]),
            locality: one_line(&text[street_end..end]),
            postal_code: code.to_string(),
            span: Span { start, end },
        });
    }
    None
}

//! Finding a shipping address in a message: a street line (a house number and a street word,
//! "12 Main St", or "Calle Mayor 12") followed within a short distance by a postal code ("TX
//! 78701", "28013"). Both are required, so "I have 3 dogs, way too many" is no address.

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
];
const STREET_PREFIXES: &[&str] = &[
    "calle", "avenida", "av.", "avda.", "paseo", "carrera", "rua",
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

fn is_house_number(t: &str) -> bool {
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    (1..=6).contains(&digits)
        && t[digits..]
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == '-')
}

fn is_postal(t: &str) -> bool {
    let t = t.trim_end_matches(['.', ';', ')']);
    let us = t.len() == 5 && t.chars().all(|c| c.is_ascii_digit());
    let zip4 = t.len() == 10
        && t.as_bytes()[5] == b'-'
        && t[..5].chars().all(|c| c.is_ascii_digit())
        && t[6..].chars().all(|c| c.is_ascii_digit());
    us || zip4
}

/// The street's first and last token indexes.
fn street_at(toks: &[Token], i: usize) -> Option<(usize, usize)> {
    let word = |k: usize| toks.get(k).map(|t| t.text.to_lowercase());
    // "12 Main St" / "1200 N Lamar Blvd Apt 4"
    if is_house_number(toks[i].text) {
        for k in i + 1..(i + 6).min(toks.len()) {
            if word(k).is_some_and(|w| STREET_WORDS.contains(&w.as_str())) && k > i + 1 {
                return Some((i, k));
            }
        }
    }
    // "Calle Mayor 12"
    if word(i).is_some_and(|w| STREET_PREFIXES.contains(&w.as_str())) {
        return (i + 2..(i + 7).min(toks.len()))
            .find(|k| is_house_number(toks[*k].text))
            .map(|k| (i, k));
    }
    None
}

pub fn extract_address(text: &str) -> Option<ShippingAddress> {
    let toks = tokens(text);
    for i in 0..toks.len() {
        let Some((s, e)) = street_at(&toks, i) else {
            continue;
        };
        // The postal code within the next dozen tokens (unit, city, state between).
        let Some(postal) = (e + 1..(e + 13).min(toks.len())).find(|k| is_postal(toks[*k].text))
        else {
            continue;
        };
        let start = toks[s].start;
        let street_end = toks[e].start + toks[e].text.len();
        let p = &toks[postal];
        let end = p.start + p.text.trim_end_matches(['.', ';', ')']).len();
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
            postal_code: p.text.trim_end_matches(['.', ';', ')']).to_string(),
            span: Span { start, end },
        });
    }
    None
}

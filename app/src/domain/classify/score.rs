//! Precision and recall of the classifier per intent over a labeled fixture set (JSON lines:
//! `{"text": "...", "intents": ["accepted", ...]}`), for the report program and the test.

use super::{classify, Intent};

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tally {
    pub true_pos: u32,
    pub false_pos: u32,
    pub false_neg: u32,
}

impl Tally {
    pub fn precision(&self) -> f64 {
        let found = self.true_pos + self.false_pos;
        if found == 0 {
            1.0
        } else {
            f64::from(self.true_pos) / f64::from(found)
        }
    }

    pub fn recall(&self) -> f64 {
        let wanted = self.true_pos + self.false_neg;
        if wanted == 0 {
            1.0
        } else {
            f64::from(self.true_pos) / f64::from(wanted)
        }
    }
}

#[derive(serde::Deserialize)]
struct Labeled {
    text: String,
    intents: Vec<String>,
}

pub struct Report {
    pub messages: usize,
    pub per_intent: Vec<(Intent, Tally)>,
    /// Messages whose intents differ from their labels: (text, expected, got).
    pub misses: Vec<(String, Vec<Intent>, Vec<Intent>)>,
}

/// Scores `classify` against the fixture lines. A malformed line or unknown intent is an error.
pub fn score(jsonl: &str) -> Result<Report, String> {
    let mut per_intent: Vec<(Intent, Tally)> =
        Intent::ALL.iter().map(|i| (*i, Tally::default())).collect();
    let mut misses = Vec::new();
    let mut messages = 0;
    for (n, line) in jsonl
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let l: Labeled = serde_json::from_str(line).map_err(|e| format!("line {}: {e}", n + 1))?;
        let mut want = l
            .intents
            .iter()
            .map(|s| Intent::parse(s).ok_or(format!("line {}: unknown intent {s}", n + 1)))
            .collect::<Result<Vec<_>, _>>()?;
        want.sort();
        let got = classify(&l.text).intent_set();
        for (intent, t) in per_intent.iter_mut() {
            match (want.contains(intent), got.contains(intent)) {
                (true, true) => t.true_pos += 1,
                (false, true) => t.false_pos += 1,
                (true, false) => t.false_neg += 1,
                (false, false) => {}
            }
        }
        if want != got {
            misses.push((l.text, want, got));
        }
        messages += 1;
    }
    Ok(Report {
        messages,
        per_intent,
        misses,
    })
}

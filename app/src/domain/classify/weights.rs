//! The learned model: one logistic regression per intent over the message's features
//! (`features.rs`), stored as text — a header, the bias of each intent and one line per feature
//! with its weight for each intent in thousandths. Scoring is a pure function of the weights and
//! the features, and keeps, per intent, the features that pushed it up (its evidence).

use super::features::Feature;
use super::{Intent, Span};
use std::collections::HashMap;

pub const INTENTS: usize = Intent::ALL.len();
const MAGIC: &str = "creator-inbox intent model 1";

#[derive(Clone, Debug, PartialEq)]
pub struct Weights {
    /// Sorted feature keys; row `i` of `rows` holds key `i`'s weights.
    pub keys: Vec<String>,
    pub rows: Vec<[f32; INTENTS]>,
    pub bias: [f32; INTENTS],
    /// What the weights were trained from (a line for the file's header).
    pub trained_from: String,
    index: HashMap<String, usize>,
}

/// One intent's score for a message.
#[derive(Clone, Debug, PartialEq)]
pub struct Scored {
    pub intent: Intent,
    /// 0.0–1.0.
    pub probability: f32,
    /// The spans of the features that pushed this intent up, strongest first.
    pub evidence: Vec<(Span, f32)>,
}

/// How much a feature counts: the rules' findings and shapes fully, each word feature by the
/// inverse square root of the message's word-feature count (so long emails do not outweigh DMs).
pub fn values(features: &[Feature]) -> Vec<(&Feature, f32)> {
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let unique: Vec<&Feature> = features
        .iter()
        .filter(|f| seen.insert(f.key.as_str()))
        .collect();
    let textual = unique.iter().filter(|f| is_text(&f.key)).count().max(1) as f32;
    unique
        .into_iter()
        .map(|f| {
            let v = if is_text(&f.key) {
                1.0 / textual.sqrt()
            } else {
                1.0
            };
            (f, v)
        })
        .collect()
}

fn is_text(key: &str) -> bool {
    !(key.starts_with("r:") || key.starts_with("s:") || key.starts_with("k:"))
}

pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

impl Weights {
    pub fn new(
        keys: Vec<String>,
        rows: Vec<[f32; INTENTS]>,
        bias: [f32; INTENTS],
        trained_from: String,
    ) -> Weights {
        let index = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.clone(), i))
            .collect();
        Weights {
            keys,
            rows,
            bias,
            trained_from,
            index,
        }
    }

    pub fn row(&self, key: &str) -> Option<usize> {
        self.index.get(key).copied()
    }

    /// Every intent's probability for the message with these features, and its evidence.
    pub fn score(&self, features: &[Feature]) -> Vec<Scored> {
        let vals = values(features);
        let hits: Vec<(usize, &Feature, f32)> = vals
            .iter()
            .filter_map(|(f, v)| self.row(&f.key).map(|r| (r, *f, *v)))
            .collect();
        Intent::ALL
            .iter()
            .enumerate()
            .map(|(k, intent)| {
                let mut logit = self.bias[k];
                let mut pushes: Vec<(Span, f32)> = Vec::new();
                for (r, f, v) in &hits {
                    let c = self.rows[*r][k] * v;
                    logit += c;
                    if c > 0.0 {
                        pushes.push((f.span, c));
                    }
                }
                pushes.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.start.cmp(&b.0.start)));
                Scored {
                    intent: *intent,
                    probability: sigmoid(logit),
                    evidence: pushes,
                }
            })
            .collect()
    }

    /// The weights as text; the same weights always give the same bytes.
    pub fn to_text(&self) -> String {
        let milli = |w: f32| (w * 1000.0).round() as i32;
        let mut out = String::new();
        out.push_str(MAGIC);
        out.push('\n');
        let names: Vec<&str> = Intent::ALL.iter().map(|i| i.as_str()).collect();
        out.push_str(&format!("intents {}\n", names.join(" ")));
        out.push_str(&format!(
            "trained {}\n",
            self.trained_from.replace('\n', " ")
        ));
        let bias: Vec<String> = self.bias.iter().map(|w| milli(*w).to_string()).collect();
        out.push_str(&format!("bias {}\n", bias.join(" ")));
        for (key, row) in self.keys.iter().zip(&self.rows) {
            if row.iter().all(|w| milli(*w) == 0) {
                continue;
            }
            let ws: Vec<String> = row.iter().map(|w| milli(*w).to_string()).collect();
            out.push_str(&format!("{key}\t{}\n", ws.join(" ")));
        }
        out
    }

    /// Reads weights written by `to_text`; anything else is an error naming the line.
    pub fn parse(text: &str) -> Result<Weights, String> {
        let mut lines = text.lines().enumerate();
        let mut next = |what: &str| {
            lines
                .next()
                .map(|(_, l)| l)
                .ok_or(format!("the model file ends before its {what} line"))
        };
        if next("first")? != MAGIC {
            return Err(format!(
                "not an intent model (the first line is not \"{MAGIC}\")"
            ));
        }
        let names: Vec<&str> = Intent::ALL.iter().map(|i| i.as_str()).collect();
        if next("intents")? != format!("intents {}", names.join(" ")) {
            return Err("the model's intents are not this build's intents".into());
        }
        let trained_from = next("trained")?
            .strip_prefix("trained ")
            .ok_or("the third line must start with \"trained \"")?
            .to_string();
        let bias = row_of(
            next("bias")?
                .strip_prefix("bias ")
                .ok_or("the fourth line must start with \"bias \"")?,
        )
        .map_err(|e| format!("bias: {e}"))?;
        let mut keys = Vec::new();
        let mut rows = Vec::new();
        for (n, line) in text.lines().enumerate().skip(4) {
            let (key, ws) = line
                .split_once('\t')
                .ok_or(format!("line {}: no tab after the feature", n + 1))?;
            rows.push(row_of(ws).map_err(|e| format!("line {}: {e}", n + 1))?);
            keys.push(key.to_string());
        }
        if keys.windows(2).any(|w| w[0] >= w[1]) {
            return Err("the model's features are not sorted and unique".into());
        }
        Ok(Weights::new(keys, rows, bias, trained_from))
    }
}

fn row_of(s: &str) -> Result<[f32; INTENTS], String> {
    let vals: Vec<i32> = s
        .split(' ')
        .map(|v| {
            v.parse::<i32>()
                .map_err(|_| format!("\"{v}\" is not a number"))
        })
        .collect::<Result<_, _>>()?;
    if vals.len() != INTENTS {
        return Err(format!("{} weights, expected {INTENTS}", vals.len()));
    }
    let mut row = [0.0; INTENTS];
    for (r, v) in row.iter_mut().zip(vals) {
        *r = v as f32 / 1000.0;
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trip_and_bad_files() {
        let mut a = [0.0; INTENTS];
        a[0] = 1.25;
        let w = Weights::new(
            vec!["w:in".into(), "w:pass".into()],
            vec![a, [-0.5; INTENTS]],
            [-2.0; INTENTS],
            "test".into(),
        );
        let text = w.to_text();
        assert_eq!(Weights::parse(&text).unwrap(), w);
        assert_eq!(Weights::parse(&text).unwrap().to_text(), text);
        for bad in [
            "",
            "hello",
            &text.replace("accepted", "acepted"),
            &text.replace("w:pass\t", "w:pass "),
            &text.replace("1250", "x"),
            &format!("{text}w:a\t1 2\n"),
        ] {
            assert!(Weights::parse(bad).is_err(), "{bad}");
        }
    }
}

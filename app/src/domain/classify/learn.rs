//! Training the learned model from labeled messages: one L2-regularised logistic regression per
//! intent, fitted by full-batch AdaGrad over the features of `features.rs`. Every step runs in a
//! fixed order, so the same examples and options always give the same weights (and the same
//! model file, byte for byte).

use super::features;
use super::rules::rules;
use super::weights::{sigmoid, values, Weights, INTENTS};
use super::Intent;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    pub text: String,
    pub intents: Vec<Intent>,
}

#[derive(serde::Deserialize)]
struct Labeled {
    text: String,
    intents: Vec<String>,
}

/// Reads labeled JSON lines (`{"text": "...", "intents": ["accepted", ...]}`). A malformed line
/// or an unknown intent is an error naming the line.
pub fn read_labeled(jsonl: &str) -> Result<Vec<Example>, String> {
    let mut out = Vec::new();
    for (n, line) in jsonl.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let l: Labeled = serde_json::from_str(line).map_err(|e| format!("line {}: {e}", n + 1))?;
        let mut intents = l
            .intents
            .iter()
            .map(|s| Intent::parse(s).ok_or(format!("line {}: unknown intent \"{s}\"", n + 1)))
            .collect::<Result<Vec<_>, _>>()?;
        intents.sort();
        intents.dedup();
        out.push(Example {
            text: l.text,
            intents,
        });
    }
    Ok(out)
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    pub iterations: u32,
    pub rate: f32,
    pub l2: f32,
    /// A feature must occur in at least this many messages to be learned.
    pub min_count: u32,
    /// How much more a missed intent costs than a false one.
    pub positive_weight: f32,
}

/// Chosen by 5-fold cross-validation on the train split (`bash .ci/bench.sh C1 --cv 5`).
pub const OPTIONS: Options = Options {
    iterations: 1000,
    rate: 1.0,
    l2: 0.00001,
    min_count: 2,
    positive_weight: 3.0,
};

/// One message as the trainer sees it: (feature row, value) pairs and its labels.
struct Row {
    x: Vec<(usize, f32)>,
    y: [bool; INTENTS],
}

/// Trains weights from the examples.
pub fn train(examples: &[Example], o: &Options) -> Weights {
    let featured: Vec<Vec<(String, f32)>> = examples
        .iter()
        .map(|e| {
            let f = features::extract(&e.text, &rules(&e.text));
            values(&f)
                .into_iter()
                .map(|(f, v)| (f.key.clone(), v))
                .collect()
        })
        .collect();
    let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
    for doc in &featured {
        for (k, _) in doc {
            *counts.entry(k.as_str()).or_default() += 1;
        }
    }
    let keys: Vec<String> = counts
        .iter()
        .filter(|(_, c)| **c >= o.min_count)
        .map(|(k, _)| k.to_string())
        .collect();
    let index: BTreeMap<&str, usize> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let rows: Vec<Row> = featured
        .iter()
        .zip(examples)
        .map(|(doc, e)| Row {
            x: doc
                .iter()
                .filter_map(|(k, v)| index.get(k.as_str()).map(|i| (*i, *v)))
                .collect(),
            y: std::array::from_fn(|k| e.intents.contains(&Intent::ALL[k])),
        })
        .collect();
    let mut weights = vec![[0.0f32; INTENTS]; keys.len()];
    let mut bias = [0.0f32; INTENTS];
    for k in 0..INTENTS {
        let (w, b) = fit(&rows, k, keys.len(), o);
        for (row, wk) in weights.iter_mut().zip(w) {
            row[k] = wk;
        }
        bias[k] = b;
    }
    let from = format!(
        "from {} messages; {} features; iterations {} rate {} l2 {} min_count {} positive_weight {}",
        examples.len(),
        keys.len(),
        o.iterations,
        o.rate,
        o.l2,
        o.min_count,
        o.positive_weight
    );
    Weights::new(keys, weights, bias, from)
}

/// One intent's logistic regression: weights and bias.
fn fit(rows: &[Row], k: usize, features: usize, o: &Options) -> (Vec<f32>, f32) {
    let n = rows.len().max(1) as f32;
    let mut w = vec![0.0f32; features];
    let mut b = 0.0f32;
    let mut g2 = vec![0.0f32; features];
    let mut gb2 = 0.0f32;
    let mut grad = vec![0.0f32; features];
    for _ in 0..o.iterations {
        grad.iter_mut().for_each(|g| *g = 0.0);
        let mut gb = 0.0f32;
        for r in rows {
            let z = b + r.x.iter().map(|(i, v)| w[*i] * v).sum::<f32>();
            let (target, cost) = if r.y[k] {
                (1.0, o.positive_weight)
            } else {
                (0.0, 1.0)
            };
            let err = cost * (sigmoid(z) - target) / n;
            gb += err;
            for (i, v) in &r.x {
                grad[*i] += err * v;
            }
        }
        for i in 0..features {
            let g = grad[i] + o.l2 * w[i];
            g2[i] += g * g;
            w[i] -= o.rate * g / (g2[i].sqrt() + 1e-8);
        }
        gb2 += gb * gb;
        b -= o.rate * gb / (gb2.sqrt() + 1e-8);
    }
    (w, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labeled_lines_are_read_strictly() {
        let ok = "{\"text\":\"I'm in\",\"intents\":[\"accepted\",\"accepted\"]}\n\n{\"text\":\"hey\",\"intents\":[]}\n";
        let got = read_labeled(ok).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].intents, vec![Intent::Accepted]);
        assert!(read_labeled("{\"text\":\"x\",\"intents\":[\"bribe\"]}").is_err());
        assert!(read_labeled("not json").is_err());
    }

    #[test]
    fn training_is_deterministic_and_learns_the_examples() {
        let ex = |t: &str, i: &[Intent]| Example {
            text: t.into(),
            intents: i.to_vec(),
        };
        let examples = vec![
            ex("yes count me in", &[Intent::Accepted]),
            ex("count me in, sounds fun", &[Intent::Accepted]),
            ex("no thanks, pass", &[Intent::Declined]),
            ex("I'll pass, no thanks", &[Intent::Declined]),
            ex("hey there", &[]),
        ];
        let o = Options {
            iterations: 60,
            ..OPTIONS
        };
        let a = train(&examples, &o);
        assert_eq!(a.to_text(), train(&examples, &o).to_text());
        let f = features::extract("count me in", &rules("count me in"));
        let s = a.score(&f);
        assert!(s[0].probability > 0.5, "{:?}", s[0]);
        assert!(s[1].probability < 0.5, "{:?}", s[1]);
    }
}

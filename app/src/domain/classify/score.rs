//! How well a classifier does on labeled messages: precision and recall per intent, the
//! messages it got wrong, and the unsafe-automation count — messages labeled with a sensitive
//! intent or a decline on which automation would have acted alone. For the report program
//! (`bash .ci/bench.sh C1`) and the tests.

use super::learn::{read_labeled, train, Example, Options};
use super::safety::automation_verdict;
use super::{classify, classify_with, Classification, Intent};

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

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub messages: usize,
    pub per_intent: Vec<(Intent, Tally)>,
    /// Messages whose intents differ from their labels: (text, expected, got).
    pub misses: Vec<(String, Vec<Intent>, Vec<Intent>)>,
    /// Messages labeled sensitive or declined on which automation would have acted alone.
    pub unsafe_automation: Vec<String>,
}

impl Report {
    pub fn macro_f1(&self) -> f64 {
        let n = self.per_intent.len().max(1) as f64;
        self.per_intent.iter().map(|(_, t)| t.f1()).sum::<f64>() / n
    }

    pub fn min_recall(&self) -> f64 {
        self.per_intent
            .iter()
            .map(|(_, t)| t.recall())
            .fold(1.0, f64::min)
    }

    /// Recall over every label of a sensitive intent taken together.
    pub fn sensitive_recall(&self) -> f64 {
        let mut t = Tally::default();
        for (_, s) in self.per_intent.iter().filter(|(i, _)| i.is_sensitive()) {
            t.true_pos += s.true_pos;
            t.false_neg += s.false_neg;
        }
        t.recall()
    }

    fn add(&mut self, e: &Example, c: &Classification) {
        if self.per_intent.is_empty() {
            self.per_intent = Intent::ALL.iter().map(|i| (*i, Tally::default())).collect();
        }
        let got = c.intent_set();
        for (intent, t) in self.per_intent.iter_mut() {
            match (e.intents.contains(intent), got.contains(intent)) {
                (true, true) => t.true_pos += 1,
                (false, true) => t.false_pos += 1,
                (true, false) => t.false_neg += 1,
                (false, false) => {}
            }
        }
        if e.intents != got {
            self.misses.push((e.text.clone(), e.intents.clone(), got));
        }
        let risky = e
            .intents
            .iter()
            .any(|i| i.is_sensitive() || *i == Intent::Declined);
        if risky && automation_verdict(c).is_ok() {
            self.unsafe_automation.push(e.text.clone());
        }
        self.messages += 1;
    }
}

/// Scores a classifier on examples.
pub fn evaluate(examples: &[Example], classify: impl Fn(&str) -> Classification) -> Report {
    let mut r = Report::default();
    for e in examples {
        r.add(e, &classify(&e.text));
    }
    r
}

/// Scores the classifier in use against labeled JSON lines.
pub fn score(jsonl: &str) -> Result<Report, String> {
    Ok(evaluate(&read_labeled(jsonl)?, classify))
}

/// K-fold cross-validation on training examples (message `i` is held out in fold `i % folds`):
/// how options would do on messages they were not trained on, without touching the test split.
pub fn cross_validate(examples: &[Example], folds: usize, o: &Options) -> Report {
    let mut r = Report::default();
    for fold in 0..folds {
        let kept: Vec<Example> = examples
            .iter()
            .enumerate()
            .filter(|(i, _)| i % folds != fold)
            .map(|(_, e)| e.clone())
            .collect();
        let w = train(&kept, o);
        for e in examples.iter().skip(fold).step_by(folds) {
            r.add(e, &classify_with(Some(&w), &e.text));
        }
    }
    r
}

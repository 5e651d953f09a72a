//! Benchmark C1: how well messages are understood. Scores the classifier in use (rules and the
//! committed learned model, `app/data/intent_model.txt`) on the held-out test split
//! (`app/fixtures/intents/test.jsonl`): precision and recall per intent, the messages it got
//! wrong, and the unsafe-automation count — test messages labeled with a sensitive intent or a
//! decline on which automation would have acted alone.
//! Last line: `BENCH C1 macro_f1=<x> min_recall=<y> sensitive_recall=<z> unsafe=<n>`.
//!
//! `--cv K` instead trains K models on the train split, each without one fold, and scores each on
//! its held-out fold: the figure to tune options by, since the test split must not be.
//!
//! `--rules` scores the hand-written rules alone (the classifier before the learned model).
//!
//! Usage: bench_c1 [--test FILE] [--misses] [--rules] | --cv K [--iterations N] [--rate X] [--l2 X]
//!        [--min-count N] [--positive-weight X]

use app::domain::classify::learn::{read_labeled, Options, OPTIONS};
use app::domain::classify::score::{cross_validate, evaluate, Report};
use app::domain::classify::{classify, classify_with, Intent};

/// The value after `name` on the command line (`--cv 5`, `--rate 0.3`), else the default.
fn opt<T: std::str::FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn read(path: &str) -> Vec<app::domain::classify::learn::Example> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    read_labeled(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn print(r: &Report, show_misses: bool) {
    println!(
        "{:<22} {:>9} {:>6} {:>8}",
        "intent", "precision", "recall", "labeled"
    );
    for (intent, t) in &r.per_intent {
        println!(
            "{:<22} {:>9.2} {:>6.2} {:>8}",
            intent.as_str(),
            t.precision(),
            t.recall(),
            t.true_pos + t.false_neg
        );
    }
    println!("messages {}  wrong {}", r.messages, r.misses.len());
    if show_misses {
        for (text, want, got) in &r.misses {
            let names = |v: &[Intent]| v.iter().map(|i| i.as_str()).collect::<Vec<_>>().join(",");
            println!(
                "  want [{}] got [{}]: {}",
                names(want),
                names(got),
                text.replace('\n', " ⏎ ")
            );
        }
    }
    for text in &r.unsafe_automation {
        println!("  UNSAFE: {}", text.replace('\n', " ⏎ "));
    }
}

fn main() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
    let folds: usize = opt("--cv", 0);
    let report = if folds > 1 {
        let mut train = read(&format!("{root}/intents/train.jsonl"));
        train.extend(read(&format!("{root}/creator_messages.jsonl")));
        println!(
            "cross-validation, {folds} folds over {} training messages",
            train.len()
        );
        let o = Options {
            iterations: opt("--iterations", OPTIONS.iterations),
            rate: opt("--rate", OPTIONS.rate),
            l2: opt("--l2", OPTIONS.l2),
            min_count: opt("--min-count", OPTIONS.min_count),
            positive_weight: opt("--positive-weight", OPTIONS.positive_weight),
        };
        println!("{o:?}");
        cross_validate(&train, folds, &o)
    } else {
        let path: String = opt("--test", format!("{root}/intents/test.jsonl"));
        if std::env::args().any(|a| a == "--rules") {
            println!("{path}, the rules alone");
            evaluate(&read(&path), |t| classify_with(None, t))
        } else {
            println!("{path}");
            evaluate(&read(&path), classify)
        }
    };
    print(
        &report,
        folds > 1 || std::env::args().any(|a| a == "--misses"),
    );
    println!(
        "BENCH C1 macro_f1={:.3} min_recall={:.3} sensitive_recall={:.3} unsafe={}",
        report.macro_f1(),
        report.min_recall(),
        report.sensitive_recall(),
        report.unsafe_automation.len()
    );
}

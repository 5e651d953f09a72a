//! Prints the rule classifier's precision and recall per intent on the labeled fixture set
//! (`app/fixtures/creator_messages.jsonl`), and the messages it gets wrong.
//! Run: `cargo run -p app --example classifier_report`

use app::domain::classify::score::score;

fn main() {
    let report = score(include_str!("../fixtures/creator_messages.jsonl")).expect("fixture set");
    for (text, want, got) in &report.misses {
        println!("MISS {text:?}\n     want {want:?}\n     got  {got:?}");
    }
    println!("{} labeled messages", report.messages);
    println!(
        "{:<20} {:>9} {:>7} {:>4} {:>4} {:>4}",
        "intent", "precision", "recall", "tp", "fp", "fn"
    );
    let (mut worst_p, mut worst_r) = (1.0f64, 1.0f64);
    for (intent, t) in &report.per_intent {
        println!(
            "{:<20} {:>9.2} {:>7.2} {:>4} {:>4} {:>4}",
            intent.as_str(),
            t.precision(),
            t.recall(),
            t.true_pos,
            t.false_pos,
            t.false_neg
        );
        worst_p = worst_p.min(t.precision());
        worst_r = worst_r.min(t.recall());
    }
    println!(
        "CLASSIFIER messages={} min_precision={worst_p:.2} min_recall={worst_r:.2}",
        report.messages
    );
}

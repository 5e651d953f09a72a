//! The classifier's feedback loop as commands: `server train-classifier` trains the learned
//! model from labeled JSON lines (the corpus's train split and the fixture set by default, plus
//! any exported corrections) and writes its weights; `server export-labels` writes the messages
//! teammates corrected as labeled lines, to grow the corpus; `INBOX_INTENT_MODEL` installs other
//! weights at start.

use app::domain::classify::learn::{read_labeled, train, Example, OPTIONS};
use app::domain::classify::{learned, weights::Weights};

/// The training files when none are named (paths from the repository's root).
pub const DEFAULT_TRAIN: [&str; 2] = [
    "app/fixtures/intents/train.jsonl",
    "app/fixtures/creator_messages.jsonl",
];
pub const DEFAULT_MODEL: &str = "app/data/intent_model.txt";

/// Trains from the files and writes the weights to `out`. Returns a one-line summary.
pub fn train_files(files: &[String], out: &str) -> Result<String, String> {
    let mut examples: Vec<Example> = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(f).map_err(|e| format!("cannot read {f}: {e}"))?;
        let read = read_labeled(&text).map_err(|e| format!("{f}: {e}"))?;
        if read.is_empty() {
            return Err(format!("{f} holds no labeled messages"));
        }
        examples.extend(read);
    }
    let weights = train(&examples, &OPTIONS);
    let text = weights.to_text();
    std::fs::write(out, &text).map_err(|e| format!("cannot write {out}: {e}"))?;
    Ok(format!(
        "trained on {} messages from {} file(s): {} features, {} bytes written to {out}",
        examples.len(),
        files.len(),
        weights.keys.len(),
        text.len()
    ))
}

/// Installs the weights in `path` for this process (at start, before any message is read).
pub fn install_model(path: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the intent model {path}: {e}"))?;
    let weights = Weights::parse(&text).map_err(|e| format!("the intent model {path}: {e}"))?;
    learned::install(weights)
}

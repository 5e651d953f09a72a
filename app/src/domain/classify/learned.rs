//! The learned model this process classifies with: the weights committed with the code
//! (`app/data/intent_model.txt`, trained by `server train-classifier`), or others installed once
//! at start (`INBOX_INTENT_MODEL`).

use super::weights::Weights;
use std::sync::OnceLock;

pub const BUILT_IN: &str = include_str!("../../../data/intent_model.txt");

static INSTALLED: OnceLock<Option<Weights>> = OnceLock::new();

/// The model in use (`None` only if the built-in file does not parse — a test keeps it
/// parsing — and then messages are classified by the rules alone).
pub fn installed() -> Option<&'static Weights> {
    INSTALLED
        .get_or_init(|| Weights::parse(BUILT_IN).ok())
        .as_ref()
}

/// Installs other weights; only before the first message is classified.
pub fn install(w: Weights) -> Result<(), String> {
    INSTALLED
        .set(Some(w))
        .map_err(|_| "an intent model is already in use; install it at start".to_string())
}

//! Median, 90th percentile and mean of durations (nearest rank, to the resolution of
//! `durations::bin`), and shares.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub count: usize,
    pub median_ms: Option<i64>,
    pub p90_ms: Option<i64>,
    pub mean_ms: Option<i64>,
}

/// Median, 90th percentile (read from the bins of `Durations`) and mean of these durations.
pub fn summarize(values: Vec<i64>) -> Summary {
    super::durations::Durations::of(values).summary()
}

/// `part / whole`, or None when nothing was counted.
pub fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

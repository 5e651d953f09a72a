//! Median, 90th percentile and mean of durations (nearest rank: every figure is one that happened).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub count: usize,
    pub median_ms: Option<i64>,
    pub p90_ms: Option<i64>,
    pub mean_ms: Option<i64>,
}

/// The value at rank ⌈q·n⌉ of the sorted values.
fn nearest_rank(sorted: &[i64], q: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

pub fn summarize(mut values: Vec<i64>) -> Summary {
    values.sort_unstable();
    let n = values.len();
    Summary {
        count: n,
        median_ms: nearest_rank(&values, 0.5),
        p90_ms: nearest_rank(&values, 0.9),
        mean_ms: (n > 0).then(|| values.iter().sum::<i64>() / n as i64),
    }
}

/// `part / whole`, or None when nothing was counted.
pub fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

//! Durations kept as a mergeable tally: how many, their sum, and how many fall in each bin. Bins
//! are what the Reports page can show: the minute under 2 hours, five minutes under a day, the
//! hour under 30 days, the day beyond. Medians and 90th percentiles are read from the bins (the
//! lower edge of the bin holding the nearest-rank value), so figures summed from daily rollups and
//! figures computed from a thread list are the same numbers; the mean is exact.
//!
//! Counts are signed so a tally can be taken away from another (a thread's old contribution
//! replaced by its new one); a tally built from durations is never negative.

use super::stats::Summary;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const MINUTE_MS: i64 = 60_000;
/// Where each resolution begins, in minutes, and its width in minutes.
const TIERS: [(i64, i64); 4] = [(0, 1), (120, 5), (1_440, 60), (43_200, 1_440)];

/// The bin a duration falls in.
pub fn bin(ms: i64) -> u32 {
    let minutes = ms.max(0) / MINUTE_MS;
    let mut first = 0i64;
    for (i, (from, width)) in TIERS.iter().enumerate() {
        let to = TIERS.get(i + 1).map(|(next, _)| *next);
        if to.is_none_or(|to| minutes < to) {
            return (first + (minutes - from) / width) as u32;
        }
        first += (to.unwrap_or(*from) - from) / width;
    }
    unreachable!("the last tier has no end")
}

/// The shortest duration in bin `b`.
pub fn bin_floor_ms(b: u32) -> i64 {
    let mut rest = i64::from(b);
    for (i, (from, width)) in TIERS.iter().enumerate() {
        let bins = TIERS.get(i + 1).map(|(next, _)| (next - from) / width);
        match bins {
            Some(n) if rest >= n => rest -= n,
            _ => return (from + rest * width) * MINUTE_MS,
        }
    }
    unreachable!("the last tier has no end")
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Durations {
    #[serde(default, skip_serializing_if = "is_zero")]
    pub count: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sum_ms: i64,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub bins: BTreeMap<u32, i64>,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

impl Durations {
    pub fn of(values: impl IntoIterator<Item = i64>) -> Durations {
        let mut d = Durations::default();
        for v in values {
            d.push(v);
        }
        d
    }

    pub fn push(&mut self, ms: i64) {
        self.count += 1;
        self.sum_ms += ms;
        *self.bins.entry(bin(ms)).or_default() += 1;
    }

    /// Adds `sign` (1 or −1) times `other`; empty bins are dropped.
    pub fn absorb(&mut self, other: &Durations, sign: i64) {
        self.count += sign * other.count;
        self.sum_ms += sign * other.sum_ms;
        for (b, n) in &other.bins {
            let slot = self.bins.entry(*b).or_default();
            *slot += sign * n;
            if *slot == 0 {
                self.bins.remove(b);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0 && self.sum_ms == 0 && self.bins.is_empty()
    }

    /// The lower edge of the bin holding the value at rank ⌈q·n⌉.
    fn nearest_rank(&self, q: f64) -> Option<i64> {
        if self.count <= 0 {
            return None;
        }
        let rank = ((q * self.count as f64).ceil() as i64).clamp(1, self.count);
        let mut seen = 0;
        self.bins.iter().find_map(|(b, n)| {
            seen += n;
            (seen >= rank).then(|| bin_floor_ms(*b))
        })
    }

    pub fn summary(&self) -> Summary {
        let n = self.count.max(0);
        Summary {
            count: n as usize,
            median_ms: self.nearest_rank(0.5),
            p90_ms: self.nearest_rank(0.9),
            mean_ms: (n > 0).then(|| self.sum_ms / n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = MINUTE_MS;

    #[test]
    fn bins_keep_what_the_page_shows() {
        // (duration, the bin's lower edge)
        let cases = [
            (0, 0),
            (59_999, 0),
            (MIN, MIN),
            (119 * MIN + 59_000, 119 * MIN),
            (120 * MIN, 120 * MIN),
            (124 * MIN, 120 * MIN),
            (23 * 60 * MIN + 58 * MIN, 23 * 60 * MIN + 55 * MIN),
            (24 * 60 * MIN, 24 * 60 * MIN),
            (65 * 60 * MIN + 59 * MIN, 65 * 60 * MIN),
            (30 * 1440 * MIN, 30 * 1440 * MIN),
            (45 * 1440 * MIN + 600 * MIN, 45 * 1440 * MIN),
            (-5, 0),
        ];
        for (ms, floor) in cases {
            assert_eq!(bin_floor_ms(bin(ms)), floor, "{ms}");
        }
        // Bins are ordered like durations.
        let edges: Vec<i64> = (0..1_200).map(bin_floor_ms).collect();
        assert!(edges.windows(2).all(|w| w[0] < w[1]));
        assert!((0..1_200).all(|b| bin(bin_floor_ms(b)) == b));
    }

    #[test]
    fn merging_and_taking_away_give_back_the_tally() {
        let a = Durations::of([MIN, 3 * MIN, 90 * MIN]);
        let b = Durations::of([3 * MIN, 26 * 60 * MIN]);
        let mut sum = a.clone();
        sum.absorb(&b, 1);
        assert_eq!(
            sum,
            Durations::of([MIN, 3 * MIN, 90 * MIN, 3 * MIN, 26 * 60 * MIN])
        );
        assert_eq!(sum.summary().median_ms, Some(3 * MIN));
        assert_eq!(sum.summary().p90_ms, Some(26 * 60 * MIN));
        sum.absorb(&b, -1);
        assert_eq!(sum, a);
        sum.absorb(&a, -1);
        assert!(sum.is_empty());
    }
}

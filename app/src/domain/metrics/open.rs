//! Spells still open — a creator's wait for a brand reply, a stale spell — are counted by the hour
//! they began (`NowTally::open_waits`, `NowTally::stale_open`), and each hour's exact instants are
//! kept apart (`Contribution::open`, one `OpenHour` per hour). A figure asks how many began in a
//! span of time: the whole hours inside it are read from the counts, and only the hours its ends
//! cut need their exact instants. So the kept "now" of a scope stays small however many threads
//! wait, and the Reports page reads the exact hours it needs (`exact_hours`) and no others.

use super::tally::{Contribution, NowTally};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

pub const HOUR_MS: i64 = 3_600_000;

/// The hour (since 1970-01-01 UTC) instant `t` falls in.
pub fn hour_of(t: i64) -> i64 {
    t.div_euclid(HOUR_MS)
}

/// The two kinds of open spell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spell {
    Wait,
    Stale,
}

/// Counts open spells by when they began, from a sum's hour counts and the exact hours it holds,
/// and remembers which hours it needed exactly.
pub struct OpenCounts<'a> {
    now: &'a NowTally,
    exact: &'a BTreeMap<i64, super::tally::OpenHour>,
    needed: RefCell<BTreeSet<i64>>,
}

impl<'a> OpenCounts<'a> {
    pub fn new(sum: &'a Contribution) -> Self {
        OpenCounts {
            now: &sum.now,
            exact: &sum.open,
            needed: RefCell::default(),
        }
    }

    /// Open spells that began in `[from, to)` (`from` None: since ever).
    pub fn began(&self, spell: Spell, from: Option<i64>, to: i64) -> i64 {
        if from.is_some_and(|f| f >= to) {
            return 0;
        }
        let hours = match spell {
            Spell::Wait => &self.now.open_waits,
            Spell::Stale => &self.now.stale_open,
        };
        // Whole hours: from the first one starting at or after `from` to the last ending by `to`.
        let last_whole = to.div_euclid(HOUR_MS);
        let first_whole = from.map(|f| (f + HOUR_MS - 1).div_euclid(HOUR_MS));
        match (from, first_whole) {
            (Some(f), Some(first)) if first >= last_whole => self.exact(spell, f, to),
            _ => {
                let whole: i64 = match first_whole {
                    Some(first) => hours.range(first..last_whole).map(|(_, n)| n).sum(),
                    None => hours.range(..last_whole).map(|(_, n)| n).sum(),
                };
                let head = match (from, first_whole) {
                    (Some(f), Some(first)) => self.exact(spell, f, first * HOUR_MS),
                    _ => 0,
                };
                whole + head + self.exact(spell, last_whole * HOUR_MS, to)
            }
        }
    }

    /// Exact count of spells that began in `[a, b)`, a span within one or two hours.
    fn exact(&self, spell: Spell, a: i64, b: i64) -> i64 {
        if a >= b {
            return 0;
        }
        let mut n = 0;
        for hour in hour_of(a)..=hour_of(b - 1) {
            self.needed.borrow_mut().insert(hour);
            if let Some(h) = self.exact.get(&hour) {
                let instants = match spell {
                    Spell::Wait => &h.waits,
                    Spell::Stale => &h.stale,
                };
                n += instants.range(a..b).map(|(_, n)| n).sum::<i64>();
            }
        }
        n
    }

    /// The hours counted exactly so far.
    pub fn needed(self) -> BTreeSet<i64> {
        self.needed.into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::metrics::Tally;

    fn sum_of(instants: &[(Spell, i64)]) -> Contribution {
        let mut sum = Contribution::default();
        for (spell, at) in instants {
            let mut one = Contribution::default();
            let hour = hour_of(*at);
            let exact = one.open.entry(hour).or_default();
            let (counts, kept) = match spell {
                Spell::Wait => (&mut one.now.open_waits, &mut exact.waits),
                Spell::Stale => (&mut one.now.stale_open, &mut exact.stale),
            };
            counts.insert(hour, 1);
            kept.insert(*at, 1);
            sum.absorb(&one, 1);
        }
        sum
    }

    #[test]
    fn counts_by_hour_agree_with_counting_every_instant() {
        let h = HOUR_MS;
        let instants: Vec<(Spell, i64)> = [
            -h - 1,
            -1,
            0,
            1,
            h / 2,
            h - 1,
            h,
            h + 7,
            3 * h,
            5 * h + 30_000,
            5 * h + 30_000,
            9 * h - 1,
        ]
        .into_iter()
        .map(|t| (Spell::Wait, t))
        .chain([(Spell::Stale, h / 2), (Spell::Stale, 4 * h)])
        .collect();
        let sum = sum_of(&instants);
        let bounds = [
            -2 * h,
            -h - 1,
            -1,
            0,
            1,
            h / 2,
            h,
            h + 8,
            3 * h,
            5 * h + 30_001,
            9 * h,
            10 * h,
        ];
        for spell in [Spell::Wait, Spell::Stale] {
            let expect = |from: Option<i64>, to: i64| -> i64 {
                let n = instants
                    .iter()
                    .filter(|(s, t)| *s == spell && from.is_none_or(|f| *t >= f) && *t < to)
                    .count();
                n as i64
            };
            for to in bounds {
                let counts = OpenCounts::new(&sum);
                assert_eq!(counts.began(spell, None, to), expect(None, to), "..{to}");
                for from in bounds {
                    let counts = OpenCounts::new(&sum);
                    let got = counts.began(spell, Some(from), to);
                    assert_eq!(got, expect(Some(from), to), "{spell:?} {from}..{to}");
                }
            }
        }
    }

    #[test]
    fn only_the_hours_a_span_cuts_are_read_exactly() {
        let h = HOUR_MS;
        let sum = Contribution::default();
        let cases: [(Option<i64>, i64, &[i64]); 5] = [
            (Some(0), 10 * h, &[]),
            (None, 10 * h, &[]),
            (None, 10 * h + 1, &[10]),
            (Some(h / 2), 3 * h + 5, &[0, 3]),
            (Some(h / 2), h / 2 + 10, &[0]),
        ];
        for (from, to, hours) in cases {
            let counts = OpenCounts::new(&sum);
            counts.began(Spell::Wait, from, to);
            let needed: Vec<i64> = counts.needed().into_iter().collect();
            assert_eq!(needed, hours, "{from:?}..{to}");
        }
    }
}

//! What one thread adds to the Reports page's figures, as tallies that add up: per local day (the
//! day a thing happened where the team works) and for now (its stage, staleness, what blocks it,
//! the wait still open). The server keeps each thread's contribution and the sums per campaign,
//! client and workspace and day (`store::metrics`); replacing a thread's contribution with a new
//! one is taking the old away and adding the new, so a recount never counts twice.
//!
//! The definitions are `thread::facts`'; `figures` reads the sums back into the page's figures.

use super::durations::Durations;
use super::open::{hour_of, Spell};
use super::thread::{facts, WaitEnd};
use super::{Said, Timeline};
use crate::domain::blocked::Blocked;
use crate::domain::reply_clock::{business_ms, BusinessHours, REPLY_GOAL_MS};
use crate::domain::stage::funnel_index;
use crate::model::{DeclineReason, Stage};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const DAY_MS: i64 = 24 * 3_600_000;

/// The local day (days since 1970-01-01 where the team works; UTC without working hours) of `t`.
pub fn local_day(t: i64, hours: Option<&BusinessHours>) -> i64 {
    hours.map_or(t.div_euclid(DAY_MS), |h| h.local_day(t))
}

/// The instant local day `day` begins.
pub fn day_start(day: i64, hours: Option<&BusinessHours>) -> i64 {
    hours.map_or(day * DAY_MS, |h| h.day_start(day))
}

/// Something that adds up: `absorb` adds `sign` (1 or −1) times another.
pub trait Tally {
    fn absorb(&mut self, other: &Self, sign: i64);
    fn is_empty(&self) -> bool;
}

impl Tally for i64 {
    fn absorb(&mut self, other: &i64, sign: i64) {
        *self += sign * other;
    }
    fn is_empty(&self) -> bool {
        *self == 0
    }
}

impl Tally for Durations {
    fn absorb(&mut self, other: &Durations, sign: i64) {
        Durations::absorb(self, other, sign);
    }
    fn is_empty(&self) -> bool {
        Durations::is_empty(self)
    }
}

impl<K: Ord + Clone, V: Tally + Default> Tally for BTreeMap<K, V> {
    fn absorb(&mut self, other: &Self, sign: i64) {
        for (k, v) in other {
            let slot = self.entry(k.clone()).or_default();
            slot.absorb(v, sign);
            if slot.is_empty() {
                self.remove(k);
            }
        }
    }
    fn is_empty(&self) -> bool {
        BTreeMap::is_empty(self)
    }
}

/// A struct of tallies that adds up field by field; empty fields are left out when stored.
macro_rules! tally_struct {
    ($(#[$m:meta])* pub struct $name:ident { $($(#[$fm:meta])* pub $field:ident: $ty:ty,)* }) => {
        $(#[$m])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
        pub struct $name {
            $($(#[$fm])* #[serde(default, skip_serializing_if = "Tally::is_empty")] pub $field: $ty,)*
        }
        impl Tally for $name {
            fn absorb(&mut self, other: &Self, sign: i64) {
                $(Tally::absorb(&mut self.$field, &other.$field, sign);)*
            }
            fn is_empty(&self) -> bool {
                true $(&& self.$field.is_empty())*
            }
        }
    };
}

tally_struct! {
    /// One teammate's day.
    pub struct TeammateTally {
        /// Replies of theirs that reached the creator.
        pub replies: i64,
        /// Waits that began this day and their reply ended.
        pub reply_times: Durations,
        pub approved: i64,
        pub rejected: i64,
    }
}

tally_struct! {
    /// One local day.
    pub struct DayTally {
        /// Threads first reached this day (a cohort: what follows is about these threads).
        pub contacted: i64,
        /// Of them, creators who wrote a real message (so far).
        pub responded: i64,
        pub first_reply: Durations,
        /// Of them, accepted or later now, and declined now (by reason: `reason_key`).
        pub accepted: i64,
        pub declined: i64,
        pub decline_reasons: BTreeMap<String, i64>,
        /// Waits that began this day and a teammate ended: calendar and working time, how many
        /// within 24 h, and by histogram bar (`report::BUCKETS` key).
        pub brand: Durations,
        pub brand_working: Durations,
        pub met: i64,
        pub met_working: i64,
        pub buckets: BTreeMap<String, i64>,
        /// Waits that began this day and an automatic reply ended.
        pub automatic: Durations,
        /// Stays in a stage that ended this day.
        pub stays: BTreeMap<Stage, Durations>,
        pub followups_sent: i64,
        pub followups_answered: i64,
        pub teammates: BTreeMap<String, TeammateTally>,
        pub inbound: i64,
        pub outbound: i64,
        /// Threads overdue / stale at the day's end by a wait / a stale spell that has ended
        /// (the open ones are in `NowTally`).
        pub overdue: i64,
        pub stale: i64,
    }
}

tally_struct! {
    /// The thread as it is now.
    pub struct NowTally {
        pub threads: i64,
        /// By stage, the local day it was entered.
        pub in_stage: BTreeMap<Stage, BTreeMap<i64, i64>>,
        /// The furthest funnel position reached.
        pub furthest: BTreeMap<usize, i64>,
        pub stale: i64,
        /// Stale spells not ended yet, by the hour they began (`open::hour_of`).
        pub stale_open: BTreeMap<i64, i64>,
        pub blocked: BTreeMap<Blocked, i64>,
        /// Waits not ended yet, by the hour they began.
        pub open_waits: BTreeMap<i64, i64>,
    }
}

tally_struct! {
    /// The exact instants open spells began at within one hour (see `open`): read only for the
    /// hours a figure's threshold cuts.
    pub struct OpenHour {
        pub waits: BTreeMap<i64, i64>,
        pub stale: BTreeMap<i64, i64>,
    }
}

tally_struct! {
    /// What one thread (or a set of threads) adds up to.
    pub struct Contribution {
        pub days: BTreeMap<i64, DayTally>,
        pub now: NowTally,
        /// Open spells' exact instants, by the hour they began.
        pub open: BTreeMap<i64, OpenHour>,
    }
}

/// How a decline reason is kept as a key ("none" when none was given).
pub fn reason_key(r: Option<DeclineReason>) -> String {
    r.and_then(|r| serde_json::to_value(r).ok())
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "none".into())
}

pub fn reason_of_key(k: &str) -> Option<DeclineReason> {
    serde_json::from_value(serde_json::Value::String(k.to_string())).ok()
}

/// The reason a declined thread gives: its last move to Declined's, else the enrollment's.
pub fn decline_reason(t: &Timeline) -> Option<DeclineReason> {
    t.moves
        .iter()
        .rev()
        .find(|m| m.to == Stage::Declined)
        .and_then(|m| m.reason)
        .or(t.decline_reason)
}

/// Accepted or later (declines aside).
pub fn is_accepted(stage: Stage) -> bool {
    funnel_index(stage) >= funnel_index(Stage::Accepted)
}

/// The days a spell counts on: those whose end is at or after `from` and before `to` (none: open).
fn spell_days(from: i64, to: i64, hours: Option<&BusinessHours>) -> std::ops::Range<i64> {
    local_day(from - 1, hours)..local_day(to - 1, hours)
}

impl Contribution {
    fn day(&mut self, d: i64) -> &mut DayTally {
        self.days.entry(d).or_default()
    }

    /// An open spell that began at `at`: counted in its hour, and its instant kept for the hour.
    fn open_spell(&mut self, spell: Spell, at: i64) {
        let hour = hour_of(at);
        let exact = self.open.entry(hour).or_default();
        let (counts, instants) = match spell {
            Spell::Wait => (&mut self.now.open_waits, &mut exact.waits),
            Spell::Stale => (&mut self.now.stale_open, &mut exact.stale),
        };
        *counts.entry(hour).or_default() += 1;
        *instants.entry(at).or_default() += 1;
    }

    fn waits(
        &mut self,
        f: &super::ThreadFacts,
        hours: Option<&BusinessHours>,
        frozen: &Frozen,
    ) -> Frozen {
        let mut kept = Frozen::new();
        let day = |t| local_day(t, hours);
        for w in &f.waits {
            let Some((at, end)) = &w.end else {
                self.open_spell(Spell::Wait, w.start);
                continue;
            };
            let ms = at - w.start;
            // Overdue at the end of each day from 24 h after the start until the reply.
            for d in day(w.start + REPLY_GOAL_MS)..day(at - 1) {
                self.day(d).overdue += 1;
            }
            let d = self.day(day(w.start));
            let WaitEnd::Teammate(user) = end else {
                d.automatic.push(ms);
                continue;
            };
            d.brand.push(ms);
            d.met += i64::from(ms <= REPLY_GOAL_MS);
            if let Some(h) = hours {
                let work = match frozen.get(&w.start) {
                    Some((end, work)) if end == at => *work,
                    _ => business_ms(w.start, *at, h),
                };
                kept.insert(w.start, (*at, work));
                d.brand_working.push(work);
                d.met_working += i64::from(work <= REPLY_GOAL_MS);
            }
            *d.buckets
                .entry(super::report::bucket_key(ms).into())
                .or_default() += 1;
            d.teammates
                .entry(user.clone())
                .or_default()
                .reply_times
                .push(ms);
        }
        kept
    }
}

/// The working time of a thread's answered waits as first computed, by the wait's start: (the
/// reply's instant, working ms). A later change of working hours does not rewrite them.
pub type Frozen = BTreeMap<i64, (i64, i64)>;

/// What thread `t` adds to the figures, with the workspace's working hours.
pub fn contribution(t: &Timeline, hours: Option<&BusinessHours>) -> Contribution {
    contribution_kept(t, hours, &Frozen::new()).0
}

/// `contribution`, keeping the working time of waits answered before as `frozen` has it, and
/// what to keep next time.
pub fn contribution_kept(
    t: &Timeline,
    hours: Option<&BusinessHours>,
    frozen: &Frozen,
) -> (Contribution, Frozen) {
    let f = facts(t);
    let day = |x| local_day(x, hours);
    let mut c = Contribution::default();
    if let Some(at) = f.contacted_at {
        let d = c.day(day(at));
        d.contacted = 1;
        d.responded = i64::from(f.first_real_at.is_some());
        if let Some(r) = f.first_reply_at {
            d.first_reply.push(r - at);
        }
        d.accepted = i64::from(is_accepted(t.stage));
        if t.stage == Stage::Declined {
            d.declined = 1;
            d.decline_reasons.insert(reason_key(decline_reason(t)), 1);
        }
    }
    let kept = c.waits(&f, hours, frozen);
    for e in &t.entries {
        let d = c.day(day(e.at));
        match &e.said {
            Said::Creator { .. } => d.inbound += 1,
            Said::Note => {}
            said if e.reached => {
                d.outbound += 1;
                if let Said::Teammate { user } = said {
                    d.teammates.entry(user.clone()).or_default().replies += 1;
                }
            }
            _ => {}
        }
    }
    for (sent, answer) in &f.followups {
        let d = c.day(day(*sent));
        d.followups_sent += 1;
        d.followups_answered += i64::from(answer.is_some());
    }
    for (stage, entered, left) in &f.spans {
        if let Some(left) = left {
            c.day(day(*left))
                .stays
                .entry(*stage)
                .or_default()
                .push(left - entered);
        }
    }
    for decision in &t.drafts {
        let mate = c
            .day(day(decision.at))
            .teammates
            .entry(decision.user.clone())
            .or_default();
        if decision.approved {
            mate.approved += 1;
        } else {
            mate.rejected += 1;
        }
    }
    for (from, to) in &f.stale_spans {
        match to {
            Some(to) => spell_days(*from, *to, hours).for_each(|d| c.day(d).stale += 1),
            None => c.open_spell(Spell::Stale, *from),
        }
    }
    c.days.retain(|_, d| !d.is_empty());
    let now = &mut c.now;
    now.threads = 1;
    now.in_stage
        .entry(t.stage)
        .or_default()
        .insert(day(t.stage_since), 1);
    now.furthest.insert(f.furthest, 1);
    now.stale = i64::from(t.stale);
    now.blocked = f.blocked.iter().map(|b| (*b, 1)).collect();
    (c, kept)
}

/// Sum of a day-keyed tally over `days` (inclusive).
pub fn sum_days(days: &BTreeMap<i64, DayTally>, range: std::ops::RangeInclusive<i64>) -> DayTally {
    let mut out = DayTally::default();
    for (_, d) in days.range(range) {
        out.absorb(d, 1);
    }
    out
}

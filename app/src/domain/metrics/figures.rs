//! The Reports page's figures read back from summed tallies (`tally`): the days of the period, the
//! day before it (where staleness stood when it began) and the threads as they are now. Counts
//! only: the threads behind a figure are the drill-down's (`report`), which a table test holds to
//! the same numbers.

use super::durations::Durations;
use super::open::{OpenCounts, Spell};
use super::report::{Day, TeammateRow, BUCKETS};
use super::stats::{share, Summary};
use super::tally::{
    day_start, local_day, reason_of_key, sum_days, Contribution, DayTally, NowTally,
};
use super::thread::is_stuck;
use crate::domain::blocked::Blocked;
use crate::domain::reply_clock::{business_ms, BusinessHours, REPLY_GOAL_MS};
use crate::domain::stage::funnel;
use crate::model::{DeclineReason, Stage};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    pub key: String,
    pub label: String,
    pub count: usize,
}

/// Time to brand reply over the waits that began in the period (see `report::ReplyTimes`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReplyFigures {
    pub calendar: Summary,
    pub working: Option<Summary>,
    pub within_24h: Option<f64>,
    pub within_24h_working: Option<f64>,
    /// Waits per histogram bar (open ones past 24 h in the last).
    pub buckets: Vec<Bar>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StageFigures {
    pub stage: Stage,
    pub now: usize,
    pub reached: usize,
    pub conversion: Option<f64>,
    pub median_stay_ms: Option<i64>,
    pub stuck: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReasonCount {
    pub reason: Option<DeclineReason>,
    pub count: usize,
    pub share: f64,
}

/// The figures of a period (see `report::Report` for each one's definition).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub contacted: usize,
    pub responded: usize,
    pub response_rate: Option<f64>,
    pub first_reply: Summary,
    pub brand_reply: ReplyFigures,
    pub automatic_reply: Summary,
    pub accepted: usize,
    pub declined: usize,
    pub acceptance_rate: Option<f64>,
    pub acceptance_of_contacted: Option<f64>,
    pub decline_reasons: Vec<ReasonCount>,
    pub funnel: Vec<StageFigures>,
    pub stale: usize,
    pub stale_at_start: usize,
    pub followups_sent: usize,
    pub followups_answered: usize,
    pub followup_success: Option<f64>,
    pub blocked: Vec<(Blocked, usize)>,
    pub teammates: Vec<TeammateRow>,
    pub days: Vec<Day>,
}

fn count(n: i64) -> usize {
    n.max(0) as usize
}

/// The local days `[first, last]` of a period of `days` days ending on the day of `now`.
pub fn period_days(days: u32, now: i64, hours: Option<&BusinessHours>) -> (i64, i64) {
    let last = local_day(now, hours);
    (last - i64::from(days) + 1, last)
}

/// The first instant in `[from, now]` whose wait to `now` is within the goal in working time:
/// waits that began before it are past 24 working hours (`business_ms` shrinks as the start
/// moves later).
fn working_goal_cut(from: i64, now: i64, h: &BusinessHours) -> i64 {
    let past = |s: i64| business_ms(s, now, h) > REPLY_GOAL_MS;
    if from >= now || !past(from) {
        return from.min(now);
    }
    let (mut lo, mut hi) = (from, now);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if past(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

fn brand_reply(
    sum: &DayTally,
    open: &OpenCounts,
    (first, last): (i64, i64),
    now: i64,
    hours: Option<&BusinessHours>,
) -> ReplyFigures {
    let mut buckets: Vec<Bar> = BUCKETS
        .iter()
        .map(|(k, l, _, _)| Bar {
            key: (*k).into(),
            label: (*l).into(),
            count: count(sum.buckets.get(*k).copied().unwrap_or(0)),
        })
        .collect();
    // Waits still open that began in the period count once past 24 h.
    let (start, end) = (day_start(first, hours), day_start(last + 1, hours));
    let late = open.began(Spell::Wait, Some(start), end.min(now - REPLY_GOAL_MS));
    let judged = sum.brand.count + late;
    if let Some(last_bar) = buckets.last_mut() {
        last_bar.count += count(late);
    }
    let judged_working = hours.map_or(0, |h| {
        let cut = working_goal_cut(start, now, h);
        sum.brand_working.count + open.began(Spell::Wait, Some(start), end.min(cut))
    });
    ReplyFigures {
        calendar: sum.brand.summary(),
        working: hours.map(|_| sum.brand_working.summary()),
        within_24h: share(count(sum.met), count(judged)),
        within_24h_working: hours
            .and_then(|_| share(count(sum.met_working), count(judged_working))),
        buckets,
    }
}

fn funnel_figures(sum: &DayTally, now_t: &NowTally, today: i64) -> Vec<StageFigures> {
    let reached = |i: usize| count(now_t.furthest.range(i..).map(|(_, n)| n).sum());
    funnel()
        .iter()
        .enumerate()
        .map(|(i, stage)| {
            let here = now_t.in_stage.get(stage);
            let n = reached(i);
            StageFigures {
                stage: *stage,
                now: count(here.map_or(0, |m| m.values().sum())),
                reached: n,
                conversion: (i + 1 < funnel().len())
                    .then(|| share(reached(i + 1), n))
                    .flatten(),
                median_stay_ms: sum
                    .stays
                    .get(stage)
                    .map(Durations::summary)
                    .and_then(|s| s.median_ms),
                stuck: count(here.map_or(0, |m| {
                    m.iter()
                        .filter(|(since, _)| is_stuck(*stage, **since, today))
                        .map(|(_, n)| n)
                        .sum()
                })),
            }
        })
        .collect()
}

fn decline_reasons(sum: &DayTally) -> Vec<ReasonCount> {
    let total = count(sum.declined).max(1);
    let mut out: Vec<ReasonCount> = sum
        .decline_reasons
        .iter()
        .map(|(k, n)| ReasonCount {
            reason: reason_of_key(k),
            count: count(*n),
            share: count(*n) as f64 / total as f64,
        })
        .collect();
    out.sort_by_key(|r| std::cmp::Reverse(r.count));
    out
}

fn teammates(sum: &DayTally) -> Vec<TeammateRow> {
    sum.teammates
        .iter()
        .map(|(user, t)| TeammateRow {
            user: user.clone(),
            replies: count(t.replies),
            median_reply_ms: t.reply_times.summary().median_ms,
            drafts_approved: count(t.approved),
            drafts_rejected: count(t.rejected),
        })
        .collect()
}

/// Threads overdue / stale at the end of day `d`: the ended spells kept on the day, and the open
/// ones that had begun counting by then — a wait once 24 h old, a stale spell from its first
/// instant (an end of day counts spells that began by it, as `tally::spell_days` does).
fn levels(
    days: &BTreeMap<i64, DayTally>,
    open: &OpenCounts,
    d: i64,
    hours: Option<&BusinessHours>,
) -> (usize, usize) {
    let kept = days.get(&d);
    let end = day_start(d + 1, hours);
    let open_overdue = open.began(Spell::Wait, None, end - REPLY_GOAL_MS);
    let open_stale = open.began(Spell::Stale, None, end + 1);
    (
        count(kept.map_or(0, |k| k.overdue) + open_overdue),
        count(kept.map_or(0, |k| k.stale) + open_stale),
    )
}

/// The figures of local days `[first, last]` at `now`, from a sum of contributions: its day
/// tallies (they must hold the day before `first` too), the threads as they are now, and the
/// exact instants of open spells for the hours `exact_hours` names.
pub fn figures(
    sum: &Contribution,
    period: (i64, i64),
    now: i64,
    hours: Option<&BusinessHours>,
) -> Figures {
    figures_counted(sum, &OpenCounts::new(sum), period, now, hours)
}

/// The hours whose open spells `figures` needs exactly for these periods at `now`: the hours a
/// threshold cuts (24 h back, 24 working hours back, an end of day).
pub fn exact_hours(periods: &[(i64, i64)], now: i64, hours: Option<&BusinessHours>) -> Vec<i64> {
    let empty = Contribution::default();
    let open = OpenCounts::new(&empty);
    for period in periods {
        figures_counted(&empty, &open, *period, now, hours);
    }
    open.needed().into_iter().collect()
}

fn figures_counted(
    all: &Contribution,
    open: &OpenCounts,
    (first, last): (i64, i64),
    now: i64,
    hours: Option<&BusinessHours>,
) -> Figures {
    let (days, now_t) = (&all.days, &all.now);
    let sum = sum_days(days, first..=last);
    let series = (first..=last)
        .map(|d| {
            let kept = days.get(&d);
            let (overdue, stale) = levels(days, open, d, hours);
            Day {
                start: day_start(d, hours),
                date: d,
                inbound: count(kept.map_or(0, |k| k.inbound)),
                outbound: count(kept.map_or(0, |k| k.outbound)),
                overdue,
                stale,
            }
        })
        .collect();
    let (contacted, accepted, declined) = (
        count(sum.contacted),
        count(sum.accepted),
        count(sum.declined),
    );
    let (sent, answered) = (count(sum.followups_sent), count(sum.followups_answered));
    Figures {
        contacted,
        responded: count(sum.responded),
        response_rate: share(count(sum.responded), contacted),
        first_reply: sum.first_reply.summary(),
        brand_reply: brand_reply(&sum, open, (first, last), now, hours),
        automatic_reply: sum.automatic.summary(),
        accepted,
        declined,
        acceptance_rate: share(accepted, accepted + declined),
        acceptance_of_contacted: share(accepted, contacted),
        decline_reasons: decline_reasons(&sum),
        funnel: funnel_figures(&sum, now_t, local_day(now, hours)),
        stale: count(now_t.stale),
        stale_at_start: levels(days, open, first - 1, hours).1,
        followups_sent: sent,
        followups_answered: answered,
        followup_success: share(answered, sent),
        blocked: Blocked::ALL
            .into_iter()
            .map(|b| (b, count(now_t.blocked.get(&b).copied().unwrap_or(0))))
            .collect(),
        teammates: teammates(&sum),
        days: series,
    }
}

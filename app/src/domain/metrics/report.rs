//! A set of threads over a period: the Reports page's figures, each with the threads behind it so
//! every tile, bar and row can open the inbox on exactly those.

use super::stats::{share, summarize, Summary};
use super::tally::{day_start, decline_reason, is_accepted, local_day};
use super::thread::{facts, is_stuck, ThreadFacts, WaitEnd};
use super::{Said, Timeline};
use crate::domain::blocked::Blocked;
use crate::domain::reply_clock::{business_ms, BusinessHours};
use crate::domain::stage::funnel;
use crate::model::{DeclineReason, Stage};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const HOUR_MS: i64 = 3_600_000;
const GOAL_MS: i64 = crate::domain::reply_clock::REPLY_GOAL_MS;

/// `[start, end)` in ms since the epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub start: i64,
    pub end: i64,
}

impl Period {
    pub fn contains(&self, t: i64) -> bool {
        self.start <= t && t < self.end
    }

    /// The period of the same length just before this one.
    pub fn previous(&self) -> Period {
        Period {
            start: self.start - (self.end - self.start),
            end: self.start,
        }
    }
}

/// The brand-reply histogram's bars: key, label, and `[from, to)` in hours (None: no end).
pub const BUCKETS: [(&str, &str, i64, Option<i64>); 5] = [
    ("0-1h", "0–1 h", 0, Some(1)),
    ("1-4h", "1–4 h", 1, Some(4)),
    ("4-8h", "4–8 h", 4, Some(8)),
    ("8-24h", "8–24 h", 8, Some(24)),
    ("24h+", "over 24 h", 24, None),
];

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    pub key: String,
    pub label: String,
    pub threads: Vec<String>,
    /// Waits in the bar (a thread may wait more than once).
    #[serde(default)]
    pub waits: usize,
}

/// Time to brand reply: waits that began in the period and a teammate ended, in calendar and
/// working time; the 24 h share also counts waits still open past 24 h as missed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReplyTimes {
    pub calendar: Summary,
    pub working: Option<Summary>,
    pub within_24h: Option<f64>,
    pub within_24h_working: Option<f64>,
    pub buckets: Vec<Bucket>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FunnelStep {
    pub stage: Stage,
    /// Threads in this stage now.
    pub now: Vec<String>,
    /// Threads that reached this stage or a later one.
    pub reached: usize,
    /// Of those, the share that reached the next stage (None for the last).
    pub conversion: Option<f64>,
    /// Median time spent in the stage, of stays that ended in the period.
    pub median_stay_ms: Option<i64>,
    /// Threads here longer than the stage's limit.
    pub stuck: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeclineShare {
    pub reason: Option<DeclineReason>,
    pub threads: Vec<String>,
    pub share: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TeammateRow {
    pub user: String,
    pub replies: usize,
    pub median_reply_ms: Option<i64>,
    pub drafts_approved: usize,
    pub drafts_rejected: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Day {
    /// The local day's start, in ms since the epoch.
    pub start: i64,
    /// The local date as days since 1970-01-01 (what the day is called where the team works).
    #[serde(default)]
    pub date: i64,
    pub inbound: usize,
    pub outbound: usize,
    /// Threads waiting past the 24 h goal at the end of the day.
    pub overdue: usize,
    /// Threads stale at the end of the day.
    #[serde(default)]
    pub stale: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Threads first reached in the period.
    pub contacted: Vec<String>,
    /// Of those, the creators who wrote a real message (by the period's end).
    pub responded: Vec<String>,
    pub response_rate: Option<f64>,
    pub first_reply: Summary,
    pub brand_reply: ReplyTimes,
    /// Waits an automatic reply ended: reported apart from the team's.
    pub automatic_reply: Summary,
    /// Of the contacted: accepted or later now, and declined now.
    pub accepted: Vec<String>,
    pub declined: Vec<String>,
    pub acceptance_rate: Option<f64>,
    pub acceptance_of_contacted: Option<f64>,
    pub decline_reasons: Vec<DeclineShare>,
    pub funnel: Vec<FunnelStep>,
    pub stale: Vec<String>,
    /// Threads that were stale when the period began (the count's change is `stale` minus this).
    #[serde(default)]
    pub stale_at_start: Vec<String>,
    /// Threads a follow-up was sent on in the period.
    pub followed_up: Vec<String>,
    pub followups_sent: usize,
    pub followups_answered: usize,
    pub followup_success: Option<f64>,
    pub blocked: Vec<(Blocked, Vec<String>)>,
    pub teammates: Vec<TeammateRow>,
    pub days: Vec<Day>,
}

fn bucket_of(ms: i64) -> usize {
    BUCKETS
        .iter()
        .position(|(_, _, _, to)| to.is_none_or(|h| ms < h * HOUR_MS))
        .unwrap_or(BUCKETS.len() - 1)
}

/// The histogram bar a reply time falls in.
pub fn bucket_key(ms: i64) -> &'static str {
    BUCKETS[bucket_of(ms)].0
}

fn brand_reply(
    all: &[(&Timeline, ThreadFacts)],
    p: Period,
    now: i64,
    hours: Option<&BusinessHours>,
) -> (ReplyTimes, Summary) {
    let mut calendar = Vec::new();
    let mut working = Vec::new();
    let mut automatic = Vec::new();
    let (mut judged, mut met) = (0, 0);
    let (mut judged_working, mut met_working) = (0, 0);
    let mut buckets: Vec<Bucket> = BUCKETS
        .iter()
        .map(|(k, l, _, _)| Bucket {
            key: (*k).into(),
            label: (*l).into(),
            threads: Vec::new(),
            waits: 0,
        })
        .collect();
    for (t, f) in all {
        for w in f.waits.iter().filter(|w| p.contains(w.start)) {
            let end = match &w.end {
                Some((_, WaitEnd::Automatic)) => {
                    automatic.push(w.end.as_ref().map_or(0, |e| e.0) - w.start);
                    continue;
                }
                Some((at, WaitEnd::Teammate(_))) => *at,
                None if now - w.start > GOAL_MS => now,
                None => continue,
            };
            let ms = end - w.start;
            let work = hours.map(|h| business_ms(w.start, end, h));
            let answered = w.end.is_some();
            judged += 1;
            met += usize::from(ms <= GOAL_MS && answered);
            // An open wait past 24 calendar hours may still be inside 24 working hours: not
            // judged in working time until it is answered or passes them.
            if let Some(x) = work.filter(|x| answered || *x > GOAL_MS) {
                judged_working += 1;
                met_working += usize::from(x <= GOAL_MS && answered);
            }
            let bar = &mut buckets[bucket_of(ms)];
            bar.waits += 1;
            if bar.threads.last() != Some(&t.thread) {
                bar.threads.push(t.thread.clone());
            }
            if w.end.is_some() {
                calendar.push(ms);
                working.extend(work);
            }
        }
    }
    let times = ReplyTimes {
        calendar: summarize(calendar),
        working: hours.map(|_| summarize(working)),
        within_24h: share(met, judged),
        within_24h_working: hours.and_then(|_| share(met_working, judged_working)),
        buckets,
    };
    (times, summarize(automatic))
}

fn funnel_steps(
    all: &[(&Timeline, ThreadFacts)],
    p: Period,
    now: i64,
    hours: Option<&BusinessHours>,
) -> Vec<FunnelStep> {
    let today = local_day(now, hours);
    let reached = |i: usize| all.iter().filter(|(_, f)| f.furthest >= i).count();
    funnel()
        .iter()
        .enumerate()
        .map(|(i, stage)| {
            let here: Vec<&Timeline> = all
                .iter()
                .filter(|(t, _)| t.stage == *stage)
                .map(|(t, _)| *t)
                .collect();
            let stays = all
                .iter()
                .flat_map(|(_, f)| f.spans.iter())
                .filter(|(s, _, left)| s == stage && left.is_some_and(|l| p.contains(l)))
                .map(|(_, entered, left)| left.unwrap_or(*entered) - entered)
                .collect();
            let n = reached(i);
            FunnelStep {
                stage: *stage,
                now: here.iter().map(|t| t.thread.clone()).collect(),
                reached: n,
                conversion: (i + 1 < funnel().len())
                    .then(|| share(reached(i + 1), n))
                    .flatten(),
                median_stay_ms: summarize(stays).median_ms,
                stuck: here
                    .iter()
                    .filter(|t| is_stuck(*stage, local_day(t.stage_since, hours), today))
                    .map(|t| t.thread.clone())
                    .collect(),
            }
        })
        .collect()
}

fn decline_reasons(all: &[(&Timeline, ThreadFacts)], declined: &[String]) -> Vec<DeclineShare> {
    let mut by: Vec<(Option<DeclineReason>, Vec<String>)> = Vec::new();
    for (t, _) in all.iter().filter(|(t, _)| declined.contains(&t.thread)) {
        let reason = decline_reason(t);
        match by.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, threads)) => threads.push(t.thread.clone()),
            None => by.push((reason, vec![t.thread.clone()])),
        }
    }
    let mut out: Vec<DeclineShare> = by
        .into_iter()
        .map(|(reason, threads)| DeclineShare {
            reason,
            share: threads.len() as f64 / declined.len().max(1) as f64,
            threads,
        })
        .collect();
    out.sort_by_key(|d| std::cmp::Reverse(d.threads.len()));
    out
}

fn teammates(all: &[(&Timeline, ThreadFacts)], p: Period) -> Vec<TeammateRow> {
    let mut rows: BTreeMap<String, (TeammateRow, Vec<i64>)> = BTreeMap::new();
    fn row<'a>(
        rows: &'a mut BTreeMap<String, (TeammateRow, Vec<i64>)>,
        u: &str,
    ) -> &'a mut (TeammateRow, Vec<i64>) {
        rows.entry(u.to_string()).or_insert_with(|| {
            let r = TeammateRow {
                user: u.to_string(),
                ..Default::default()
            };
            (r, Vec::new())
        })
    }
    for (t, f) in all {
        for e in t.entries.iter().filter(|e| e.reached && p.contains(e.at)) {
            if let Said::Teammate { user } = &e.said {
                row(&mut rows, user).0.replies += 1;
            }
        }
        for w in f.waits.iter().filter(|w| p.contains(w.start)) {
            if let Some((at, WaitEnd::Teammate(user))) = &w.end {
                row(&mut rows, user).1.push(at - w.start);
            }
        }
        for d in t.drafts.iter().filter(|d| p.contains(d.at)) {
            let r = &mut row(&mut rows, &d.user).0;
            if d.approved {
                r.drafts_approved += 1;
            } else {
                r.drafts_rejected += 1;
            }
        }
    }
    rows.into_values()
        .map(|(mut r, times)| {
            r.median_reply_ms = summarize(times).median_ms;
            r
        })
        .collect()
}

/// The local days the period touches: each day's start and end in UTC ms (23 or 25 hours long
/// on a daylight-saving change).
fn local_days(p: Period, hours: Option<&BusinessHours>) -> Vec<(i64, i64, i64)> {
    let start_of = |d: i64| day_start(d, hours);
    (local_day(p.start, hours)..)
        .map(|d| (d, start_of(d), start_of(d + 1)))
        .take_while(|(_, start, _)| *start < p.end)
        .collect()
}

fn days(all: &[(&Timeline, ThreadFacts)], p: Period, hours: Option<&BusinessHours>) -> Vec<Day> {
    let bounds = local_days(p, hours);
    let mut out: Vec<Day> = bounds
        .iter()
        .map(|(date, start, _)| Day {
            date: *date,
            start: *start,
            ..Default::default()
        })
        .collect();
    // The days are in order: the one an instant falls in is found by halving, not a walk.
    let index = |at: i64| {
        let i = bounds
            .partition_point(|(_, s, _)| *s <= at)
            .checked_sub(1)?;
        (at < bounds[i].2).then_some(i)
    };
    for (t, f) in all {
        for e in t.entries.iter().filter(|e| p.contains(e.at)) {
            let Some(day) = index(e.at).and_then(|i| out.get_mut(i)) else {
                continue;
            };
            match e.said {
                Said::Creator { .. } => day.inbound += 1,
                Said::Note => {}
                _ if e.reached => day.outbound += 1,
                _ => {}
            }
        }
        for (day, (_, _, end)) in out.iter_mut().zip(&bounds) {
            let end = *end;
            day.overdue += usize::from(f.waits.iter().any(|w| {
                w.start < end - GOAL_MS && w.end.as_ref().is_none_or(|(at, _)| *at > end)
            }));
            day.stale += usize::from(stale_at(f, end));
        }
    }
    out
}

/// Whether the thread was stale at instant `t`.
fn stale_at(f: &ThreadFacts, t: i64) -> bool {
    f.stale_spans
        .iter()
        .any(|(from, to)| *from <= t && to.is_none_or(|to| t < to))
}

/// The figures of these threads over `period`, at `now`, with the workspace's working hours.
pub fn report(
    timelines: &[Timeline],
    period: Period,
    now: i64,
    hours: Option<&BusinessHours>,
) -> Report {
    let all: Vec<(&Timeline, ThreadFacts)> = timelines.iter().map(|t| (t, facts(t))).collect();
    let p = period;
    let contacted: Vec<&(&Timeline, ThreadFacts)> = all
        .iter()
        .filter(|(_, f)| f.contacted_at.is_some_and(|c| p.contains(c)))
        .collect();
    let ids = |pick: &dyn Fn(&(&Timeline, ThreadFacts)) -> bool| -> Vec<String> {
        contacted
            .iter()
            .filter(|x| pick(x))
            .map(|(t, _)| t.thread.clone())
            .collect()
    };
    // A cohort: of the creators first reached in the period, those who have written so far.
    let responded = ids(&|(_, f)| f.first_real_at.is_some());
    let accepted = ids(&|(t, _)| is_accepted(t.stage));
    let declined = ids(&|(t, _)| t.stage == Stage::Declined);
    let first_reply = summarize(
        contacted
            .iter()
            .filter_map(|(_, f)| Some(f.first_reply_at? - f.contacted_at?))
            .collect(),
    );
    let (brand_reply, automatic_reply) = brand_reply(&all, p, now, hours);
    let followups: Vec<(i64, Option<i64>)> = all
        .iter()
        .flat_map(|(_, f)| f.followups.iter().copied())
        .filter(|(sent, _)| p.contains(*sent))
        .collect();
    let followed_up = all
        .iter()
        .filter(|(_, f)| f.followups.iter().any(|(sent, _)| p.contains(*sent)))
        .map(|(t, _)| t.thread.clone())
        .collect();
    let answered = followups.iter().filter(|(_, a)| a.is_some()).count();
    let blocked = Blocked::ALL
        .into_iter()
        .map(|b| {
            let threads = all
                .iter()
                .filter(|(_, f)| f.blocked.contains(&b))
                .map(|(t, _)| t.thread.clone())
                .collect();
            (b, threads)
        })
        .collect();
    Report {
        response_rate: share(responded.len(), contacted.len()),
        acceptance_rate: share(accepted.len(), accepted.len() + declined.len()),
        acceptance_of_contacted: share(accepted.len(), contacted.len()),
        decline_reasons: decline_reasons(&all, &declined),
        contacted: contacted.iter().map(|(t, _)| t.thread.clone()).collect(),
        responded,
        first_reply,
        brand_reply,
        automatic_reply,
        accepted,
        declined,
        funnel: funnel_steps(&all, p, now, hours),
        stale: all
            .iter()
            .filter(|(t, _)| t.stale)
            .map(|(t, _)| t.thread.clone())
            .collect(),
        stale_at_start: all
            .iter()
            .filter(|(_, f)| stale_at(f, p.start))
            .map(|(t, _)| t.thread.clone())
            .collect(),
        followed_up,
        followups_sent: followups.len(),
        followups_answered: answered,
        followup_success: share(answered, followups.len()),
        blocked,
        teammates: teammates(&all, p),
        days: days(&all, p, hours),
    }
}

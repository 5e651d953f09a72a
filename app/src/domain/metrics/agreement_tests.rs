//! The figures summed from per-thread tallies (`tally`, `figures`: what the Reports page shows)
//! are the same numbers as the drill-down's thread lists (`report`), on many generated timelines,
//! with and without working hours across a daylight-saving change, for several periods.

use super::*;
use crate::domain::classify::Intent;
use crate::domain::reply_clock::BusinessHours;
use crate::domain::zone::fixtures::{berlin_working_hours, SPRING};
use crate::model::{DeclineReason, Stage};

const H: i64 = 3_600_000;
const DAY: i64 = 24 * H;

/// A small deterministic generator (no crate needed for a test's dice).
struct Dice(u64);

impl Dice {
    fn roll(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn said(d: &mut Dice) -> Said {
    match d.roll(12) {
        0..=4 => Said::Creator {
            auto_reply: d.roll(8) == 0,
            intents: [
                Intent::Rate,
                Intent::Legal,
                Intent::Question,
                Intent::Accepted,
            ]
            .into_iter()
            .filter(|_| d.roll(3) == 0)
            .collect(),
        },
        5..=7 => Said::Teammate {
            user: format!("u{}", d.roll(3)),
        },
        8 => Said::Automatic,
        9 => Said::Bulk,
        10 => Said::FollowUp,
        _ => Said::Note,
    }
}

fn timeline(i: usize, d: &mut Dice, base: i64) -> Timeline {
    let mut at = base + d.roll(40 * 24) as i64 * H;
    let entries = (0..d.roll(9))
        .map(|_| {
            at += match d.roll(3) {
                0 => d.roll(3_600_000) as i64,
                1 => d.roll(10 * H as u64) as i64,
                _ => d.roll(80) as i64 * H + d.roll(3_600_000) as i64,
            };
            Entry {
                at,
                said: said(d),
                reached: d.roll(10) != 0,
            }
        })
        .collect();
    let stages = Stage::ALL;
    let mut stage = Stage::Prospect;
    let mut when = base;
    let moves = (0..d.roll(4))
        .map(|_| {
            let to = stages[d.roll(stages.len() as u64) as usize];
            when += d.roll(10 * 24) as i64 * H + 1;
            let reason = (to == Stage::Declined && d.roll(2) == 0).then_some(DeclineReason::Timing);
            let m = Move {
                at: when,
                from: stage,
                to,
                reason,
            };
            stage = to;
            m
        })
        .collect();
    Timeline {
        thread: format!("t{i}"),
        campaign: "c".into(),
        entries,
        moves,
        stage,
        stage_since: when,
        stale: d.roll(5) == 0,
        drafts: (0..d.roll(3))
            .map(|_| DraftDecision {
                at: base + d.roll(50 * 24) as i64 * H,
                user: format!("u{}", d.roll(3)),
                approved: d.roll(2) == 0,
            })
            .collect(),
        decline_reason: (d.roll(3) == 0).then_some(DeclineReason::BrandFit),
        stale_marks: (0..d.roll(2))
            .map(|_| base + d.roll(50 * 24) as i64 * H)
            .collect(),
    }
}

fn lens(v: &[(Blocked, Vec<String>)]) -> Vec<(Blocked, usize)> {
    v.iter().map(|(b, t)| (*b, t.len())).collect()
}

fn agree(timelines: &[Timeline], days: u32, now: i64, hours: Option<&BusinessHours>) -> Figures {
    let mut sum = Contribution::default();
    for t in timelines {
        sum.absorb(&contribution(t, hours), 1);
    }
    let range = period_days(days, now, hours);
    let f = figures(&sum, range, now, hours);
    // The server reads open spells' exact instants only for the hours `exact_hours` names.
    let needed = exact_hours(&[range], now, hours);
    let mut read = sum.clone();
    read.open.retain(|h, _| needed.contains(h));
    assert_eq!(figures(&read, range, now, hours), f, "exact hours at {now}");
    let period = Period {
        start: day_start(range.0, hours),
        end: now,
    };
    let r = report(timelines, period, now, hours);
    let what = format!("{days} days at {now}, working hours: {}", hours.is_some());
    assert_eq!(
        (f.contacted, f.responded),
        (r.contacted.len(), r.responded.len()),
        "{what}"
    );
    assert_eq!(
        (f.response_rate, f.first_reply),
        (r.response_rate, r.first_reply),
        "{what}"
    );
    let (fb, rb) = (&f.brand_reply, &r.brand_reply);
    assert_eq!(
        (fb.calendar, fb.working),
        (rb.calendar, rb.working),
        "{what}"
    );
    assert_eq!(
        (fb.within_24h, fb.within_24h_working),
        (rb.within_24h, rb.within_24h_working),
        "{what}"
    );
    let waits: Vec<usize> = rb.buckets.iter().map(|b| b.waits).collect();
    assert_eq!(
        fb.buckets.iter().map(|b| b.count).collect::<Vec<_>>(),
        waits,
        "{what}"
    );
    assert_eq!(f.automatic_reply, r.automatic_reply, "{what}");
    assert_eq!(
        (f.accepted, f.declined),
        (r.accepted.len(), r.declined.len()),
        "{what}"
    );
    assert_eq!(
        (f.acceptance_rate, f.acceptance_of_contacted),
        (r.acceptance_rate, r.acceptance_of_contacted)
    );
    let mut reasons: Vec<_> = r
        .decline_reasons
        .iter()
        .map(|d| (d.reason.map(|r| r as u8), d.threads.len()))
        .collect();
    let mut kept: Vec<_> = f
        .decline_reasons
        .iter()
        .map(|d| (d.reason.map(|r| r as u8), d.count))
        .collect();
    reasons.sort();
    kept.sort();
    assert_eq!(kept, reasons, "{what}");
    for (a, b) in f.funnel.iter().zip(&r.funnel) {
        assert_eq!(
            (a.stage, a.now, a.reached, a.conversion),
            (b.stage, b.now.len(), b.reached, b.conversion),
            "{what}"
        );
        assert_eq!(
            (a.median_stay_ms, a.stuck),
            (b.median_stay_ms, b.stuck.len()),
            "{what}"
        );
    }
    assert_eq!(
        (f.stale, f.stale_at_start),
        (r.stale.len(), r.stale_at_start.len()),
        "{what}"
    );
    assert_eq!(
        (f.followups_sent, f.followups_answered, f.followup_success),
        (r.followups_sent, r.followups_answered, r.followup_success)
    );
    assert_eq!(f.blocked, lens(&r.blocked), "{what}");
    assert_eq!(f.teammates, r.teammates, "{what}");
    assert_eq!(f.days, r.days, "{what}");
    f
}

#[test]
fn figures_from_tallies_are_the_drill_downs_numbers() {
    let mut d = Dice(7);
    // Everything happens in the 70 days before the first `now` (a report reads the past).
    let base = SPRING - 72 * DAY;
    let timelines: Vec<Timeline> = (0..400).map(|i| timeline(i, &mut d, base)).collect();
    let hours = berlin_working_hours();
    for now in [SPRING, SPRING + 20 * DAY + 5 * H, SPRING + 61 * DAY] {
        for days in [7, 30, 90] {
            agree(&timelines, days, now, None);
            agree(&timelines, days, now, Some(&hours));
        }
    }
    // The generated threads exercise every figure.
    let f = agree(&timelines, 90, SPRING, Some(&hours));
    let b = &f.brand_reply;
    assert!(f.contacted > 100 && f.responded > 50 && f.declined > 5 && f.accepted > 5);
    assert!(b.calendar.count > 50 && b.buckets.iter().all(|bar| bar.count > 0));
    assert!(f.automatic_reply.count > 5 && f.followups_answered > 5);
    assert!(agree(&timelines, 30, SPRING, Some(&hours)).stale_at_start > 5);
    assert!(
        f.funnel.iter().map(|s| s.stuck).sum::<usize>() > 5
            && f.blocked.iter().all(|(_, n)| *n > 0)
    );
    assert!(f.days.iter().any(|d| d.overdue > 5) && f.days.iter().any(|d| d.stale > 5));
    assert!(f
        .teammates
        .iter()
        .all(|t| t.drafts_approved > 0 && t.median_reply_ms.is_some()));
}

#[test]
fn taking_a_contribution_away_leaves_the_others() {
    let mut d = Dice(11);
    let timelines: Vec<Timeline> = (0..60).map(|i| timeline(i, &mut d, SPRING)).collect();
    let hours = berlin_working_hours();
    let mut all = Contribution::default();
    let mut rest = Contribution::default();
    for (i, t) in timelines.iter().enumerate() {
        let c = contribution(t, Some(&hours));
        all.absorb(&c, 1);
        if i % 3 != 0 {
            rest.absorb(&c, 1);
        }
    }
    for t in timelines.iter().step_by(3) {
        all.absorb(&contribution(t, Some(&hours)), -1);
    }
    assert_eq!(all, rest);
    assert!(serde_json::to_string(&Contribution::default()).unwrap() == "{}");
}

#[test]
fn working_time_first_computed_is_kept_when_hours_change() {
    let mut d = Dice(3);
    let berlin = berlin_working_hours();
    let later_hours = BusinessHours {
        start: 6,
        ..berlin_working_hours()
    };
    for t in (0..80).map(|i| timeline(i, &mut d, SPRING)) {
        let (first, kept) = contribution_kept(&t, Some(&berlin), &Frozen::new());
        // Recounting with other hours keeps the working time already computed…
        let (again, kept_again) = contribution_kept(&t, Some(&later_hours), &kept);
        assert_eq!((&again, &kept_again), (&first, &kept));
        // …and a wait answered differently since is computed afresh.
        let moved: Frozen = kept
            .iter()
            .map(|(s, (end, w))| (*s, (end + 1, *w)))
            .collect();
        assert_eq!(
            contribution_kept(&t, Some(&later_hours), &moved).0,
            contribution(&t, Some(&later_hours))
        );
    }
}

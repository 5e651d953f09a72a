//! Table tests on hand-written timelines.

use super::stats::summarize;
use super::*;
use crate::domain::reply_clock::BusinessHours;

const H: i64 = 3_600_000;
const DAY: i64 = 24 * H;
/// Monday 2 March 2026, 00:00 UTC.
const MON: i64 = 1_772_409_600_000;

fn creator(at: i64) -> Entry {
    Entry {
        at,
        said: Said::Creator {
            auto_reply: false,
            intents: vec![],
        },
        reached: true,
    }
}

fn creator_says(at: i64, intents: &[Intent]) -> Entry {
    Entry {
        at,
        said: Said::Creator {
            auto_reply: false,
            intents: intents.to_vec(),
        },
        reached: true,
    }
}

fn out_of_office(at: i64) -> Entry {
    Entry {
        at,
        said: Said::Creator {
            auto_reply: true,
            intents: vec![Intent::AutoReply],
        },
        reached: true,
    }
}

fn ours(at: i64, said: Said) -> Entry {
    Entry {
        at,
        said,
        reached: true,
    }
}

fn dana(at: i64) -> Entry {
    ours(
        at,
        Said::Teammate {
            user: "dana".into(),
        },
    )
}

fn timeline(id: &str, entries: Vec<Entry>) -> Timeline {
    Timeline {
        thread: id.into(),
        campaign: "c".into(),
        entries,
        moves: vec![],
        stage: Stage::Contacted,
        stage_since: MON,
        stale: false,
        drafts: vec![],
        decline_reason: None,
        stale_marks: vec![],
    }
}

fn mv(at: i64, from: Stage, to: Stage, reason: Option<DeclineReason>) -> Move {
    Move {
        at,
        from,
        to,
        reason,
    }
}

const WEEK: Period = Period {
    start: MON,
    end: MON + 7 * DAY,
};

#[test]
fn nearest_rank_summaries() {
    const M: i64 = 60_000;
    let cases: [(Vec<i64>, Option<i64>, Option<i64>, Option<i64>); 5] = [
        (vec![], None, None, None),
        (vec![5 * M], Some(5 * M), Some(5 * M), Some(5 * M)),
        (
            vec![4 * M, M, 3 * M, 2 * M],
            Some(2 * M),
            Some(4 * M),
            Some(5 * M / 2),
        ),
        (
            (1..=10).map(|m| m * M).collect(),
            Some(5 * M),
            Some(9 * M),
            Some(11 * M / 2),
        ),
        // Past two hours a figure is read to five minutes, past a day to the hour; the mean is exact.
        (
            vec![2 * H + 4 * M, 26 * H + 59 * M],
            Some(2 * H),
            Some(26 * H),
            Some((28 * H + 63 * M) / 2),
        ),
    ];
    for (values, median, p90, mean) in cases {
        let s = summarize(values.clone());
        assert_eq!(
            (s.median_ms, s.p90_ms, s.mean_ms),
            (median, p90, mean),
            "{values:?}"
        );
    }
}

/// Each wait: (entries) → (waits as (start, end, teammate?)).
#[test]
fn waits_table() {
    type W = Vec<(i64, Option<(i64, bool)>)>;
    let failed = Entry {
        reached: false,
        ..dana(5 * H)
    };
    let cases: Vec<(&str, Vec<Entry>, W)> = vec![
        (
            "a creator who writes twice waits from the first message",
            vec![dana(0), creator(H), creator(2 * H), dana(4 * H)],
            vec![(H, Some((4 * H, true)))],
        ),
        (
            "an out-of-office reply starts no wait",
            vec![dana(0), out_of_office(H)],
            vec![],
        ),
        (
            "a note never ends a wait",
            vec![creator(H), ours(2 * H, Said::Note), dana(3 * H)],
            vec![(H, Some((3 * H, true)))],
        ),
        (
            "an automatic reply ends it, marked automatic",
            vec![creator(H), ours(2 * H, Said::Automatic)],
            vec![(H, Some((2 * H, false)))],
        ),
        (
            "bulk messages and follow-ups are not replies",
            vec![
                creator(H),
                ours(2 * H, Said::Bulk),
                ours(3 * H, Said::FollowUp),
            ],
            vec![(H, None)],
        ),
        (
            "a failed send reached nobody",
            vec![creator(H), failed, dana(6 * H)],
            vec![(H, Some((6 * H, true)))],
        ),
        (
            "a thread that went quiet and came back waits twice",
            vec![
                creator(H),
                dana(2 * H),
                creator(10 * DAY),
                dana(10 * DAY + H),
            ],
            vec![
                (H, Some((2 * H, true))),
                (10 * DAY, Some((10 * DAY + H, true))),
            ],
        ),
    ];
    for (name, entries, want) in cases {
        let got: W = facts(&timeline("t", entries))
            .waits
            .iter()
            .map(|w| {
                (
                    w.start,
                    w.end
                        .as_ref()
                        .map(|(at, by)| (*at, matches!(by, WaitEnd::Teammate(_)))),
                )
            })
            .collect();
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn response_rate_and_first_reply_ignore_automatic_answers() {
    let t = [
        timeline("replied", vec![dana(MON), creator(MON + 3 * H)]),
        timeline(
            "only out of office",
            vec![dana(MON), out_of_office(MON + H)],
        ),
        timeline(
            "ooo then real",
            vec![dana(MON), out_of_office(MON + H), creator(MON + 5 * H)],
        ),
        timeline("silent", vec![dana(MON + DAY)]),
        // Contacted before the period: not in it.
        timeline("earlier", vec![dana(MON - DAY), creator(MON + H)]),
    ];
    let r = report(&t, WEEK, MON + 7 * DAY, None);
    assert_eq!(r.contacted.len(), 4);
    assert_eq!(r.responded, vec!["replied", "ooo then real"]);
    assert_eq!(r.response_rate, Some(0.5));
    assert_eq!(r.first_reply.count, 2);
    assert_eq!(r.first_reply.median_ms, Some(3 * H));
    assert_eq!(r.first_reply.p90_ms, Some(5 * H));
}

#[test]
fn brand_reply_counts_teammates_apart_from_automatic_and_open_waits_miss_the_goal() {
    let now = MON + 7 * DAY;
    let t = [
        timeline("fast", vec![creator(MON), dana(MON + H / 2)]),
        timeline("slow", vec![creator(MON), dana(MON + 30 * H)]),
        timeline(
            "auto",
            vec![creator(MON), ours(MON + 60_000, Said::Automatic)],
        ),
        timeline("open", vec![creator(MON + DAY)]),
        // Still inside the 24 h goal: neither met nor missed yet.
        timeline("fresh", vec![creator(now - H)]),
    ];
    let r = report(&t, WEEK, now, None);
    let b = &r.brand_reply;
    assert_eq!(b.calendar.count, 2);
    assert_eq!(b.calendar.median_ms, Some(H / 2));
    assert_eq!(b.calendar.mean_ms, Some((H / 2 + 30 * H) / 2));
    assert_eq!(b.within_24h, Some(1.0 / 3.0));
    assert_eq!(r.automatic_reply.count, 1);
    let bars: Vec<(&str, Vec<&str>)> = b
        .buckets
        .iter()
        .map(|k| {
            (
                k.key.as_str(),
                k.threads.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        bars,
        vec![
            ("0-1h", vec!["fast"]),
            ("1-4h", vec![]),
            ("4-8h", vec![]),
            ("8-24h", vec![]),
            ("24h+", vec!["slow", "open"]),
        ]
    );
}

/// Friday 17:00 to Monday 10:00 in a UTC+1 workspace working Monday–Friday 9–18: 65 calendar
/// hours, 2 working hours (Friday 17–18, Monday 9–10 local).
#[test]
fn a_reply_across_a_weekend_in_working_hours() {
    let hours = BusinessHours {
        start: 9,
        end: 18,
        weekdays: true,
        utc_offset_minutes: 60,
        time_zone: None,
        offset_changes: Vec::new(),
    };
    let fri_17_local = MON + 4 * DAY + 16 * H;
    let mon_10_local = MON + 7 * DAY + 9 * H;
    let t = [timeline(
        "weekend",
        vec![creator(fri_17_local), dana(mon_10_local)],
    )];
    let period = Period {
        start: MON,
        end: MON + 14 * DAY,
    };
    let r = report(&t, period, MON + 14 * DAY, Some(&hours));
    assert_eq!(r.brand_reply.calendar.median_ms, Some(65 * H));
    assert_eq!(r.brand_reply.working.unwrap().median_ms, Some(2 * H));
    assert_eq!(r.brand_reply.within_24h, Some(0.0));
    assert_eq!(r.brand_reply.within_24h_working, Some(1.0));

    // Still unanswered on Monday 10:00: missed in calendar time, not yet in working time.
    let open = [timeline(
        "open over the weekend",
        vec![creator(fri_17_local)],
    )];
    let r = report(&open, period, mon_10_local, Some(&hours));
    assert_eq!(r.brand_reply.within_24h, Some(0.0));
    assert_eq!(r.brand_reply.within_24h_working, None);
}

/// The same weekend when Berlin's clocks go forward (Sunday 29 March 2026, 01:00 UTC): Friday
/// 17:00 CET to Monday 10:00 CEST is 64 calendar hours and still 2 working hours, and the
/// Sunday of the daily series is 23 hours long.
#[test]
fn a_reply_across_a_weekend_with_a_daylight_saving_change() {
    use crate::domain::zone::fixtures::{berlin_working_hours, SPRING};
    assert_eq!(SPRING, MON + 27 * DAY + H);
    let berlin = berlin_working_hours();
    let fri_17_cet = MON + 25 * DAY + 16 * H;
    let mon_10_cest = MON + 28 * DAY + 8 * H;
    let t = [timeline(
        "spring weekend",
        vec![creator(fri_17_cet), dana(mon_10_cest)],
    )];
    let period = Period {
        start: MON + 21 * DAY - H,
        end: MON + 35 * DAY - 2 * H,
    };
    let r = report(&t, period, period.end, Some(&berlin));
    assert_eq!(r.brand_reply.calendar.median_ms, Some(64 * H));
    assert_eq!(
        r.brand_reply.working.as_ref().unwrap().median_ms,
        Some(2 * H)
    );
    assert_eq!(r.brand_reply.within_24h_working, Some(1.0));
    // Local days: Monday 23 March to Sunday 5 April, each starting at local midnight.
    assert_eq!(r.days.len(), 14);
    let lengths: Vec<i64> = r.days.windows(2).map(|w| w[1].start - w[0].start).collect();
    assert_eq!(lengths[6], 23 * H, "Sunday 29 March");
    assert!(lengths.iter().enumerate().all(|(i, l)| i == 6 || *l == DAY));
    assert_eq!(r.days[0].start, MON + 21 * DAY - H);
    assert_eq!(r.days[7].start, MON + 28 * DAY - 2 * H);
    let inbound: usize = r.days.iter().map(|d| d.inbound).sum();
    assert_eq!((inbound, r.days[4].inbound, r.days[7].outbound), (1, 1, 1));
}

/// One thread went stale in the period and came back when the creator wrote; another has been
/// stale since before it: the daily count rises and falls, and the start and end differ by one.
#[test]
fn a_thread_that_went_stale_and_came_back() {
    let came_back = Timeline {
        stale_marks: vec![MON + 10 * DAY],
        ..timeline(
            "came back",
            vec![
                dana(MON),
                ours(MON + 3 * DAY, Said::FollowUp),
                creator(MON + 12 * DAY + H),
            ],
        )
    };
    let still = Timeline {
        stale: true,
        stale_marks: vec![MON + 5 * DAY],
        ..timeline(
            "still stale",
            vec![dana(MON), ours(MON + 2 * DAY, Said::FollowUp)],
        )
    };
    let period = Period {
        start: MON + 7 * DAY,
        end: MON + 14 * DAY,
    };
    let r = report(&[came_back, still], period, period.end, None);
    let series: Vec<usize> = r.days.iter().map(|d| d.stale).collect();
    assert_eq!(series, vec![1, 1, 2, 2, 2, 1, 1]);
    assert_eq!(r.stale_at_start, vec!["still stale"]);
    assert_eq!(r.stale, vec!["still stale"]);
    // Before its mark a thread is not stale, whatever its follow-ups did.
    let marked_later = Timeline {
        stale_marks: vec![MON + 10 * DAY],
        ..timeline(
            "marked later",
            vec![dana(MON), ours(MON + DAY, Said::FollowUp)],
        )
    };
    let early = report(&[marked_later], WEEK, WEEK.end, None);
    assert!(early.days.iter().all(|d| d.stale == 0) && early.stale_at_start.is_empty());
}

#[test]
fn acceptance_and_decline_reasons() {
    let with = |id: &str, stage: Stage, moves: Vec<Move>| Timeline {
        stage,
        moves,
        ..timeline(id, vec![dana(MON)])
    };
    let t = [
        with(
            "re-accepted",
            Stage::Accepted,
            vec![
                mv(
                    MON + H,
                    Stage::Contacted,
                    Stage::Declined,
                    Some(DeclineReason::Rate),
                ),
                mv(MON + 2 * DAY, Stage::Declined, Stage::Accepted, None),
            ],
        ),
        with(
            "declined on rate",
            Stage::Declined,
            vec![mv(
                MON + H,
                Stage::Contacted,
                Stage::Declined,
                Some(DeclineReason::Rate),
            )],
        ),
        with(
            "declined on timing",
            Stage::Declined,
            vec![mv(
                MON + H,
                Stage::Replied,
                Stage::Declined,
                Some(DeclineReason::Timing),
            )],
        ),
        with("posted", Stage::Posted, vec![]),
        with("waiting", Stage::Contacted, vec![]),
        Timeline {
            decline_reason: Some(DeclineReason::BrandFit),
            ..with(
                "reason on the enrollment",
                Stage::Declined,
                vec![mv(MON + H, Stage::Contacted, Stage::Declined, None)],
            )
        },
    ];
    let r = report(&t, WEEK, MON + 7 * DAY, None);
    assert_eq!(r.accepted, vec!["re-accepted", "posted"]);
    assert_eq!(r.declined.len(), 3);
    assert_eq!(r.acceptance_rate, Some(0.4));
    assert_eq!(r.acceptance_of_contacted, Some(2.0 / 6.0));
    let reasons: Vec<(Option<DeclineReason>, usize)> = r
        .decline_reasons
        .iter()
        .map(|d| (d.reason, d.threads.len()))
        .collect();
    assert_eq!(
        reasons,
        vec![
            (Some(DeclineReason::Rate), 1),
            (Some(DeclineReason::Timing), 1),
            (Some(DeclineReason::BrandFit), 1)
        ]
    );
}

#[test]
fn funnel_conversion_stays_and_stuck_stages() {
    let now = MON + 7 * DAY;
    let with = |id: &str, stage: Stage, since: i64, moves: Vec<Move>| Timeline {
        stage,
        stage_since: since,
        moves,
        ..timeline(id, vec![dana(MON)])
    };
    let t = [
        with(
            "a",
            Stage::Accepted,
            MON + 2 * DAY,
            vec![
                mv(MON, Stage::Prospect, Stage::Contacted, None),
                mv(MON + DAY, Stage::Contacted, Stage::Replied, None),
                mv(MON + 2 * DAY, Stage::Replied, Stage::Accepted, None),
            ],
        ),
        with(
            "b",
            Stage::Contacted,
            MON,
            vec![mv(MON, Stage::Prospect, Stage::Contacted, None)],
        ),
        with(
            "c",
            Stage::Declined,
            MON + 3 * DAY,
            vec![
                mv(MON, Stage::Prospect, Stage::Contacted, None),
                mv(MON + 3 * DAY, Stage::Contacted, Stage::Declined, None),
            ],
        ),
    ];
    let r = report(&t, WEEK, now, None);
    let step = |s: Stage| r.funnel.iter().find(|f| f.stage == s).unwrap();
    assert_eq!(step(Stage::Contacted).reached, 3);
    assert_eq!(step(Stage::Contacted).conversion, Some(1.0 / 3.0));
    assert_eq!(step(Stage::Contacted).median_stay_ms, Some(DAY));
    assert_eq!(step(Stage::Accepted).reached, 1);
    // Contacted 7 days ago (the limit is 7 days): not stuck yet; accepted 5 days ago (limit 5):
    // not yet. Limits count local days, so both are stuck the next day.
    assert!(step(Stage::Contacted).stuck.is_empty());
    assert!(report(&t, WEEK, now + DAY - 1, None)
        .funnel
        .iter()
        .all(|f| f.stuck.is_empty()));
    let later = report(&t, WEEK, now + DAY, None);
    let stuck: Vec<&str> = later
        .funnel
        .iter()
        .flat_map(|f| f.stuck.iter().map(String::as_str))
        .collect();
    assert_eq!(stuck, vec!["b", "a"]);
}

#[test]
fn followups_blocked_teammates_and_days() {
    let t = [
        Timeline {
            stage: Stage::Negotiating,
            drafts: vec![
                DraftDecision {
                    at: MON + H,
                    user: "marco".into(),
                    approved: true,
                },
                DraftDecision {
                    at: MON + 2 * H,
                    user: "marco".into(),
                    approved: false,
                },
            ],
            ..timeline(
                "nudged",
                vec![
                    dana(MON),
                    ours(MON + 3 * DAY, Said::FollowUp),
                    creator_says(MON + 4 * DAY, &[Intent::Legal]),
                ],
            )
        },
        timeline(
            "unanswered nudge",
            vec![dana(MON), ours(MON + DAY, Said::FollowUp)],
        ),
        Timeline {
            stage: Stage::ContentDelivered,
            ..timeline("content", vec![creator(MON + 2 * H), dana(MON + 3 * H)])
        },
    ];
    let r = report(&t, WEEK, MON + 7 * DAY, None);
    assert_eq!((r.followups_sent, r.followups_answered), (2, 1));
    assert_eq!(r.followed_up, vec!["nudged", "unanswered nudge"]);
    assert_eq!(r.followup_success, Some(0.5));
    let blocked: Vec<(Blocked, Vec<&str>)> = r
        .blocked
        .iter()
        .map(|(b, ts)| (*b, ts.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        blocked,
        vec![
            (Blocked::Negotiation, vec!["nudged"]),
            (Blocked::Shipping, vec![]),
            (Blocked::ContentApproval, vec!["content"]),
            (Blocked::Compliance, vec!["nudged"]),
        ]
    );
    let rows: Vec<(&str, usize, Option<i64>, usize, usize)> = r
        .teammates
        .iter()
        .map(|t| {
            (
                t.user.as_str(),
                t.replies,
                t.median_reply_ms,
                t.drafts_approved,
                t.drafts_rejected,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![("dana", 3, Some(H), 0, 0), ("marco", 0, None, 1, 1)]
    );
    assert_eq!(r.days.len(), 7);
    assert_eq!((r.days[0].inbound, r.days[0].outbound), (1, 3));
    assert_eq!((r.days[4].inbound, r.days[4].overdue), (1, 0));
    assert_eq!(r.days[5].overdue, 1, "the legal question waits past 24 h");
}

#[test]
fn previous_period_is_the_same_length_before() {
    assert_eq!(
        WEEK.previous(),
        Period {
            start: MON - 7 * DAY,
            end: MON
        }
    );
}

#[test]
fn every_table_exports_as_formula_safe_csv() {
    let t = [Timeline {
        stage: Stage::Declined,
        moves: vec![mv(
            MON + H,
            Stage::Contacted,
            Stage::Declined,
            Some(DeclineReason::Rate),
        )],
        ..timeline("t", vec![dana(MON), creator(MON + H), dana(MON + 3 * H)])
    }];
    let c = contribution(&t[0], None);
    let r = figures(
        &c,
        period_days(7, MON + 7 * DAY - 1, None),
        MON + 7 * DAY - 1,
        None,
    );
    let names = vec![("dana".to_string(), "=HYPERLINK(\"x\")".to_string())];
    let tables = export::tables(&r, &Figures::default(), &names);
    let names_of: Vec<&str> = tables.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names_of,
        vec![
            "summary",
            "reply-times",
            "brand-reply-histogram",
            "funnel",
            "decline-reasons",
            "blocked",
            "teammates",
            "days"
        ]
    );
    let get = |n: &str| tables.iter().find(|(k, _)| *k == n).unwrap().1.clone();
    assert!(get("summary").contains("response_rate_pct,100.0,\r\n"));
    assert!(get("reply-times").contains("brand_reply,1,120.0,120.0,120.0\r\n"));
    assert!(get("decline-reasons").contains("Rate,1,100.0\r\n"));
    // A name that looks like a formula is written as text.
    assert!(
        get("teammates").contains("\"'=HYPERLINK(\"\"x\"\")\",2,120.0,0,0\r\n"),
        "{}",
        get("teammates")
    );
    assert_eq!(get("days").lines().count(), 8);
}

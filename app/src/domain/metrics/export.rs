//! The Reports page's tables as CSV (formula-safe, `domain::csv`), one file per table. Durations
//! are in minutes and shares in percent, so a spreadsheet can compute with them.

use super::{Figures, Summary};
use crate::domain::csv::record;
use crate::domain::time_fmt::iso_date;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

fn minutes(ms: Option<i64>) -> String {
    ms.map_or(String::new(), |m| format!("{:.1}", m as f64 / 60_000.0))
}

fn pct(share: Option<f64>) -> String {
    share.map_or(String::new(), |s| format!("{:.1}", s * 100.0))
}

fn table(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut out = record(header);
    for r in rows {
        out.push_str(&record(&r.iter().map(String::as_str).collect::<Vec<_>>()));
    }
    out
}

fn summary_row(name: &str, s: &Summary) -> Vec<String> {
    vec![
        name.into(),
        s.count.to_string(),
        minutes(s.median_ms),
        minutes(s.p90_ms),
        minutes(s.mean_ms),
    ]
}

/// Every table: (file name, CSV). `names` maps teammates' ids to names.
pub fn tables(
    r: &Figures,
    previous: &Figures,
    names: &[(String, String)],
) -> Vec<(&'static str, String)> {
    let headline = |name: &str, now: String, before: String| vec![name.to_string(), now, before];
    let summary = table(
        &["figure", "this_period", "previous_period"],
        vec![
            headline(
                "contacted",
                r.contacted.to_string(),
                previous.contacted.to_string(),
            ),
            headline(
                "response_rate_pct",
                pct(r.response_rate),
                pct(previous.response_rate),
            ),
            headline(
                "first_reply_median_min",
                minutes(r.first_reply.median_ms),
                minutes(previous.first_reply.median_ms),
            ),
            headline(
                "brand_reply_median_min",
                minutes(r.brand_reply.calendar.median_ms),
                minutes(previous.brand_reply.calendar.median_ms),
            ),
            headline(
                "brand_reply_within_24h_pct",
                pct(r.brand_reply.within_24h),
                pct(previous.brand_reply.within_24h),
            ),
            headline(
                "acceptance_rate_pct",
                pct(r.acceptance_rate),
                pct(previous.acceptance_rate),
            ),
            headline(
                "followup_success_pct",
                pct(r.followup_success),
                pct(previous.followup_success),
            ),
        ],
    );
    let mut times = vec![
        summary_row("first_reply", &r.first_reply),
        summary_row("brand_reply", &r.brand_reply.calendar),
        summary_row("automatic_reply", &r.automatic_reply),
    ];
    if let Some(w) = &r.brand_reply.working {
        times.push(summary_row("brand_reply_working_hours", w));
    }
    let reply_times = table(
        &["measure", "count", "median_min", "p90_min", "mean_min"],
        times,
    );
    let buckets = table(
        &["brand_reply_time", "waits"],
        r.brand_reply
            .buckets
            .iter()
            .map(|b| vec![b.label.clone(), b.count.to_string()])
            .collect(),
    );
    let funnel = table(
        &[
            "stage",
            "reached",
            "next_stage_pct",
            "median_stay_min",
            "now",
            "stuck",
        ],
        r.funnel
            .iter()
            .map(|f| {
                vec![
                    f.stage.label().into(),
                    f.reached.to_string(),
                    pct(f.conversion),
                    minutes(f.median_stay_ms),
                    f.now.to_string(),
                    f.stuck.to_string(),
                ]
            })
            .collect(),
    );
    let declines = table(
        &["reason", "threads", "share_pct"],
        r.decline_reasons
            .iter()
            .map(|d| {
                let reason = d.reason.map_or("Not given", |x| x.label());
                vec![reason.into(), d.count.to_string(), pct(Some(d.share))]
            })
            .collect(),
    );
    let blocked = table(
        &["category", "threads"],
        r.blocked
            .iter()
            .map(|(b, n)| vec![b.label().into(), n.to_string()])
            .collect(),
    );
    let name = |id: &str| {
        names
            .iter()
            .find(|(u, _)| u == id)
            .map_or(id, |(_, n)| n.as_str())
            .to_string()
    };
    let teammates = table(
        &[
            "teammate",
            "replies_sent",
            "median_reply_min",
            "drafts_approved",
            "drafts_rejected",
        ],
        r.teammates
            .iter()
            .map(|t| {
                vec![
                    name(&t.user),
                    t.replies.to_string(),
                    minutes(t.median_reply_ms),
                    t.drafts_approved.to_string(),
                    t.drafts_rejected.to_string(),
                ]
            })
            .collect(),
    );
    let days = table(
        &[
            "day",
            "messages_in",
            "messages_out",
            "overdue_at_end",
            "stale_at_end",
        ],
        r.days
            .iter()
            .map(|d| {
                vec![
                    iso_date(d.date * DAY_MS),
                    d.inbound.to_string(),
                    d.outbound.to_string(),
                    d.overdue.to_string(),
                    d.stale.to_string(),
                ]
            })
            .collect(),
    );
    vec![
        ("summary", summary),
        ("reply-times", reply_times),
        ("brand-reply-histogram", buckets),
        ("funnel", funnel),
        ("decline-reasons", declines),
        ("blocked", blocked),
        ("teammates", teammates),
        ("days", days),
    ]
}

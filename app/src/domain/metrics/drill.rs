//! The drill-down: which figure a person picked on the Reports page, and the threads behind it in
//! the drill-down's report (`report::Report`, the same definitions as the figures).

use super::report::{Report, BUCKETS};
use crate::domain::blocked::Blocked;
use crate::model::{DeclineReason, Stage};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    /// Creators first reached in the period.
    Contacted,
    /// Of them, those who wrote back.
    Responded,
    /// Threads with a wait that began in the period and was answered or is overdue.
    BrandReplies,
    /// …answered within 24 h (every bar but "over 24 h").
    WithinGoal,
    /// One bar of the brand-reply histogram, by key (`report::BUCKETS`).
    Bucket(String),
    Accepted,
    Declined,
    DeclineReason(Option<DeclineReason>),
    FollowedUp,
    /// Stuck in any stage, or in one.
    Stuck,
    StuckIn(Stage),
    /// Threads in a stage now.
    StageNow(Stage),
    Stale,
    Blocked(Blocked),
}

fn distinct(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids.dedup();
    ids
}

impl Figure {
    /// The threads behind this figure in `r`, each once.
    pub fn threads(&self, r: &Report) -> Vec<String> {
        let bars = |take: usize| -> Vec<String> {
            let all = r.brand_reply.buckets.iter().take(take);
            distinct(all.flat_map(|b| b.threads.iter().cloned()).collect())
        };
        let funnel = |pick: &dyn Fn(&super::FunnelStep) -> Vec<String>| {
            distinct(r.funnel.iter().flat_map(pick).collect())
        };
        match self {
            Figure::Contacted => r.contacted.clone(),
            Figure::Responded => r.responded.clone(),
            Figure::BrandReplies => bars(BUCKETS.len()),
            Figure::WithinGoal => bars(BUCKETS.len() - 1),
            Figure::Bucket(key) => r
                .brand_reply
                .buckets
                .iter()
                .find(|b| &b.key == key)
                .map(|b| distinct(b.threads.clone()))
                .unwrap_or_default(),
            Figure::Accepted => r.accepted.clone(),
            Figure::Declined => r.declined.clone(),
            Figure::DeclineReason(reason) => r
                .decline_reasons
                .iter()
                .find(|d| d.reason == *reason)
                .map(|d| d.threads.clone())
                .unwrap_or_default(),
            Figure::FollowedUp => r.followed_up.clone(),
            Figure::Stuck => funnel(&|f| f.stuck.clone()),
            Figure::StuckIn(stage) => funnel(&|f| {
                if f.stage == *stage {
                    f.stuck.clone()
                } else {
                    vec![]
                }
            }),
            Figure::StageNow(stage) => funnel(&|f| {
                if f.stage == *stage {
                    f.now.clone()
                } else {
                    vec![]
                }
            }),
            Figure::Stale => r.stale.clone(),
            Figure::Blocked(b) => r
                .blocked
                .iter()
                .find(|(x, _)| x == b)
                .map(|(_, t)| t.clone())
                .unwrap_or_default(),
        }
    }
}

//! What one thread's timeline says: when we first reached the creator, their first real reply,
//! each wait and how it ended, the follow-ups and whether they were answered, the stages it
//! passed through, and what blocks it now.

use super::{Entry, Said, Timeline};
use crate::domain::blocked::{blocked, Blocked};
use crate::domain::classify::Intent;
use crate::domain::reply_gate::open_topics;
use crate::domain::stage::funnel_index;
use crate::model::Stage;
use serde::{Deserialize, Serialize};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A follow-up counts as answered when a real reply comes within this long.
pub const FOLLOWUP_ANSWER_MS: i64 = 7 * DAY_MS;

/// How a wait ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WaitEnd {
    /// A teammate's reply (an approved draft is one), by user id.
    Teammate(String),
    Automatic,
}

/// A creator waiting for us: from their first real message after our last reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wait {
    pub start: i64,
    pub end: Option<(i64, WaitEnd)>,
}

/// How many days a thread may stay in a stage before it counts as stuck (None: no limit).
pub fn stage_limit_days(stage: Stage) -> Option<i64> {
    let days = match stage {
        Stage::Prospect | Stage::Completed | Stage::Declined => return None,
        Stage::Replied | Stage::InfoCollected | Stage::ContentDelivered => 3,
        Stage::Accepted => 5,
        Stage::Contacted | Stage::Negotiating | Stage::ContentApproved => 7,
        Stage::ProductShipped | Stage::Posted => 14,
    };
    Some(days)
}

/// Stuck: more local days have passed since the day the thread entered its stage than the
/// stage's limit (`today` and `since_day` are local days, `tally::local_day`).
pub fn is_stuck(stage: Stage, since_day: i64, today: i64) -> bool {
    stage_limit_days(stage).is_some_and(|limit| today - since_day > limit)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadFacts {
    /// Our first message that reached the creator.
    pub contacted_at: Option<i64>,
    /// The creator's first real message after `contacted_at`.
    pub first_reply_at: Option<i64>,
    /// The creator's first real message, before or after our contact.
    pub first_real_at: Option<i64>,
    pub waits: Vec<Wait>,
    /// Each follow-up sent, and the first real reply within 7 days of it.
    pub followups: Vec<(i64, Option<i64>)>,
    /// Stages entered by a move: (stage, entered, left).
    pub spans: Vec<(Stage, i64, Option<i64>)>,
    /// The furthest funnel position reached (index into the funnel), declines aside.
    pub furthest: usize,
    pub blocked: Vec<Blocked>,
    /// Stale from a mark until the creator's next message (None: still stale).
    pub stale_spans: Vec<(i64, Option<i64>)>,
}

fn is_real_reply(e: &Entry) -> bool {
    matches!(
        e.said,
        Said::Creator {
            auto_reply: false,
            ..
        }
    )
}

fn waits(entries: &[Entry]) -> Vec<Wait> {
    let mut out: Vec<Wait> = Vec::new();
    let mut open: Option<i64> = None;
    for e in entries {
        let end = match (&e.said, e.reached) {
            (Said::Creator { auto_reply, .. }, _) => {
                if !auto_reply && open.is_none() {
                    open = Some(e.at);
                }
                continue;
            }
            (Said::Teammate { user }, true) => WaitEnd::Teammate(user.clone()),
            (Said::Automatic, true) => WaitEnd::Automatic,
            _ => continue,
        };
        if let Some(start) = open.take() {
            out.push(Wait {
                start,
                end: Some((e.at, end)),
            });
        }
    }
    if let Some(start) = open {
        out.push(Wait { start, end: None });
    }
    out
}

/// Sensitive topics the creator raised since our last teammate reply that reached them: the
/// reply gate's rule (`reply_gate::open_topics`).
fn open_intents(entries: &[Entry]) -> Vec<Intent> {
    let last_reply_at = entries
        .iter()
        .filter(|e| e.reached && matches!(e.said, Said::Teammate { .. }))
        .map(|e| e.at)
        .next_back();
    let creator_messages: Vec<(i64, Vec<Intent>)> = entries
        .iter()
        .filter_map(|e| match &e.said {
            Said::Creator {
                auto_reply: false,
                intents,
            } => Some((e.at, intents.clone())),
            _ => None,
        })
        .collect();
    open_topics(last_reply_at, &creator_messages)
}

/// The facts of one thread.
pub fn facts(t: &Timeline) -> ThreadFacts {
    let ours_reached =
        |e: &&Entry| e.reached && !matches!(e.said, Said::Creator { .. } | Said::Note);
    let contacted_at = t.entries.iter().find(ours_reached).map(|e| e.at);
    let first_reply_at = contacted_at.and_then(|c| {
        t.entries
            .iter()
            .find(|e| e.at >= c && is_real_reply(e))
            .map(|e| e.at)
    });
    let followups = t
        .entries
        .iter()
        .filter(|e| e.reached && e.said == Said::FollowUp)
        .map(|f| {
            let answer = t
                .entries
                .iter()
                .find(|e| e.at > f.at && e.at <= f.at + FOLLOWUP_ANSWER_MS && is_real_reply(e));
            (f.at, answer.map(|e| e.at))
        })
        .collect();
    let spans = t
        .moves
        .iter()
        .enumerate()
        .map(|(i, m)| (m.to, m.at, t.moves.get(i + 1).map(|n| n.at)))
        .collect();
    let furthest = t
        .moves
        .iter()
        .flat_map(|m| [m.from, m.to])
        .chain([t.stage])
        .filter_map(funnel_index)
        .max()
        .unwrap_or(0);
    ThreadFacts {
        contacted_at,
        first_reply_at,
        first_real_at: t.entries.iter().find(|e| is_real_reply(e)).map(|e| e.at),
        waits: waits(&t.entries),
        followups,
        spans,
        furthest,
        blocked: blocked(t.stage, &open_intents(&t.entries)),
        stale_spans: t
            .stale_marks
            .iter()
            .map(|m| {
                let answer = t
                    .entries
                    .iter()
                    .find(|e| e.at > *m && matches!(e.said, Said::Creator { .. }));
                (*m, answer.map(|e| e.at))
            })
            .collect(),
    }
}

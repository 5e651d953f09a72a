//! Campaign metrics, defined once: what a thread's timeline says (`thread`: contact, first reply,
//! each wait and who ended it, follow-ups answered, what blocks it), and what a set of threads adds
//! up to over a period (`report`). Pure: the timelines come in, the figures go out; `now` is passed.
//!
//! The definitions the Reports page and its drill-down share:
//! - a **real reply** is a creator's message that is not an automatic one (out of office…);
//! - a creator **waits** from their first real message after our last reply that reached them;
//!   the wait ends with our next message that reached them: a teammate's reply (an approved draft
//!   is one) or an automatic reply (reported apart). Notes, bulk messages and follow-up nudges
//!   never end a wait, and a failed send did not reach anyone;
//! - waits are measured in calendar time and in the workspace's working hours.

mod drill;
mod durations;
pub mod export;
mod figures;
mod open;
mod report;
mod stats;
mod tally;
mod thread;

#[cfg(test)]
mod agreement_tests;
#[cfg(test)]
mod tests;

pub use crate::domain::blocked::Blocked;
pub use drill::Figure;
pub use durations::Durations;
pub use figures::{
    exact_hours, figures, period_days, Bar, Figures, ReasonCount, ReplyFigures, StageFigures,
};
pub use report::{
    report, Bucket, Day, DeclineShare, FunnelStep, Period, ReplyTimes, Report, TeammateRow, BUCKETS,
};
pub use stats::Summary;
pub use tally::{
    contribution, contribution_kept, day_start, local_day, Contribution, DayTally, Frozen,
    NowTally, OpenHour, Tally,
};
pub use thread::{facts, is_stuck, stage_limit_days, ThreadFacts, Wait, WaitEnd};

use crate::domain::classify::Intent;
use crate::model::{DeclineReason, Stage};
use serde::{Deserialize, Serialize};

/// Who said a timeline entry, as far as the metrics care.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Said {
    /// The creator. `auto_reply`: an out-of-office or other automatic answer.
    Creator {
        auto_reply: bool,
        intents: Vec<Intent>,
    },
    /// A teammate's reply (also a draft approved and sent), by user id.
    Teammate { user: String },
    /// The response policy's automatic reply.
    Automatic,
    /// One recipient's copy of a bulk message.
    Bulk,
    /// A follow-up nudge the automation sent.
    FollowUp,
    /// An internal note: never seen by the creator.
    Note,
}

/// One message of a thread.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub at: i64,
    pub said: Said,
    /// Our message reached the creator (it did not fail). Creator messages always have.
    pub reached: bool,
}

/// A move between funnel stages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Move {
    pub at: i64,
    pub from: Stage,
    pub to: Stage,
    pub reason: Option<DeclineReason>,
}

/// A decision on a draft, by the user who made it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftDecision {
    pub at: i64,
    pub user: String,
    pub approved: bool,
}

/// Everything the metrics read about one thread (one creator in one campaign).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    pub thread: String,
    pub campaign: String,
    /// Messages in time order.
    pub entries: Vec<Entry>,
    /// Stage moves in time order.
    pub moves: Vec<Move>,
    pub stage: Stage,
    /// When the thread entered its current stage.
    pub stage_since: i64,
    pub stale: bool,
    pub drafts: Vec<DraftDecision>,
    /// The reason recorded on the enrollment (a move may not carry one).
    pub decline_reason: Option<DeclineReason>,
    /// When follow-ups went unanswered and marked the thread stale (it stays stale until the
    /// creator writes again).
    #[serde(default)]
    pub stale_marks: Vec<i64>,
}

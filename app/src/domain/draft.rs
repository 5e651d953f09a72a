//! Drafts behind approval: their states, which moves between them are allowed, who may approve,
//! and who a new draft is assigned to. Pure rules; the store applies them inside transactions.

use crate::model::Role;
use serde::{Deserialize, Serialize};

/// A draft's life: `pending_review` (automation wrote it) or `submitted` (a teammate's reply
/// that needs a reviewer's role) → `escalated` (a manager passed it up to an owner, with a
/// comment) → `sent` (approved, possibly edited first) or `rejected` (with a comment) or
/// `canceled` (why: see `CancelReason`); `auto_sent` when a policy rule sent it without review
/// (the rule is named on the draft).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DraftState {
    PendingReview,
    Submitted,
    Escalated,
    Sent,
    Rejected,
    AutoSent,
    Canceled,
}

impl DraftState {
    pub const ALL: [DraftState; 7] = [
        DraftState::PendingReview,
        DraftState::Submitted,
        DraftState::Escalated,
        DraftState::Sent,
        DraftState::Rejected,
        DraftState::AutoSent,
        DraftState::Canceled,
    ];
    /// The states a draft can still change in (waiting for a reviewer).
    pub const OPEN: [DraftState; 3] = [
        DraftState::PendingReview,
        DraftState::Submitted,
        DraftState::Escalated,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            DraftState::PendingReview => "pending_review",
            DraftState::Submitted => "submitted",
            DraftState::Escalated => "escalated",
            DraftState::Sent => "sent",
            DraftState::Rejected => "rejected",
            DraftState::AutoSent => "auto_sent",
            DraftState::Canceled => "canceled",
        }
    }
    pub fn parse(s: &str) -> Option<DraftState> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            DraftState::PendingReview => "Pending review",
            DraftState::Submitted => "Submitted for review",
            DraftState::Escalated => "Escalated to an owner",
            DraftState::Sent => "Approved · sent",
            DraftState::Rejected => "Rejected",
            DraftState::AutoSent => "Auto-sent",
            DraftState::Canceled => "Canceled",
        }
    }
    /// Only a draft waiting for a reviewer can still change.
    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }
}

/// Why a pending draft stopped being the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelReason {
    /// The creator wrote again: the draft answers an older message.
    CreatorReplied,
    /// The enrollment's stage moved on.
    StageChanged,
    /// A teammate answered the creator another way.
    Superseded,
}

impl CancelReason {
    pub fn as_str(self) -> &'static str {
        match self {
            CancelReason::CreatorReplied => "creator_replied",
            CancelReason::StageChanged => "stage_changed",
            CancelReason::Superseded => "superseded",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            CancelReason::CreatorReplied => "the creator replied again",
            CancelReason::StageChanged => "the stage changed",
            CancelReason::Superseded => "a teammate replied",
        }
    }
}

/// What a person does to a pending draft.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Review {
    Approve,
    Reject,
    Edit,
}

/// Higher is more authority.
pub fn rank(role: Role) -> u8 {
    match role {
        Role::Owner => 3,
        Role::Manager => 2,
        Role::Member => 1,
        Role::Viewer => 0,
    }
}

/// Whether `role` may take `review` on a draft that needs `required` in `state`.
pub fn check_review(
    state: DraftState,
    required: Role,
    role: Role,
    review: Review,
) -> Result<(), String> {
    if !role.can_write() {
        return Err("viewers cannot review drafts".into());
    }
    if !state.is_open() {
        return Err(format!(
            "this draft is no longer pending ({})",
            state.label().to_lowercase()
        ));
    }
    if review != Review::Edit && rank(role) < rank(required) {
        return Err(format!(
            "this draft needs approval by {} or above",
            required.with_article()
        ));
    }
    Ok(())
}

/// Whether `role` may pass a draft that needs `required` in `state` up to an owner: a manager who
/// could review it (an owner decides it instead; a draft already for an owner has nowhere to go).
pub fn check_escalate(state: DraftState, required: Role, role: Role) -> Result<(), String> {
    if !state.is_open() {
        return Err(format!(
            "this draft is no longer pending ({})",
            state.label().to_lowercase()
        ));
    }
    if required == Role::Owner {
        return Err("this draft already waits for an owner".into());
    }
    if role != Role::Manager {
        return Err("managers pass drafts up to an owner".into());
    }
    Ok(())
}

/// A teammate who could review.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub id: String,
    pub role: Role,
}

/// Who a new draft needing `required` is assigned to: the thread's assignee if their role is
/// enough, else the first teammate (in the order given) whose role is. `None`: nobody can.
pub fn pick_reviewer(required: Role, assignee: Option<&str>, team: &[Candidate]) -> Option<String> {
    let enough = |c: &&Candidate| rank(c.role) >= rank(required) && c.role.can_write();
    if let Some(a) = assignee {
        if let Some(c) = team.iter().filter(enough).find(|c| c.id == a) {
            return Some(c.id.clone());
        }
    }
    team.iter().find(enough).map(|c| c.id.clone())
}

#[cfg(test)]
mod tests;

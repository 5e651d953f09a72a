//! Follow-ups tied to campaign state: which one is next for an enrollment, when it is due, and
//! whether it is still due when its time comes. Pure: the store keeps them as durable jobs and the
//! worker fires them through the response policy.

use crate::model::{Channel, Stage};
use serde::{Deserialize, Serialize};

const DAY: i64 = 86_400_000;

/// What a follow-up does when it fires.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FollowupAction {
    /// A message to the creator from this approved-language entry (through the policy), on
    /// `channel` when it is open to automation (else the reply rule's default).
    Nudge {
        template: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        channel: Option<Channel>,
    },
    /// No answer after the nudges: the thread is marked stale.
    MarkStale,
    /// Tell the campaign's managers (an internal note and a notification).
    Escalate,
}

/// What a rule's delay counts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// Our latest message to the creator.
    LastOutbound,
    /// When the enrollment entered its stage.
    StageEntered,
    /// Days *before* the campaign's posting deadline.
    BeforePostBy,
    /// Days *after* the campaign's posting deadline.
    AfterPostBy,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowupRule {
    pub key: String,
    pub stage: Stage,
    /// Its place among the stage's follow-ups (1, 2…): it runs after the earlier ones fired.
    pub step: u8,
    pub days: u32,
    pub anchor: Anchor,
    pub action: FollowupAction,
    /// Whether a campaign follows it without turning it on (rules added later start off, so a
    /// running campaign does not suddenly message its creators).
    #[serde(default = "yes")]
    pub on_by_default: bool,
}

fn yes() -> bool {
    true
}

fn rule(
    key: &str,
    stage: Stage,
    step: u8,
    days: u32,
    anchor: Anchor,
    action: FollowupAction,
) -> FollowupRule {
    FollowupRule {
        key: key.into(),
        stage,
        step,
        days,
        anchor,
        action,
        on_by_default: true,
    }
}

/// A rule teams turn on per campaign.
fn opt_in(r: FollowupRule) -> FollowupRule {
    FollowupRule {
        on_by_default: false,
        ..r
    }
}

fn nudge(template: &str) -> FollowupAction {
    FollowupAction::Nudge {
        template: template.into(),
        channel: None,
    }
}

/// The defaults every campaign starts with.
pub fn defaults() -> Vec<FollowupRule> {
    use Anchor::*;
    vec![
        rule(
            "no_reply_1",
            Stage::Contacted,
            1,
            3,
            LastOutbound,
            nudge("followup_1"),
        ),
        rule(
            "no_reply_2",
            Stage::Contacted,
            2,
            4,
            LastOutbound,
            nudge("followup_2"),
        ),
        rule(
            "no_reply_stale",
            Stage::Contacted,
            3,
            5,
            LastOutbound,
            FollowupAction::MarkStale,
        ),
        rule(
            "shipping_info",
            Stage::Accepted,
            1,
            3,
            StageEntered,
            nudge("shipping_reminder"),
        ),
        rule(
            "posting_deadline",
            Stage::ProductShipped,
            1,
            3,
            BeforePostBy,
            nudge("posting_reminder"),
        ),
        rule(
            "content_review",
            Stage::ContentDelivered,
            1,
            2,
            StageEntered,
            FollowupAction::Escalate,
        ),
        opt_in(rule(
            "rate_confirmation",
            Stage::Negotiating,
            1,
            3,
            LastOutbound,
            nudge("rate_confirmation"),
        )),
        opt_in(rule(
            "posting_overdue",
            Stage::ContentApproved,
            1,
            1,
            AfterPostBy,
            nudge("posting_overdue"),
        )),
        opt_in(rule(
            "wrap_up",
            Stage::Completed,
            1,
            1,
            StageEntered,
            nudge("wrap_up"),
        )),
    ]
}

/// A rule in words, for the thread and the Policies page ("follow-up 1: no reply to our
/// message"). The days are the campaign's (see `RuleSetting`).
pub fn describe(key: &str) -> &'static str {
    match key {
        "no_reply_1" => "follow-up 1: no reply to our message",
        "no_reply_2" => "follow-up 2: still no reply after follow-up 1",
        "no_reply_stale" => "mark stale: no reply after the follow-ups",
        "shipping_info" => "reminder: accepted but no shipping address",
        "posting_deadline" => "reminder: before the posting deadline",
        "content_review" => "escalation: content waiting for approval",
        "rate_confirmation" => "follow-up: interested but the rate is not confirmed",
        "posting_overdue" => "reminder: content approved but not posted by the posting date",
        "wrap_up" => "wrap-up: the campaign is complete",
        _ => "follow-up",
    }
}

/// A stored cancel reason in words.
pub fn cancel_label(reason: &str) -> &'static str {
    [
        Cancel::CreatorReplied,
        Cancel::StageChanged,
        Cancel::CampaignClosed,
        Cancel::OptedOut,
        Cancel::NotNeeded,
        Cancel::ByHand,
    ]
    .into_iter()
    .find(|c| c.as_str() == reason)
    .map_or("it could not be sent", Cancel::label)
}

/// Whether the creator opted out of everything a follow-up could reach them on: they have an
/// email address or phone number and every one of them is opted out. (The portal notifies
/// nobody by itself, so it does not keep a follow-up alive.)
pub fn opted_out(identities: &[crate::model::Identity]) -> bool {
    use crate::model::{Channel, Consent};
    let mut reachable = identities
        .iter()
        .filter(|i| matches!(i.channel, Channel::Email | Channel::Sms))
        .peekable();
    reachable.peek().is_some() && reachable.all(|i| i.consent == Consent::OptedOut)
}

/// What is known about an enrollment when planning or firing its follow-ups.
#[derive(Clone, Debug, PartialEq)]
pub struct Situation {
    pub stage: Stage,
    /// When the enrollment entered its stage.
    pub stage_at: i64,
    pub last_outbound_at: Option<i64>,
    /// The creator's latest message.
    pub last_inbound_at: Option<i64>,
    /// Follow-ups already fired in this stage (the next one is step + 1).
    pub fired_in_stage: u8,
    pub has_shipping_info: bool,
    pub post_by: Option<i64>,
    pub campaign_closed: bool,
    /// No channel reaches the creator (opted out everywhere).
    pub opted_out: bool,
    pub stale: bool,
}

/// Why a follow-up will not fire (or was canceled).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cancel {
    CreatorReplied,
    StageChanged,
    CampaignClosed,
    OptedOut,
    NotNeeded,
    /// A teammate canceled it (the stage's next follow-up may still come).
    ByHand,
}

impl Cancel {
    pub fn as_str(self) -> &'static str {
        match self {
            Cancel::CreatorReplied => "creator_replied",
            Cancel::StageChanged => "stage_changed",
            Cancel::CampaignClosed => "campaign_closed",
            Cancel::OptedOut => "opted_out",
            Cancel::NotNeeded => "not_needed",
            Cancel::ByHand => "by_hand",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Cancel::CreatorReplied => "the creator replied",
            Cancel::StageChanged => "the stage changed",
            Cancel::CampaignClosed => "the campaign closed",
            Cancel::OptedOut => "the creator opted out",
            Cancel::NotNeeded => "it is no longer needed",
            Cancel::ByHand => "a teammate canceled it",
        }
    }
}

/// Whether any follow-up may run at all in this situation.
fn blocked(s: &Situation) -> Option<Cancel> {
    if s.campaign_closed {
        Some(Cancel::CampaignClosed)
    } else if s.opted_out {
        Some(Cancel::OptedOut)
    } else if s.stage == Stage::Declined || s.stale {
        Some(Cancel::NotNeeded)
    } else {
        None
    }
}

/// When `r` is due in `s` (None: its anchor is missing).
fn due_at(r: &FollowupRule, s: &Situation) -> Option<i64> {
    let days = i64::from(r.days) * DAY;
    match r.anchor {
        Anchor::LastOutbound => s.last_outbound_at.map(|t| t + days),
        Anchor::StageEntered => Some(s.stage_at + days),
        Anchor::BeforePostBy => s.post_by.map(|t| t - days),
        Anchor::AfterPostBy => s.post_by.map(|t| t + days),
    }
}

/// Whether the creator answered since the rule's anchor (a reply ends the wait).
fn answered(r: &FollowupRule, s: &Situation) -> bool {
    // Waiting for an answer to our message: any answer ends it (we owe the next reply).
    let since = match r.anchor {
        Anchor::LastOutbound => s.last_outbound_at,
        Anchor::StageEntered | Anchor::BeforePostBy | Anchor::AfterPostBy => None,
    };
    match (since, s.last_inbound_at) {
        (Some(a), Some(i)) => i > a,
        _ => false,
    }
}

/// Whether the rule's own condition holds (beyond timing).
fn wanted(r: &FollowupRule, s: &Situation) -> bool {
    match r.stage {
        Stage::Accepted => !s.has_shipping_info,
        _ => true,
    }
}

/// The next follow-up for `s`: its rule and when it is due.
pub fn next<'a>(rules: &'a [FollowupRule], s: &Situation) -> Option<(&'a FollowupRule, i64)> {
    if blocked(s).is_some() {
        return None;
    }
    let r = rules
        .iter()
        .find(|r| r.stage == s.stage && r.step == s.fired_in_stage + 1)?;
    if !wanted(r, s) || answered(r, s) {
        return None;
    }
    due_at(r, s).map(|t| (r, t))
}

/// At firing time: still due, or why not. `scheduled_due` is the time it was planned for (a
/// changed anchor — say, our own newer message — means the plan is outdated).
pub fn check(r: &FollowupRule, s: &Situation, scheduled_due: i64, now: i64) -> Result<(), Cancel> {
    if let Some(c) = blocked(s) {
        return Err(c);
    }
    if s.stage != r.stage {
        return Err(Cancel::StageChanged);
    }
    if answered(r, s) {
        return Err(Cancel::CreatorReplied);
    }
    if !wanted(r, s) || r.step != s.fired_in_stage + 1 {
        return Err(Cancel::NotNeeded);
    }
    match due_at(r, s) {
        Some(t) if t <= now && t <= scheduled_due => Ok(()),
        _ => Err(Cancel::NotNeeded),
    }
}

mod settings;
pub use settings::*;

#[cfg(test)]
mod tests;

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

/// The most days a rule may wait.
pub const MAX_DAYS: u32 = 60;

/// A campaign's setting for one default rule: on or off, its days, and for a nudge the
/// approved-language entry it sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSetting {
    pub key: String,
    pub enabled: bool,
    pub days: u32,
    #[serde(default)]
    pub template: Option<String>,
    /// A team's own rule (`custom_…` key): the stage it runs in — it nudges with `template`
    /// after `days` without a reply from the creator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    /// A team's own rule: the channel it prefers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
}

/// The key prefix of a team's own follow-up rules.
pub const CUSTOM_PREFIX: &str = "custom_";
/// The most rules of its own a campaign may add.
pub const MAX_CUSTOM: usize = 10;

impl RuleSetting {
    pub fn is_custom(&self) -> bool {
        self.key.starts_with(CUSTOM_PREFIX)
    }
}

/// Every default rule as a campaign sets it (its own setting, else the default).
pub fn settings(own: &[RuleSetting]) -> Vec<RuleSetting> {
    defaults()
        .into_iter()
        .map(|r| {
            own.iter()
                .find(|o| o.key == r.key)
                .cloned()
                .unwrap_or(RuleSetting {
                    template: match &r.action {
                        FollowupAction::Nudge { template, .. } => Some(template.clone()),
                        _ => None,
                    },
                    key: r.key,
                    enabled: r.on_by_default,
                    days: r.days,
                    stage: None,
                    channel: None,
                })
        })
        .chain(own.iter().filter(|o| o.is_custom()).cloned())
        .collect()
}

/// The rules a campaign follows: the defaults changed by its settings. A rule turned off drops
/// out, and the stage's later rules move up a step (turning off follow-up 1 makes follow-up 2
/// the first).
pub fn apply(own: &[RuleSetting]) -> Vec<FollowupRule> {
    let chosen = settings(own);
    let mut out: Vec<FollowupRule> = Vec::new();
    for mut r in defaults() {
        let Some(s) = chosen.iter().find(|s| s.key == r.key) else {
            continue;
        };
        if !s.enabled {
            continue;
        }
        r.days = s.days;
        if let (FollowupAction::Nudge { template, .. }, Some(t)) = (&mut r.action, &s.template) {
            *template = t.clone();
        }
        r.step = out.iter().filter(|o| o.stage == r.stage).count() as u8 + 1;
        out.push(r);
    }
    // The team's own rules come after the stage's defaults: a nudge after days without a reply.
    for s in chosen.iter().filter(|s| s.is_custom() && s.enabled) {
        let (Some(stage), Some(template)) = (s.stage, s.template.clone()) else {
            continue;
        };
        out.push(FollowupRule {
            key: s.key.clone(),
            stage,
            step: out.iter().filter(|o| o.stage == stage).count() as u8 + 1,
            days: s.days,
            anchor: Anchor::LastOutbound,
            action: FollowupAction::Nudge {
                template,
                channel: s.channel,
            },
            on_by_default: true,
        });
    }
    out
}

/// Checks settings a person edited: known rules once each, 1–60 days, nudges' wording from the
/// approved-language library.
pub fn validate(own: &[RuleSetting], templates: &[&str]) -> Result<(), String> {
    let all = defaults();
    if own.iter().filter(|s| s.is_custom()).count() > MAX_CUSTOM {
        return Err(format!(
            "at most {MAX_CUSTOM} follow-ups of your own per campaign"
        ));
    }
    for (i, s) in own.iter().enumerate() {
        if own[..i].iter().any(|o| o.key == s.key) {
            return Err(format!("\"{}\" is set twice", s.key));
        }
        if s.is_custom() {
            check_custom(s, templates)?;
            continue;
        }
        let Some(rule) = all.iter().find(|r| r.key == s.key) else {
            return Err(format!("\"{}\" is not a follow-up rule", s.key));
        };
        if s.days == 0 || s.days > MAX_DAYS {
            return Err(format!("{}: wait 1 to {MAX_DAYS} days", describe(&s.key)));
        }
        match (&rule.action, &s.template) {
            (FollowupAction::Nudge { .. }, Some(t)) if !templates.contains(&t.as_str()) => {
                return Err(format!("\"{t}\" is not in the approved-language library"))
            }
            (FollowupAction::Nudge { .. }, _) => {}
            (_, Some(_)) => return Err(format!("{} sends no message", describe(&s.key))),
            (_, None) => {}
        }
    }
    Ok(())
}

/// A team's own rule: a known key shape, an open stage past Prospect, 1–60 days, wording from the
/// library, a channel automation may use.
fn check_custom(s: &RuleSetting, templates: &[&str]) -> Result<(), String> {
    let id = &s.key[CUSTOM_PREFIX.len()..];
    if id.is_empty()
        || id.len() > 20
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        return Err(format!("\"{}\" is not a follow-up rule", s.key));
    }
    match s.stage {
        None => return Err("your own follow-up needs a stage".into()),
        Some(st) if st.is_closed() || st == Stage::Prospect => {
            return Err(format!("no follow-ups in {}", st.label()))
        }
        Some(_) => {}
    }
    if s.days == 0 || s.days > MAX_DAYS {
        return Err(format!("your own follow-up waits 1 to {MAX_DAYS} days"));
    }
    match &s.template {
        Some(t) if templates.contains(&t.as_str()) => {}
        Some(t) => return Err(format!("\"{t}\" is not in the approved-language library")),
        None => return Err("your own follow-up needs its wording".into()),
    }
    if let Some(c) = s.channel {
        if !matches!(c, Channel::Email | Channel::Sms | Channel::InApp) {
            return Err(format!("follow-ups are not sent by {}", c.label()));
        }
    }
    Ok(())
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

#[cfg(test)]
mod tests;

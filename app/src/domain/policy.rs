//! Response policies: per campaign (and channel), what may be sent automatically and what needs a
//! person's approval. `evaluate` is a pure function of the classified message, the enrollment,
//! the campaign's policy and the time; it returns the decision with the rule and the reason that
//! decided it, which are stored and shown in the thread.

use super::classify::safety::automation_verdict;
use super::classify::{Classification, Intent};
use super::stage_suggest::{suggest, Suggestion};
use crate::model::{Channel, Role, Stage};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AutoRule {
    pub intent: Intent,
    /// The approved-language template sent.
    pub template: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewRule {
    pub intent: Intent,
    /// The least role that may approve.
    pub role: Role,
    /// Only replies on this channel (none: every channel). A channel's own rule for an intent
    /// takes the place of the general one there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
}

impl ResponsePolicy {
    /// The least role that may approve a reply on `channel` about `intent` (`None`: anyone may
    /// send it): the channel's own rule if it has one, else the general rule.
    pub fn review_role(&self, intent: Intent, channel: Channel) -> Option<Role> {
        let rules = self.review.iter().filter(|r| r.intent == intent);
        rules
            .clone()
            .find(|r| r.channel == Some(channel))
            .or_else(|| rules.clone().find(|r| r.channel.is_none()))
            .map(|r| r.role)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResponsePolicy {
    pub auto_send: Vec<AutoRule>,
    pub review: Vec<ReviewRule>,
    /// Local hours `[start, end)` when nothing is sent automatically (wraps midnight).
    pub quiet_hours: Option<(u8, u8)>,
    pub max_auto_per_creator_per_day: u32,
    /// Channels automation may send on. Instagram is never one: Meta allows no automated DMs
    /// outside its own flows.
    pub automation_channels: Vec<Channel>,
    /// Apply suggested stage moves without a click.
    pub auto_apply_stage: bool,
    /// A bulk message to this campaign's creators needs one approval by this role (or is sent
    /// by someone who has it).
    #[serde(default)]
    pub bulk_approval: Option<Role>,
}

/// Sensible defaults by campaign kind ("gifting" or "paid").
pub fn defaults(kind: &str) -> ResponsePolicy {
    let review = |role_for_money: Role| {
        vec![
            ReviewRule {
                intent: Intent::Rate,
                role: role_for_money,
                channel: None,
            },
            ReviewRule {
                intent: Intent::UsageRights,
                role: role_for_money,
                channel: None,
            },
            ReviewRule {
                intent: Intent::Exclusivity,
                role: role_for_money,
                channel: None,
            },
            ReviewRule {
                intent: Intent::Payment,
                role: role_for_money,
                channel: None,
            },
            ReviewRule {
                intent: Intent::Legal,
                role: Role::Owner,
                channel: None,
            },
            ReviewRule {
                intent: Intent::Complaint,
                role: Role::Manager,
                channel: None,
            },
        ]
    };
    match kind {
        "gifting" => ResponsePolicy {
            auto_send: vec![AutoRule {
                intent: Intent::AddressProvided,
                template: "shipping_confirmation".into(),
            }],
            review: review(Role::Manager),
            quiet_hours: Some((21, 8)),
            max_auto_per_creator_per_day: 2,
            automation_channels: vec![Channel::Email, Channel::Sms, Channel::InApp],
            auto_apply_stage: true,
            bulk_approval: None,
        },
        _ => ResponsePolicy {
            auto_send: Vec::new(),
            review: review(Role::Owner),
            quiet_hours: Some((21, 8)),
            max_auto_per_creator_per_day: 1,
            automation_channels: vec![Channel::Email, Channel::InApp],
            auto_apply_stage: false,
            bulk_approval: Some(Role::Manager),
        },
    }
}

/// Checks a policy a person edited: templates from the library, hours of the day, a sane daily
/// cap, no automated Instagram DMs, no intent both auto-sent and reviewed, no automatic replies
/// to sensitive topics.
pub fn validate(p: &ResponsePolicy, templates: &[&str]) -> Result<(), String> {
    for a in &p.auto_send {
        if !templates.contains(&a.template.as_str()) {
            return Err(format!(
                "\"{}\" is not in the approved-language library",
                a.template
            ));
        }
        if a.intent.is_sensitive() {
            return Err(format!(
                "{} is a sensitive topic: it can only be sent for review, never automatically",
                a.intent.label()
            ));
        }
        if p.review.iter().any(|r| r.intent == a.intent) {
            return Err(format!(
                "{} is both sent automatically and reviewed",
                a.intent.label()
            ));
        }
    }
    if p.review.iter().any(|r| r.role == Role::Viewer) {
        return Err("viewers cannot approve drafts".into());
    }
    for (i, r) in p.review.iter().enumerate() {
        if p.review[..i]
            .iter()
            .any(|o| o.intent == r.intent && o.channel == r.channel)
        {
            return Err(format!(
                "{} has two approval rules{}",
                r.intent.label(),
                r.channel
                    .map(|c| format!(" for {}", c.label()))
                    .unwrap_or_default()
            ));
        }
        if matches!(r.channel, Some(Channel::Note)) {
            return Err("internal notes are not a channel".into());
        }
    }
    if let Some((a, b)) = p.quiet_hours {
        if a > 23 || b > 23 || a == b {
            return Err("quiet hours run from one hour (0–23) to another".into());
        }
    }
    if p.max_auto_per_creator_per_day > 10 {
        return Err("at most 10 automatic messages per creator per day".into());
    }
    if p.automation_channels.contains(&Channel::Instagram) {
        return Err("Instagram allows no automated DMs".into());
    }
    if p.automation_channels.contains(&Channel::Note) {
        return Err("internal notes are not a channel".into());
    }
    if matches!(p.bulk_approval, Some(Role::Member | Role::Viewer)) {
        return Err("a bulk message's approval is by a manager or an owner".into());
    }
    Ok(())
}

/// What is known when a creator's message arrives.
pub struct Facts<'a> {
    pub classification: &'a Classification,
    pub stage: Stage,
    /// The channel a reply would go out on.
    pub channel: Channel,
    /// The hour (0–23) in the workspace's time zone.
    pub local_hour: u8,
    /// Automatic messages already sent to this creator today.
    pub auto_sent_today: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// Send this template now, naming the rule.
    AutoSend { template: String },
    /// Draft a reply that someone with at least `role` must approve.
    Review { role: Role, topics: Vec<Intent> },
    /// Nothing automatic: a teammate answers.
    Nothing,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub action: Action,
    /// The stage move suggested, and whether the policy applies it without a click.
    pub stage: Option<(Stage, bool)>,
    pub rule: String,
    pub reason: String,
}

fn in_quiet_hours(quiet: Option<(u8, u8)>, hour: u8) -> bool {
    match quiet {
        Some((start, end)) if start <= end => hour >= start && hour < end,
        Some((start, end)) => hour >= start || hour < end,
        None => false,
    }
}

/// The hour (0–23) at `now_ms` in a time zone `utc_offset_minutes` from UTC.
pub fn local_hour(now_ms: i64, utc_offset_minutes: i64) -> u8 {
    ((now_ms / 60_000 + utc_offset_minutes).rem_euclid(1440) / 60) as u8
}

/// Why an automatic message (a reply or a follow-up) may not go out now and must wait for a
/// person: a channel automation may not use, quiet hours, or the daily cap reached.
pub fn automation_held(
    policy: &ResponsePolicy,
    channel: Channel,
    local_hour: u8,
    auto_sent_today: u32,
) -> Option<String> {
    if !policy.automation_channels.contains(&channel) {
        Some(format!("no automated messages on {}", channel.label()))
    } else if in_quiet_hours(policy.quiet_hours, local_hour) {
        Some("quiet hours: held for a person to send".into())
    } else if auto_sent_today >= policy.max_auto_per_creator_per_day {
        Some(format!(
            "already {auto_sent_today} automatic messages to this creator today"
        ))
    } else {
        None
    }
}

pub fn evaluate(policy: &ResponsePolicy, f: &Facts) -> Decision {
    let c = f.classification;
    let decide = |action, stage: Option<(Stage, bool)>, rule: &str, reason: String| Decision {
        action,
        stage,
        rule: rule.to_string(),
        reason,
    };
    if f.stage.is_closed() {
        return decide(
            Action::Nothing,
            None,
            "closed",
            format!(
                "automation stopped: the enrollment is {}",
                f.stage.label().to_lowercase()
            ),
        );
    }
    if c.has(Intent::AutoReply) {
        return decide(
            Action::Nothing,
            None,
            "auto_reply",
            "an automatic reply: nothing to answer".into(),
        );
    }
    if c.has(Intent::OptOut) {
        return decide(
            Action::Nothing,
            None,
            "opt_out",
            "the creator opted out: nothing is sent".into(),
        );
    }
    let sensitive = c.sensitive();
    // Automation acts alone only on a confident, safe reading with nothing hinting otherwise —
    // except a move to Replied, which records only that the creator answered.
    let verdict = automation_verdict(c);
    let suggestion: Option<Suggestion> = suggest(f.stage, c);
    let stage = suggestion.map(|s| {
        let safe = verdict.is_ok() || s.to == Stage::Replied;
        (
            s.to,
            policy.auto_apply_stage && sensitive.is_empty() && safe,
        )
    });
    // Each sensitive topic's rule for this message's channel (its own rule, else the general one).
    let needs_review: Vec<(Intent, Role)> = sensitive
        .iter()
        .filter_map(|t| policy.review_role(*t, f.channel).map(|r| (*t, r)))
        .collect();
    if !needs_review.is_empty() {
        let role = needs_review
            .iter()
            .map(|(_, r)| *r)
            .max_by_key(|r| super::draft::rank(*r))
            .unwrap_or(Role::Owner);
        let topics: Vec<Intent> = needs_review.iter().map(|(t, _)| *t).collect();
        let names: Vec<&str> = topics.iter().map(|t| t.label()).collect();
        return decide(
            Action::Review {
                role,
                topics: topics.clone(),
            },
            stage,
            &format!("review:{}", topics[0].as_str()),
            format!(
                "sensitive topic ({}): a reply needs approval by {}",
                names.join(", "),
                role.with_article()
            ),
        );
    }
    if c.intents.is_empty() {
        return decide(
            Action::Nothing,
            stage,
            "not_understood",
            "not understood — needs a person".into(),
        );
    }
    let Some(auto) = policy.auto_send.iter().find(|r| c.has(r.intent)) else {
        return decide(
            Action::Nothing,
            stage,
            "none",
            "no automatic reply for this message: a teammate answers".into(),
        );
    };
    let rule = format!("auto:{}", auto.intent.as_str());
    let hold = |why: String| {
        (
            Action::Review {
                role: Role::Member,
                topics: Vec::new(),
            },
            why,
        )
    };
    let held = match verdict {
        Err(why) => Some(hold(why.reason())),
        Ok(()) => automation_held(policy, f.channel, f.local_hour, f.auto_sent_today).map(hold),
    };
    match held {
        Some((action, why)) => decide(action, stage, &rule, why),
        None => decide(
            Action::AutoSend {
                template: auto.template.clone(),
            },
            stage,
            &rule,
            format!("{} → auto-send \"{}\"", auto.intent.label(), auto.template),
        ),
    }
}

#[cfg(test)]
mod tests;

//! A campaign's follow-up settings: each default rule on or off with its days and wording, the
//! rules it adds of its own, and the rules they add up to.

use super::{defaults, describe, Anchor, FollowupAction, FollowupRule};
use crate::model::{Channel, Stage};
use serde::{Deserialize, Serialize};

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

//! What automation does about one creator message, as a plan: the facts in, the effects out. The
//! server loads the facts, may ask a model for better words (`Effect::Draft::model_request`), and
//! carries every effect out in one transaction (`server::store::automation`).

use crate::domain::classify::Classification;
use crate::domain::draft::{pick_reviewer, Candidate, DraftState};
use crate::domain::language::{fill, render, snippet_for_topics};
use crate::domain::policy::{evaluate, Action, Decision, Facts as PolicyFacts, ResponsePolicy};
use crate::domain::stage::check_move;
use crate::domain::stage_suggest::suggest;
use crate::model::{Channel, DeclineReason, Role, Stage};
use std::collections::BTreeMap;

/// Everything the decision depends on.
pub struct PlanFacts<'a> {
    pub classification: &'a Classification,
    pub policy: &'a ResponsePolicy,
    /// The enrollment's stage now.
    pub stage: Stage,
    /// The channel the creator's message came on.
    pub message_channel: Channel,
    /// The channel an automatic reply would go out on (`None`: none reaches the creator now).
    pub reply_channel: Option<Channel>,
    /// The hour (0–23) in the workspace's time zone.
    pub local_hour: u8,
    pub auto_sent_today: u32,
    /// The approved-language library: key → wording.
    pub library: &'a BTreeMap<String, String>,
    /// The merge fields the wording is filled with.
    pub fields: &'a BTreeMap<&'static str, String>,
    /// The thread's assignee, who reviews when senior enough.
    pub assignee: Option<&'a str>,
    /// Teammates who may review, least senior first.
    pub team: &'a [Candidate],
    /// What a model would need to word a sensitive draft: campaign name, brief, guidance and the
    /// creator's words (`None`: no model is configured).
    pub model_context: Option<ModelContext<'a>>,
    /// Why the receiving mail server could not verify the sender (`domain::email_auth`), when
    /// it could not: then nothing is done automatically.
    pub unverified_sender: Option<&'a str>,
}

pub struct ModelContext<'a> {
    pub campaign: &'a str,
    pub brief: &'a str,
    pub guidance: &'a str,
    pub message: &'a str,
}

/// A draft the plan writes.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedDraft {
    /// `AutoSent` (sent at once as an automatic reply) or `PendingReview`.
    pub state: DraftState,
    pub text: String,
    /// Where the words came from: `library:<key>` (or `model:<name>` once a model worded it).
    pub source: String,
    /// The least senior role that may approve it.
    pub role: Role,
    pub topics: Vec<String>,
    /// Who reviews it (pending drafts only; `None`: nobody on the team may).
    pub reviewer: Option<String>,
    /// The request to give a model for better words, when one may word this draft.
    pub model_request: Option<String>,
}

/// One thing automation does; carried out in this order, all or nothing.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Claim the message and store the decision (and the classification) on it.
    Decide(Decision),
    /// Move the enrollment (the policy applies the suggested move by itself).
    MoveStage {
        from: Stage,
        to: Stage,
        reason: Option<DeclineReason>,
    },
    /// Save the shipping address the creator gave.
    SaveAddress(String),
    /// Cancel the drafts still pending in the thread: the creator has written again.
    CancelOpenDrafts,
    /// Write a draft: an automatic reply (sent with it) or one for review.
    Draft(PlannedDraft),
    /// Tell the reviewer a draft waits for them.
    NotifyReviewer { reviewer: String, reason: String },
    /// The creator asked not to be written to on this channel: their consent there becomes
    /// opted out (bulk messages and follow-ups skip it; an owner can undo it).
    OptOut { channel: Channel },
}

/// The decision about one creator message and everything that follows from it.
pub fn plan(f: &PlanFacts) -> Vec<Effect> {
    let c = f.classification;
    let mut decision = evaluate(
        f.policy,
        &PolicyFacts {
            classification: c,
            stage: f.stage,
            channel: f.reply_channel.unwrap_or(Channel::Note),
            local_hour: f.local_hour,
            auto_sent_today: f.auto_sent_today,
        },
    );
    if let Some(why) = f.unverified_sender {
        return held_for_unverified_sender(f, decision, why);
    }
    let draft = planned_draft(f, &mut decision).filter(|d| !d.text.trim().is_empty());
    let mut effects = vec![Effect::Decide(decision.clone())];
    if c.has(crate::domain::classify::Intent::OptOut)
        && !matches!(f.message_channel, Channel::Note | Channel::Api)
    {
        effects.push(Effect::OptOut {
            channel: f.message_channel,
        });
    }
    if let Some((to, true)) = decision.stage {
        let reason = suggest(f.stage, c).and_then(|s| s.reason);
        if check_move(f.stage, to, reason).is_ok() {
            effects.push(Effect::MoveStage {
                from: f.stage,
                to,
                reason,
            });
        }
    }
    if let Some(a) = &c.address {
        effects.push(Effect::SaveAddress(a.text.clone()));
    }
    effects.push(Effect::CancelOpenDrafts);
    push_draft(&mut effects, draft, &decision);
    effects
}

/// The draft, and the reviewer told of it when it waits for review.
fn push_draft(effects: &mut Vec<Effect>, draft: Option<PlannedDraft>, decision: &Decision) {
    let Some(d) = draft else { return };
    let notify = (d.state == DraftState::PendingReview)
        .then(|| d.reviewer.clone())
        .flatten();
    effects.push(Effect::Draft(d));
    if let Some(reviewer) = notify {
        effects.push(Effect::NotifyReviewer {
            reviewer,
            reason: decision.reason.clone(),
        });
    }
}

/// A message whose sender is not verified moves nothing: no automatic reply (a reply the policy
/// would send waits for a person), no stage move (suggested only), no saved address, no opt-out,
/// no drafts cancelled. The decision says why.
fn held_for_unverified_sender(f: &PlanFacts, mut decision: Decision, why: &str) -> Vec<Effect> {
    if let Action::AutoSend { .. } = decision.action {
        decision.action = Action::Review {
            role: Role::Member,
            topics: Vec::new(),
        };
    }
    decision.stage = decision.stage.map(|(to, _)| (to, false));
    decision.reason = format!(
        "unverified sender ({why}): nothing is done automatically; a person checks it first. {}",
        decision.reason
    );
    let draft = planned_draft(f, &mut decision).filter(|d| !d.text.trim().is_empty());
    let mut effects = vec![Effect::Decide(decision.clone())];
    push_draft(&mut effects, draft, &decision);
    effects
}

fn wording(f: &PlanFacts, key: &str) -> String {
    f.library.get(key).cloned().unwrap_or_default()
}

/// The draft the decision asks for, if any. An automatic reply that cannot go out (no channel
/// reaches the creator, or its wording cannot be filled) is held for a person instead, and the
/// decision says so.
fn planned_draft(f: &PlanFacts, decision: &mut Decision) -> Option<PlannedDraft> {
    let review = |text: String, source: String, role: Role, topics: Vec<String>| PlannedDraft {
        state: DraftState::PendingReview,
        text,
        source,
        role,
        topics,
        reviewer: pick_reviewer(role, f.assignee, f.team),
        model_request: None,
    };
    match decision.action.clone() {
        Action::Nothing => None,
        Action::AutoSend { template } => {
            let body = wording(f, &template);
            let source = format!("library:{template}");
            let rendered = render(&body, f.fields);
            if let (Some(_), Ok(text)) = (f.reply_channel, &rendered) {
                return Some(PlannedDraft {
                    state: DraftState::AutoSent,
                    text: text.clone(),
                    source,
                    role: Role::Member,
                    topics: Vec::new(),
                    reviewer: None,
                    model_request: None,
                });
            }
            decision.action = Action::Review {
                role: Role::Member,
                topics: Vec::new(),
            };
            decision.reason = match (f.reply_channel, rendered) {
                (None, _) => {
                    "no channel reaches this creator automatically now: held for a person".into()
                }
                (_, Err(e)) => {
                    format!("\"{template}\" could not be filled ({e}): held for a person")
                }
                _ => decision.reason.clone(),
            };
            let text = fill(&body, f.fields).map(|(t, _)| t).unwrap_or(body);
            Some(review(text, source, Role::Member, Vec::new()))
        }
        Action::Review { role, topics } => {
            let key = if decision.rule.starts_with("auto:") {
                f.policy
                    .auto_send
                    .iter()
                    .find(|a| f.classification.has(a.intent))
                    .map(|a| a.template.clone())
                    .unwrap_or_else(|| snippet_for_topics(&topics).to_string())
            } else {
                snippet_for_topics(&topics).to_string()
            };
            let body = wording(f, &key);
            let approved = fill(&body, f.fields).map(|(t, _)| t).unwrap_or(body);
            let model_request = match &f.model_context {
                Some(m) if !topics.is_empty() => {
                    Some(crate::domain::classify::model::draft_request(
                        m.campaign, m.brief, m.guidance, m.message, &approved,
                    ))
                }
                _ => None,
            };
            let topics = topics.iter().map(|t| t.as_str().to_string()).collect();
            let mut d = review(approved, format!("library:{key}"), role, topics);
            d.model_request = model_request;
            Some(d)
        }
    }
}

#[cfg(test)]
mod tests;

//! Carrying out automation's plan for one creator message (`app::domain::automation::plan`) in
//! one transaction that claims the message: the decision stored on it, the stage moved and the
//! address saved, stale drafts canceled, a draft for review or an automatic reply with its send
//! job, the reviewer notified, and an audit event for each step. Two instances never act on one
//! message: the claim (`policy_pending = true` → NONE) is part of the transaction, and a lost
//! claim ends it with "already decided".

use super::audit::{audits_var, AuditEntry, AUDITS_STATEMENT};
use super::notifications::{entry as notice, NOTIFY_STATEMENT};
use super::thread_write::{append_with, outgoing_reply, Extra, Sender, WriteError};
use crate::db::{exec, exec_transaction, rows, Db, DbError};
use app::domain::automation::{Effect, PlannedDraft};
use app::domain::classify::Classification;
use app::domain::draft::{CancelReason, DraftState};
use app::domain::policy::{Action, Decision};
use app::model::{Channel, DeliveryStatus, SenderKind, ThreadSummary};
use serde::Deserialize;
use serde_json::{json, Value};

/// A creator message waiting for automation's decision.
#[derive(Deserialize, Clone)]
pub struct Pending {
    pub id: String,
    pub ws: String,
    pub thread_id: String,
    pub channel: app::model::Channel,
    pub text: String,
    pub classification: Option<Classification>,
    /// Why the sender could not be verified (an email), when it could not.
    #[serde(default)]
    pub unverified_sender: Option<String>,
}

/// Up to `limit` messages stored with `policy_pending`.
pub async fn pending(db: &Db, limit: usize) -> Result<Vec<Pending>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, record::id(workspace) AS ws, record::id(thread) AS thread_id, channel, text,
             classification, unverified_sender FROM message WHERE policy_pending = true LIMIT $n;",
        json!({ "n": limit }),
    )
    .await?;
    rows(&mut resp, 0)
}

/// What the plan was made about.
pub struct Decided<'a> {
    pub message: &'a Pending,
    pub enrollment_id: &'a str,
    pub classification: &'a Classification,
    /// The channel an automatic reply goes out on.
    pub channel: Channel,
    /// Teammates' names by id (for the draft's reviewer).
    pub names: &'a [(String, String)],
    pub email_domain: &'a str,
    pub now: i64,
}

fn automation(action: &'static str, subject: String, detail: Value) -> AuditEntry<'static> {
    AuditEntry {
        actor_kind: "automation",
        actor_id: None,
        action,
        subject,
        detail,
    }
}

/// Carries the plan out. Returns whether a send job was queued.
pub async fn carry_out(
    db: &Db,
    thread: &mut ThreadSummary,
    d: &Decided<'_>,
    effects: &[Effect],
) -> Result<bool, DbError> {
    let (extra, reply) = statements(thread, d, effects);
    let p = d.message;
    match reply {
        Some(text) => {
            let sender = Sender {
                kind: SenderKind::Automation,
                id: None,
                name: "Automation".into(),
            };
            let msg =
                outgoing_reply(db, &p.ws, thread, sender, text, None, d.email_domain, d.now).await;
            let msg = match msg {
                Ok(m) => m,
                Err(WriteError::Db(e)) => return Err(e),
                Err(_) => {
                    return Err(DbError::Other(
                        "the reply rule refused the automatic reply".into(),
                    ))
                }
            };
            let queued = msg.status == DeliveryStatus::Queued;
            append_with(db, &p.ws, thread, msg, extra).await?;
            Ok(queued)
        }
        None => {
            let mut vars = extra.vars;
            vars.insert("ws".into(), json!(p.ws));
            vars.insert("tid".into(), json!(thread.id));
            vars.insert("now".into(), json!(d.now));
            let sql = format!(
                "BEGIN TRANSACTION;\n{}{}COMMIT TRANSACTION;",
                extra.before, extra.after
            );
            exec_transaction(db, &sql, Value::Object(vars)).await?;
            Ok(false)
        }
    }
}

/// The plan's statements, variables and audit events, in the plan's order; and the text of the
/// automatic reply, when the plan sends one (written with its message by `append_with`).
fn statements<'e>(
    thread: &ThreadSummary,
    d: &Decided<'_>,
    effects: &'e [Effect],
) -> (Extra, Option<&'e str>) {
    let p = d.message;
    let mut extra = Extra::default();
    let mut audits = Vec::new();
    let mut notify = Vec::new();
    let mut reply = None;
    extra.vars.insert("trigger".into(), json!(p.id));
    extra.vars.insert("eid".into(), json!(d.enrollment_id));
    let mut decided = None;
    for effect in effects {
        match effect {
            Effect::Decide(decision) => {
                decided = Some(decision);
                claim(&mut extra, decision, d);
                audits.push(automation(
                    "policy.decided",
                    format!("message:{}", p.id),
                    json!({
                        "rule": decision.rule, "reason": decision.reason, "action": decision.action,
                        "stage": decision.stage, "sensitive": d.classification.sensitive(),
                    }),
                ));
            }
            Effect::MoveStage { from, to, reason } => {
                extra
                    .before
                    .push_str(crate::store::thread_write::STAGE_MOVE);
                extra.before.push('\n');
                crate::store::thread_write::bind_stage_move(&mut extra.vars, *from, *to, *reason);
                audits.push(automation(
                    "enrollment.stage_changed",
                    format!("enrollment:{}", d.enrollment_id),
                    json!({ "from": from, "to": to, "reason": reason, "cause": "rule",
                            "rule": decided.map(|d| &d.rule), "message": p.id }),
                ));
            }
            Effect::SaveAddress(a) => {
                extra.before.push_str("UPDATE type::record('enrollment', $eid) SET shipping_info = $address, updated_at = $now;\n");
                extra.vars.insert("address".into(), json!(a));
                audits.push(automation(
                    "enrollment.address_saved",
                    format!("enrollment:{}", d.enrollment_id),
                    json!({ "address": a, "message": p.id }),
                ));
            }
            Effect::OptOut { channel } => {
                extra.before.push_str(super::creators::OPT_OUT);
                extra.before.push('\n');
                extra
                    .vars
                    .insert("opt_creator".into(), json!(thread.creator_id));
                extra.vars.insert("opt_channel".into(), json!(channel));
                audits.push(automation(
                    "creator.consent_changed",
                    format!("creator:{}", thread.creator_id),
                    json!({ "channel": channel, "to": "opted_out", "cause": "opt_out", "message": p.id }),
                ));
            }
            Effect::CancelOpenDrafts => {
                super::drafts::cancel_open(&mut extra, CancelReason::CreatorReplied, None)
            }
            Effect::Draft(draft) => {
                let Some(decision) = decided else { continue };
                audits.push(draft_written(&mut extra, thread, d, draft, decision));
                if draft.state == DraftState::AutoSent {
                    reply = Some(draft.text.as_str());
                }
            }
            Effect::NotifyReviewer { reviewer, reason } => notify.push(notice(
                reviewer,
                "review",
                &thread.id,
                &format!(
                    "Draft to review · {} · {}: {reason}",
                    thread.creator_name, thread.campaign_name
                ),
                "Automation",
            )),
        }
    }
    if !notify.is_empty() {
        extra.vars.insert("notify".into(), Value::Array(notify));
        extra.after.push_str(NOTIFY_STATEMENT);
    }
    extra.vars.insert("audits".into(), audits_var(&audits));
    extra.after.push_str(AUDITS_STATEMENT);
    (extra, reply)
}

/// Claims the message (the transaction ends if another instance decided it) and stores the
/// decision and the classification on it.
fn claim(extra: &mut Extra, decision: &Decision, d: &Decided) {
    extra.before.push_str(
        "LET $claimed = (UPDATE type::record('message', $trigger) SET policy_pending = NONE, decision = $decision,
                 classification = $classification
             WHERE policy_pending = true RETURN AFTER);
         IF array::len($claimed) = 0 { THROW 'already decided' };\n",
    );
    extra.vars.insert(
        "classification".into(),
        serde_json::to_value(d.classification).unwrap_or(Value::Null),
    );
    extra.vars.insert(
        "decision".into(),
        serde_json::to_value(decision).unwrap_or(Value::Null),
    );
}

/// The draft's statement and variable; its audit event.
fn draft_written(
    extra: &mut Extra,
    thread: &ThreadSummary,
    d: &Decided<'_>,
    draft: &PlannedDraft,
    decision: &Decision,
) -> AuditEntry<'static> {
    let rule = &decision.rule;
    let p = d.message;
    let draft_id = crate::ids::new_id();
    let reviewer_name = draft.reviewer.as_deref().and_then(|r| {
        d.names
            .iter()
            .find(|(id, _)| id == r)
            .map(|(_, n)| n.clone())
    });
    let new = super::drafts::NewDraft {
        id: draft_id.clone(),
        thread,
        trigger: Some(&p.id),
        trigger_text: app::domain::text::snippet(&p.text, 600),
        state: draft.state,
        text: &draft.text,
        source: &draft.source,
        topics: &draft.topics,
        reviewer_role: draft.role,
        reviewer: draft.reviewer.clone(),
        reviewer_name,
        rule: &decision.rule,
        reason: &decision.reason,
        author: None,
    };
    extra.vars.insert("draft".into(), new.var());
    extra.before.push_str(super::drafts::CREATE_STATEMENT);
    let subject = format!("draft:{draft_id}");
    if draft.state == DraftState::AutoSent {
        automation(
            "draft.auto_sent",
            subject,
            json!({ "rule": rule, "source": draft.source, "channel": d.channel }),
        )
    } else {
        automation(
            "draft.created",
            subject,
            json!({ "rule": rule, "reviewer_role": draft.role, "reviewer": draft.reviewer,
                    "topics": draft.topics, "source": draft.source }),
        )
    }
}

/// A message the worker could not decide is marked so (it is not retried forever); a person
/// answers it as usual.
pub async fn give_up(db: &Db, message_id: &str) -> Result<(), DbError> {
    let decision = Decision {
        action: Action::Nothing,
        stage: None,
        rule: "error".into(),
        reason: "automation could not decide this message: a teammate answers".into(),
    };
    exec(
        db,
        "UPDATE type::record('message', $m) SET policy_pending = NONE, decision = $d WHERE policy_pending = true;",
        json!({ "m": message_id, "d": decision }),
    )
    .await?;
    Ok(())
}

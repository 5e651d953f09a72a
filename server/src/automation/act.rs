//! Carrying out one policy decision in one transaction (see the module's documentation).

use super::Pending;
use crate::db::{exec, exec_transaction, Db, DbError};
use crate::state::AppState;
use crate::store::audit::{audits_var, AuditEntry, AUDITS_STATEMENT};
use crate::store::notifications::{entry as notice, NOTIFY_STATEMENT};
use crate::store::policy_facts as facts;
use crate::store::thread_write::{append_with, outgoing_reply, Extra, Sender, WriteError};
use app::domain::draft::{pick_reviewer, CancelReason, DraftState};
use app::domain::language::{fill, render, snippet_for_topics};
use app::domain::policy::{evaluate, Action, Decision, Facts as PolicyFacts};
use app::domain::reply_channel::{reply_options, SenderKind as Who};
use app::domain::stage::check_move;
use app::domain::stage_suggest::suggest;
use app::model::{Channel, DeliveryStatus, Role, SenderKind};
use serde_json::{json, Map, Value};

/// The draft a decision produces, if any: its state, words and where they came from.
struct Planned {
    state: DraftState,
    text: String,
    source: String,
    role: Role,
    topics: Vec<String>,
}

/// Decides `p` and carries the decision out. Returns whether a send job was queued.
pub async fn decide(
    state: &AppState,
    model: Option<&crate::model_provider::Model>,
    p: &Pending,
) -> Result<bool, DbError> {
    let db = &state.db;
    let now = state.clock.now_ms();
    let caller = super::system_caller(&p.ws);
    let Some(row) = crate::store::threads::find(db, &caller, &p.thread_id).await? else {
        return Err(DbError::Other("message without thread".into()));
    };
    let mut thread = row.summary;
    let f = facts::load(
        db,
        &p.ws,
        &thread.campaign_id,
        &row.enrollment_id,
        &thread.creator_id,
        now,
    )
    .await?;
    let mut classification = p
        .classification
        .clone()
        .unwrap_or_else(|| app::domain::classify::classify(&p.text));
    if let Some(m) = model {
        match m.classify(&p.text).await {
            Ok(found) => {
                classification =
                    app::domain::classify::model::merge(classification, &found, m.name())
            }
            Err(e) => {
                tracing::warn!(reason = %e, message = %p.id, "model classification failed; rules only")
            }
        }
    }
    let reply = {
        let rf = crate::store::reply_facts::load(db, &p.ws, &thread.id, &thread.creator_id).await?;
        reply_options(&rf, Who::Automation, now)
    };
    let channel = reply.default.unwrap_or(Channel::Note);
    let local_hour = app::domain::policy::local_hour(now, f.utc_offset_minutes);
    let policy = f.campaign.policy();
    let mut decision = evaluate(
        &policy,
        &PolicyFacts {
            classification: &classification,
            stage: f.enrollment.stage,
            channel,
            local_hour,
            auto_sent_today: f.auto_sent_today,
        },
    );
    let fields = f.merge_fields(
        &thread,
        classification.address.as_ref().map(|a| a.text.as_str()),
    );
    // What to write, if anything.
    let planned: Option<Planned> = match decision.action.clone() {
        Action::Nothing => None,
        Action::AutoSend { template } => {
            let body = f.wording(&template);
            match (reply.default, render(&body, &fields)) {
                (Some(_), Ok(text)) => Some(Planned {
                    state: DraftState::AutoSent,
                    text,
                    source: format!("library:{template}"),
                    role: Role::Member,
                    topics: Vec::new(),
                }),
                (ch, rendered) => {
                    // Held: a person sends it after checking.
                    decision.action = Action::Review {
                        role: Role::Member,
                        topics: Vec::new(),
                    };
                    decision.reason = match (ch, rendered) {
                        (None, _) => {
                            "no channel reaches this creator automatically now: held for a person"
                                .into()
                        }
                        (_, Err(e)) => {
                            format!("\"{template}\" could not be filled ({e}): held for a person")
                        }
                        _ => decision.reason.clone(),
                    };
                    let text = fill(&body, &fields).map(|(t, _)| t).unwrap_or(body);
                    Some(Planned {
                        state: DraftState::PendingReview,
                        text,
                        source: format!("library:{template}"),
                        role: Role::Member,
                        topics: Vec::new(),
                    })
                }
            }
        }
        Action::Review { role, topics } => {
            let key = match &decision.rule {
                r if r.starts_with("auto:") => policy
                    .auto_send
                    .iter()
                    .find(|a| classification.has(a.intent))
                    .map(|a| a.template.clone())
                    .unwrap_or_else(|| snippet_for_topics(&topics).to_string()),
                _ => snippet_for_topics(&topics).to_string(),
            };
            let body = f.wording(&key);
            let approved = fill(&body, &fields).map(|(t, _)| t).unwrap_or(body);
            let camp = &f.campaign;
            let worded = match model {
                Some(m) if !topics.is_empty() => {
                    let request = app::domain::classify::model::draft_request(
                        &camp.name,
                        &camp.brief,
                        &camp.creator_guidance,
                        &p.text,
                        &approved,
                    );
                    match m.draft(&request).await {
                        Ok(t) => Some((t, format!("model:{}", m.name()))),
                        Err(e) => {
                            tracing::warn!(reason = %e, message = %p.id, "model draft failed; approved language used");
                            None
                        }
                    }
                }
                _ => None,
            };
            let (text, source) = worded.unwrap_or((approved, format!("library:{key}")));
            Some(Planned {
                state: DraftState::PendingReview,
                text,
                source,
                role,
                topics: topics.iter().map(|t| t.as_str().to_string()).collect(),
            })
        }
    };
    let planned = planned.filter(|p| !p.text.trim().is_empty());
    // The stage move, when the policy applies it.
    let stage_move = match decision.stage {
        Some((to, true)) => {
            let reason = suggest(f.enrollment.stage, &classification).and_then(|s| s.reason);
            check_move(f.enrollment.stage, to, reason)
                .ok()
                .map(|_| (to, reason))
        }
        _ => None,
    };
    let address = classification.address.as_ref().map(|a| a.text.clone());

    let msg_subject = format!("message:{}", p.id);
    let mut audits = vec![AuditEntry {
        actor_kind: "automation",
        actor_id: None,
        action: "policy.decided",
        subject: msg_subject.clone(),
        detail: json!({
            "rule": decision.rule, "reason": decision.reason, "action": decision.action,
            "stage": decision.stage, "sensitive": classification.sensitive(),
        }),
    }];
    let mut before = String::from(
        "LET $claimed = (UPDATE type::record('message', $trigger) SET policy_pending = NONE, decision = $decision,
                 classification = $classification
             WHERE policy_pending = true RETURN AFTER);
         IF array::len($claimed) = 0 { THROW 'already decided' };\n",
    );
    let mut vars = Map::new();
    vars.insert("trigger".into(), json!(p.id));
    vars.insert(
        "classification".into(),
        serde_json::to_value(&classification).unwrap_or(Value::Null),
    );
    vars.insert(
        "decision".into(),
        serde_json::to_value(&decision).unwrap_or(Value::Null),
    );
    vars.insert("eid".into(), json!(row.enrollment_id));
    if let Some((to, reason)) = stage_move {
        before.push_str(
            "UPDATE type::record('enrollment', $eid) SET stage = $stage_to, decline_reason = $stage_reason, updated_at = $now,
                 stage_at = $now, followups_fired = 0;
             UPDATE type::record('thread', $tid) SET stage = $stage_to;\n",
        );
        vars.insert("stage_to".into(), json!(to));
        vars.insert("stage_reason".into(), json!(reason));
        audits.push(AuditEntry {
            actor_kind: "automation",
            actor_id: None,
            action: "enrollment.stage_changed",
            subject: format!("enrollment:{}", row.enrollment_id),
            detail: json!({ "from": f.enrollment.stage, "to": to, "reason": reason, "cause": "rule",
                            "rule": decision.rule, "message": p.id }),
        });
    }
    if let Some(a) = &address {
        before.push_str("UPDATE type::record('enrollment', $eid) SET shipping_info = $address, updated_at = $now;\n");
        vars.insert("address".into(), json!(a));
        audits.push(AuditEntry {
            actor_kind: "automation",
            actor_id: None,
            action: "enrollment.address_saved",
            subject: format!("enrollment:{}", row.enrollment_id),
            detail: json!({ "address": a, "message": p.id }),
        });
    }
    let draft_id = crate::ids::new_id();
    let mut notify = Vec::new();
    let mut draft_sql = "";
    if let Some(pl) = &planned {
        let reviewer = (pl.state == DraftState::PendingReview)
            .then(|| pick_reviewer(pl.role, thread.assignee_id.as_deref(), &f.team))
            .flatten();
        let reviewer_name = reviewer.as_deref().and_then(|r| f.name_of(r));
        draft_sql = crate::store::drafts::CREATE_STATEMENT;
        let draft = crate::store::drafts::NewDraft {
            id: draft_id.clone(),
            thread: &thread,
            trigger: Some(&p.id),
            trigger_text: app::domain::text::snippet(&p.text, 600),
            state: pl.state,
            text: &pl.text,
            source: &pl.source,
            topics: &pl.topics,
            reviewer_role: pl.role,
            reviewer: reviewer.clone(),
            reviewer_name,
            rule: &decision.rule,
            reason: &decision.reason,
        };
        vars.insert("draft".into(), draft.var());
        let subject = format!("draft:{draft_id}");
        if pl.state == DraftState::AutoSent {
            audits.push(AuditEntry {
                actor_kind: "automation",
                actor_id: None,
                action: "draft.auto_sent",
                subject,
                detail: json!({ "rule": decision.rule, "source": pl.source, "channel": channel }),
            });
        } else {
            audits.push(AuditEntry {
                actor_kind: "automation",
                actor_id: None,
                action: "draft.created",
                subject,
                detail: json!({ "rule": decision.rule, "reviewer_role": pl.role, "reviewer": reviewer,
                                "topics": pl.topics, "source": pl.source }),
            });
            if let Some(r) = &reviewer {
                notify.push(notice(
                    r,
                    "review",
                    &thread.id,
                    &format!(
                        "Draft to review · {} · {}: {}",
                        thread.creator_name, thread.campaign_name, decision.reason
                    ),
                    "Automation",
                ));
            }
        }
    }
    if !notify.is_empty() {
        vars.insert("notify".into(), Value::Array(notify));
    }
    let mut extra = Extra {
        before,
        after: String::new(),
        vars,
    };
    crate::store::drafts::cancel_open(&mut extra, CancelReason::CreatorReplied, None);
    // The new draft is created after the stale ones are canceled.
    extra.before.push_str(draft_sql);
    if extra.vars.contains_key("notify") {
        extra.after.push_str(NOTIFY_STATEMENT);
    }
    extra.vars.insert("audits".into(), audits_var(&audits));
    extra.after.push_str(AUDITS_STATEMENT);

    match planned {
        Some(pl) if pl.state == DraftState::AutoSent => {
            let sender = Sender {
                kind: SenderKind::Automation,
                id: None,
                name: "Automation".into(),
            };
            let domain = state.config.email_domain();
            let msg = match outgoing_reply(db, &p.ws, &thread, sender, &pl.text, None, &domain, now)
                .await
            {
                Ok(m) => m,
                Err(WriteError::Db(e)) => return Err(e),
                Err(_) => {
                    return Err(DbError::Other(
                        "the reply rule refused the automatic reply".into(),
                    ))
                }
            };
            let queued = msg.status == DeliveryStatus::Queued;
            append_with(db, &p.ws, &mut thread, msg, extra).await?;
            Ok(queued)
        }
        _ => {
            let mut vars = extra.vars;
            for (k, v) in [
                ("ws", json!(p.ws)),
                ("tid", json!(thread.id)),
                ("now", json!(now)),
            ] {
                vars.insert(k.into(), v);
            }
            let sql = format!(
                "BEGIN TRANSACTION;\n{}{}COMMIT TRANSACTION;",
                extra.before, extra.after
            );
            exec_transaction(db, &sql, Value::Object(vars)).await?;
            Ok(false)
        }
    }
}

/// A message the worker could not decide is marked so (it is not retried forever); a person
/// answers it as usual.
pub async fn give_up(db: &Db, p: &Pending, now: i64) -> Result<(), DbError> {
    let decision = Decision {
        action: Action::Nothing,
        stage: None,
        rule: "error".into(),
        reason: "automation could not decide this message: a teammate answers".into(),
    };
    exec(
        db,
        "UPDATE type::record('message', $m) SET policy_pending = NONE, decision = $d WHERE policy_pending = true;",
        json!({ "m": p.id, "d": decision, "now": now }),
    )
    .await?;
    Ok(())
}

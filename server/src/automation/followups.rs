//! Firing due follow-ups. Each is claimed with a lease, checked again against the enrollment's
//! situation (canceled with the reason when it no longer applies), then carried out through the
//! campaign's response policy: a nudge is sent by automation only on a channel automation may use,
//! outside quiet hours and under the daily cap — otherwise it becomes a draft for a person to
//! approve (never an automated Instagram DM); "stale" marks the thread; an escalation notifies
//! the managers. The next follow-up is planned after each.

use crate::db::{exec, exec_transaction, DbError};
use crate::state::AppState;
use crate::store::audit::{audits_var, AuditEntry, AUDITS_STATEMENT};
use crate::store::drafts::CREATE_STATEMENT;
use crate::store::followups::{claim_due, replan_after, situation, Due};
use crate::store::notifications::{entry as notice, NOTIFY_STATEMENT};
use crate::store::policy_facts as facts;
use crate::store::thread_write::{append_with, outgoing_reply, Extra, Sender};
use app::domain::followup::{check, Cancel, FollowupAction};
use app::domain::language::render;
use app::domain::reply_channel::{reply_options, SenderKind as Who};
use app::model::{Role, SenderKind};
use serde_json::{json, Map, Value};

const BATCH: usize = 16;

/// One pass: fires what is due. Returns how many it took.
pub async fn run_once(state: &AppState, owner: &str) -> Result<usize, DbError> {
    let now = state.clock.now_ms();
    let due = claim_due(&state.db, owner, now, BATCH).await?;
    for d in &due {
        if let Err(e) = fire(state, d, now).await {
            tracing::error!(error = %e, followup = %d.id, "follow-up failed");
            exec(
                &state.db,
                "UPDATE type::record('followup', $id) SET state = 'canceled', cancel_reason = 'failed', updated_at = $now;",
                json!({ "id": d.id, "now": now }),
            )
            .await?;
        }
    }
    Ok(due.len())
}

async fn cancel(state: &AppState, d: &Due, why: Cancel, now: i64) -> Result<(), DbError> {
    exec(
        &state.db,
        "UPDATE type::record('followup', $id) SET state = 'canceled', cancel_reason = $why, updated_at = $now
             WHERE state = 'scheduled';",
        json!({ "id": d.id, "why": why.as_str(), "now": now }),
    )
    .await?;
    Ok(())
}

async fn fire(state: &AppState, d: &Due, now: i64) -> Result<(), DbError> {
    let db = &state.db;
    let Some((s, rules)) = situation(db, &d.ws, &d.thread_id, now).await? else {
        return cancel(state, d, Cancel::NotNeeded, now).await;
    };
    // A rule the campaign turned off since it was planned does not fire.
    let Some(rule) = rules.iter().find(|r| r.key == d.rule) else {
        return cancel(state, d, Cancel::NotNeeded, now).await;
    };
    if let Err(why) = check(rule, &s, d.due_at, now) {
        cancel(state, d, why, now).await?;
        replan_after(db, &d.ws, &d.thread_id, why, now).await;
        return Ok(());
    }
    let caller = super::system_caller(&d.ws);
    let Some(row) = crate::store::threads::find(db, &caller, &d.thread_id).await? else {
        return cancel(state, d, Cancel::NotNeeded, now).await;
    };
    let mut thread = row.summary;
    let f = facts::load(
        db,
        &d.ws,
        &thread.campaign_id,
        &row.enrollment_id,
        &thread.creator_id,
        now,
    )
    .await?;
    let subject = format!("thread:{}", thread.id);
    let mut vars = Map::new();
    for (k, v) in [
        ("fid", json!(d.id)),
        ("eid", json!(row.enrollment_id)),
        ("ws", json!(d.ws)),
        ("now", json!(now)),
        ("tid", json!(thread.id)),
    ] {
        vars.insert(k.into(), v);
    }
    let bump = "UPDATE type::record('enrollment', $eid) SET followups_fired = (followups_fired ?? 0) + 1;\n";
    match &rule.action {
        FollowupAction::MarkStale => {
            let audits = [AuditEntry {
                actor_kind: "automation",
                actor_id: None,
                action: "followup.stale",
                subject,
                detail: json!({ "rule": rule.key }),
            }];
            vars.insert("audits".into(), audits_var(&audits));
            exec_transaction(
                db,
                &format!(
                    "BEGIN TRANSACTION;
                     UPDATE type::record('followup', $fid) SET state = 'stale', updated_at = $now;
                     UPDATE type::record('thread', $tid) SET stale = true;
                     {bump}{AUDITS_STATEMENT}
                     COMMIT TRANSACTION;"
                ),
                Value::Object(vars),
            )
            .await?;
        }
        FollowupAction::Escalate => {
            let managers: Vec<Value> = f
                .team
                .iter()
                .filter(|c| matches!(c.role, Role::Owner | Role::Manager))
                .map(|c| {
                    notice(
                        &c.id,
                        "escalation",
                        &thread.id,
                        &format!(
                            "Content from {} ({}) has waited {} days for approval",
                            thread.creator_name, thread.campaign_name, rule.days
                        ),
                        "Follow-ups",
                    )
                })
                .collect();
            let audits = [AuditEntry {
                actor_kind: "automation",
                actor_id: None,
                action: "followup.escalated",
                subject,
                detail: json!({ "rule": rule.key, "notified": managers.len() }),
            }];
            vars.insert("audits".into(), audits_var(&audits));
            vars.insert("notify".into(), Value::Array(managers));
            exec_transaction(
                db,
                &format!(
                    "BEGIN TRANSACTION;
                     UPDATE type::record('followup', $fid) SET state = 'escalated', updated_at = $now;
                     {bump}{NOTIFY_STATEMENT}{AUDITS_STATEMENT}
                     COMMIT TRANSACTION;"
                ),
                Value::Object(vars),
            )
            .await?;
        }
        FollowupAction::Nudge { template } => {
            let body = f.wording(template);
            let fields = f.merge_fields(&thread, None);
            let text = render(&body, &fields)
                .map_err(|e| DbError::Other(format!("follow-up wording: {e}")))?;
            let policy = f.campaign.policy();
            let rf =
                crate::store::reply_facts::load(db, &d.ws, &thread.id, &thread.creator_id).await?;
            let Some(channel) = reply_options(&rf, Who::Automation, now).default else {
                cancel(state, d, Cancel::OptedOut, now).await?;
                return Ok(());
            };
            let hour = app::domain::policy::local_hour(now, f.utc_offset_minutes);
            let held =
                app::domain::policy::automation_held(&policy, channel, hour, f.auto_sent_today);
            let rule_name = format!("followup:{}", rule.key);
            match held {
                Some(why) => {
                    // A draft for a person (assigned like any draft held by the policy).
                    let reviewer = app::domain::draft::pick_reviewer(
                        Role::Member,
                        thread.assignee_id.as_deref(),
                        &f.team,
                    );
                    let reviewer_name = reviewer.as_deref().and_then(|r| f.name_of(r));
                    let draft = crate::store::drafts::NewDraft {
                        id: crate::ids::new_id(),
                        thread: &thread,
                        trigger: None,
                        trigger_text: "Follow-up: no answer yet".into(),
                        state: app::domain::draft::DraftState::PendingReview,
                        text: &text,
                        source: &format!("library:{template}"),
                        topics: &[],
                        reviewer_role: Role::Member,
                        reviewer,
                        reviewer_name,
                        rule: &rule_name,
                        reason: &why,
                    };
                    vars.insert("draft".into(), draft.var());
                    let audits = [AuditEntry {
                        actor_kind: "automation",
                        actor_id: None,
                        action: "followup.drafted",
                        subject,
                        detail: json!({ "rule": rule.key, "reason": why }),
                    }];
                    vars.insert("audits".into(), audits_var(&audits));
                    exec_transaction(
                        db,
                        &format!(
                            "BEGIN TRANSACTION;
                             UPDATE type::record('followup', $fid) SET state = 'drafted', updated_at = $now;
                             {CREATE_STATEMENT}
                             {bump}{AUDITS_STATEMENT}
                             COMMIT TRANSACTION;"
                        ),
                        Value::Object(vars),
                    )
                    .await?;
                }
                None => {
                    let sender = Sender {
                        kind: SenderKind::Automation,
                        id: None,
                        name: "Automation".into(),
                    };
                    let domain = state.config.email_domain();
                    let msg = outgoing_reply(
                        db,
                        &d.ws,
                        &thread,
                        sender,
                        &text,
                        Some(channel),
                        &domain,
                        now,
                    )
                    .await
                    .map_err(|_| DbError::Other("the reply rule refused the follow-up".into()))?;
                    let queued = msg.status == app::model::DeliveryStatus::Queued;
                    let audits = [AuditEntry {
                        actor_kind: "automation",
                        actor_id: None,
                        action: "followup.sent",
                        subject,
                        detail: json!({ "rule": rule.key, "channel": channel, "message": msg.id }),
                    }];
                    vars.insert("audits".into(), audits_var(&audits));
                    let extra = Extra {
                        before: format!(
                            "LET $claimed = (UPDATE type::record('followup', $fid) SET state = 'sent', message = type::record('message', $mid),
                                 updated_at = $now WHERE state = 'scheduled' RETURN AFTER);
                             IF array::len($claimed) = 0 {{ THROW 'already fired' }};
                             {bump}"
                        ),
                        after: AUDITS_STATEMENT.to_string(),
                        vars,
                    };
                    append_with(db, &d.ws, &mut thread, msg, extra).await?;
                    if queued {
                        state.outbound.ring();
                    }
                }
            }
        }
    }
    replan_after(db, &d.ws, &d.thread_id, Cancel::NotNeeded, now).await;
    Ok(())
}

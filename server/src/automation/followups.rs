//! Firing due follow-ups. Each is claimed with a lease, checked again against the enrollment's
//! situation (canceled with the reason when it no longer applies), then carried out through the
//! campaign's response policy: a nudge is sent by automation only on a channel automation may use,
//! outside quiet hours and under the daily cap — otherwise it becomes a draft for a person to
//! approve (never an automated Instagram DM); "stale" marks the thread; an escalation notifies
//! the managers. The next follow-up is planned after each.

use super::facts;
use crate::backend::SurrealBackend;
use crate::db::{exec, exec_transaction, DbError};
use crate::store::audit::{audits_var, AuditEntry, AUDITS_STATEMENT};
use crate::store::followups::{claim_due, replan_after, rules, situation, Due};
use crate::store::notifications::{entry as notice, NOTIFY_STATEMENT};
use crate::store::thread_write::{append_with, outgoing_reply, Extra, Sender};
use app::api::backend::{Caller, Scope};
use app::domain::followup::{check, Cancel, FollowupAction};
use app::domain::language::render;
use app::domain::reply_channel::{reply_options, SenderKind as Who};
use app::model::{Role, SenderKind};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

const BATCH: usize = 16;

/// One pass: fires what is due. Returns how many it took.
pub async fn run_once(backend: &SurrealBackend, owner: &str) -> Result<usize, DbError> {
    let now = backend.clock.now_ms();
    let due = claim_due(&backend.db, owner, now, BATCH).await?;
    for d in &due {
        if let Err(e) = fire(backend, d, now).await {
            tracing::error!(error = %e, followup = %d.id, "follow-up failed");
            exec(
                &backend.db,
                "UPDATE type::record('followup', $id) SET state = 'canceled', cancel_reason = 'failed', updated_at = $now;",
                json!({ "id": d.id, "now": now }),
            )
            .await?;
        }
    }
    Ok(due.len())
}

async fn cancel(backend: &SurrealBackend, d: &Due, why: Cancel, now: i64) -> Result<(), DbError> {
    exec(
        &backend.db,
        "UPDATE type::record('followup', $id) SET state = 'canceled', cancel_reason = $why, updated_at = $now
             WHERE state = 'scheduled';",
        json!({ "id": d.id, "why": why.as_str(), "now": now }),
    )
    .await?;
    Ok(())
}

async fn fire(backend: &SurrealBackend, d: &Due, now: i64) -> Result<(), DbError> {
    let db = &backend.db;
    let rules = rules();
    let Some(rule) = rules.iter().find(|r| r.key == d.rule) else {
        return cancel(backend, d, Cancel::NotNeeded, now).await;
    };
    let Some(s) = situation(db, &d.ws, &d.thread_id, now).await? else {
        return cancel(backend, d, Cancel::NotNeeded, now).await;
    };
    if let Err(why) = check(rule, &s, d.due_at, now) {
        cancel(backend, d, why, now).await?;
        replan_after(db, &d.ws, &d.thread_id, why, now).await;
        return Ok(());
    }
    let caller = Caller {
        user_id: "automation".into(),
        workspace_id: d.ws.clone(),
        role: Role::Owner,
        scope: Scope::Workspace,
    };
    let Some(row) = crate::store::threads::find(db, &caller, &d.thread_id).await? else {
        return cancel(backend, d, Cancel::NotNeeded, now).await;
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
            let body = f
                .library
                .iter()
                .find(|x| &x.key == template)
                .map(|x| x.body.clone())
                .unwrap_or_default();
            let brand = f.campaign.brand.clone().unwrap_or_default();
            let fields: BTreeMap<&str, String> = BTreeMap::from([
                (
                    "first_name",
                    thread
                        .creator_name
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_string(),
                ),
                ("creator", thread.creator_name.clone()),
                ("campaign", f.campaign.name.clone()),
                ("brand", brand.clone()),
                ("deliverables", f.campaign.deliverables.join(", ")),
                ("compensation", f.campaign.compensation.clone()),
                (
                    "post_by",
                    f.campaign
                        .post_by
                        .map(app::domain::time_fmt::short_date)
                        .unwrap_or_default(),
                ),
                ("guidance", f.campaign.creator_guidance.clone()),
                (
                    "sender",
                    if brand.is_empty() {
                        "The team".into()
                    } else {
                        format!("The {brand} team")
                    },
                ),
            ]);
            let text = render(&body, &fields)
                .map_err(|e| DbError::Other(format!("follow-up wording: {e}")))?;
            let policy = f.campaign.policy();
            let rf =
                crate::store::reply_facts::load(db, &d.ws, &thread.id, &thread.creator_id).await?;
            let Some(channel) = reply_options(&rf, Who::Automation, now).default else {
                cancel(backend, d, Cancel::OptedOut, now).await?;
                return Ok(());
            };
            let hour = ((now / 60_000 + f.utc_offset_minutes).rem_euclid(1440) / 60) as u8;
            let quiet = match policy.quiet_hours {
                Some((a, b)) if a <= b => hour >= a && hour < b,
                Some((a, b)) => hour >= a || hour < b,
                None => false,
            };
            let held = if !policy.automation_channels.contains(&channel) {
                Some(format!("no automated messages on {}", channel.label()))
            } else if quiet {
                Some("quiet hours: held for a person to send".to_string())
            } else if f.auto_sent_today >= policy.max_auto_per_creator_per_day {
                Some("the daily cap of automatic messages is reached".to_string())
            } else {
                None
            };
            let rule_name = format!("followup:{}", rule.key);
            match held {
                Some(why) => {
                    // A draft for a person (assigned like any draft held by the policy).
                    let reviewer = app::domain::draft::pick_reviewer(
                        Role::Member,
                        thread.assignee_id.as_deref(),
                        &f.team,
                    );
                    let reviewer_name = reviewer.as_ref().and_then(|r| {
                        f.names
                            .iter()
                            .find(|(id, _)| id == r)
                            .map(|(_, n)| n.clone())
                    });
                    let audits = [AuditEntry {
                        actor_kind: "automation",
                        actor_id: None,
                        action: "followup.drafted",
                        subject,
                        detail: json!({ "rule": rule.key, "reason": why }),
                    }];
                    for (k, v) in [
                        ("did", json!(crate::ids::new_id())),
                        ("creator", json!(thread.creator_id)),
                        ("campaign", json!(thread.campaign_id)),
                        ("creator_name", json!(thread.creator_name)),
                        ("campaign_name", json!(thread.campaign_name)),
                        ("text", json!(text)),
                        ("source", json!(format!("library:{template}"))),
                        ("reviewer", json!(reviewer)),
                        ("reviewer_name", json!(reviewer_name)),
                        ("rule", json!(rule_name)),
                        ("reason", json!(why)),
                        ("audits", audits_var(&audits)),
                    ] {
                        vars.insert(k.into(), v);
                    }
                    exec_transaction(
                        db,
                        &format!(
                            "BEGIN TRANSACTION;
                             UPDATE type::record('followup', $fid) SET state = 'drafted', updated_at = $now;
                             CREATE type::record('draft', $did) SET workspace = type::record('workspace', $ws), thread = type::record('thread', $tid),
                                 creator = type::record('creator', $creator), campaign = type::record('campaign', $campaign),
                                 creator_name = $creator_name, campaign_name = $campaign_name, trigger_text = 'Follow-up: no answer yet',
                                 state = 'pending_review', text = $text, source = $source, edited = false, topics = [], reviewer_role = 'member',
                                 reviewer = IF $reviewer != NONE THEN type::record('user', $reviewer) ELSE NONE END, reviewer_name = $reviewer_name,
                                 rule = $rule, reason = $reason, created_at = $now, updated_at = $now;
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
                    let domain = backend.config.email_domain();
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
                        backend.outbound.ring();
                    }
                }
            }
        }
    }
    replan_after(db, &d.ws, &d.thread_id, Cancel::NotNeeded, now).await;
    Ok(())
}

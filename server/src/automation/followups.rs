//! Firing due follow-ups. Each is claimed with a lease, checked again against the enrollment's
//! situation (canceled with the reason when it no longer applies), then carried out through the
//! campaign's response policy: a nudge is sent by automation only on a channel automation may use,
//! outside quiet hours and under the daily cap — otherwise it becomes a draft for a person to
//! approve (never an automated Instagram DM); "stale" marks the thread; an escalation notifies
//! the managers. The next follow-up is planned after each.

use crate::db::DbError;
use crate::state::AppState;
use crate::store::drafts::NewDraft;
use crate::store::followup_outcomes::{self as outcomes, Fired};
use crate::store::followups::{claim_due, replan_after, situation, Due};
use crate::store::notifications::entry as notice;
use crate::store::policy_facts as facts;
use crate::store::thread_write::{outgoing_reply, Sender};
use app::domain::draft::DraftState;
use app::domain::followup::{check, Cancel, FollowupAction};
use app::domain::language::render;
use app::domain::reply_channel::{reply_options, SenderKind as Who};
use app::model::{Channel, DeliveryStatus, Role, SenderKind, ThreadSummary};
use serde_json::Value;

const BATCH: usize = 16;

/// One pass: fires what is due. Returns how many it took.
pub async fn run_once(state: &AppState, owner: &str) -> Result<usize, DbError> {
    let now = state.clock.now_ms();
    let due = claim_due(&state.db, owner, now, BATCH).await?;
    for d in &due {
        if let Err(e) = fire(state, d, now).await {
            tracing::error!(error = %e, followup = %d.id, "follow-up failed");
            outcomes::fail(&state.db, &d.id, now).await?;
        }
    }
    Ok(due.len())
}

/// Checks a due follow-up against the situation now and carries it out, then plans the next.
async fn fire(state: &AppState, d: &Due, now: i64) -> Result<(), DbError> {
    let db = &state.db;
    let Some((s, rules)) = situation(db, &d.ws, &d.thread_id, now).await? else {
        return outcomes::cancel(db, &d.id, Cancel::NotNeeded, now).await;
    };
    // A rule the campaign turned off since it was planned does not fire.
    let Some(rule) = rules.iter().find(|r| r.key == d.rule) else {
        return outcomes::cancel(db, &d.id, Cancel::NotNeeded, now).await;
    };
    if let Err(why) = check(rule, &s, d.due_at, now) {
        outcomes::cancel(db, &d.id, why, now).await?;
        replan_after(db, &d.ws, &d.thread_id, why, now).await;
        return Ok(());
    }
    let caller = super::system_caller(&d.ws);
    let Some(row) = crate::store::threads::find(db, &caller, &d.thread_id).await? else {
        return outcomes::cancel(db, &d.id, Cancel::NotNeeded, now).await;
    };
    let mut thread = row.summary;
    let (campaign, creator) = (&thread.campaign_id, &thread.creator_id);
    let f = facts::load(db, &d.ws, campaign, &row.enrollment_id, creator, now).await?;
    let fired = Fired {
        due: d,
        enrollment_id: &row.enrollment_id,
        thread_id: &d.thread_id,
        now,
    };
    match &rule.action {
        FollowupAction::MarkStale => outcomes::mark_stale(db, &fired).await?,
        FollowupAction::Escalate => {
            let notices = escalation_notices(&f, &thread, rule.days);
            outcomes::escalate(db, &fired, notices).await?
        }
        FollowupAction::Nudge { template, channel } => {
            if !nudge(state, &fired, &mut thread, &f, (template, *channel)).await? {
                return Ok(());
            }
        }
    }
    replan_after(db, &d.ws, &d.thread_id, Cancel::NotNeeded, now).await;
    Ok(())
}

/// One notice for each owner and manager: content has waited `days` for approval.
fn escalation_notices(f: &facts::Facts, thread: &ThreadSummary, days: u32) -> Vec<Value> {
    let text = format!(
        "Content from {} ({}) has waited {days} days for approval",
        thread.creator_name, thread.campaign_name
    );
    f.team
        .iter()
        .filter(|c| matches!(c.role, Role::Owner | Role::Manager))
        .map(|c| notice(&c.id, "escalation", &thread.id, &text, "Follow-ups"))
        .collect()
}

/// Sends the nudge through the campaign's policy: by automation when it may, else as a draft for
/// a person. `false` when no channel reaches the creator any more (the follow-up is canceled and
/// nothing more is planned).
async fn nudge(
    state: &AppState,
    fired: &Fired<'_>,
    thread: &mut ThreadSummary,
    f: &facts::Facts,
    (template, preferred): (&str, Option<Channel>),
) -> Result<bool, DbError> {
    let (db, d, now) = (&state.db, fired.due, fired.now);
    let fields = f.merge_fields(thread, None);
    let text = render(&f.wording(template), &fields)
        .map_err(|e| DbError::Other(format!("follow-up wording: {e}")))?;
    let rf = crate::store::reply_facts::load(db, &d.ws, &thread.id, &thread.creator_id).await?;
    let options = reply_options(&rf, Who::Automation, now);
    // The rule's channel when automation may use it now, else the reply rule's default.
    let Some(channel) = preferred
        .filter(|c| {
            options
                .options
                .iter()
                .any(|o| o.channel == *c && o.available)
        })
        .or(options.default)
    else {
        outcomes::cancel(db, &d.id, Cancel::OptedOut, now).await?;
        return Ok(false);
    };
    let hour = app::domain::policy::local_hour(now, f.utc_offset_minutes);
    let policy = f.campaign.policy();
    let held = app::domain::policy::automation_held(&policy, channel, hour, f.auto_sent_today);
    if let Some(why) = held {
        // A draft for a person (assigned like any draft held by the policy).
        let assignee = thread.assignee_id.as_deref();
        let reviewer = app::domain::draft::pick_reviewer(Role::Member, assignee, &f.team);
        let draft = NewDraft {
            id: crate::ids::new_id(),
            thread,
            trigger: None,
            trigger_text: "Follow-up: no answer yet".into(),
            state: DraftState::PendingReview,
            text: &text,
            source: &format!("library:{template}"),
            topics: &[],
            reviewer_role: Role::Member,
            reviewer_name: reviewer.as_deref().and_then(|r| f.name_of(r)),
            reviewer,
            rule: &format!("followup:{}", d.rule),
            reason: &why,
            author: None,
        };
        outcomes::hold(db, fired, draft, &why).await?;
        return Ok(true);
    }
    let sender = Sender {
        kind: SenderKind::Automation,
        id: None,
        name: "Automation".into(),
    };
    let domain = state.config.email_domain();
    let msg = outgoing_reply(
        db,
        &d.ws,
        thread,
        sender,
        &text,
        Some(channel),
        &domain,
        now,
    )
    .await
    .map_err(|_| DbError::Other("the reply rule refused the follow-up".into()))?;
    let queued = msg.status == DeliveryStatus::Queued;
    outcomes::send(db, fired, thread, msg).await?;
    if queued {
        state.outbound.ring();
    }
    Ok(true)
}

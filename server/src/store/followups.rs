//! Follow-ups as durable jobs: what an enrollment's situation is, planning its next follow-up
//! (`replan`, called after anything that changes the situation), claiming due ones with a lease,
//! and a thread's follow-ups for display.

use crate::db::{exec, exec_transaction, first, rows, Db, DbError};
use app::domain::followup::{apply, next, Cancel, FollowupRule, RuleSetting, Situation};
use app::domain::reply_channel::{reply_options, SenderKind as Who};
use app::model::{FollowupView, Stage};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
struct Row {
    stage: Stage,
    stage_at: i64,
    fired: u8,
    shipping: bool,
    stale: Option<bool>,
    campaign_status: String,
    /// The creator was removed from the campaign (the thread is archived).
    archived: bool,
    post_by: Option<i64>,
    creator: String,
    last_out: Option<i64>,
    last_in: Option<i64>,
    followups: Option<serde_json::Value>,
}

/// A campaign's own follow-up settings as stored (`{ rules: [...] }`); none when unreadable.
pub fn stored_settings(v: Option<&serde_json::Value>) -> Vec<RuleSetting> {
    v.and_then(|v| serde_json::from_value(v["rules"].clone()).ok())
        .unwrap_or_default()
}

/// The enrollment behind `thread_id` as the follow-up rules see it, and the rules its campaign
/// follows (the defaults changed by the campaign's settings).
pub async fn situation(
    db: &Db,
    ws: &str,
    thread_id: &str,
    now: i64,
) -> Result<Option<(Situation, Vec<FollowupRule>)>, DbError> {
    let mut resp = exec(
        db,
        "SELECT enrollment.stage AS stage, enrollment.stage_at ?? enrollment.updated_at AS stage_at,
                enrollment.followups_fired ?? 0 AS fired, enrollment.shipping_info != NONE AS shipping, stale,
                campaign.status AS campaign_status, archived_at != NONE AS archived, campaign.post_by AS post_by, campaign.followups AS followups,
                record::id(creator) AS creator,
                (SELECT VALUE at FROM message WHERE thread = $parent.id AND direction = 'outbound' ORDER BY newest_first LIMIT 1)[0] AS last_out,
                (SELECT VALUE at FROM message WHERE thread = $parent.id AND direction = 'inbound' ORDER BY newest_first LIMIT 1)[0] AS last_in
             FROM ONLY type::record('thread', $t) WHERE workspace = type::record('workspace', $ws);",
        json!({ "t": thread_id, "ws": ws }),
    )
    .await?;
    let Some(r) = first::<Row>(&mut resp, 0)? else {
        return Ok(None);
    };
    let facts = super::reply_facts::load(db, ws, thread_id, &r.creator).await?;
    let opted_out = app::domain::followup::opted_out(&facts.identities)
        || reply_options(&facts, Who::Automation, now)
            .default
            .is_none();
    let rules = apply(&stored_settings(r.followups.as_ref()));
    Ok(Some((
        Situation {
            stage: r.stage,
            stage_at: r.stage_at,
            last_outbound_at: r.last_out,
            last_inbound_at: r.last_in,
            fired_in_stage: r.fired,
            has_shipping_info: r.shipping,
            post_by: r.post_by,
            // Removed from the campaign: over for it, as if the campaign had closed.
            campaign_closed: r.campaign_status == "closed" || r.archived,
            opted_out,
            stale: r.stale.unwrap_or(false),
        },
        rules,
    )))
}

const OVERDUE_GRACE_MS: i64 = 3_600_000;

#[derive(Deserialize)]
struct Scheduled {
    id: String,
    rule: String,
    due_at: i64,
}

/// Plans the thread's next follow-up: a scheduled one that no longer fits is canceled (`why`
/// says what changed), the next is scheduled. Idempotent.
pub async fn replan(
    db: &Db,
    ws: &str,
    thread_id: &str,
    why: Cancel,
    now: i64,
) -> Result<(), DbError> {
    let Some((s, rules)) = situation(db, ws, thread_id, now).await? else {
        return Ok(());
    };
    // A follow-up already overdue when planned (history imported, a server that was off) fires an
    // hour later at the earliest, so a start-up never sends a burst.
    let planned = next(&rules, &s).map(|(r, t)| (r, t.max(now + OVERDUE_GRACE_MS)));
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, rule, due_at FROM followup WHERE thread = type::record('thread', $t) AND state = 'scheduled';",
        json!({ "t": thread_id }),
    )
    .await?;
    let current: Vec<Scheduled> = rows(&mut resp, 0)?;
    let keep = |c: &Scheduled| planned.is_some_and(|(r, t)| r.key == c.rule && t == c.due_at);
    let stale_ids: Vec<&str> = current
        .iter()
        .filter(|c| !keep(c))
        .map(|c| c.id.as_str())
        .collect();
    let create = planned.filter(|_| !current.iter().any(keep));
    if stale_ids.is_empty() && create.is_none() {
        return Ok(());
    }
    let reason = match (why, s.opted_out, s.campaign_closed) {
        (_, _, true) => Cancel::CampaignClosed,
        (_, true, _) => Cancel::OptedOut,
        (w, _, _) => w,
    };
    let (rule, step, due) = create.map_or((None, 0, 0), |(r, t)| (Some(r.key.clone()), r.step, t));
    exec_transaction(
        db,
        "BEGIN TRANSACTION;
         FOR $id IN $cancel {
             UPDATE type::record('followup', $id) SET state = 'canceled', cancel_reason = $reason, updated_at = $now
                 WHERE state = 'scheduled';
         };
         IF $rule != NONE {
             CREATE followup SET workspace = type::record('workspace', $ws), thread = type::record('thread', $t),
                 rule = $rule, step = $step, due_at = $due, state = 'scheduled', created_at = $now, updated_at = $now;
         };
         COMMIT TRANSACTION;",
        json!({ "cancel": stale_ids, "reason": reason.as_str(), "now": now, "ws": ws, "t": thread_id,
                "rule": rule, "step": step, "due": due }),
    )
    .await?;
    Ok(())
}

/// A teammate cancels a scheduled follow-up of a thread they may see: it will not be sent, and it
/// counts as its step (the stage's next follow-up, if any, is planned after it), audited in the
/// same transaction. `false`: no such scheduled follow-up.
pub async fn cancel_by_hand(
    db: &Db,
    caller: &app::api::backend::Caller,
    followup_id: &str,
    now: i64,
) -> Result<bool, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE record::id(thread) FROM type::record('followup', $fid)
             WHERE state = 'scheduled' AND workspace = type::record('workspace', $ws);",
        json!({ "fid": followup_id, "ws": caller.workspace_id }),
    )
    .await?;
    let Some(thread): Option<String> = first(&mut resp, 0)? else {
        return Ok(false);
    };
    // The caller's scope decides whether they may see (and so change) the thread.
    if super::threads::find(db, caller, &thread).await?.is_none() {
        return Ok(false);
    }
    let mut vars = serde_json::Map::new();
    vars.insert("ws".into(), json!(caller.workspace_id));
    vars.insert("fid".into(), json!(followup_id));
    super::audit::AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "followup.canceled",
        subject: format!("thread:{thread}"),
        detail: json!({ "followup": followup_id, "reason": Cancel::ByHand.as_str() }),
    }
    .bind(&mut vars);
    vars.insert("tid".into(), json!(thread));
    vars.insert("now".into(), json!(now));
    vars.insert("reason".into(), json!(Cancel::ByHand.as_str()));
    let done = exec_transaction(
        db,
        &format!(
            "BEGIN TRANSACTION;
             LET $gone = (UPDATE type::record('followup', $fid) SET state = 'canceled', cancel_reason = $reason, updated_at = $now
                 WHERE state = 'scheduled' RETURN VALUE id);
             IF array::len($gone) = 0 {{ THROW 'already fired'; }};
             UPDATE (SELECT VALUE enrollment FROM ONLY type::record('thread', $tid)) SET followups_fired += 1;
             {}
             COMMIT TRANSACTION;",
            super::audit::AUDIT_STATEMENT
        ),
        serde_json::Value::Object(vars),
    )
    .await;
    match done {
        Ok(_) => {}
        Err(e) if e.to_string().contains("already fired") => return Ok(false),
        Err(e) => return Err(e),
    }
    replan_after(db, &caller.workspace_id, &thread, Cancel::ByHand, now).await;
    Ok(true)
}

/// Plans after a change, logging (not failing) when planning fails: the change itself is done.
pub async fn replan_after(db: &Db, ws: &str, thread_id: &str, why: Cancel, now: i64) {
    if let Err(e) = replan(db, ws, thread_id, why, now).await {
        tracing::warn!(error = %e, thread = %thread_id, "follow-up planning failed");
    }
}

#[derive(Deserialize, Clone)]
pub struct Due {
    pub id: String,
    pub ws: String,
    pub thread_id: String,
    pub rule: String,
    pub due_at: i64,
}

/// Claims up to `n` due follow-ups for `owner` (a lease of a minute; a dead worker's lease lapses).
pub async fn claim_due(db: &Db, owner: &str, now: i64, n: usize) -> Result<Vec<Due>, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE record::id(id) FROM followup WHERE state = 'scheduled' AND due_at <= $now
             AND (lease_until = NONE OR lease_until < $now) LIMIT $n;",
        json!({ "now": now, "n": n }),
    )
    .await?;
    let ids: Vec<String> = resp.take(0)?;
    let mut out = Vec::new();
    for id in ids {
        let mut resp = exec(
            db,
            "UPDATE type::record('followup', $id) SET lease_owner = $owner, lease_until = $until
                 WHERE state = 'scheduled' AND (lease_until = NONE OR lease_until < $now)
                 RETURN record::id(id) AS id, record::id(workspace) AS ws, record::id(thread) AS thread_id, rule, due_at;",
            json!({ "id": id, "owner": owner, "until": now + 60_000, "now": now }),
        )
        .await?;
        if let Some(d) = first::<Due>(&mut resp, 0)? {
            out.push(d);
        }
    }
    Ok(out)
}

/// A thread's follow-ups, newest first.
pub async fn for_thread(db: &Db, thread_id: &str) -> Result<Vec<FollowupView>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, rule, step, due_at, state, cancel_reason, updated_at FROM followup
             WHERE thread = type::record('thread', $t) ORDER BY created_at DESC LIMIT 5;",
        json!({ "t": thread_id }),
    )
    .await?;
    rows(&mut resp, 0)
}

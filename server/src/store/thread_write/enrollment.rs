//! Stage moves and assignment, each with its audit event.

use super::*;
use crate::db::{exec, first, Db};
use crate::store::audit::{AuditEntry, AUDIT_STATEMENT};
use crate::store::entry::next_action_follows;
use crate::store::threads::{find, ENROLLMENT_FIELDS};
use app::api::backend::Caller;
use app::domain::stage::{check_move, default_next_action, StageMoveError};
use app::model::*;
use serde_json::{json, Map, Value};

/// Moves enrollment `$eid` and thread `$tid` to `$stage_to` (decline reason `$stage_reason`) at
/// `$now`, restarting the stage's follow-ups. The next action follows the stage (`$next_from` is
/// the old stage's default, `$next_to` the new one's) unless a teammate wrote their own.
pub const STAGE_MOVE: &str = concat!(
    "UPDATE type::record('enrollment', $eid) SET stage = $stage_to, decline_reason = $stage_reason, updated_at = $now,
         stage_at = $now, followups_fired = 0, ",
    next_action_follows!("$next_from", "$next_to"),
    ";
     UPDATE type::record('thread', $tid) SET stage = $stage_to, decline_reason = $stage_reason, stale = NONE;"
);

/// Binds what [`STAGE_MOVE`] reads besides `$eid`, `$tid` and `$now`.
pub fn bind_stage_move(
    vars: &mut Map<String, Value>,
    from: Stage,
    to: Stage,
    reason: Option<DeclineReason>,
) {
    vars.insert("stage_to".into(), enum_str(to));
    vars.insert(
        "stage_reason".into(),
        reason.map(enum_str).unwrap_or(Value::Null),
    );
    vars.insert("next_from".into(), json!(default_next_action(from)));
    vars.insert("next_to".into(), json!(default_next_action(to)));
}

pub async fn set_stage(
    db: &Db,
    caller: &Caller,
    thread_id: &str,
    stage: Stage,
    reason: Option<DeclineReason>,
    now: i64,
) -> Result<EnrollmentView, WriteError> {
    let row = find(db, caller, thread_id)
        .await?
        .ok_or(WriteError::NotFound)?;
    let from = row.summary.stage;
    check_move(from, stage, reason)
        .map_err(|e: StageMoveError| WriteError::Invalid(e.to_string()))?;
    let mut vars = Map::new();
    vars.insert("ws".into(), json!(caller.workspace_id));
    vars.insert("tid".into(), json!(thread_id));
    vars.insert("eid".into(), json!(row.enrollment_id));
    bind_stage_move(&mut vars, from, stage, reason);
    vars.insert("now".into(), json!(now));
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "enrollment.stage_changed",
        subject: format!("enrollment:{}", row.enrollment_id),
        detail: json!({ "from": from, "to": stage, "reason": reason, "cause": "person" }),
    }
    .bind(&mut vars);
    // Drafts written for the old stage no longer fit.
    let mut cancel = Extra::default();
    crate::store::drafts::cancel_open(
        &mut cancel,
        app::domain::draft::CancelReason::StageChanged,
        Some(&caller.user_id),
    );
    vars.extend(cancel.vars);
    change_enrollment(db, vars, &format!("{STAGE_MOVE}\n{}", cancel.before)).await
}

/// Runs `updates` (which read `$eid`, `$tid` and the bound audit entry) in one transaction with
/// the audit event, then reads the enrollment back.
async fn change_enrollment(
    db: &Db,
    vars: Map<String, Value>,
    updates: &str,
) -> Result<EnrollmentView, WriteError> {
    let sql = format!(
        "BEGIN TRANSACTION;
         {updates}
         {AUDIT_STATEMENT}
         COMMIT TRANSACTION;
         SELECT {ENROLLMENT_FIELDS} FROM ONLY type::record('enrollment', $eid);"
    );
    let mut resp = exec(db, &sql, Value::Object(vars)).await?;
    let n = resp.num_statements();
    first(&mut resp, n - 1)?.ok_or(WriteError::NotFound)
}

pub async fn set_assignee(
    db: &Db,
    caller: &Caller,
    thread_id: &str,
    assignee: Option<&str>,
    now: i64,
) -> Result<EnrollmentView, WriteError> {
    let row = find(db, caller, thread_id)
        .await?
        .ok_or(WriteError::NotFound)?;
    let assignee_name = match assignee {
        None => None,
        Some(id) => {
            let mates = crate::store::inbox::teammates(db, &caller.workspace_id).await?;
            Some(
                mates
                    .into_iter()
                    .find(|m| m.id == id)
                    .ok_or_else(|| {
                        WriteError::Invalid("that person cannot be assigned here".into())
                    })?
                    .name,
            )
        }
    };
    let mut vars = Map::new();
    vars.insert("ws".into(), json!(caller.workspace_id));
    vars.insert("tid".into(), json!(thread_id));
    vars.insert("eid".into(), json!(row.enrollment_id));
    vars.insert("assignee".into(), json!(assignee));
    vars.insert("assignee_name".into(), json!(assignee_name));
    vars.insert("now".into(), json!(now));
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "thread.assigned",
        subject: format!("thread:{thread_id}"),
        detail: json!({ "from": row.summary.assignee_id, "to": assignee }),
    }
    .bind(&mut vars);
    change_enrollment(
        db,
        vars,
        "LET $who = IF $assignee != NONE THEN type::record('user', $assignee) ELSE NONE END;
         UPDATE type::record('enrollment', $eid) SET assignee = $who, updated_at = $now;
         UPDATE type::record('thread', $tid) SET assignee = $who, assignee_name = $assignee_name;",
    )
    .await
}

/// Saves an enrollment's agreed terms, shipping address and next action (empty: the stage's
/// default), audited with the names of what changed.
pub async fn set_terms(
    db: &Db,
    caller: &Caller,
    thread_id: &str,
    terms: &EnrollmentTerms,
    now: i64,
) -> Result<EnrollmentView, WriteError> {
    let row = find(db, caller, thread_id)
        .await?
        .ok_or(WriteError::NotFound)?;
    let next = match terms.next_action.trim() {
        "" => default_next_action(row.summary.stage).to_string(),
        own => own.to_string(),
    };
    let address = terms
        .shipping_info
        .as_ref()
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty());
    let mut vars = Map::new();
    vars.insert("ws".into(), json!(caller.workspace_id));
    vars.insert("tid".into(), json!(thread_id));
    vars.insert("eid".into(), json!(row.enrollment_id));
    vars.insert("terms".into(), json!(terms.agreed_terms.trim()));
    vars.insert("address".into(), json!(address));
    vars.insert("next".into(), json!(next));
    vars.insert("now".into(), json!(now));
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "enrollment.terms_changed",
        subject: format!("enrollment:{}", row.enrollment_id),
        detail: json!({ "next_action": next }),
    }
    .bind(&mut vars);
    change_enrollment(
        db,
        vars,
        "UPDATE type::record('enrollment', $eid) SET agreed_terms = $terms, shipping_info = $address,
             next_action = $next, updated_at = $now;",
    )
    .await
}

//! Content approval on a thread (`domain::content`): approving moves the enrollment to Content
//! approved with the decision audited in the same transaction; asking for changes sends the
//! feedback as a reply — governed like any reply — with the decision audited beside it.

use super::audit::{audits_var, AuditEntry, AUDITS_STATEMENT};
use super::thread_write::{bind_stage_move, post_message, Compose, WriteError, STAGE_MOVE};
use crate::db::{exec, exec_transaction, Db};
use app::api::backend::Caller;
use app::domain::content::{check, ContentDecision};
use app::model::{Channel, ComposeKind, ComposeOutcome};
use serde_json::{json, Map, Value};

/// A teammate's decision on the content of creator message `message_id`.
pub struct Decision<'a> {
    pub thread_id: &'a str,
    pub message_id: &'a str,
    pub decision: ContentDecision,
    pub feedback: &'a str,
    /// The feedback's channel (`None`: the thread's default).
    pub channel: Option<Channel>,
}

/// Carries out `d`; a change request answers with its reply (sent or submitted for review).
pub async fn decide(
    db: &Db,
    caller: &Caller,
    d: Decision<'_>,
    email_domain: &str,
    now: i64,
) -> Result<Option<ComposeOutcome>, WriteError> {
    let row = super::threads::find(db, caller, d.thread_id)
        .await?
        .ok_or(WriteError::NotFound)?;
    let mut resp = exec(
        db,
        "SELECT VALUE id FROM message WHERE id = type::record('message', $mid)
             AND thread = type::record('thread', $tid) AND direction = 'inbound';",
        json!({ "mid": d.message_id, "tid": d.thread_id }),
    )
    .await?;
    let found: Vec<Value> = resp.take(0).map_err(crate::db::DbError::from)?;
    if found.is_empty() {
        return Err(WriteError::NotFound);
    }
    let from = row.summary.stage;
    let to = check(from, d.decision, d.feedback).map_err(WriteError::Invalid)?;
    let decided = AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: d.decision.audit_action(),
        subject: format!("thread:{}", d.thread_id),
        detail: json!({ "message": d.message_id, "stage": to.unwrap_or(from) }),
    };
    if d.decision == ContentDecision::RequestChanges {
        let compose = Compose {
            kind: ComposeKind::Reply,
            text: d.feedback.trim(),
            channel: d.channel,
            also: Some(decided),
        };
        let outcome = post_message(db, caller, d.thread_id, compose, email_domain, now).await?;
        if let Some(stage) = to {
            super::thread_write::set_stage(db, caller, d.thread_id, stage, None, now).await?;
        }
        return Ok(Some(outcome));
    }
    let mut audits = Vec::new();
    let mut vars = Map::new();
    if let Some(stage) = to {
        bind_stage_move(&mut vars, from, stage, None);
        audits.push(AuditEntry {
            actor_kind: "user",
            actor_id: Some(&caller.user_id),
            action: "enrollment.stage_changed",
            subject: format!("enrollment:{}", row.enrollment_id),
            detail: json!({ "from": from, "to": stage, "reason": null, "cause": "content_approved" }),
        });
    }
    audits.push(decided);
    for (k, v) in [
        ("ws", json!(caller.workspace_id)),
        ("tid", json!(d.thread_id)),
        ("eid", json!(row.enrollment_id)),
        ("now", json!(now)),
        ("audits", audits_var(&audits)),
    ] {
        vars.insert(k.into(), v);
    }
    let moving = if to.is_some() { STAGE_MOVE } else { "" };
    exec_transaction(
        db,
        &format!("BEGIN TRANSACTION; {moving} {AUDITS_STATEMENT} COMMIT TRANSACTION;"),
        Value::Object(vars),
    )
    .await?;
    Ok(None)
}

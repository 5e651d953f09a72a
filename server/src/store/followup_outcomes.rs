//! What a fired follow-up writes, each outcome one transaction with its audit event: canceled
//! (with the reason), failed, the thread marked stale, the managers notified of a wait, a nudge
//! held as a draft for a person, or a nudge sent (claimed in the sending transaction, so a
//! follow-up fires at most once).

use super::audit::{audits_var, AuditEntry, AUDITS_STATEMENT};
use super::drafts::{NewDraft, CREATE_STATEMENT};
use super::followups::Due;
use super::notifications::NOTIFY_STATEMENT;
use super::thread_write::{append_with, Extra, NewMessage};
use crate::db::{exec, exec_transaction, Db, DbError};
use app::domain::followup::Cancel;
use app::model::ThreadSummary;
use serde_json::{json, Map, Value};

/// The follow-up that fired and where.
pub struct Fired<'a> {
    pub due: &'a Due,
    pub enrollment_id: &'a str,
    pub thread_id: &'a str,
    pub now: i64,
}

impl Fired<'_> {
    fn vars(&self, audit: AuditEntry<'_>) -> Map<String, Value> {
        let mut vars = Map::new();
        for (k, v) in [
            ("fid", json!(self.due.id)),
            ("eid", json!(self.enrollment_id)),
            ("ws", json!(self.due.ws)),
            ("now", json!(self.now)),
            ("tid", json!(self.thread_id)),
        ] {
            vars.insert(k.into(), v);
        }
        vars.insert("audits".into(), audits_var(&[audit]));
        vars
    }

    fn audit(&self, action: &'static str, detail: Value) -> AuditEntry<'static> {
        AuditEntry {
            actor_kind: "automation",
            actor_id: None,
            action,
            subject: format!("thread:{}", self.thread_id),
            detail,
        }
    }
}

/// Counts the fired follow-up on the enrollment (the rules' order depends on it).
const BUMP: &str =
    "UPDATE type::record('enrollment', $eid) SET followups_fired = (followups_fired ?? 0) + 1;\n";

/// Cancels a scheduled follow-up, saying why.
pub async fn cancel(db: &Db, id: &str, why: Cancel, now: i64) -> Result<(), DbError> {
    exec(
        db,
        "UPDATE type::record('followup', $id) SET state = 'canceled', cancel_reason = $why, updated_at = $now
             WHERE state = 'scheduled';",
        json!({ "id": id, "why": why.as_str(), "now": now }),
    )
    .await?;
    Ok(())
}

/// A follow-up whose firing failed is canceled as failed (it is not retried forever).
pub async fn fail(db: &Db, id: &str, now: i64) -> Result<(), DbError> {
    exec(
        db,
        "UPDATE type::record('followup', $id) SET state = 'canceled', cancel_reason = 'failed', updated_at = $now;",
        json!({ "id": id, "now": now }),
    )
    .await?;
    Ok(())
}

pub async fn mark_stale(db: &Db, f: &Fired<'_>) -> Result<(), DbError> {
    let vars = f.vars(f.audit("followup.stale", json!({ "rule": f.due.rule })));
    let sql = format!(
        "BEGIN TRANSACTION;
         UPDATE type::record('followup', $fid) SET state = 'stale', updated_at = $now;
         UPDATE type::record('thread', $tid) SET stale = true;
         {BUMP}{AUDITS_STATEMENT}
         COMMIT TRANSACTION;"
    );
    exec_transaction(db, &sql, Value::Object(vars)).await?;
    Ok(())
}

/// Notifies the managers (`notices`, from `notifications::entry`) of a wait.
pub async fn escalate(db: &Db, f: &Fired<'_>, notices: Vec<Value>) -> Result<(), DbError> {
    let detail = json!({ "rule": f.due.rule, "notified": notices.len() });
    let mut vars = f.vars(f.audit("followup.escalated", detail));
    vars.insert("notify".into(), Value::Array(notices));
    let sql = format!(
        "BEGIN TRANSACTION;
         UPDATE type::record('followup', $fid) SET state = 'escalated', updated_at = $now;
         {BUMP}{NOTIFY_STATEMENT}{AUDITS_STATEMENT}
         COMMIT TRANSACTION;"
    );
    exec_transaction(db, &sql, Value::Object(vars)).await?;
    Ok(())
}

/// A nudge automation may not send now (`why`): a draft for a person.
pub async fn hold(db: &Db, f: &Fired<'_>, draft: NewDraft<'_>, why: &str) -> Result<(), DbError> {
    let detail = json!({ "rule": f.due.rule, "reason": why });
    let mut vars = f.vars(f.audit("followup.drafted", detail));
    vars.insert("draft".into(), draft.var());
    let sql = format!(
        "BEGIN TRANSACTION;
         UPDATE type::record('followup', $fid) SET state = 'drafted', updated_at = $now;
         {CREATE_STATEMENT}
         {BUMP}{AUDITS_STATEMENT}
         COMMIT TRANSACTION;"
    );
    exec_transaction(db, &sql, Value::Object(vars)).await?;
    Ok(())
}

/// Sends the nudge `msg` (with its send job), claiming the follow-up in the same transaction.
pub async fn send(
    db: &Db,
    f: &Fired<'_>,
    thread: &mut ThreadSummary,
    msg: NewMessage,
) -> Result<(), DbError> {
    let detail = json!({ "rule": f.due.rule, "channel": msg.channel, "message": msg.id });
    let vars = f.vars(f.audit("followup.sent", detail));
    let extra = Extra {
        before: format!(
            "LET $claimed = (UPDATE type::record('followup', $fid) SET state = 'sent', message = type::record('message', $mid),
                 updated_at = $now WHERE state = 'scheduled' RETURN AFTER);
             IF array::len($claimed) = 0 {{ THROW 'already fired' }};
             {BUMP}"
        ),
        after: AUDITS_STATEMENT.to_string(),
        vars,
    };
    append_with(db, &f.due.ws, thread, msg, extra).await?;
    Ok(())
}

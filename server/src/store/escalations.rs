//! Overdue escalation: when a creator has waited longer than the workspace's escalation delay
//! (`workspace.escalate_after_minutes`; off when unset), the owners and managers are notified —
//! once per wait (`thread.escalated_for` keeps the wait it was raised for), audited. Run by the
//! automation worker; a conditional write makes two instances raise it once.

use super::audit::AUDIT_STATEMENT;
use super::notifications::{entry as notice, NOTIFY_STATEMENT};
use crate::db::{exec, exec_transaction, rows, Db, DbError};
use serde::Deserialize;
use serde_json::{json, Map, Value};

#[derive(Deserialize)]
struct Workspace {
    id: String,
    after: i64,
}

#[derive(Deserialize)]
struct Waiting {
    id: String,
    creator_name: String,
    campaign_name: String,
    awaiting_since: i64,
}

/// Threads escalated per workspace and pass (the rest wait for the next pass).
const PER_PASS: usize = 100;

/// One pass over every workspace that escalates. Returns how many threads were escalated.
pub async fn run(db: &Db, now: i64) -> Result<usize, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, escalate_after_minutes AS after FROM workspace WHERE escalate_after_minutes > 0;",
        json!({}),
    )
    .await?;
    let workspaces: Vec<Workspace> = rows(&mut resp, 0)?;
    let mut raised = 0;
    for ws in workspaces {
        let mut resp = exec(
            db,
            "SELECT record::id(id) AS id, creator_name, campaign_name, awaiting_since FROM thread
                 WHERE workspace = type::record('workspace', $ws) AND waiting = true AND awaiting_since < $cutoff
                     AND (escalated_for = NONE OR escalated_for != awaiting_since) LIMIT $n;
             SELECT VALUE record::id(user) FROM membership WHERE workspace = type::record('workspace', $ws)
                 AND role IN ['owner', 'manager'];",
            json!({ "ws": ws.id, "cutoff": now - ws.after * 60_000, "n": PER_PASS }),
        )
        .await?;
        let waiting: Vec<Waiting> = rows(&mut resp, 0)?;
        let managers: Vec<String> = resp.take(1)?;
        for t in waiting {
            if escalate(db, &ws, &t, &managers, now).await? {
                raised += 1;
            }
        }
    }
    Ok(raised)
}

async fn escalate(
    db: &Db,
    ws: &Workspace,
    t: &Waiting,
    managers: &[String],
    now: i64,
) -> Result<bool, DbError> {
    let waited_h = (now - t.awaiting_since) / 3_600_000;
    let text = format!(
        "{} ({}) has waited {waited_h} h for a reply",
        t.creator_name, t.campaign_name
    );
    let notify: Vec<Value> = managers
        .iter()
        .map(|m| notice(m, "escalation", &t.id, &text, "Reply timer"))
        .collect();
    let mut vars = Map::new();
    vars.insert("ws".into(), json!(ws.id));
    vars.insert("tid".into(), json!(t.id));
    vars.insert("since".into(), json!(t.awaiting_since));
    vars.insert("now".into(), json!(now));
    vars.insert("notify".into(), Value::Array(notify));
    super::audit::AuditEntry {
        actor_kind: "automation",
        actor_id: None,
        action: "thread.escalated",
        subject: format!("thread:{}", t.id),
        detail: json!({ "awaiting_since": t.awaiting_since, "after_minutes": ws.after, "notified": managers.len() }),
    }
    .bind(&mut vars);
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $t = UPDATE type::record('thread', $tid) SET escalated_for = $since
             WHERE awaiting_since = $since AND (escalated_for = NONE OR escalated_for != $since) RETURN VALUE id;
         IF array::len($t) = 0 {{ THROW 'already escalated'; }};
         {NOTIFY_STATEMENT}
         {AUDIT_STATEMENT}
         COMMIT TRANSACTION;"
    );
    match exec_transaction(db, &sql, Value::Object(vars)).await {
        Ok(_) => Ok(true),
        Err(e) if e.to_string().contains("already escalated") || crate::db::is_conflict(&e) => {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// A teammate escalates a thread they may see by hand: the workspace's owners and managers (but
/// them) are notified with their note, audited in the same transaction. `false`: not found.
pub async fn by_hand(
    db: &Db,
    caller: &app::api::backend::Caller,
    thread_id: &str,
    note: &str,
    now: i64,
) -> Result<bool, DbError> {
    let Some(row) = super::threads::find(db, caller, thread_id).await? else {
        return Ok(false);
    };
    let t = row.summary;
    let by = super::thread_write::user_name(db, &caller.user_id).await?;
    let mut resp = exec(
        db,
        "SELECT VALUE record::id(user) FROM membership WHERE workspace = type::record('workspace', $ws)
             AND role IN ['owner', 'manager'] AND deactivated_at = NONE AND user != type::record('user', $me);",
        json!({ "ws": caller.workspace_id, "me": caller.user_id }),
    )
    .await?;
    let managers: Vec<String> = resp.take(0)?;
    let text = format!(
        "{by} escalated {} ({}): {note}",
        t.creator_name, t.campaign_name
    );
    let notify: Vec<Value> = managers
        .iter()
        .map(|m| notice(m, "escalation", &t.id, &text, &by))
        .collect();
    let mut vars = Map::new();
    vars.insert("ws".into(), json!(caller.workspace_id));
    vars.insert("now".into(), json!(now));
    vars.insert("notify".into(), Value::Array(notify));
    super::audit::AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "thread.escalated",
        subject: format!("thread:{}", t.id),
        detail: json!({ "note": note, "notified": managers.len(), "by_hand": true }),
    }
    .bind(&mut vars);
    exec_transaction(
        db,
        &format!("BEGIN TRANSACTION; {NOTIFY_STATEMENT} {AUDIT_STATEMENT} COMMIT TRANSACTION;"),
        Value::Object(vars),
    )
    .await?;
    Ok(true)
}

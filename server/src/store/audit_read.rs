//! Reading the audit trail: per thread, or the workspace's with filters, and as CSV.

use crate::db::{exec, rows, Db, DbError};
use app::api::backend::Caller;
use app::model::{AuditQuery, AuditView};
use serde::Deserialize;
use serde_json::{json, Map, Value};

#[derive(Deserialize)]
struct Row {
    id: String,
    at: i64,
    actor_kind: String,
    actor_name: Option<String>,
    action: String,
    subject: String,
    thread_id: Option<String>,
    detail: Value,
}

/// The newest events matching `q`, at most `limit`.
pub async fn list(
    db: &Db,
    caller: &Caller,
    q: &AuditQuery,
    limit: usize,
) -> Result<Vec<AuditView>, DbError> {
    let mut vars = Map::new();
    let mut wh = vec![super::scope_clause(
        caller,
        &mut vars,
        super::ScopePaths::OF_THREAD,
    )];
    if let Some(a) = &q.action {
        vars.insert("action".into(), json!(a));
        if a.ends_with('.') {
            wh.push("string::starts_with(action, $action)".into());
        } else {
            wh.push("action = $action".into());
        }
    }
    if let Some(t) = &q.thread {
        vars.insert("thread".into(), json!(t));
        wh.push("thread = type::record('thread', $thread)".into());
    }
    if let Some(f) = q.from {
        vars.insert("from".into(), json!(f));
        wh.push("at >= $from".into());
    }
    if let Some(t) = q.to {
        vars.insert("to".into(), json!(t));
        wh.push("at < $to".into());
    }
    vars.insert("limit".into(), json!(limit));
    let sql = format!(
        "SELECT record::id(id) AS id, at, actor_kind,
             (IF actor_kind = 'user' AND actor_id != NONE THEN (type::record('user', actor_id).name ?? type::record('embed_actor', actor_id).name)
                 ELSE IF actor_kind = 'embed' THEN detail.by ELSE NONE END) AS actor_name,
             action, subject, seq, (IF thread != NONE THEN record::id(thread) ELSE NONE END) AS thread_id, detail
         FROM audit_event WHERE {} ORDER BY at DESC, seq DESC LIMIT $limit;",
        wh.join(" AND ")
    );
    let mut resp = exec(db, &sql, Value::Object(vars)).await?;
    let found: Vec<Row> = rows(&mut resp, 0)?;
    Ok(found
        .into_iter()
        .map(|r| AuditView {
            id: r.id,
            at: r.at,
            actor_kind: r.actor_kind,
            actor_name: r.actor_name,
            action: r.action,
            subject: r.subject,
            thread_id: r.thread_id,
            detail: r.detail.to_string(),
        })
        .collect())
}

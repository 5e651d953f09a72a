//! Corrected labels: a teammate replaces what a creator's message was understood to say (audited,
//! in one transaction), and `server export-labels` reads every corrected message back as a
//! labeled JSON line for the classifier's corpus.

use super::audit::{AuditEntry, AUDIT_STATEMENT};
use crate::db::{exec, exec_transaction, rows, Db, DbError};
use app::api::backend::Caller;
use app::domain::classify::{correct::corrected, Classification, Intent};
use serde::Deserialize;
use serde_json::{json, Map};

#[derive(Deserialize)]
struct Message {
    by_name: Option<String>,
    creator_message: bool,
    classification: Option<Classification>,
}

/// Why a correction was refused.
pub enum Refused {
    /// No such message in a thread the caller may see.
    NotFound,
    /// Only what a creator wrote is classified.
    NotACreatorMessage,
}

/// Replaces the message's intents with `intents`, audited. Returns the new classification.
pub async fn correct(
    db: &Db,
    caller: &Caller,
    message_id: &str,
    intents: &[Intent],
    now: i64,
) -> Result<Result<Classification, Refused>, DbError> {
    if super::threads::of_message(db, caller, message_id)
        .await?
        .is_none()
    {
        return Ok(Err(Refused::NotFound));
    }
    let mut resp = exec(
        db,
        "SELECT (SELECT VALUE name FROM ONLY type::record('user', $user)) AS by_name,
                 (direction = 'inbound' AND sender_kind = 'creator') AS creator_message, classification
             FROM ONLY type::record('message', $m) WHERE workspace = type::record('workspace', $ws);",
        json!({ "m": message_id, "ws": caller.workspace_id, "user": caller.user_id }),
    )
    .await?;
    let found: Vec<Message> = rows(&mut resp, 0)?;
    let Some(m) = found.into_iter().next() else {
        return Ok(Err(Refused::NotFound));
    };
    if !m.creator_message {
        return Ok(Err(Refused::NotACreatorMessage));
    }
    let before = m
        .classification
        .as_ref()
        .map(|c| c.intent_set())
        .unwrap_or_default();
    let after = corrected(
        m.classification.as_ref(),
        intents,
        m.by_name.as_deref().unwrap_or("a teammate"),
    );
    let names = |v: &[Intent]| v.iter().map(|i| i.as_str()).collect::<Vec<_>>();
    let mut vars = Map::new();
    vars.insert("ws".into(), json!(caller.workspace_id));
    vars.insert("now".into(), json!(now));
    vars.insert("m".into(), json!(message_id));
    vars.insert("user".into(), json!(caller.user_id));
    vars.insert(
        "c".into(),
        serde_json::to_value(&after).map_err(|e| DbError::Other(e.to_string()))?,
    );
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "message.labels_corrected",
        subject: format!("message:{message_id}"),
        detail: json!({ "before": names(&before), "after": names(&after.intent_set()) }),
    }
    .bind(&mut vars);
    exec_transaction(
        db,
        &format!(
            "UPDATE type::record('message', $m) SET classification = $c, labels_corrected_at = $now,
                 labels_corrected_by = type::record('user', $user);
             {AUDIT_STATEMENT}"
        ),
        serde_json::Value::Object(vars),
    )
    .await?;
    Ok(Ok(after))
}

#[derive(Deserialize)]
struct Labeled {
    text: String,
    intents: Vec<Intent>,
}

/// Every corrected message (of one workspace, or all) as a labeled JSON line, oldest
/// correction first.
pub async fn export(db: &Db, workspace: Option<&str>) -> Result<Vec<String>, DbError> {
    let mut resp = exec(
        db,
        "SELECT text, classification.intents.intent AS intents, labels_corrected_at, id FROM message
             WHERE labels_corrected_at != NONE AND ($ws = NONE OR workspace = type::record('workspace', $ws))
             ORDER BY labels_corrected_at, id;",
        json!({ "ws": workspace }),
    )
    .await?;
    let found: Vec<Labeled> = rows(&mut resp, 0)?;
    Ok(found
        .into_iter()
        .map(|mut l| {
            l.intents.sort();
            let names: Vec<&str> = l.intents.iter().map(|i| i.as_str()).collect();
            format!("{}\n", json!({ "text": l.text, "intents": names }))
        })
        .collect())
}

//! Clients and campaigns: the Campaigns page's list with its funnel counts, one campaign's terms,
//! and their changes, each with its audit event in the same transaction.

use super::audit::{AuditEntry, AUDIT_STATEMENT};
use super::thread_write::WriteError;
use crate::db::{exec, first, rows, Db, DbError};
use crate::ids::new_id;
use app::api::backend::Caller;
use app::model::{CampaignForm, CampaignRow, ClientView, Stage, StageCount};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

#[derive(Deserialize)]
struct ClientRow {
    id: String,
    name: String,
    archived: bool,
}

#[derive(Deserialize)]
struct CampaignLine {
    id: String,
    name: String,
    client_id: String,
    client_name: String,
    kind: String,
    status: String,
    platforms: Vec<String>,
    content_due: Option<i64>,
}

#[derive(Deserialize)]
struct Count {
    campaign: String,
    stage: Option<String>,
    count: u32,
}

/// The workspace's clients and campaigns, each campaign with its creators per stage and its
/// threads waiting since before `overdue_before` (archived enrollments left out).
pub async fn list(
    db: &Db,
    ws: &str,
    overdue_before: i64,
) -> Result<(Vec<ClientView>, Vec<CampaignRow>), DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, name, archived_at != NONE AS archived FROM client
             WHERE workspace = type::record('workspace', $ws) ORDER BY name;
         SELECT record::id(id) AS id, name, record::id(client) AS client_id, client.name AS client_name, kind, status,
                platforms, content_due, created_at FROM campaign
             WHERE workspace = type::record('workspace', $ws) ORDER BY created_at DESC;
         SELECT record::id(campaign) AS campaign, stage, count() AS count FROM thread
             WHERE workspace = type::record('workspace', $ws) AND archived_at = NONE GROUP BY campaign, stage;
         SELECT record::id(campaign) AS campaign, count() AS count FROM thread
             WHERE workspace = type::record('workspace', $ws) AND archived_at = NONE AND waiting = true
             AND awaiting_since < $cutoff GROUP BY campaign;",
        json!({ "ws": ws, "cutoff": overdue_before }),
    )
    .await?;
    let clients: Vec<ClientRow> = rows(&mut resp, 0)?;
    let lines: Vec<CampaignLine> = rows(&mut resp, 1)?;
    let by_stage: Vec<Count> = rows(&mut resp, 2)?;
    let overdue: Vec<Count> = rows(&mut resp, 3)?;
    let overdue: HashMap<String, u32> =
        overdue.into_iter().map(|c| (c.campaign, c.count)).collect();
    let mut stages: HashMap<String, Vec<StageCount>> = HashMap::new();
    for c in by_stage {
        if let Some(stage) = c.stage.as_deref().and_then(Stage::parse) {
            stages.entry(c.campaign).or_default().push(StageCount {
                stage,
                count: c.count,
            });
        }
    }
    let campaigns: Vec<CampaignRow> = lines
        .into_iter()
        .map(|l| {
            let mut s = stages.remove(&l.id).unwrap_or_default();
            s.sort_by_key(|c| c.stage);
            CampaignRow {
                creators: s.iter().map(|c| c.count).sum(),
                overdue: overdue.get(&l.id).copied().unwrap_or(0),
                stages: s,
                id: l.id,
                name: l.name,
                client_id: l.client_id,
                client_name: l.client_name,
                kind: l.kind,
                status: l.status,
                platforms: l.platforms,
                content_due: l.content_due,
            }
        })
        .collect();
    let clients = clients
        .into_iter()
        .map(|c| ClientView {
            campaigns: campaigns.iter().filter(|k| k.client_id == c.id).count() as u32,
            id: c.id,
            name: c.name,
            archived: c.archived,
        })
        .collect();
    Ok((clients, campaigns))
}

const FORM_FIELDS: &str = "record::id(id) AS id, record::id(client) AS client_id, name, platforms, kind, brief,
    creator_guidance, negotiation_language, rate_ceiling_cents, compensation, deliverables, products, usage_terms,
    content_due, post_by, tracking_handles, tracking_hashtags, status, (senders ?? {}) AS senders";

/// A campaign of the workspace's, all its terms (the caller decides who sees the ceiling).
pub async fn form(db: &Db, ws: &str, campaign_id: &str) -> Result<Option<CampaignForm>, DbError> {
    let mut resp = exec(
        db,
        &format!(
            "SELECT {FORM_FIELDS} FROM campaign
                 WHERE id = type::record('campaign', $id) AND workspace = type::record('workspace', $ws);"
        ),
        json!({ "ws": ws, "id": campaign_id }),
    )
    .await?;
    first(&mut resp, 0)
}

/// Creates or saves a checked campaign with its audit event (the audit names the fields that
/// changed, never their values); its threads follow a new name or client.
pub async fn save(
    db: &Db,
    caller: &Caller,
    form: &CampaignForm,
    now: i64,
) -> Result<CampaignForm, WriteError> {
    let ws = &caller.workspace_id;
    let before = match &form.id {
        Some(id) => Some(self::form(db, ws, id).await?.ok_or(WriteError::NotFound)?),
        None => None,
    };
    let client = client(db, ws, &form.client_id)
        .await?
        .ok_or_else(|| WriteError::Invalid("that client is not one of this workspace's".into()))?;
    let changes_client = before
        .as_ref()
        .is_none_or(|b| b.client_id != form.client_id);
    if client.archived && changes_client {
        return Err(WriteError::Invalid(
            "that client is archived: restore it first".into(),
        ));
    }
    let identities = super::senders::identities(db, ws).await?;
    form.senders
        .check(&identities)
        .map_err(WriteError::Invalid)?;
    let id = form.id.clone().unwrap_or_else(new_id);
    let mut vars = Map::new();
    vars.insert("ws".into(), json!(ws));
    vars.insert("id".into(), json!(id));
    // Absent options must read as NONE, not NULL (`db::without_nulls`).
    vars.insert("f".into(), crate::db::without_nulls(json!(form)));
    vars.insert("client_name".into(), json!(client.name));
    vars.insert("now".into(), json!(now));
    let changed: Vec<&str> = match &before {
        None => vec![],
        Some(b) => changed_fields(b, form),
    };
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: if before.is_none() {
            "campaign.created"
        } else {
            "campaign.updated"
        },
        subject: format!("campaign:{id}"),
        detail: json!({ "name": form.name, "status": form.status, "changed": changed }),
    }
    .bind(&mut vars);
    let write = if before.is_none() {
        "CREATE type::record('campaign', $id) SET workspace = type::record('workspace', $ws), created_at = $now,"
    } else {
        "UPDATE type::record('campaign', $id) SET"
    };
    let sql = format!(
        "BEGIN TRANSACTION;
         {write} client = type::record('client', $f.client_id), name = $f.name,
             platforms = $f.platforms, platform = array::join($f.platforms, ', '), kind = $f.kind, brief = $f.brief,
             creator_guidance = $f.creator_guidance, negotiation_language = $f.negotiation_language,
             rate_ceiling_cents = $f.rate_ceiling_cents, compensation = $f.compensation, deliverables = $f.deliverables,
             products = $f.products, usage_terms = $f.usage_terms, content_due = $f.content_due, post_by = $f.post_by,
             tracking_handles = $f.tracking_handles, tracking_hashtags = $f.tracking_hashtags, status = $f.status,
             senders = $f.senders, updated_at = $now;
         UPDATE thread SET campaign_name = $f.name, client = type::record('client', $f.client_id), client_name = $client_name
             WHERE campaign = type::record('campaign', $id) AND (campaign_name != $f.name OR client != type::record('client', $f.client_id)
                 OR (post_by ?? 0) != (campaign.post_by ?? 0));
         {AUDIT_STATEMENT}
         COMMIT TRANSACTION;"
    );
    crate::db::exec_transaction(db, &sql, Value::Object(vars)).await?;
    self::form(db, ws, &id).await?.ok_or(WriteError::NotFound)
}

/// The names of the fields `after` changes (for the audit trail; values stay out of it).
fn changed_fields(before: &CampaignForm, after: &CampaignForm) -> Vec<&'static str> {
    let b = serde_json::to_value(before).unwrap_or_default();
    let a = serde_json::to_value(after).unwrap_or_default();
    const FIELDS: [&str; 19] = [
        "client_id",
        "name",
        "platforms",
        "kind",
        "brief",
        "creator_guidance",
        "negotiation_language",
        "rate_ceiling_cents",
        "compensation",
        "deliverables",
        "products",
        "usage_terms",
        "content_due",
        "post_by",
        "tracking_handles",
        "tracking_hashtags",
        "status",
        "senders",
        "id",
    ];
    FIELDS
        .into_iter()
        .filter(|f| b.get(*f) != a.get(*f))
        .collect()
}

/// A client of the workspace's.
pub async fn client(db: &Db, ws: &str, client_id: &str) -> Result<Option<ClientView>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, name, archived_at != NONE AS archived,
                count((SELECT id FROM campaign WHERE client = $parent.id)) AS campaigns FROM client
             WHERE id = type::record('client', $id) AND workspace = type::record('workspace', $ws);",
        json!({ "ws": ws, "id": client_id }),
    )
    .await?;
    first(&mut resp, 0)
}

/// Creates a client or renames one (the threads of its campaigns show the new name).
pub async fn save_client(
    db: &Db,
    caller: &Caller,
    client_id: Option<&str>,
    name: &str,
    now: i64,
) -> Result<ClientView, WriteError> {
    let ws = &caller.workspace_id;
    if let Some(id) = client_id {
        client(db, ws, id).await?.ok_or(WriteError::NotFound)?;
    }
    let mut resp = exec(
        db,
        "SELECT VALUE record::id(id) FROM client WHERE workspace = type::record('workspace', $ws)
             AND string::lowercase(name) = string::lowercase($name);",
        json!({ "ws": ws, "name": name }),
    )
    .await?;
    let taken: Vec<String> = rows(&mut resp, 0)?;
    if taken.iter().any(|t| Some(t.as_str()) != client_id) {
        return Err(WriteError::Invalid(format!(
            "there is already a client called \"{name}\""
        )));
    }
    let id = client_id.map(str::to_string).unwrap_or_else(new_id);
    let mut vars = super::bound([
        ("ws", json!(ws)),
        ("id", json!(id)),
        ("name", json!(name)),
        ("now", json!(now)),
    ]);
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: if client_id.is_none() {
            "client.created"
        } else {
            "client.renamed"
        },
        subject: format!("client:{id}"),
        detail: json!({ "name": name }),
    }
    .bind(&mut vars);
    let write = if client_id.is_none() {
        "CREATE type::record('client', $id) SET workspace = type::record('workspace', $ws), name = $name, created_at = $now;"
    } else {
        "UPDATE type::record('client', $id) SET name = $name;
         UPDATE thread SET client_name = $name WHERE client = type::record('client', $id) AND client_name != $name;"
    };
    crate::db::exec_transaction(
        db,
        &format!("BEGIN TRANSACTION; {write} {AUDIT_STATEMENT} COMMIT TRANSACTION;"),
        Value::Object(vars),
    )
    .await?;
    client(db, ws, &id).await?.ok_or(WriteError::NotFound)
}

/// Archives a client or restores it.
pub async fn archive_client(
    db: &Db,
    caller: &Caller,
    client_id: &str,
    archived: bool,
    now: i64,
) -> Result<ClientView, WriteError> {
    let ws = &caller.workspace_id;
    client(db, ws, client_id)
        .await?
        .ok_or(WriteError::NotFound)?;
    let mut vars = super::bound([
        ("ws", json!(ws)),
        ("id", json!(client_id)),
        ("now", json!(now)),
        ("archived", json!(archived)),
    ]);
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: if archived {
            "client.archived"
        } else {
            "client.restored"
        },
        subject: format!("client:{client_id}"),
        detail: json!({}),
    }
    .bind(&mut vars);
    crate::db::exec_transaction(
        db,
        &format!(
            "BEGIN TRANSACTION;
             UPDATE type::record('client', $id) SET archived_at = IF $archived THEN $now ELSE NONE END;
             {AUDIT_STATEMENT}
             COMMIT TRANSACTION;"
        ),
        Value::Object(vars),
    )
    .await?;
    client(db, ws, client_id).await?.ok_or(WriteError::NotFound)
}

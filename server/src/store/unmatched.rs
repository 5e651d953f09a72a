//! The Unmatched queue: inbound messages whose sender no creator has as an identity. Parking
//! keeps them (a validly received message is never dropped); linking adds the identity to the
//! chosen creator and moves the message into that creator's thread, with an audit event.

use super::attribution::pick_thread;
use super::audit::AuditEntry;
use super::thread_write::{append_message, NewMessage};
use crate::db::{exec, first, rows, Db, DbError};
use app::api::backend::{Caller, Scope};
use app::model::{Channel, NamedRef, UnmatchedView};
use serde_json::{json, Value};

pub struct Parked<'a> {
    pub channel: Channel,
    pub address: &'a str,
    pub text: &'a str,
    pub external_id: Option<&'a str>,
    pub at: i64,
}

pub async fn park(db: &Db, workspace: &str, p: Parked<'_>) -> Result<(), DbError> {
    let dkey = p
        .external_id
        .map(|eid| crate::db::inbound_key(workspace, p.channel.as_str(), eid));
    crate::db::exec_transaction(
        db,
        "BEGIN TRANSACTION;
         IF $dkey != NONE { CREATE type::record('inbound_key', $dkey) SET at = $at; };
         CREATE unmatched SET workspace = type::record('workspace', $ws), channel = $channel, address = $address,
             text = $text, external_id = $eid, at = $at;
         COMMIT TRANSACTION;",
        json!({
            "ws": workspace, "channel": p.channel.as_str(), "address": p.address, "text": p.text,
            "eid": p.external_id, "at": p.at, "dkey": dkey,
        }),
    )
    .await?;
    tracing::info!(%workspace, channel = p.channel.as_str(), "message from an unknown sender kept in Unmatched");
    Ok(())
}

/// Newest first. Client-scoped callers see none: an unknown sender belongs to no client yet.
pub async fn list(db: &Db, caller: &Caller) -> Result<Vec<UnmatchedView>, DbError> {
    if caller.scope != Scope::Workspace {
        return Ok(Vec::new());
    }
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, channel, address, text, at FROM unmatched
             WHERE workspace = type::record('workspace', $ws) ORDER BY at DESC LIMIT 200;",
        json!({ "ws": caller.workspace_id }),
    )
    .await?;
    rows(&mut resp, 0)
}

pub async fn count(db: &Db, caller: &Caller) -> Result<u64, DbError> {
    if caller.scope != Scope::Workspace {
        return Ok(0);
    }
    let mut resp = exec(
        db,
        "SELECT count() FROM unmatched WHERE workspace = type::record('workspace', $ws) GROUP ALL;",
        json!({ "ws": caller.workspace_id }),
    )
    .await?;
    let row: Option<Value> = first(&mut resp, 0)?;
    Ok(row.and_then(|r| r["count"].as_u64()).unwrap_or(0))
}

/// The workspace's creators as "Name @handle", for the link picker.
pub async fn creator_options(db: &Db, caller: &Caller) -> Result<Vec<NamedRef>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, name + ' ' + handle AS name FROM creator
             WHERE workspace = type::record('workspace', $ws) AND merged_into = NONE ORDER BY name LIMIT 5000;",
        json!({ "ws": caller.workspace_id }),
    )
    .await?;
    rows(&mut resp, 0)
}

pub enum LinkError {
    NotFound,
    NoThread,
    Db(DbError),
}

impl From<DbError> for LinkError {
    fn from(e: DbError) -> Self {
        LinkError::Db(e)
    }
}

#[derive(serde::Deserialize)]
struct Row {
    channel: Channel,
    address: String,
    text: String,
    external_id: Option<String>,
    at: i64,
}

#[derive(serde::Deserialize)]
struct CreatorRow {
    name: String,
    identities: Vec<Value>,
}

/// Links a parked message to a creator. Safe to repeat: the message is appended only if the
/// thread does not already hold it.
pub async fn link(
    db: &Db,
    caller: &Caller,
    unmatched_id: &str,
    creator_id: &str,
) -> Result<String, LinkError> {
    let ws = &caller.workspace_id;
    let mut resp = exec(
        db,
        "SELECT channel, address, text, external_id, at FROM unmatched
             WHERE id = type::record('unmatched', $u) AND workspace = type::record('workspace', $ws);
         SELECT name, identities FROM creator
             WHERE id = type::record('creator', $c) AND workspace = type::record('workspace', $ws);",
        json!({ "u": unmatched_id, "c": creator_id, "ws": ws }),
    )
    .await?;
    let (Some(row), Some(creator)) = (
        first::<Row>(&mut resp, 0)?,
        first::<CreatorRow>(&mut resp, 1)?,
    ) else {
        return Err(LinkError::NotFound);
    };
    let Some(mut thread) = pick_thread(db, ws, creator_id, None).await? else {
        return Err(LinkError::NoThread);
    };
    let external_id = row
        .external_id
        .clone()
        .unwrap_or_else(|| format!("unmatched:{unmatched_id}"));
    let mut resp = exec(
        db,
        "SELECT VALUE id FROM message WHERE thread = type::record('thread', $t) AND external_id = $eid LIMIT 1;",
        json!({ "t": thread.id, "eid": external_id }),
    )
    .await?;
    let already: Vec<Value> = resp.take(0).map_err(DbError::from)?;
    if already.is_empty() {
        // The parked message holds the provider id's dedupe key; the message now moves into the
        // thread, which takes the key over.
        exec(
            db,
            "DELETE type::record('inbound_key', $k);",
            json!({ "k": crate::db::inbound_key(ws, row.channel.as_str(), &external_id) }),
        )
        .await?;
        let subject = format!("thread:{}", thread.id);
        append_message(
            db,
            ws,
            &mut thread,
            NewMessage::from_creator(
                row.channel,
                creator_id.to_string(),
                creator.name.clone(),
                None,
                row.text.clone(),
                row.at,
                external_id,
            ),
            Some(AuditEntry {
                actor_kind: "user",
                actor_id: Some(&caller.user_id),
                action: "unmatched.linked",
                subject,
                detail: json!({ "creator": creator_id, "channel": row.channel.as_str(), "address": row.address }),
            }),
        )
        .await?;
    }
    let has_identity = creator
        .identities
        .iter()
        .any(|i| i["channel"] == row.channel.as_str() && i["address"] == row.address.as_str());
    let add_identity = if has_identity || row.channel == Channel::Api {
        ""
    } else {
        "UPDATE type::record('creator', $c) SET identities += { channel: $channel, address: $address, consent: 'unknown' };"
    };
    exec(
        db,
        &format!(
            "BEGIN TRANSACTION;
             {add_identity}
             DELETE type::record('unmatched', $u);
             COMMIT TRANSACTION;"
        ),
        json!({ "c": creator_id, "u": unmatched_id, "channel": row.channel.as_str(), "address": row.address }),
    )
    .await?;
    Ok(thread.id)
}

/// Creates a creator from an unmatched sender: their address as an identity, enrolled (stage
/// "replied": they wrote first) in `campaign_id` with a thread. Returns the creator's id; `link`
/// then moves the message in.
pub async fn create_creator(
    db: &Db,
    caller: &Caller,
    unmatched_id: &str,
    name: &str,
    campaign_id: &str,
    now: i64,
) -> Result<String, LinkError> {
    let ws = &caller.workspace_id;
    let mut resp = exec(
        db,
        "SELECT channel, address, text, external_id, at FROM unmatched
             WHERE id = type::record('unmatched', $u) AND workspace = type::record('workspace', $ws);
         SELECT name, record::id(client) AS client, client.name AS client_name, status FROM campaign
             WHERE id = type::record('campaign', $k) AND workspace = type::record('workspace', $ws);",
        json!({ "u": unmatched_id, "k": campaign_id, "ws": ws }),
    )
    .await?;
    #[derive(serde::Deserialize)]
    struct Campaign {
        name: String,
        client: String,
        client_name: String,
    }
    let (Some(row), Some(campaign)) = (
        first::<Row>(&mut resp, 0)?,
        first::<Campaign>(&mut resp, 1)?,
    ) else {
        return Err(LinkError::NotFound);
    };
    let (creator, enrollment, thread) = (
        crate::ids::new_id(),
        crate::ids::new_id(),
        crate::ids::new_id(),
    );
    let identities = if row.channel == Channel::Api {
        json!([])
    } else {
        json!([{ "channel": row.channel.as_str(), "address": row.address, "consent": "unknown" }])
    };
    let search = format!("{} {}", name.to_lowercase(), row.address.to_lowercase());
    let mut vars = serde_json::Map::new();
    for (k, v) in [
        ("ws", json!(ws)),
        ("c", json!(creator)),
        ("e", json!(enrollment)),
        ("t", json!(thread)),
        ("k", json!(campaign_id)),
        ("client", json!(campaign.client)),
        ("client_name", json!(campaign.client_name)),
        ("campaign_name", json!(campaign.name)),
        ("name", json!(name)),
        ("ids", identities),
        ("search", json!(search)),
        ("now", json!(now)),
    ] {
        vars.insert(k.into(), v);
    }
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "creator.created",
        subject: format!("creator:{creator}"),
        detail: json!({ "from_unmatched": unmatched_id, "campaign": campaign_id }),
    }
    .bind(&mut vars);
    exec(
        db,
        &format!(
            "BEGIN TRANSACTION;
             CREATE type::record('creator', $c) SET workspace = type::record('workspace', $ws), name = $name, handle = '',
                 avatar = NONE, notes = '', identities = $ids, search = $search, created_at = $now;
             CREATE type::record('enrollment', $e) SET workspace = type::record('workspace', $ws), creator = type::record('creator', $c),
                 campaign = type::record('campaign', $k), stage = 'replied', decline_reason = NONE, assignee = NONE,
                 agreed_terms = '', shipping_info = NONE, next_action = 'Reply to their first message', due_at = NONE,
                 created_at = $now, updated_at = $now;
             CREATE type::record('thread', $t) SET workspace = type::record('workspace', $ws), enrollment = type::record('enrollment', $e),
                 creator = type::record('creator', $c), campaign = type::record('campaign', $k), client = type::record('client', $client),
                 creator_name = $name, creator_handle = '', creator_avatar = NONE, creator_search = $search,
                 campaign_name = $campaign_name, client_name = $client_name, stage = 'replied', assignee = NONE, assignee_name = NONE,
                 channels = [], last_at = 0, last_channel = 'note', last_sender_kind = 'teammate', last_sender_name = '',
                 last_snippet = '', awaiting_since = NONE, unread = false;
             {}
             COMMIT TRANSACTION;",
            super::audit::AUDIT_STATEMENT
        ),
        Value::Object(vars),
    )
    .await?;
    Ok(creator)
}

//! Embed partners (schema v27): registered, listed, rotated and removed by owners, audited; a
//! token's `jti` used once; the frame sessions an exchanged token opens. The partner's key is
//! sealed (`sealed`, field `embed_partner.key`) and the previous one keeps verifying tokens for
//! `ROTATION_OVERLAP_MS` after a rotation.

use super::audit::{AuditEntry, AUDIT_STATEMENT};
use crate::db::{exec, first, rows, Db, DbError};
use crate::sealed::{self, Field};
use app::api::backend::{Caller, ClientScope, Scope};
use app::domain::embed::{EmbedGrant, EmbedView, PartnerGrant};
use app::model::{EmbedPartnerView, Role};
use serde::Deserialize;
use serde_json::json;

/// The sealed field holding a partner's signing key.
pub const PARTNER_KEY: &str = "embed_partner.key";
pub use crate::sealed::ROTATION_OVERLAP_MS;
/// How long a frame session lives without a refresh.
pub const SESSION_MS: i64 = 15 * 60_000;
/// The most partners one workspace registers.
pub const MAX_PARTNERS: usize = 50;

fn field(workspace: &str) -> Field<'_> {
    Field {
        workspace,
        name: PARTNER_KEY,
    }
}

const PARTNER_FIELDS: &str =
    "record::id(id) AS id, name, origins, record::id(client) AS client_id, \
    client.name AS client_name, role, views, created_at, \
    (SELECT record::id(id) AS id, name FROM campaign WHERE workspace = $parent.workspace AND record::id(id) IN $parent.campaigns ORDER BY name) AS campaigns, \
    (IF key_previous_until > $now THEN key_previous_until ELSE NONE END) AS previous_key_until";

/// A new partner, checked (`app::domain::embed`).
pub struct NewPartner<'a> {
    pub name: &'a str,
    pub origins: &'a [String],
    pub client_id: &'a str,
    /// Empty: the whole client.
    pub campaign_ids: &'a [String],
    pub role: Role,
    pub views: &'a [EmbedView],
}

fn audit<'a>(actor: &'a str, action: &'static str, partner: &str) -> AuditEntry<'a> {
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(actor),
        action,
        subject: format!("embed_partner:{partner}"),
        detail: json!({}),
    }
}

/// The workspace's partners, oldest first.
pub async fn list(db: &Db, workspace: &str, now: i64) -> Result<Vec<EmbedPartnerView>, DbError> {
    let sql = format!(
        "SELECT {PARTNER_FIELDS} FROM embed_partner
         WHERE workspace = type::record('workspace', $ws) ORDER BY created_at, id;"
    );
    let mut resp = exec(db, &sql, json!({ "ws": workspace, "now": now })).await?;
    rows(&mut resp, 0)
}

/// Registers a partner with `key` (sealed) for a client of the workspace (and some of its
/// campaigns); audited. None when the client is not the workspace's, a campaign not the
/// client's, or the workspace has `MAX_PARTNERS` already.
pub async fn create(
    db: &Db,
    caller: &Caller,
    server_secret: &str,
    p: &NewPartner<'_>,
    key: &str,
    now: i64,
) -> Result<Option<EmbedPartnerView>, DbError> {
    let id = crate::ids::new_id();
    let ws = caller.workspace_id.as_str();
    let views: Vec<&str> = p.views.iter().map(|v| v.as_str()).collect();
    let mut vars = json!({
        "ws": ws, "now": now, "id": id, "name": p.name, "origins": p.origins,
        "client": p.client_id, "campaigns": p.campaign_ids, "role": p.role.as_str(), "views": views,
        "sealed": sealed::seal(server_secret, field(ws), key), "max": MAX_PARTNERS,
    });
    audit(&caller.user_id, "embed_partner.created", &id)
        .bind(vars.as_object_mut().expect("an object"));
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $ok = (SELECT VALUE workspace FROM ONLY type::record('client', $client)) = type::record('workspace', $ws)
             AND count(SELECT id FROM embed_partner WHERE workspace = type::record('workspace', $ws)) < $max
             AND count(SELECT id FROM campaign WHERE workspace = type::record('workspace', $ws) AND client = type::record('client', $client) AND record::id(id) IN $campaigns) = array::len($campaigns);
         IF $ok {{
             CREATE type::record('embed_partner', $id) SET workspace = type::record('workspace', $ws), name = $name,
                 origins = $origins, client = type::record('client', $client), campaigns = $campaigns, role = $role, views = $views,
                 key_sealed = $sealed, created_at = $now;
             {AUDIT_STATEMENT}
         }};
         COMMIT TRANSACTION;
         SELECT {PARTNER_FIELDS} FROM embed_partner WHERE id = type::record('embed_partner', $id);"
    );
    let mut resp = exec(db, &sql, vars).await?;
    // BEGIN, LET, IF and COMMIT each answer first.
    first(&mut resp, 4)
}

/// Replaces a partner's key; the old one verifies tokens for `ROTATION_OVERLAP_MS` more.
/// Audited. None when the workspace has no such partner.
pub async fn rotate(
    db: &Db,
    caller: &Caller,
    server_secret: &str,
    partner: &str,
    key: &str,
    now: i64,
) -> Result<Option<EmbedPartnerView>, DbError> {
    let ws = caller.workspace_id.as_str();
    let mut vars = json!({
        "ws": ws, "now": now, "id": partner, "until": now + ROTATION_OVERLAP_MS,
        "sealed": sealed::seal(server_secret, field(ws), key),
    });
    audit(&caller.user_id, "embed_partner.key_rotated", partner)
        .bind(vars.as_object_mut().expect("an object"));
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $p = type::record('embed_partner', $id);
         IF (SELECT VALUE workspace FROM ONLY $p) = type::record('workspace', $ws) {{
             UPDATE $p SET key_previous_sealed = key_sealed, key_previous_until = $until, key_sealed = $sealed;
             {AUDIT_STATEMENT}
         }};
         COMMIT TRANSACTION;
         SELECT {PARTNER_FIELDS} FROM embed_partner
             WHERE id = type::record('embed_partner', $id) AND workspace = type::record('workspace', $ws);"
    );
    let mut resp = exec(db, &sql, vars).await?;
    first(&mut resp, 4)
}

/// Removes a partner and ends its frames' sessions; audited. False when there was none.
pub async fn delete(db: &Db, caller: &Caller, partner: &str, now: i64) -> Result<bool, DbError> {
    let mut vars = json!({ "ws": caller.workspace_id, "now": now, "id": partner });
    audit(&caller.user_id, "embed_partner.deleted", partner)
        .bind(vars.as_object_mut().expect("an object"));
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $p = type::record('embed_partner', $id);
         LET $mine = (SELECT VALUE workspace FROM ONLY $p) = type::record('workspace', $ws);
         IF $mine {{
             DELETE embed_session WHERE partner = $p;
             DELETE $p;
             {AUDIT_STATEMENT}
         }};
         COMMIT TRANSACTION;
         RETURN $mine;"
    );
    let mut resp = exec(db, &sql, vars).await?;
    Ok(first::<bool>(&mut resp, 5)?.unwrap_or(false))
}

/// What verifying a partner's token needs: its workspace, grant, origins, name and the keys
/// that verify at `now` (current first).
pub struct PartnerKeys {
    pub workspace: String,
    pub name: String,
    pub client_name: String,
    pub origins: Vec<String>,
    pub grant: PartnerGrant,
    pub keys: Vec<String>,
}

/// A partner's verifying keys and grant, by id (from the token's `kid`). None if unknown.
pub async fn partner_keys(
    db: &Db,
    server_secret: &str,
    partner: &str,
    now: i64,
) -> Result<Option<PartnerKeys>, DbError> {
    #[derive(Deserialize)]
    struct Row {
        workspace: String,
        name: String,
        client: String,
        client_name: Option<String>,
        origins: Vec<String>,
        campaigns: Vec<String>,
        role: String,
        views: Vec<String>,
        key: String,
        previous: Option<String>,
        previous_until: Option<i64>,
    }
    let mut resp = exec(
        db,
        "SELECT record::id(workspace) AS workspace, name, record::id(client) AS client, client.name AS client_name,
             origins, campaigns, role, views, key_sealed AS key, key_previous_sealed AS previous, key_previous_until AS previous_until
         FROM embed_partner WHERE id = type::record('embed_partner', $id);",
        json!({ "id": partner }),
    )
    .await?;
    let Some(r) = first::<Row>(&mut resp, 0)? else {
        return Ok(None);
    };
    let open = |sealed_key: &str| {
        let key = sealed::unseal(server_secret, field(&r.workspace), sealed_key);
        if key.is_none() {
            tracing::error!(
                partner,
                "embed key cannot be unsealed (server secret changed?)"
            );
        }
        key
    };
    let previous = r.previous.as_deref().zip(r.previous_until);
    let keys = sealed::verifying_keys(&r.key, previous, now, open)
        .into_iter()
        .map(|(key, _)| key)
        .collect();
    Ok(Some(PartnerKeys {
        grant: PartnerGrant {
            client_id: r.client,
            campaign_ids: r.campaigns,
            role: Role::parse(&r.role).unwrap_or(Role::Viewer),
            views: r.views.iter().filter_map(|v| EmbedView::parse(v)).collect(),
        },
        workspace: r.workspace,
        name: r.name,
        client_name: r.client_name.unwrap_or_default(),
        origins: r.origins,
        keys,
    }))
}

/// The origins that may frame a partner's embed page (none for an unknown partner).
pub async fn origins(db: &Db, partner: &str) -> Result<Vec<String>, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE origins FROM embed_partner WHERE id = type::record('embed_partner', $id);",
        json!({ "id": partner }),
    )
    .await?;
    Ok(first::<Vec<String>>(&mut resp, 0)?.unwrap_or_default())
}

/// The frame a token opens: for whom, through which partner.
pub struct FrameOpening<'a> {
    pub workspace: &'a str,
    pub partner: &'a str,
    pub partner_name: &'a str,
    pub grant: &'a EmbedGrant,
    pub bearer_hash: &'a str,
}

/// Uses a token's `jti` once and opens the frame's session (by its bearer's hash), audited as
/// "Jo via Acme dashboard" (`domain::embed::attribution`), in one transaction. False when the
/// `jti` was used before (a replayed token).
pub async fn open_session(db: &Db, f: &FrameOpening<'_>, now: i64) -> Result<bool, DbError> {
    let grant = f.grant;
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $use = type::record('embed_token_use', [$partner, $jti]);
         IF (SELECT VALUE id FROM ONLY $use) != NONE {{ THROW 'replayed' }};
         CREATE $use SET expires_at = $token_expires;
         UPSERT type::record('embed_actor', $actor) SET workspace = type::record('workspace', $ws),
             partner = $partner, external_id = $user_id, name = $who, seen_at = $now;
         CREATE embed_session SET token_hash = $hash, workspace = type::record('workspace', $ws),
             partner = type::record('embed_partner', $partner), client = type::record('client', $client),
             campaigns = $campaigns, role = $role, view = $view, thread = $thread, user_id = $user_id, user_name = $user_name,
             actor = $actor, created_at = $now, expires_at = $expires;
         {AUDIT_STATEMENT}
         COMMIT TRANSACTION;"
    );
    let who = app::domain::embed::attribution(grant.user_name.as_deref(), f.partner_name);
    let mut vars = json!({
        "ws": f.workspace, "partner": f.partner, "jti": grant.jti, "hash": f.bearer_hash,
        "client": grant.client_id, "campaigns": grant.campaign_ids, "role": grant.role.as_str(), "view": grant.view.as_str(),
        "thread": grant.thread, "user_id": grant.user_id, "user_name": grant.user_name,
        "token_expires": grant.token_expires * 1000, "now": now, "expires": now + SESSION_MS,
        "actor": actor_id(f.partner, grant.user_id.as_deref()), "who": who,
    });
    AuditEntry {
        actor_kind: "embed",
        actor_id: Some(f.partner),
        action: "embed.opened",
        subject: format!("embed_partner:{}", f.partner),
        detail: json!({ "by": who, "view": grant.view.as_str(), "user_id": grant.user_id }),
    }
    .bind(vars.as_object_mut().expect("an object"));
    let vars = crate::db::without_nulls(vars);
    // Two exchanges of one token at once: the second `CREATE` of the same record fails.
    match exec(db, &sql, vars).await {
        Ok(_) => Ok(true),
        Err(e) if is_replay(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The `embed_actor` a partner's user acts as (one per partner and external user id; the
/// partner itself when the token names no user): a stable id shaped like the ids we issue.
pub fn actor_id(partner: &str, external_user: Option<&str>) -> String {
    let digest = crate::auth::token_hash(&format!("{partner}\n{}", external_user.unwrap_or("")));
    format!("ea{}", &digest[..30])
}

fn is_replay(e: &DbError) -> bool {
    let text = e.to_string();
    text.contains("replayed") || text.contains("already exists") || crate::db::is_conflict(e)
}

/// The caller behind a frame's bearer (by its hash): scoped to the partner's client with the
/// partner's frame role, while the session lives and its partner exists. It acts as the
/// session's `embed_actor` ("Jo via Acme dashboard").
pub async fn caller(db: &Db, bearer_hash: &str, now: i64) -> Result<Option<Caller>, DbError> {
    #[derive(Deserialize)]
    struct Row {
        workspace: String,
        actor: String,
        client: String,
        campaigns: Vec<String>,
        role: String,
        view: String,
        thread: Option<String>,
    }
    let mut resp = exec(
        db,
        "SELECT record::id(workspace) AS workspace, actor, record::id(client) AS client, campaigns, role, view, thread
         FROM embed_session WHERE token_hash = $hash AND expires_at > $now AND partner.id != NONE AND actor != NONE LIMIT 1;",
        json!({ "hash": bearer_hash, "now": now }),
    )
    .await?;
    Ok(first::<Row>(&mut resp, 0)?.map(|r| Caller {
        user_id: r.actor,
        workspace_id: r.workspace,
        role: Role::parse(&r.role).unwrap_or(Role::Viewer),
        scope: Scope::Client(ClientScope {
            client: r.client,
            campaigns: r.campaigns,
            // A one-thread frame reaches that conversation only.
            thread: r.thread.filter(|_| r.view == EmbedView::Thread.as_str()),
        }),
    }))
}

/// Extends a live frame session by `SESSION_MS`; false when it has ended.
pub async fn refresh(db: &Db, bearer_hash: &str, now: i64) -> Result<bool, DbError> {
    let mut resp = exec(
        db,
        "UPDATE embed_session SET expires_at = $until WHERE token_hash = $hash AND expires_at > $now RETURN VALUE id;",
        json!({ "hash": bearer_hash, "now": now, "until": now + SESSION_MS }),
    )
    .await?;
    Ok(!rows::<serde_json::Value>(&mut resp, 0)?.is_empty())
}

/// Removes ended frame sessions and the `jti`s of expired tokens; how many.
pub async fn clean_up(db: &Db, now: i64) -> Result<usize, DbError> {
    let mut resp = exec(
        db,
        "DELETE embed_session WHERE expires_at <= $now RETURN BEFORE;
         DELETE embed_token_use WHERE expires_at <= $now RETURN BEFORE;",
        json!({ "now": now }),
    )
    .await?;
    let a = rows::<serde_json::Value>(&mut resp, 0)?.len();
    let b = rows::<serde_json::Value>(&mut resp, 1)?.len();
    Ok(a + b)
}

//! What a workspace sends from: its connected mailboxes, numbers and Instagram accounts as
//! sending identities (`domain::sending`), the claims that keep each address, number and account
//! in one workspace, the default per channel, disconnecting, and each campaign's senders.

use crate::db::{exec, exec_transaction, first, Db, DbError};
use app::domain::sending::CampaignSenders;
use app::model::{Channel, SendingIdentity};
use serde::Deserialize;
use serde_json::{json, Value};

/// Something a connection claims for its workspace alone: `kind` is one of `mailbox`,
/// `sms_number`, `sms_service`, `twilio_account`, `instagram`.
pub struct Claim {
    pub kind: &'static str,
    pub value: String,
}

impl Claim {
    pub fn new(kind: &'static str, value: &str) -> Claim {
        Claim {
            kind,
            value: value.to_string(),
        }
    }
}

/// The table of each channel's connected accounts.
pub fn table(channel: Channel) -> Option<&'static str> {
    match channel {
        Channel::Email => Some("mailbox"),
        Channel::Sms => Some("sms_account"),
        Channel::Instagram => Some("instagram_account"),
        _ => None,
    }
}

/// The first of `claims` that an account other than `table:id` holds (in any workspace).
pub async fn held_elsewhere(
    db: &Db,
    table: &str,
    id: &str,
    claims: &[Claim],
) -> Result<Option<String>, DbError> {
    let pairs: Vec<Value> = claims.iter().map(|c| json!([c.kind, c.value])).collect();
    let mut resp = exec(
        db,
        "SELECT VALUE id[1] FROM array::map($pairs, |$p| type::record('channel_claim', $p))
             WHERE account != type::record($table, $id);",
        json!({ "pairs": pairs, "table": table, "id": id }),
    )
    .await?;
    let held: Vec<Value> = resp.take(0)?;
    Ok(held
        .into_iter()
        .find_map(|v| v.as_str().map(str::to_string)))
}

/// The statements that move an account's claims to `$claims` (`[{kind, value}]`) for account
/// `$acct` (id `$id`) of workspace `$ws`, inside the caller's transaction: its old claims are
/// released and each new one created, which fails — and with it the transaction — if anyone
/// holds it. The change is audited (`$actor`, `$channel`, `$existing`: an account changed).
const MOVE_CLAIMS: &str = "DELETE channel_claim WHERE account = $acct;
    FOR $c IN $claims {
        CREATE type::record('channel_claim', [$c.kind, $c.value]) SET workspace = type::record('workspace', $ws),
            account = $acct, at = $now;
    };
    CREATE audit_event SET workspace = type::record('workspace', $ws), at = $now, actor_kind = 'user',
        actor_id = $actor, action = 'channel.connected', subject = 'workspace:' + $ws,
        detail = { channel: $channel, connection: $id, changed: $existing };";

fn claims_value(claims: &[Claim]) -> Value {
    claims
        .iter()
        .map(|c| json!({ "kind": c.kind, "value": c.value }))
        .collect()
}

/// Whether a failed connection write lost a claim to a concurrent connection.
fn lost_a_claim(e: &DbError) -> bool {
    let text = e.to_string();
    text.contains("channel_claim") && text.contains("already exists")
}

/// One channel account's write, the part that differs per kind: its table and channel, what it
/// claims, what a claim lost to a concurrent connection is reported as, the stored fields it reads
/// into `$old` besides `workspace`, statements run after the checks (they may read `$old`), its own
/// fields for the upsert's SET, and the values those bind.
pub struct AccountWrite<'a> {
    pub table: &'static str,
    pub channel: Channel,
    pub claims: Vec<Claim>,
    pub what: &'a str,
    pub old: &'static str,
    pub before: &'static str,
    pub set: &'static str,
    pub vars: Value,
}

/// Writes a new account (`target.id` none) or one of the workspace's, in one transaction: another
/// workspace's account is refused (not found), the account's claims move to `w.claims` (a claim
/// anyone else holds refuses the whole write: `Taken` naming it), the first account of its channel
/// becomes the default, the change is audited. Returns the account's id.
pub async fn write_account(
    db: &Db,
    workspace: &str,
    target: &super::Target,
    w: AccountWrite<'_>,
    now: i64,
) -> Result<String, super::ConnectError> {
    use super::ConnectError;
    let id = target.id.clone().unwrap_or_else(crate::ids::new_id);
    if let Some(held) = held_elsewhere(db, w.table, &id, &w.claims).await? {
        return Err(ConnectError::Taken(held));
    }
    let (table, old, before, set) = (w.table, w.old, w.before, w.set);
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $acct = type::record('{table}', $id);
         LET $old = (SELECT workspace{old} FROM $acct)[0];
         IF $old != NONE AND $old.workspace != type::record('workspace', $ws) {{ THROW 'not this workspace'; }};
         IF $old = NONE AND $existing {{ THROW 'not this workspace'; }};
         {before}
         LET $first = (SELECT VALUE id FROM {table} WHERE workspace = type::record('workspace', $ws) LIMIT 1) = [];
         {MOVE_CLAIMS}
         UPSERT $acct SET workspace = type::record('workspace', $ws), label = $label, {set},
             is_default = IF $old = NONE THEN $first ELSE is_default END,
             created_at = created_at ?? $now, updated_at = $now;
         COMMIT TRANSACTION;"
    );
    let mut vars = match w.vars {
        Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    for (k, v) in [
        ("ws", json!(workspace)),
        ("id", json!(id)),
        ("existing", json!(target.id.is_some())),
        ("label", json!(target.label)),
        ("actor", json!(target.actor)),
        ("channel", json!(w.channel.as_str())),
        ("claims", claims_value(&w.claims)),
        ("now", json!(now)),
    ] {
        vars.insert(k.into(), v);
    }
    match exec_transaction(db, &sql, Value::Object(vars)).await {
        Ok(_) => Ok(id),
        Err(e) if lost_a_claim(&e) => Err(ConnectError::Taken(w.what.to_string())),
        Err(e) if e.to_string().contains("not this workspace") => Err(ConnectError::NotFound),
        Err(e) => Err(ConnectError::Db(e)),
    }
}

/// Every identity the workspace sends from, each channel's default first, then oldest first.
pub async fn identities(db: &Db, workspace: &str) -> Result<Vec<SendingIdentity>, DbError> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        label: String,
        is_default: bool,
        address: Option<String>,
        numbers: Option<Vec<String>>,
        username: Option<String>,
        account_id: Option<String>,
    }
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, label, is_default, address, created_at FROM mailbox
             WHERE workspace = type::record('workspace', $ws) ORDER BY is_default DESC, created_at, id;
         SELECT record::id(id) AS id, label, is_default, numbers, created_at FROM sms_account
             WHERE workspace = type::record('workspace', $ws) ORDER BY is_default DESC, created_at, id;
         SELECT record::id(id) AS id, label, is_default, username, account_id, created_at FROM instagram_account
             WHERE workspace = type::record('workspace', $ws) ORDER BY is_default DESC, created_at, id;",
        json!({ "ws": workspace }),
    )
    .await?;
    let mut out = Vec::new();
    for (idx, channel) in [Channel::Email, Channel::Sms, Channel::Instagram]
        .into_iter()
        .enumerate()
    {
        let rows: Vec<Row> = crate::db::rows(&mut resp, idx)?;
        for r in rows {
            let one = |key: String, address: String, is_default: bool| SendingIdentity {
                channel,
                key,
                label: r.label.clone(),
                address,
                is_default,
            };
            match channel {
                Channel::Sms => {
                    for (n, number) in r
                        .numbers
                        .clone()
                        .unwrap_or_default()
                        .into_iter()
                        .enumerate()
                    {
                        out.push(one(number.clone(), number, r.is_default && n == 0));
                    }
                }
                Channel::Email => out.push(one(
                    r.id.clone(),
                    r.address.clone().unwrap_or_default(),
                    r.is_default,
                )),
                _ => {
                    let address = r
                        .username
                        .clone()
                        .map(|u| format!("@{}", u.trim_start_matches('@')))
                        .or_else(|| r.account_id.clone())
                        .unwrap_or_default();
                    out.push(one(r.id.clone(), address, r.is_default))
                }
            }
        }
    }
    Ok(out)
}

/// Makes account `id` its channel's default in the workspace (`false`: it is not one of its
/// accounts).
pub async fn set_default(
    db: &Db,
    workspace: &str,
    actor: &str,
    channel: Channel,
    id: &str,
    now: i64,
) -> Result<bool, DbError> {
    let Some(table) = table(channel) else {
        return Ok(false);
    };
    let mut resp = exec_transaction(
        db,
        "BEGIN TRANSACTION;
         LET $acct = type::record($table, $id);
         LET $ours = (SELECT VALUE id FROM $acct WHERE workspace = type::record('workspace', $ws)) != [];
         IF $ours {
             UPDATE type::table($table) SET is_default = (id = $acct), updated_at = $now
                 WHERE workspace = type::record('workspace', $ws);
             CREATE audit_event SET workspace = type::record('workspace', $ws), at = $now, actor_kind = 'user',
                 actor_id = $actor, action = 'channel.default_changed', subject = 'workspace:' + $ws,
                 detail = { channel: $channel, connection: $id };
         };
         RETURN $ours;
         COMMIT TRANSACTION;",
        json!({ "ws": workspace, "table": table, "id": id, "now": now, "actor": actor, "channel": channel.as_str() }),
    )
    .await?;
    Ok(last_bool(&mut resp))
}

/// Disconnects account `id` (`false`: it is not one of the workspace's): it and its claims go,
/// campaigns that named it fall back to the default, and if it was the default the oldest
/// remaining account of the channel becomes it. Messages keep the label they were sent with.
pub async fn disconnect(
    db: &Db,
    workspace: &str,
    actor: &str,
    channel: Channel,
    id: &str,
    now: i64,
) -> Result<bool, DbError> {
    let Some(table) = table(channel) else {
        return Ok(false);
    };
    let field = channel.as_str();
    let mut resp = exec_transaction(
        db,
        &format!(
            "BEGIN TRANSACTION;
         LET $acct = type::record($table, $id);
         LET $row = (SELECT is_default, numbers FROM $acct WHERE workspace = type::record('workspace', $ws))[0];
         IF $row != NONE {{
             DELETE channel_claim WHERE account = $acct;
             DELETE $acct;
             LET $keys = IF $table = 'sms_account' THEN $row.numbers ELSE [$id] END;
             UPDATE campaign SET senders.{field} = NONE
                 WHERE workspace = type::record('workspace', $ws) AND senders.{field} INSIDE $keys;
             CREATE audit_event SET workspace = type::record('workspace', $ws), at = $now, actor_kind = 'user',
                 actor_id = $actor, action = 'channel.disconnected', subject = 'workspace:' + $ws,
                 detail = {{ channel: '{field}', connection: $id }};
             IF $row.is_default {{
                 LET $next = (SELECT VALUE id FROM type::table($table) WHERE workspace = type::record('workspace', $ws)
                     ORDER BY created_at, id LIMIT 1)[0];
                 IF $next != NONE {{ UPDATE $next SET is_default = true; }};
             }};
         }};
         RETURN $row != NONE;
         COMMIT TRANSACTION;"
        ),
        json!({ "ws": workspace, "table": table, "id": id, "actor": actor, "now": now }),
    )
    .await?;
    Ok(last_bool(&mut resp))
}

fn last_bool(resp: &mut surrealdb::IndexedResults) -> bool {
    let n = resp.num_statements();
    (0..n)
        .rev()
        .find_map(|i| resp.take::<Option<bool>>(i).ok().flatten())
        .unwrap_or(false)
}

/// The campaign's senders (none set: the defaults).
pub async fn campaign_senders(
    db: &Db,
    workspace: &str,
    campaign_id: &str,
) -> Result<CampaignSenders, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE senders FROM type::record('campaign', $c) WHERE workspace = type::record('workspace', $ws);",
        json!({ "ws": workspace, "c": campaign_id }),
    )
    .await?;
    Ok(first::<Option<CampaignSenders>>(&mut resp, 0)?
        .flatten()
        .unwrap_or_default())
}

/// What a message records about the identity it came in on or goes out from.
pub fn via_value(i: &SendingIdentity) -> Value {
    json!({ "key": i.key, "label": i.label, "address": i.address })
}

/// What choosing a thread's sender needs (`domain::sending::choose`).
pub struct ThreadSenders {
    pub identities: Vec<SendingIdentity>,
    pub campaign: CampaignSenders,
    /// The key the creator last wrote to, per channel, in this thread.
    pub last_inbound: Vec<(Channel, String)>,
}

impl ThreadSenders {
    /// The identity a message on `channel` goes out from.
    pub fn choose(&self, channel: Channel) -> Option<SendingIdentity> {
        let last = self
            .last_inbound
            .iter()
            .find(|(c, _)| *c == channel)
            .map(|(_, k)| k.as_str());
        app::domain::sending::choose(channel, last, &self.campaign, &self.identities)
            .map(|(i, _)| i.clone())
    }
}

/// How many of a thread's newest creator messages are looked at for the identity they were sent
/// to (each channel's newest counts).
const LAST_INBOUND_LOOKED_AT: usize = 50;

pub async fn for_thread(
    db: &Db,
    workspace: &str,
    thread_id: &str,
    campaign_id: &str,
) -> Result<ThreadSenders, DbError> {
    #[derive(Deserialize)]
    struct Inbound {
        channel: Channel,
        key: Option<String>,
    }
    let mut resp = exec(
        db,
        &format!(
            "SELECT channel, via.key AS key, at FROM message WHERE thread = type::record('thread', $t)
                 AND direction = 'inbound' ORDER BY newest_first LIMIT {LAST_INBOUND_LOOKED_AT};"
        ),
        json!({ "t": thread_id }),
    )
    .await?;
    let rows: Vec<Inbound> = crate::db::rows(&mut resp, 0)?;
    let mut last_inbound: Vec<(Channel, String)> = Vec::new();
    for r in rows {
        if let Some(key) = r.key {
            if !last_inbound.iter().any(|(c, _)| *c == r.channel) {
                last_inbound.push((r.channel, key));
            }
        }
    }
    Ok(ThreadSenders {
        identities: identities(db, workspace).await?,
        campaign: campaign_senders(db, workspace, campaign_id).await?,
        last_inbound,
    })
}

//! Who a bulk message reaches: the selection resolved to threads (confined to the caller's
//! workspace and scope), and for each the facts the routing rule and the merge fields need —
//! read in three queries whatever the number of recipients.

use crate::db::{exec, rows, Db, DbError};
use crate::store::{thread_scope, THREAD_FIELDS};
use app::api::backend::Caller;
use app::domain::bulk::{self, RecipientFacts, Skip};
use app::domain::policy::ResponsePolicy;
use app::domain::reply_channel::Connected;
use app::model::bulk::{BulkRecipient, BulkSelection};
use app::model::{Channel, Identity, ThreadSummary};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// One selected thread.
#[derive(Deserialize, Clone, Debug)]
pub struct Row {
    #[serde(flatten)]
    pub thread: ThreadSummary,
    pub last_inbound_channel: Option<Channel>,
    pub identities: Option<Vec<Identity>>,
}

#[derive(Deserialize, Debug)]
pub struct CampaignRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub policy: Option<Value>,
    pub status: String,
    pub brand: Option<String>,
    pub post_by: Option<i64>,
    pub deliverables: Vec<String>,
    pub compensation: String,
    /// Who the campaign sends from per channel (`domain::sending`).
    #[serde(default)]
    pub senders: Option<app::domain::sending::CampaignSenders>,
}

impl CampaignRow {
    /// The campaign's own policy, or its kind's defaults.
    pub fn policy(&self) -> ResponsePolicy {
        crate::store::policies::effective(&self.kind, self.policy.as_ref())
    }
}

/// The selected threads and what routing them needs.
pub struct Resolved {
    pub rows: Vec<Row>,
    pub campaigns: HashMap<String, CampaignRow>,
    pub connected: Connected,
    /// What the workspace sends from.
    pub identities: Vec<app::model::SendingIdentity>,
}

/// A recipient's route: the channel, or the skip.
pub struct Routed<'a> {
    pub row: &'a Row,
    pub route: Result<Channel, String>,
}

fn row_fields() -> String {
    format!("{THREAD_FIELDS}, last_inbound_channel, creator.identities AS identities")
}

/// The threads a selection names, in the inbox's order for a filter (newest first).
pub async fn resolve(
    db: &Db,
    caller: &Caller,
    selection: &BulkSelection,
    now: i64,
) -> Result<Resolved, DbError> {
    let mut vars = Map::new();
    let limit = bulk::MAX_RECIPIENTS + 1;
    let fields = row_fields();
    let select = match selection {
        BulkSelection::Filter(filter) => {
            let clock = crate::store::inbox::inbox_clock(db, &caller.workspace_id, now).await?;
            let c = crate::store::inbox_query::conditions(caller, filter, clock, &mut vars);
            format!(
                "SELECT {fields} FROM thread{} WHERE {} ORDER BY inbox_rank LIMIT {limit};",
                crate::store::inbox_query::index_hint(filter),
                c.join(" AND ")
            )
        }
        BulkSelection::Threads(ids) => {
            let scope = thread_scope(caller, &mut vars);
            vars.insert("ids".into(), json!(ids));
            format!(
                "LET $r = array::map($ids, |$i| type::record('thread', $i));
                 SELECT {fields} FROM $r WHERE {scope};"
            )
        }
    };
    let threads_stmt = match selection {
        BulkSelection::Filter(_) => 0,
        BulkSelection::Threads(_) => 1,
    };
    let sql = format!(
        "{select}
         SELECT record::id(id) AS id, name, kind, policy, status, client.name AS brand, post_by, deliverables,
             compensation, senders FROM campaign WHERE workspace = type::record('workspace', $ws);
         SELECT VALUE count() FROM sms_account WHERE workspace = type::record('workspace', $ws) GROUP ALL;
         SELECT VALUE (api_outbound_url != NONE AND api_key_sealed != NONE) FROM ONLY type::record('workspace', $ws);
         SELECT VALUE count() FROM mailbox WHERE workspace = type::record('workspace', $ws) GROUP ALL;"
    );
    let mut resp = exec(db, &sql, Value::Object(vars)).await?;
    let threads: Vec<Row> = rows(&mut resp, threads_stmt)?;
    let campaigns: Vec<CampaignRow> = rows(&mut resp, threads_stmt + 1)?;
    let sms: Option<i64> = resp.take(threads_stmt + 2)?;
    let api: Option<bool> = resp.take(threads_stmt + 3)?;
    let mailboxes: Option<i64> = resp.take(threads_stmt + 4)?;
    let identities = crate::store::senders::identities(db, &caller.workspace_id).await?;
    Ok(Resolved {
        identities,
        rows: threads,
        campaigns: campaigns.into_iter().map(|c| (c.id.clone(), c)).collect(),
        connected: Connected {
            email: mailboxes.unwrap_or(0) > 0,
            sms: sms.unwrap_or(0) > 0,
            instagram: false,
            api: api.unwrap_or(false),
        },
    })
}

impl Resolved {
    /// Each selected thread's channel or skip reason.
    pub fn route(&self) -> Vec<Routed<'_>> {
        self.rows
            .iter()
            .map(|row| {
                let campaign = self.campaigns.get(&row.thread.campaign_id);
                let policy = campaign.map(CampaignRow::policy);
                let allowed = policy
                    .as_ref()
                    .map(|p| p.automation_channels.clone())
                    .unwrap_or_default();
                let facts = RecipientFacts {
                    identities: row.identities.as_deref().unwrap_or(&[]),
                    last_inbound: row.last_inbound_channel,
                    stage: row.thread.stage,
                    campaign_closed: campaign.is_none_or(|c| c.status == "closed"),
                    connected: self.connected,
                    allowed: &allowed,
                };
                Routed {
                    row,
                    route: bulk::route(&facts).map_err(|s: Skip| s.reason()),
                }
            })
            .collect()
    }
}

impl Routed<'_> {
    pub fn view(&self) -> BulkRecipient {
        BulkRecipient {
            thread_id: self.row.thread.id.clone(),
            creator_name: self.row.thread.creator_name.clone(),
            campaign_name: self.row.thread.campaign_name.clone(),
            channel: self.route.as_ref().ok().copied(),
            skip: self.route.as_ref().err().cloned(),
        }
    }
}

//! Bulk messages in the database: preview, create (recipients resolved and routed once, the
//! batch held for approval when a campaign's policy asks), the progress view, approve / reject,
//! cancel and retrying failures. Writing the recipients' messages is `enqueue`.

pub mod actions;
pub mod enqueue;
pub mod progress;
pub mod recipients;

pub use progress::view;

use super::audit::{AuditEntry, AUDIT_STATEMENT};
use super::thread_write::{user_name, WriteError};
use crate::db::{exec, Db};
use app::api::backend::Caller;
use app::domain::bulk;
use app::domain::language;
use app::domain::language::FieldValues;
use app::model::bulk::*;
use recipients::{CampaignRow, Resolved, Row};
use serde_json::{json, Map, Value};

/// What a canceled recipient's message says went wrong.
pub const CANCELED: &str = "Canceled with its bulk message";
/// The most rows the preview's table and the view's problem list carry.
pub(super) const LIST_ROWS: usize = 200;

/// A bulk message as created by a teammate.
pub struct BulkRequest<'a> {
    pub selection: &'a BulkSelection,
    pub compose: &'a BulkCompose,
    /// When to send (`None`: now).
    pub schedule_at: Option<i64>,
}

/// A recipient's message text. `portal_link`: the fresh link made for them, if the message
/// uses one.
pub fn render(
    body: &str,
    row: &Row,
    campaign: Option<&CampaignRow>,
    sender: &str,
    portal_link: Option<&str>,
) -> Result<String, String> {
    let values = FieldValues {
        creator_name: &row.thread.creator_name,
        campaign: &row.thread.campaign_name,
        brand: campaign.and_then(|c| c.brand.as_deref()).unwrap_or(""),
        post_by: campaign.and_then(|c| c.post_by),
        deliverables: campaign.map(|c| c.deliverables.as_slice()).unwrap_or(&[]),
        compensation: campaign.map(|c| c.compensation.as_str()).unwrap_or(""),
        sender,
        address: None,
        guidance: None,
        portal_link,
    };
    language::render(body, &language::fields(&values))
}

/// What sending would do: the route or skip reason of every selected creator, and the message
/// as `sample` would read it.
pub async fn preview(
    db: &Db,
    caller: &Caller,
    selection: &BulkSelection,
    compose: &BulkCompose,
    sample: Option<&str>,
    public_url: &str,
    now: i64,
) -> Result<BulkPreview, WriteError> {
    let resolved = recipients::resolve(db, caller, selection, now).await?;
    let sender = user_name(db, &caller.user_id).await?;
    let example_link = format!("{public_url}/p/…");
    let link = bulk::uses_portal_link(&compose.body).then_some(example_link.as_str());
    let mut out = BulkPreview {
        total: resolved.rows.len() as u32,
        ..Default::default()
    };
    let mut sending = Vec::new();
    let mut skipped = Vec::new();
    for r in resolved.route() {
        let mut view = r.view();
        if view.skip.is_none() {
            let campaign = resolved.campaigns.get(&r.row.thread.campaign_id);
            if let Err(e) = render(&compose.body, r.row, campaign, &sender, link) {
                view.channel = None;
                view.skip = Some(e);
            }
        }
        match (&view.channel, &view.skip) {
            (Some(c), _) => {
                bump(&mut out.by_channel, *c);
                sending.push(view);
            }
            (None, reason) => {
                bump(&mut out.skipped, reason.clone().unwrap_or_default());
                skipped.push(view);
            }
        }
    }
    let policies: Vec<(String, app::domain::policy::ResponsePolicy)> =
        campaigns_of(&resolved, sending.iter().map(|v| v.thread_id.as_str()));
    out.approval = bulk::approval(policies.iter().map(|(n, p)| (n.as_str(), p)), caller.role)
        .map(|(_, why)| why);
    if let Err(e) = bulk::validate(&compose.subject, &compose.body) {
        out.problem = Some(e);
    }
    let sample_row = sample
        .and_then(|id| resolved.rows.iter().find(|r| r.thread.id == id))
        .or_else(|| {
            sending
                .first()
                .and_then(|v| resolved.rows.iter().find(|r| r.thread.id == v.thread_id))
        });
    if let (Some(row), None) = (sample_row, &out.problem) {
        let campaign = resolved.campaigns.get(&row.thread.campaign_id);
        out.sample_thread = Some(row.thread.id.clone());
        match render(&compose.body, row, campaign, &sender, link) {
            Ok(t) => out.sample = Some(t),
            Err(e) => out.problem = Some(format!("{}: {e}", row.thread.creator_name)),
        }
    }
    skipped.truncate(LIST_ROWS / 2);
    sending.truncate(LIST_ROWS - skipped.len());
    out.recipients = skipped;
    out.recipients.extend(sending);
    Ok(out)
}

fn bump<K: PartialEq>(counts: &mut Vec<(K, u32)>, key: K) {
    match counts.iter_mut().find(|(k, _)| *k == key) {
        Some((_, n)) => *n += 1,
        None => counts.push((key, 1)),
    }
}

/// The policies of the campaigns the given threads belong to, with the campaigns' names.
fn campaigns_of<'a>(
    resolved: &Resolved,
    threads: impl Iterator<Item = &'a str>,
) -> Vec<(String, app::domain::policy::ResponsePolicy)> {
    let threads: std::collections::HashSet<&str> = threads.collect();
    let mut seen: Vec<&str> = Vec::new();
    for row in &resolved.rows {
        let campaign = row.thread.campaign_id.as_str();
        if threads.contains(row.thread.id.as_str()) && !seen.contains(&campaign) {
            seen.push(campaign);
        }
    }
    seen.into_iter()
        .filter_map(|id| resolved.campaigns.get(id))
        .map(|c| (c.name.clone(), c.policy()))
        .collect()
}

/// A bulk message just created.
pub struct Created {
    pub id: String,
    /// It may be written now (no approval needed, not scheduled later).
    pub due: bool,
    /// Recipients to write (the others were skipped).
    pub recipients: usize,
}

/// Creates a bulk message: resolves and routes its recipients now (the selection as it is),
/// records who is skipped and why, and holds it for approval when a recipient's campaign asks.
/// Its recipients are written by `enqueue::run`.
pub async fn create(
    db: &Db,
    caller: &Caller,
    req: BulkRequest<'_>,
    now: i64,
) -> Result<Created, WriteError> {
    bulk::validate(&req.compose.subject, &req.compose.body).map_err(WriteError::Invalid)?;
    let at = match req.schedule_at {
        None => now,
        Some(t) if t < now - 60_000 => {
            return Err(WriteError::Invalid("the scheduled time has passed".into()))
        }
        Some(t) if t > now + 90 * 86_400_000 => {
            return Err(WriteError::Invalid("schedule at most 90 days ahead".into()))
        }
        Some(t) => t.max(now),
    };
    if let BulkSelection::Threads(ids) = req.selection {
        if ids.is_empty() {
            return Err(WriteError::Invalid("select at least one thread".into()));
        }
        if ids.len() > bulk::MAX_RECIPIENTS
            || !ids.iter().all(|i| app::domain::filter::is_valid_id(i))
        {
            return Err(WriteError::Invalid("the selection is not valid".into()));
        }
    }
    let resolved = recipients::resolve(db, caller, req.selection, now).await?;
    if resolved.rows.len() > bulk::MAX_RECIPIENTS {
        return Err(WriteError::Invalid(format!(
            "a bulk message reaches at most {} creators; narrow the filter",
            bulk::MAX_RECIPIENTS
        )));
    }
    if resolved.rows.is_empty() {
        return Err(WriteError::Invalid(
            "no thread matches the selection".into(),
        ));
    }
    let sender = user_name(db, &caller.user_id).await?;
    let mut to_send: Vec<String> = Vec::new();
    let mut skipped: Vec<Value> = Vec::new();
    for r in resolved.route() {
        let campaign = resolved.campaigns.get(&r.row.thread.campaign_id);
        let route = r.route.clone().and_then(|c| {
            render(&req.compose.body, r.row, campaign, &sender, Some("link")).map(|_| c)
        });
        match route {
            Ok(_) => to_send.push(r.row.thread.id.clone()),
            Err(reason) => skipped.push(skip_var(r.row, &reason)),
        }
    }
    if to_send.is_empty() {
        return Err(WriteError::Invalid(
            "none of the selected creators can be reached; see the preview for why".into(),
        ));
    }
    let policies = campaigns_of(&resolved, to_send.iter().map(String::as_str));
    let approval = bulk::approval(policies.iter().map(|(n, p)| (n.as_str(), p)), caller.role);
    let id = crate::ids::new_id();
    let state = if approval.is_some() {
        "pending_approval"
    } else {
        "scheduled"
    };
    let mut vars = Map::new();
    for (k, v) in [
        ("id", json!(id)),
        ("ws", json!(caller.workspace_id)),
        ("user", json!(caller.user_id)),
        ("name", json!(sender)),
        ("now", json!(now)),
        ("selection", json!(describe(req.selection, &resolved))),
        ("subject", json!(req.compose.subject.trim())),
        ("body", json!(req.compose.body)),
        ("state", json!(state)),
        ("at", json!(at)),
        ("total", json!(resolved.rows.len())),
        ("recipients", json!(to_send)),
        ("skipped", Value::Array(skipped)),
        ("role", json!(approval.as_ref().map(|(r, _)| r.as_str()))),
        ("why", json!(approval.as_ref().map(|(_, w)| w.clone()))),
    ] {
        vars.insert(k.into(), v);
    }
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "bulk.created",
        subject: format!("bulk_send:{id}"),
        detail: json!({ "recipients": to_send.len(), "skipped": resolved.rows.len() - to_send.len(),
            "scheduled_at": at, "needs_approval": approval.is_some() }),
    }
    .bind(&mut vars);
    exec(
        db,
        &format!(
            "BEGIN TRANSACTION;
             CREATE type::record('bulk_send', $id) SET workspace = type::record('workspace', $ws),
                 created_by = type::record('user', $user), created_by_name = $name, created_at = $now,
                 selection = $selection, subject = IF $subject = '' THEN NONE ELSE $subject END, body = $body,
                 state = $state, scheduled_at = $at, total = $total, recipients = $recipients, skipped = $skipped,
                 approval_role = $role ?? NONE, approval_reason = $why ?? NONE;
             {AUDIT_STATEMENT}
             COMMIT TRANSACTION;"
        ),
        Value::Object(crate::db::without_nulls(Value::Object(vars)).as_object().cloned().unwrap_or_default()),
    )
    .await?;
    Ok(Created {
        due: approval.is_none() && at <= now,
        recipients: to_send.len(),
        id,
    })
}

pub(super) fn skip_var(row: &Row, reason: &str) -> Value {
    let t = &row.thread;
    json!({ "thread": t.id, "creator": t.creator_name, "campaign": t.campaign_name, "reason": reason })
}

/// How the selection reads in the list ("Summer Glow · Needs reply", "12 selected threads").
fn describe(selection: &BulkSelection, resolved: &Resolved) -> String {
    match selection {
        BulkSelection::Threads(ids) => format!("{} selected threads", ids.len()),
        BulkSelection::Filter(f) => {
            let mut parts: Vec<String> = Vec::new();
            if let Some(c) = f.campaign.as_ref().and_then(|c| resolved.campaigns.get(c)) {
                parts.push(c.name.clone());
            }
            if let Some(s) = f.stage {
                parts.push(s.label().to_string());
            }
            if let Some(c) = f.channel {
                parts.push(c.label().to_string());
            }
            if f.overdue {
                parts.push("Overdue".into());
            } else if f.needs_reply {
                parts.push("Needs reply".into());
            }
            if let Some(q) = f.creator.as_ref().filter(|q| !q.trim().is_empty()) {
                parts.push(format!("“{}”", q.trim()));
            }
            if parts.is_empty() {
                "All threads".into()
            } else {
                parts.join(" · ")
            }
        }
    }
}

//! Campaign response policies and the workspace's approved-language entries: read for the
//! Policies page, changed with an audit event in the same transaction.

use super::audit::{AuditEntry, AUDIT_STATEMENT};
use super::thread_write::WriteError;
use crate::db::{exec, exec_transaction, rows, Db, DbError};
use app::api::backend::Caller;
use app::domain::language::{library, Snippet};
use app::domain::policy::{defaults, validate, ResponsePolicy};
use app::domain::reply_clock::BusinessHours;
use app::domain::zone::offset_ms_at;
use app::model::{CampaignPolicy, PolicySettings, Role};
use serde::Deserialize;
use serde_json::{json, Map, Value};

#[derive(Deserialize)]
struct Row {
    id: String,
    name: String,
    kind: String,
    policy: Option<Value>,
    followups: Option<Value>,
}

/// A campaign's own policy as stored (`campaign.policy`); none when unset or unreadable.
pub fn stored(v: Option<&Value>) -> Option<ResponsePolicy> {
    v.and_then(|p| serde_json::from_value(p.clone()).ok())
}

/// The policy a campaign follows: its own, else its kind's defaults.
pub fn effective(kind: &str, v: Option<&Value>) -> ResponsePolicy {
    stored(v).unwrap_or_else(|| defaults(kind))
}

pub async fn settings(db: &Db, caller: &Caller) -> Result<PolicySettings, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, name, kind, policy, followups FROM campaign
             WHERE workspace = type::record('workspace', $ws) ORDER BY name;
         SELECT key, title, category, body, (IF campaign != NONE THEN record::id(campaign) END) AS campaign
             FROM approved_language WHERE workspace = type::record('workspace', $ws) ORDER BY campaign, key;
         SELECT VALUE escalate_after_minutes FROM ONLY type::record('workspace', $ws);
         SELECT VALUE business_hours FROM ONLY type::record('workspace', $ws);",
        json!({ "ws": caller.workspace_id }),
    )
    .await?;
    let found: Vec<Row> = rows(&mut resp, 0)?;
    // The workspace's entries replace built-in ones; each campaign's own follow, marked with it.
    let (own, overrides): (Vec<Snippet>, Vec<Snippet>) = rows::<Snippet>(&mut resp, 1)?
        .into_iter()
        .partition(|s| s.campaign.is_some());
    let escalate_after: Option<i64> = resp.take(2)?;
    let hours: Option<Value> = resp.take(3)?;
    let campaigns = found
        .into_iter()
        .map(|r| {
            let own = stored(r.policy.as_ref());
            let own_followups = super::followups::stored_settings(r.followups.as_ref());
            CampaignPolicy {
                followups: app::domain::followup::settings(&own_followups),
                followups_customized: !own_followups.is_empty(),
                campaign_id: r.id,
                name: r.name,
                customized: own.is_some(),
                policy: own.unwrap_or_else(|| defaults(&r.kind)),
                kind: r.kind,
            }
        })
        .collect();
    Ok(PolicySettings {
        escalate_after_hours: escalate_after.map(|m| (m / 60) as u32),
        business_hours: hours.and_then(|h| serde_json::from_value(h).ok()),
        time_zones: crate::time_zones::names().to_vec(),
        campaigns,
        library: library(overrides).into_iter().chain(own).collect(),
        can_edit: caller.require_manager().is_ok() && caller.role != Role::Viewer,
    })
}

fn audit_vars(
    caller: &Caller,
    action: &'static str,
    subject: String,
    detail: Value,
    now: i64,
) -> Map<String, Value> {
    let mut vars = Map::new();
    vars.insert("ws".into(), json!(caller.workspace_id));
    vars.insert("now".into(), json!(now));
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action,
        subject,
        detail,
    }
    .bind(&mut vars);
    vars
}

/// The approved-language keys a campaign's settings may name, once `campaign_id` is found to be
/// one of the caller's campaigns.
async fn library_keys(
    db: &Db,
    caller: &Caller,
    campaign_id: &str,
) -> Result<Vec<String>, WriteError> {
    let current = settings(db, caller).await?;
    if !current
        .campaigns
        .iter()
        .any(|c| c.campaign_id == campaign_id)
    {
        return Err(WriteError::NotFound);
    }
    Ok(current.library.into_iter().map(|s| s.key).collect())
}

/// Sets one of a campaign's own settings (`policy` or `followups`; NONE: back to the defaults)
/// with its audit event, in one transaction.
async fn set_campaign_setting(
    db: &Db,
    caller: &Caller,
    campaign_id: &str,
    field: CampaignSetting,
    value: Value,
    audit: (&'static str, Value),
    now: i64,
) -> Result<(), WriteError> {
    let (action, detail) = audit;
    let mut vars = audit_vars(
        caller,
        action,
        format!("campaign:{campaign_id}"),
        detail,
        now,
    );
    vars.insert("cid".into(), json!(campaign_id));
    vars.insert("value".into(), value);
    let field = match field {
        CampaignSetting::Policy => "policy",
        CampaignSetting::Followups => "followups",
    };
    exec_transaction(
        db,
        &format!(
            "BEGIN TRANSACTION;
             UPDATE type::record('campaign', $cid) SET {field} = $value ?? NONE
                 WHERE workspace = type::record('workspace', $ws);
             {AUDIT_STATEMENT}
             COMMIT TRANSACTION;"
        ),
        Value::Object(vars),
    )
    .await?;
    Ok(())
}

/// The campaign settings `set_campaign_setting` writes.
enum CampaignSetting {
    Policy,
    Followups,
}

/// Saves a campaign's response policy (`None`: back to the defaults of its kind).
pub async fn set_policy(
    db: &Db,
    caller: &Caller,
    campaign_id: &str,
    policy: Option<&ResponsePolicy>,
    now: i64,
) -> Result<(), WriteError> {
    let keys = library_keys(db, caller, campaign_id).await?;
    if let Some(p) = policy {
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        validate(p, &keys).map_err(WriteError::Invalid)?;
    }
    let detail = json!({ "policy": policy, "reset_to_defaults": policy.is_none() });
    set_campaign_setting(
        db,
        caller,
        campaign_id,
        CampaignSetting::Policy,
        json!(policy),
        ("campaign.policy_changed", detail),
        now,
    )
    .await
}

/// The workspace's reply timer.
pub struct ReplyTimer {
    /// After how many hours of waiting a thread is escalated (`None`: never).
    pub escalate_after_hours: Option<u32>,
    /// The working hours the reply goal counts (`None`: the clock's).
    pub business_hours: Option<BusinessHours>,
}

/// Sets the reply timer. Working hours also set the workspace's time zone (quiet hours use it).
pub async fn set_reply_timer(
    db: &Db,
    caller: &Caller,
    t: &ReplyTimer,
    now: i64,
) -> Result<(), WriteError> {
    if let Some(h) = t.escalate_after_hours {
        if !(1..=720).contains(&h) {
            return Err(WriteError::Invalid(
                "escalate after 1 to 720 hours, or never".into(),
            ));
        }
    }
    if let Some(b) = &t.business_hours {
        b.validate().map_err(WriteError::Invalid)?;
        if let Some(zone) = b
            .time_zone
            .as_deref()
            .filter(|z| !crate::time_zones::is_known(z))
        {
            return Err(WriteError::Invalid(format!(
                "{zone} is not a time zone we know"
            )));
        }
    }
    let stored = t.business_hours.as_ref().map(|b| b.stored());
    // Quiet hours read the workspace's offset: the zone's offset now.
    let offset_now = t.business_hours.as_ref().map(|b| {
        let h = crate::time_zones::with_offsets(b.clone(), now);
        offset_ms_at(h.utc_offset_minutes, &h.offset_changes, now) / 60_000
    });
    let mut vars = audit_vars(
        caller,
        "workspace.reply_timer_changed",
        format!("workspace:{}", caller.workspace_id),
        json!({ "escalate_after_hours": t.escalate_after_hours, "business_hours": stored }),
        now,
    );
    vars.insert(
        "minutes".into(),
        json!(t.escalate_after_hours.map(|h| i64::from(h) * 60)),
    );
    vars.insert("hours".into(), json!(stored));
    vars.insert("offset".into(), json!(offset_now));
    exec_transaction(
        db,
        &format!(
            "BEGIN TRANSACTION;
             UPDATE type::record('workspace', $ws) SET escalate_after_minutes = $minutes ?? NONE,
                 business_hours = $hours ?? NONE, utc_offset_minutes = $offset ?? utc_offset_minutes;
             {AUDIT_STATEMENT}
             COMMIT TRANSACTION;"
        ),
        Value::Object(vars),
    )
    .await?;
    Ok(())
}

/// Saves a campaign's follow-up rules (`None`: back to the defaults). Follow-ups already
/// scheduled are checked against the new rules when they come due.
pub async fn set_followups(
    db: &Db,
    caller: &Caller,
    campaign_id: &str,
    rules: Option<&[app::domain::followup::RuleSetting]>,
    now: i64,
) -> Result<(), WriteError> {
    let keys = library_keys(db, caller, campaign_id).await?;
    if let Some(r) = rules {
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        app::domain::followup::validate(r, &keys).map_err(WriteError::Invalid)?;
    }
    let detail = json!({ "rules": rules, "reset_to_defaults": rules.is_none() });
    set_campaign_setting(
        db,
        caller,
        campaign_id,
        CampaignSetting::Followups,
        rules.map_or(Value::Null, |r| json!({ "rules": r })),
        ("campaign.followups_changed", detail),
        now,
    )
    .await
}

pub async fn save_language(
    db: &Db,
    caller: &Caller,
    s: &Snippet,
    now: i64,
) -> Result<(), WriteError> {
    let mut vars = audit_vars(
        caller,
        "language.saved",
        format!("language:{}", s.key),
        json!({ "key": s.key, "title": s.title, "body": s.body }),
        now,
    );
    for (k, v) in [
        ("key", json!(s.key)),
        ("title", json!(s.title.trim())),
        ("category", json!(s.category)),
        ("body", json!(s.body)),
        ("campaign", json!(s.campaign)),
        ("uid", json!(caller.user_id)),
    ] {
        vars.insert(k.into(), v);
    }
    exec_transaction(
        db,
        &format!(
            "BEGIN TRANSACTION;
             IF $campaign != NONE AND (SELECT VALUE id FROM type::record('campaign', $campaign) WHERE workspace = type::record('workspace', $ws)) = [] {{
                 THROW 'not this workspace';
             }};
             UPSERT type::record('approved_language', IF $campaign = NONE THEN string::concat($ws, '_', $key) ELSE string::concat($ws, '_', $campaign, '_', $key) END)
                 SET workspace = type::record('workspace', $ws),
                 campaign = IF $campaign != NONE THEN type::record('campaign', $campaign) END,
                 key = $key, title = $title, category = $category, body = $body, updated_at = $now,
                 updated_by = type::record('user', $uid);
             {AUDIT_STATEMENT}
             COMMIT TRANSACTION;"
        ),
        Value::Object(vars),
    )
    .await
    .map_err(|e| {
        if e.to_string().contains("not this workspace") {
            WriteError::NotFound
        } else {
            WriteError::Db(e)
        }
    })?;
    Ok(())
}

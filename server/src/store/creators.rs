//! Creator records: what changes on a creator outside a thread — consent, a teammate's edit,
//! removal from a campaign.

use super::audit::{AuditEntry, AUDIT_STATEMENT};
use super::thread_write::WriteError;
use crate::db::{exec, exec_transaction, Db, DbError};
use app::api::backend::Caller;
use app::domain::creators::consent_change_allowed;
use app::domain::import::apply::search_text;
use app::model::{Channel, Consent, Identity, ProfileEdit};
use serde_json::{json, Value};

/// Opts creator `$opt_creator` out on channel `$opt_channel`: every identity of theirs there (a
/// portal opt-out with no portal identity yet gets one, so the refusal is kept).
pub const OPT_OUT: &str = "UPDATE type::record('creator', $opt_creator) SET identities =
    IF $opt_channel = 'in_app' AND $opt_channel NOT IN identities.channel {
        array::append(identities, { channel: 'in_app', address: 'Creator portal', consent: 'opted_out' })
    } ELSE {
        identities.map(|$i| IF $i.channel = $opt_channel { object::extend($i, { consent: 'opted_out' }) } ELSE { $i })
    };";

/// Sets creator `$c`'s identity `$address` on `$channel` to `$consent`, in one statement (so a
/// concurrent change to another identity is never undone).
const CONSENT_SET: &str = "UPDATE type::record('creator', $c) SET identities = identities.map(|$i|
    IF $i.channel = $channel AND $i.address = $address { object::extend($i, { consent: $consent }) } ELSE { $i })";

/// Sets the consent of the creator's identity `address` on `channel`, in one statement (so a
/// concurrent change to another identity is never undone).
pub async fn set_consent(
    db: &Db,
    creator: &str,
    channel: Channel,
    address: &str,
    consent: Consent,
) -> Result<(), DbError> {
    exec(
        db,
        &format!("{CONSENT_SET};"),
        json!({ "c": creator, "channel": channel, "address": address, "consent": consent }),
    )
    .await?;
    Ok(())
}

/// Saves a teammate's edit of a creator (checked by `app::domain::creators::checked_edit`), its
/// threads following the name, with the audit event; `NotFound` outside the workspace.
pub async fn save_profile(
    db: &Db,
    caller: &Caller,
    creator: &str,
    edit: &ProfileEdit,
    now: i64,
) -> Result<(), WriteError> {
    #[derive(serde::Deserialize)]
    struct Found {
        handle: String,
        identities: Vec<Identity>,
    }
    let mut resp = exec(
        db,
        "SELECT handle, identities FROM type::record('creator', $c) WHERE workspace = type::record('workspace', $ws);",
        json!({ "c": creator, "ws": caller.workspace_id }),
    )
    .await?;
    let found: Found = crate::db::first(&mut resp, 0)?.ok_or(WriteError::NotFound)?;
    let keys: Vec<(Channel, String)> = found
        .identities
        .iter()
        .map(|i| (i.channel, i.address.clone()))
        .collect();
    let search = search_text(&edit.name, &found.handle, &keys);
    let mut vars = super::bound([
        ("ws", json!(caller.workspace_id)),
        ("c", json!(creator)),
        ("e", json!(edit)),
        ("search", json!(search)),
        ("now", json!(now)),
    ]);
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "creator.edited",
        subject: format!("creator:{creator}"),
        detail: json!({ "tags": edit.tags }),
    }
    .bind(&mut vars);
    let sql = format!(
        "BEGIN TRANSACTION;
         UPDATE type::record('creator', $c) SET name = $e.name, tags = $e.tags, preferences = $e.preferences, notes = $e.notes,
             rate_cents = $e.rate_cents ?? NONE, search = $search, updated_at = $now;
         UPDATE thread SET creator_name = $e.name, creator_search = $search WHERE creator = type::record('creator', $c);
         {AUDIT_STATEMENT}
         COMMIT TRANSACTION;"
    );
    exec_transaction(db, &sql, Value::Object(vars)).await?;
    Ok(())
}

/// Changes one identity's consent (checked against the caller's role by
/// `app::domain::creators::consent_change_allowed`), audited; the change holds at once for sends.
pub async fn change_consent(
    db: &Db,
    caller: &Caller,
    creator: &str,
    channel: Channel,
    address: &str,
    consent: Consent,
    now: i64,
) -> Result<(), WriteError> {
    let mut resp = exec(
        db,
        "SELECT VALUE identities FROM type::record('creator', $c) WHERE workspace = type::record('workspace', $ws);",
        json!({ "c": creator, "ws": caller.workspace_id }),
    )
    .await?;
    let identities: Vec<Identity> = crate::db::first(&mut resp, 0)?.ok_or(WriteError::NotFound)?;
    let current = identities
        .iter()
        .find(|i| i.channel == channel && i.address == address)
        .ok_or_else(|| WriteError::Invalid("the creator has no such contact".into()))?;
    let is_owner = caller.role == app::model::Role::Owner;
    consent_change_allowed(current.consent, consent, is_owner).map_err(WriteError::Forbidden)?;
    let mut vars = super::bound([
        ("ws", json!(caller.workspace_id)),
        ("c", json!(creator)),
        ("channel", json!(channel)),
        ("address", json!(address)),
        ("consent", json!(consent)),
        ("now", json!(now)),
    ]);
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "creator.consent_changed",
        subject: format!("creator:{creator}"),
        detail: json!({ "channel": channel, "from": current.consent, "to": consent, "cause": "person" }),
    }
    .bind(&mut vars);
    exec_transaction(
        db,
        &format!(
            "BEGIN TRANSACTION;
             {CONSENT_SET}, updated_at = $now;
             {AUDIT_STATEMENT}
             COMMIT TRANSACTION;"
        ),
        Value::Object(vars),
    )
    .await?;
    Ok(())
}

/// Removes a creator from a campaign: the enrollment and its thread are archived (kept for the
/// audit trail and reports, out of the inbox), its open drafts canceled, audited.
pub async fn archive_enrollment(
    db: &Db,
    caller: &Caller,
    thread_id: &str,
    now: i64,
) -> Result<(), WriteError> {
    let row = super::threads::find(db, caller, thread_id)
        .await?
        .ok_or(WriteError::NotFound)?;
    let mut vars = super::bound([
        ("ws", json!(caller.workspace_id)),
        ("tid", json!(thread_id)),
        ("eid", json!(row.enrollment_id)),
        ("now", json!(now)),
    ]);
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "enrollment.archived",
        subject: format!("enrollment:{}", row.enrollment_id),
        detail: json!({ "campaign": row.summary.campaign_id, "stage": row.summary.stage }),
    }
    .bind(&mut vars);
    let mut cancel = super::thread_write::Extra::default();
    super::drafts::cancel_open(
        &mut cancel,
        app::domain::draft::CancelReason::StageChanged,
        Some(&caller.user_id),
    );
    vars.extend(cancel.vars);
    exec_transaction(
        db,
        &format!(
            "BEGIN TRANSACTION;
             UPDATE type::record('enrollment', $eid) SET archived_at = $now, updated_at = $now;
             UPDATE type::record('thread', $tid) SET archived_at = $now;
             {}
             {AUDIT_STATEMENT}
             COMMIT TRANSACTION;",
            cancel.before
        ),
        Value::Object(vars),
    )
    .await?;
    Ok(())
}

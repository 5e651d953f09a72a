//! Changing a thread: new entries, stage moves, assignment, read state. Each change is one
//! transaction that also updates the thread's denormalized inbox fields and writes its audit event.

use super::audit::{AuditEntry, AUDIT_STATEMENT};
use super::threads::{find, ENROLLMENT_FIELDS};
use crate::db::{exec, exec_transaction, first, Db, DbError};
use app::api::backend::Caller;
use app::domain::stage::{check_move, StageMoveError};
use app::model::*;
use serde_json::{json, Map, Value};

pub const SNIPPET_CHARS: usize = 140;

/// An entry to append to a thread.
pub struct NewMessage {
    pub id: String,
    pub direction: Direction,
    pub channel: Channel,
    pub sender_kind: SenderKind,
    pub sender_id: Option<String>,
    pub sender_name: String,
    pub subject: Option<String>,
    pub text: String,
    pub at: i64,
    pub status: DeliveryStatus,
    pub external_id: Option<String>,
    /// Where an outbound message goes (an email address, an E.164 number…).
    pub to_address: Option<String>,
    /// A send job to create with the message (outbound on a provider channel).
    pub job: Option<SendJob>,
    /// Email headers, formatted body and attachments (email entries only).
    pub email: Option<EmailFields>,
    /// The campaign was a guess: a person should check it (non-email channels; email keeps its
    /// own flag in `email`).
    pub check_campaign: bool,
    /// The campaign's response policy runs on it (`crate::automation`): creator messages as
    /// they arrive; never demo history or our own messages.
    pub automate: bool,
    /// The bulk message this entry belongs to (`store::bulk`).
    pub bulk: Option<String>,
}

/// What an email entry keeps besides its text.
#[derive(Default)]
pub struct EmailFields {
    /// The RFC 5322 Message-ID, without angle brackets.
    pub message_id: String,
    /// The ids it answers (In-Reply-To, then References), oldest first.
    pub references: Vec<String>,
    /// Sanitized HTML body.
    pub html: Option<String>,
    pub check_campaign: bool,
    pub quoted_trimmed: bool,
    pub attachments: Vec<NewAttachment>,
}

pub struct NewAttachment {
    pub id: String,
    pub filename: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// Stores an email entry's fields and attachments (reads `$mid`, `$ws` and `$email`).
const EMAIL_STATEMENT: &str = "UPDATE type::record('message', $mid) SET email_message_id = $email.message_id,
    email_references = $email.references, html = $email.html, check_campaign = $email.check_campaign,
    quoted_trimmed = $email.quoted_trimmed, attachments = $email.refs;
FOR $a IN $email.files {
    CREATE type::record('attachment', $a.id) SET workspace = type::record('workspace', $ws),
        message = type::record('message', $mid), filename = $a.filename, content_type = $a.content_type,
        size = $a.size, data = encoding::base64::decode($a.b64);
};";

impl EmailFields {
    fn bind(&self) -> Value {
        use base64::Engine;
        let refs: Vec<Value> = self
            .attachments
            .iter()
            .map(|a| json!({ "id": a.id, "filename": a.filename, "content_type": a.content_type, "size": a.data.len() }))
            .collect();
        let files: Vec<Value> = self
            .attachments
            .iter()
            .map(|a| {
                json!({
                    "id": a.id, "filename": a.filename, "content_type": a.content_type, "size": a.data.len(),
                    "b64": base64::engine::general_purpose::STANDARD.encode(&a.data),
                })
            })
            .collect();
        let fields = json!({
            "message_id": self.message_id,
            "references": self.references,
            "html": self.html,
            "check_campaign": self.check_campaign.then_some(true),
            "quoted_trimmed": self.quoted_trimmed.then_some(true),
            "refs": if refs.is_empty() { Value::Null } else { Value::Array(refs) },
            "files": files,
        });
        // Absent, not null: SurrealDB's NONE is what optional fields accept.
        crate::db::without_nulls(fields)
    }
}

/// What a provider channel's send job needs besides the message itself.
pub struct SendJob {
    pub to_address: String,
    /// Channel-specific sending options (for example Instagram's message tag).
    pub options: Value,
}

impl NewMessage {
    /// A message a creator sent on a channel, as received (`external_id`: the provider's id,
    /// which makes redelivery detectable).
    pub fn from_creator(
        channel: Channel,
        creator_id: String,
        creator_name: String,
        subject: Option<String>,
        text: String,
        at: i64,
        external_id: String,
    ) -> NewMessage {
        NewMessage {
            id: crate::ids::new_id(),
            direction: Direction::Inbound,
            channel,
            sender_kind: SenderKind::Creator,
            sender_id: Some(creator_id),
            sender_name: creator_name,
            subject,
            text,
            at,
            status: DeliveryStatus::Received,
            external_id: Some(external_id),
            to_address: None,
            job: None,
            email: None,
            check_campaign: false,
            automate: true,
            bulk: None,
        }
    }
}

pub(super) fn enum_str<T: serde::Serialize>(v: T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Statements run in an entry's transaction besides its own (`before` it, and `after` it), with
/// the variables they read. `$ws`, `$tid`, `$mid` and `$now` are bound for them.
#[derive(Default)]
pub struct Extra {
    pub before: String,
    pub after: String,
    pub vars: Map<String, Value>,
}

impl Extra {
    /// An extra holding one audit entry.
    pub fn audit(entry: &AuditEntry<'_>) -> Extra {
        let mut extra = Extra {
            after: AUDIT_STATEMENT.into(),
            ..Default::default()
        };
        entry.bind(&mut extra.vars);
        extra
    }
}

/// Appends `msg` to `thread` and moves the thread's inbox fields along, atomically. `thread` is
/// updated to the state written.
pub async fn append_message(
    db: &Db,
    workspace_id: &str,
    thread: &mut ThreadSummary,
    msg: NewMessage,
    audit: Option<AuditEntry<'_>>,
) -> Result<MessageView, DbError> {
    let extra = audit.as_ref().map(Extra::audit).unwrap_or_default();
    append_with(db, workspace_id, thread, msg, extra).await
}

/// `append_message` with more statements in the same transaction.
pub async fn append_with(
    db: &Db,
    workspace_id: &str,
    thread: &mut ThreadSummary,
    msg: NewMessage,
    extra: Extra,
) -> Result<MessageView, DbError> {
    let (mut entry, advance) = super::entry::bind(workspace_id, thread, &msg);
    if let Some(job) = &msg.job {
        entry["job_to"] = json!(job.to_address);
        entry["job_options"] = job.options.clone();
    }
    let dedupe = super::entry::has_dedupe_key(&entry);
    let mut vars = extra.vars;
    for (k, v) in [
        ("e", entry),
        ("ws", json!(workspace_id)),
        ("tid", json!(thread.id)),
        ("mid", json!(msg.id)),
        ("channel", enum_str(msg.channel)),
        ("text", json!(msg.text)),
        ("at", json!(msg.at)),
        ("now", json!(msg.at)),
    ] {
        vars.insert(k.into(), v);
    }
    if let Some(email) = &msg.email {
        vars.insert("email".into(), email.bind());
    }
    let sql = format!(
        "BEGIN TRANSACTION;
         {}
         {}
         {}
         {}
         {}
         COMMIT TRANSACTION;",
        extra.before,
        super::entry::statements("e", dedupe),
        if msg.job.is_some() {
            super::entry::job_statement("e")
        } else {
            String::new()
        },
        if msg.email.is_some() {
            EMAIL_STATEMENT
        } else {
            ""
        },
        extra.after,
    );
    exec_transaction(db, &sql, Value::Object(vars)).await?;
    super::entry::apply(thread, &msg, advance);
    Ok(MessageView {
        id: msg.id,
        direction: msg.direction,
        channel: msg.channel,
        sender_kind: msg.sender_kind,
        sender_name: msg.sender_name,
        subject: msg.subject,
        text: msg.text,
        at: msg.at,
        status: msg.status,
        failure_reason: None,
        classification: None,
        decision: None,
        reaction: None,
        html: msg.email.as_ref().and_then(|e| e.html.clone()),
        attachments: msg.email.as_ref().and_then(|e| {
            (!e.attachments.is_empty()).then(|| {
                e.attachments
                    .iter()
                    .map(|a| AttachmentRef {
                        id: a.id.clone(),
                        filename: a.filename.clone(),
                        content_type: a.content_type.clone(),
                        size: a.data.len() as i64,
                    })
                    .collect()
            })
        }),
        check_campaign: (msg.check_campaign
            || msg.email.as_ref().is_some_and(|e| e.check_campaign))
        .then_some(true),
        quoted_trimmed: msg
            .email
            .as_ref()
            .and_then(|e| e.quoted_trimmed.then_some(true)),
        // The database stamps the row; any copy read back or pushed live is newer than this.
        version: 0,
    })
}

pub enum WriteError {
    NotFound,
    /// The caller's role may not do this.
    Forbidden(String),
    Invalid(String),
    Db(DbError),
}

impl From<DbError> for WriteError {
    fn from(e: DbError) -> Self {
        WriteError::Db(e)
    }
}

#[derive(serde::Deserialize)]
struct NameRow {
    name: String,
}

pub(crate) async fn user_name(db: &Db, user_id: &str) -> Result<String, DbError> {
    let mut resp = exec(
        db,
        "SELECT name FROM ONLY type::record('user', $u);",
        json!({ "u": user_id }),
    )
    .await?;
    Ok(first::<NameRow>(&mut resp, 0)?
        .map(|r| r.name)
        .unwrap_or_default())
}

/// What a teammate wrote in the composer.
pub struct Compose<'a> {
    pub kind: ComposeKind,
    pub text: &'a str,
    /// The reply channel asked for (`None`: the thread's default).
    pub channel: Option<Channel>,
}

/// Who an outgoing message is from.
pub struct Sender {
    pub kind: SenderKind,
    pub id: Option<String>,
    pub name: String,
}

impl Sender {
    pub async fn teammate(db: &Db, user_id: &str) -> Result<Sender, DbError> {
        Ok(Sender {
            kind: SenderKind::Teammate,
            id: Some(user_id.to_string()),
            name: user_name(db, user_id).await?,
        })
    }
}

/// A reply to the creator, routed by the reply rule: on `channel` (or the thread's default) if
/// the rule allows it now for this kind of sender; on a provider channel it carries its send job.
#[allow(clippy::too_many_arguments)]
pub async fn outgoing_reply(
    db: &Db,
    workspace_id: &str,
    thread: &ThreadSummary,
    sender: Sender,
    text: &str,
    channel: Option<Channel>,
    email_domain: &str,
    now: i64,
) -> Result<NewMessage, WriteError> {
    let id = crate::ids::new_id();
    let route = reply_route(db, workspace_id, thread, sender.kind, channel, now).await?;
    let (subject, email) = if route.channel == Channel::Email {
        let (s, e) = email_headers(db, thread, &id, email_domain).await?;
        (Some(s), Some(e))
    } else {
        (None, None)
    };
    Ok(NewMessage {
        id,
        direction: route.direction,
        channel: route.channel,
        sender_kind: sender.kind,
        sender_id: sender.id,
        sender_name: sender.name,
        subject,
        text: text.to_string(),
        at: now,
        status: route.status,
        external_id: None,
        to_address: route.to_address,
        job: route.job,
        email,
        check_campaign: false,
        automate: false,
        bulk: None,
    })
}

/// A teammate's reply or internal note. A reply goes out on `channel` (or the thread's default
/// reply channel) if the reply rule allows it now; on a provider channel it is written `queued`
/// with its send job in the same transaction, and the dispatcher sends it. A reply answers the
/// creator, so drafts still pending on the thread are canceled as superseded.
pub async fn post_message(
    db: &Db,
    caller: &Caller,
    thread_id: &str,
    compose: Compose<'_>,
    email_domain: &str,
    now: i64,
) -> Result<MessageView, WriteError> {
    let mut thread = find(db, caller, thread_id)
        .await?
        .ok_or(WriteError::NotFound)?
        .summary;
    let sender = Sender::teammate(db, &caller.user_id).await?;
    let Compose {
        kind,
        text,
        channel,
    } = compose;
    let (msg, action) = match kind {
        ComposeKind::Reply => (
            outgoing_reply(
                db,
                &caller.workspace_id,
                &thread,
                sender,
                text,
                channel,
                email_domain,
                now,
            )
            .await?,
            "message.replied",
        ),
        ComposeKind::Note => (
            NewMessage {
                id: crate::ids::new_id(),
                direction: Direction::Internal,
                channel: Channel::Note,
                sender_kind: SenderKind::Teammate,
                sender_id: sender.id,
                sender_name: sender.name,
                subject: None,
                text: text.to_string(),
                at: now,
                status: DeliveryStatus::Sent,
                external_id: None,
                to_address: None,
                job: None,
                email: None,
                check_campaign: false,
                automate: false,
                bulk: None,
            },
            "message.noted",
        ),
    };
    let audit = AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action,
        subject: format!("thread:{thread_id}"),
        detail: json!({ "message": msg.id, "channel": msg.channel }),
    };
    let mut extra = Extra::audit(&audit);
    if kind == ComposeKind::Reply {
        super::drafts::cancel_open(
            &mut extra,
            app::domain::draft::CancelReason::Superseded,
            Some(&caller.user_id),
        );
    }
    if kind == ComposeKind::Note {
        super::notifications::mentions(db, caller, &thread, &msg, &mut extra).await?;
    }
    Ok(append_with(db, &caller.workspace_id, &mut thread, msg, extra).await?)
}

/// The subject and threading headers of an email reply in `thread`: it answers the thread's
/// latest email (keeping its References chain) under "Re: <its subject>"; a first email is
/// titled with the campaign.
async fn email_headers(
    db: &Db,
    thread: &ThreadSummary,
    message_id: &str,
    domain: &str,
) -> Result<(String, EmailFields), DbError> {
    #[derive(serde::Deserialize)]
    struct Last {
        email_message_id: String,
        email_references: Option<Vec<String>>,
    }
    let mut resp = exec(
        db,
        "SELECT VALUE subject FROM message WHERE thread = type::record('thread', $t) AND channel = 'email'
             AND subject != NONE ORDER BY at DESC LIMIT 1;
         SELECT email_message_id, email_references FROM message WHERE thread = type::record('thread', $t)
             AND channel = 'email' AND email_message_id != NONE ORDER BY at DESC LIMIT 1;",
        json!({ "t": thread.id }),
    )
    .await?;
    let last_subject: Option<String> = resp.take::<Vec<String>>(0)?.into_iter().next();
    let last: Option<Last> = first(&mut resp, 1)?;
    let subject = last_subject
        .filter(|s| !s.trim().is_empty())
        .map(|s| app::domain::email::reply_subject(&s))
        .unwrap_or_else(|| thread.campaign_name.clone());
    let mut references = Vec::new();
    if let Some(l) = last {
        references = l.email_references.unwrap_or_default();
        references.push(l.email_message_id);
        // Keep the chain short: the first and the latest ids are what clients use.
        if references.len() > 20 {
            let tail = references.split_off(references.len() - 19);
            references.truncate(1);
            references.extend(tail);
        }
    }
    Ok((
        subject,
        EmailFields {
            message_id: app::domain::email::our_message_id(message_id, domain),
            references,
            ..Default::default()
        },
    ))
}

struct Route {
    direction: Direction,
    channel: Channel,
    status: DeliveryStatus,
    to_address: Option<String>,
    job: Option<SendJob>,
}

/// Where a teammate's reply goes, or why it cannot go where they asked.
async fn reply_route(
    db: &Db,
    workspace_id: &str,
    thread: &ThreadSummary,
    sender: SenderKind,
    asked: Option<Channel>,
    now: i64,
) -> Result<Route, WriteError> {
    use app::domain::reply_channel::{
        instagram_rule, reachable_address, reply_options, InstagramTag, SenderKind as Who,
    };
    let who = match sender {
        SenderKind::Automation => Who::Automation,
        _ => Who::Human,
    };
    let facts = super::reply_facts::load(db, workspace_id, &thread.id, &thread.creator_id).await?;
    let options = reply_options(&facts, who, now);
    let channel = asked
        .or(options.default)
        .ok_or_else(|| WriteError::Invalid("no channel can reach this creator now".into()))?;
    if let Some(o) = options.options.iter().find(|o| o.channel == channel) {
        if !o.available {
            return Err(WriteError::Invalid(format!(
                "cannot reply by {}: {}",
                channel.label(),
                o.detail
            )));
        }
    } else {
        return Err(WriteError::Invalid(format!(
            "{} is not a reply channel",
            channel.label()
        )));
    }
    let to_address = match channel {
        Channel::Email | Channel::Sms | Channel::Instagram => {
            reachable_address(&facts.identities, channel).map(str::to_string)
        }
        Channel::Api => Some("platform webhook".to_string()),
        Channel::InApp | Channel::Note => None,
    };
    let options = match channel {
        Channel::Instagram => {
            let tag = instagram_rule(facts.last_instagram_inbound_at, who, now)
                .map_err(WriteError::Invalid)?;
            json!({ "human_agent": tag == InstagramTag::HumanAgent })
        }
        _ => json!({}),
    };
    let job = match (channel, &to_address) {
        (Channel::InApp, _) | (_, None) => None,
        (_, Some(to)) => Some(SendJob {
            to_address: to.clone(),
            options,
        }),
    };
    Ok(Route {
        direction: Direction::Outbound,
        channel,
        status: if job.is_some() {
            DeliveryStatus::Queued
        } else {
            DeliveryStatus::Sent
        },
        to_address,
        job,
    })
}

pub async fn set_stage(
    db: &Db,
    caller: &Caller,
    thread_id: &str,
    stage: Stage,
    reason: Option<DeclineReason>,
    now: i64,
) -> Result<EnrollmentView, WriteError> {
    let row = find(db, caller, thread_id)
        .await?
        .ok_or(WriteError::NotFound)?;
    let from = row.summary.stage;
    check_move(from, stage, reason)
        .map_err(|e: StageMoveError| WriteError::Invalid(e.to_string()))?;
    let mut vars = Map::new();
    vars.insert("ws".into(), json!(caller.workspace_id));
    vars.insert("tid".into(), json!(thread_id));
    vars.insert("eid".into(), json!(row.enrollment_id));
    vars.insert("stage".into(), enum_str(stage));
    vars.insert("reason".into(), reason.map(enum_str).unwrap_or(Value::Null));
    vars.insert("now".into(), json!(now));
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "enrollment.stage_changed",
        subject: format!("enrollment:{}", row.enrollment_id),
        detail: json!({ "from": from, "to": stage, "reason": reason, "cause": "person" }),
    }
    .bind(&mut vars);
    // Drafts written for the old stage no longer fit.
    let mut cancel = Extra::default();
    super::drafts::cancel_open(
        &mut cancel,
        app::domain::draft::CancelReason::StageChanged,
        Some(&caller.user_id),
    );
    vars.extend(cancel.vars);
    change_enrollment(
        db,
        vars,
        &format!(
            "UPDATE type::record('enrollment', $eid) SET stage = $stage, decline_reason = $reason, updated_at = $now,
                 stage_at = $now, followups_fired = 0;
             UPDATE type::record('thread', $tid) SET stage = $stage, stale = NONE;
             {}",
            cancel.before
        ),
    )
    .await
}

/// Runs `updates` (which read `$eid`, `$tid` and the bound audit entry) in one transaction with
/// the audit event, then reads the enrollment back.
async fn change_enrollment(
    db: &Db,
    vars: Map<String, Value>,
    updates: &str,
) -> Result<EnrollmentView, WriteError> {
    let sql = format!(
        "BEGIN TRANSACTION;
         {updates}
         {AUDIT_STATEMENT}
         COMMIT TRANSACTION;
         SELECT {ENROLLMENT_FIELDS} FROM ONLY type::record('enrollment', $eid);"
    );
    let mut resp = exec(db, &sql, Value::Object(vars)).await?;
    let n = resp.num_statements();
    first(&mut resp, n - 1)?.ok_or(WriteError::NotFound)
}

pub async fn set_assignee(
    db: &Db,
    caller: &Caller,
    thread_id: &str,
    assignee: Option<&str>,
    now: i64,
) -> Result<EnrollmentView, WriteError> {
    let row = find(db, caller, thread_id)
        .await?
        .ok_or(WriteError::NotFound)?;
    let assignee_name = match assignee {
        None => None,
        Some(id) => {
            let mates = super::inbox::teammates(db, &caller.workspace_id).await?;
            Some(
                mates
                    .into_iter()
                    .find(|m| m.id == id)
                    .ok_or_else(|| {
                        WriteError::Invalid("that person cannot be assigned here".into())
                    })?
                    .name,
            )
        }
    };
    let mut vars = Map::new();
    vars.insert("ws".into(), json!(caller.workspace_id));
    vars.insert("tid".into(), json!(thread_id));
    vars.insert("eid".into(), json!(row.enrollment_id));
    vars.insert("assignee".into(), json!(assignee));
    vars.insert("assignee_name".into(), json!(assignee_name));
    vars.insert("now".into(), json!(now));
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "thread.assigned",
        subject: format!("thread:{thread_id}"),
        detail: json!({ "from": row.summary.assignee_id, "to": assignee }),
    }
    .bind(&mut vars);
    change_enrollment(
        db,
        vars,
        "LET $who = IF $assignee != NONE THEN type::record('user', $assignee) ELSE NONE END;
         UPDATE type::record('enrollment', $eid) SET assignee = $who, updated_at = $now;
         UPDATE type::record('thread', $tid) SET assignee = $who, assignee_name = $assignee_name;",
    )
    .await
}

pub async fn mark_read(db: &Db, caller: &Caller, thread_id: &str) -> Result<(), WriteError> {
    find(db, caller, thread_id)
        .await?
        .ok_or(WriteError::NotFound)?;
    exec(
        db,
        "UPDATE type::record('thread', $tid) SET unread = false WHERE workspace = type::record('workspace', $ws);",
        json!({ "tid": thread_id, "ws": caller.workspace_id }),
    )
    .await?;
    Ok(())
}

/// Snoozes a thread (or wakes it, `Request::Off`). While snoozed it has no `awaiting_since`, so it
/// leaves Needs reply and Overdue; the wait it had is kept and restored when it wakes. The
/// creator's next message ends any snooze (see `entry::statements`).
pub async fn snooze(
    db: &Db,
    caller: &Caller,
    thread_id: &str,
    request: app::domain::snooze::Request,
    now: i64,
) -> Result<(), WriteError> {
    use app::domain::snooze::{check, Request};
    find(db, caller, thread_id)
        .await?
        .ok_or(WriteError::NotFound)?;
    check(request, now).map_err(WriteError::Invalid)?;
    let (until, until_reply) = match request {
        Request::Until { at, or_reply } => (Some(at), or_reply),
        Request::UntilReply => (None, true),
        Request::Off => (None, false),
    };
    let mut vars = Map::new();
    vars.insert("ws".into(), json!(caller.workspace_id));
    vars.insert("tid".into(), json!(thread_id));
    vars.insert("until".into(), json!(until));
    vars.insert("reply".into(), json!(until_reply.then_some(true)));
    vars.insert("now".into(), json!(now));
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: if request == Request::Off {
            "thread.woken"
        } else {
            "thread.snoozed"
        },
        subject: format!("thread:{thread_id}"),
        detail: json!({ "until": until, "until_reply": until_reply }),
    }
    .bind(&mut vars);
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $t = (SELECT awaiting_since, snoozed_awaiting, snoozed_until, snooze_until_reply FROM ONLY type::record('thread', $tid));
         LET $was = IF $t.snoozed_until != NONE OR $t.snooze_until_reply = true THEN $t.snoozed_awaiting ELSE $t.awaiting_since END;
         IF $until = NONE AND $reply = NONE {{
             UPDATE type::record('thread', $tid) SET awaiting_since = $was, snoozed_until = NONE, snooze_until_reply = NONE,
                 snoozed_awaiting = NONE WHERE workspace = type::record('workspace', $ws);
         }} ELSE {{
             UPDATE type::record('thread', $tid) SET awaiting_since = NONE, snoozed_until = $until, snooze_until_reply = $reply,
                 snoozed_awaiting = $was WHERE workspace = type::record('workspace', $ws);
         }};
         {AUDIT_STATEMENT}
         COMMIT TRANSACTION;"
    );
    exec_transaction(db, &sql, Value::Object(vars)).await?;
    Ok(())
}

/// Wakes every thread whose snooze time has come: its wait is restored and it is marked unread.
pub async fn wake_snoozed(db: &Db, now: i64) -> Result<(), DbError> {
    exec(
        db,
        "UPDATE thread SET awaiting_since = snoozed_awaiting, unread = true, snoozed_until = NONE,
             snooze_until_reply = NONE, snoozed_awaiting = NONE
         WHERE snoozed_until != NONE AND snoozed_until <= $now;",
        json!({ "now": now }),
    )
    .await?;
    Ok(())
}

//! New entries: a message or note with its email fields, attachments and send job, appended to
//! its thread with the thread's inbox fields moved along in the same transaction.

use super::*;
use crate::db::{exec_transaction, Db, DbError};
use crate::store::audit::AuditEntry;
use app::model::*;
use serde_json::{json, Value};

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
    /// The mailbox, number or Instagram account it came in on or goes out from.
    pub via: Option<SendingIdentity>,
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
    /// Why the receiving server could not verify the sender, when it could not.
    pub unverified_sender: Option<String>,
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
    quoted_trimmed = $email.quoted_trimmed, attachments = $email.refs,
    unverified_sender = $email.unverified_sender;
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
            "unverified_sender": self.unverified_sender,
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
            via: None,
        }
    }

    /// The message as received on `via` (the mailbox, number or account it was sent to).
    pub fn received_on(mut self, via: Option<SendingIdentity>) -> NewMessage {
        self.via = via;
        self
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
    let (mut entry, advance) = crate::store::entry::bind(workspace_id, thread, &msg);
    if let Some(job) = &msg.job {
        entry["job_to"] = json!(job.to_address);
        entry["job_options"] = job.options.clone();
    }
    let dedupe = crate::store::entry::has_dedupe_key(&entry);
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
        crate::store::entry::statements("e", dedupe),
        if msg.job.is_some() {
            crate::store::entry::job_statement("e")
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
    crate::store::entry::apply(thread, &msg, advance);
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
        unverified_sender: msg.email.as_ref().and_then(|e| e.unverified_sender.clone()),
        via: msg.via.as_ref().map(|v| MessageVia {
            label: v.label.clone(),
            address: v.address.clone(),
        }),
        // The database stamps the row; any copy read back or pushed live is newer than this.
        version: 0,
    })
}

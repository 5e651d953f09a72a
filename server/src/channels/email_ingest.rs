//! One inbound email into the inbox: parsed as MIME (mail-parser), deduplicated by Message-ID,
//! the sender found by normalized address, the thread chosen by the message it answers (our
//! Message-IDs carry the message id), else by subject among the sender's threads, else the open
//! campaign — never another creator's thread (`app::domain::email::attribute_email`). Quoted
//! history is trimmed from the text for display; the HTML body is sanitized (no scripts, no event
//! handlers, no forms); attachments are kept up to a size limit. The receiving server's
//! `Authentication-Results` say whether the sender is verified (`app::domain::email_auth`): an
//! unverified one is stored with why, and automation leaves it to a person.

use crate::db::{Db, DbError};
use crate::state::AppState;
use crate::store::attribution::find_creator;
use crate::store::email_threads::{self, Answered};
use crate::store::mailboxes::Mailbox;
use crate::store::thread_write::{append_message, EmailFields, NewAttachment, NewMessage};
use crate::store::unmatched::{park, Parked};
use app::domain::email::{
    attribute_email, normalize_message_id, normalize_subject, ours, parse_references, trim_quoted,
    CandidateThread,
};
use app::domain::email_auth::{sender_check, SenderCheck};
use app::domain::identity::normalize_email;
use app::model::Channel;
use mail_parser::{MessageParser, MimeHeaders};

/// One attachment larger than this is not kept (the entry says so).
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
/// All of one email's attachments together.
pub const MAX_ATTACHMENTS_BYTES: usize = 20 * 1024 * 1024;
/// One raw email at most (20 MB of attachments, base64-encoded, and the rest); a larger one is
/// skipped unread.
pub const MAX_EMAIL_BYTES: usize = 32 * 1024 * 1024;
/// MIME parts one email may have (mail-parser bounds nesting itself; this bounds the width).
pub const MAX_PARTS: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingested {
    Stored,
    Duplicate,
    Unmatched,
    Skipped(&'static str),
}

/// Sanitized HTML: scripts, styles' expressions, event handlers, forms and frames are removed;
/// links open in a new tab without a referrer.
pub fn sanitize_html(html: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .add_tag_attributes("td", &["align", "valign", "width", "bgcolor"])
        .add_tag_attributes(
            "table",
            &["width", "cellpadding", "cellspacing", "border", "bgcolor"],
        )
        .add_generic_attributes(&["style"])
        .clean(html)
        .to_string()
}

/// Plain text from HTML when an email has no text part.
fn html_to_text(html: &str) -> String {
    let blocks = html
        .replace("<br>", "\n")
        .replace("<br/>", "\n")
        .replace("<br />", "\n")
        .replace("</p>", "\n\n")
        .replace("</div>", "\n");
    let stripped = ammonia::Builder::empty().clean(&blocks).to_string();
    stripped
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// The message ids this email answers, most recent first (In-Reply-To, then References from the
/// end).
fn answered_ids(in_reply_to: &[String], references: &[String]) -> Vec<String> {
    let mut out: Vec<String> = in_reply_to.to_vec();
    for r in references.iter().rev() {
        if !out.contains(r) {
            out.push(r.clone());
        }
    }
    out
}

fn header_ids(v: &mail_parser::HeaderValue) -> Vec<String> {
    match v {
        mail_parser::HeaderValue::Text(t) => parse_references(t),
        mail_parser::HeaderValue::TextList(l) => {
            l.iter().flat_map(|t| parse_references(t)).collect()
        }
        _ => Vec::new(),
    }
}

/// An email as the inbox keeps it.
struct Parsed {
    from: String,
    message_id: String,
    subject: String,
    /// The sanitized HTML version, when the email has one.
    html: Option<String>,
    /// The new text (quoted history trimmed), with notes on attachments not kept.
    text: String,
    quoted_trimmed: bool,
    attachments: Vec<NewAttachment>,
    in_reply_to: Vec<String>,
    references: Vec<String>,
    /// The receiving server's verdict on the sender (`Authentication-Results`).
    sender: SenderCheck,
}

/// Parses `raw` as MIME; `Err` says why it is skipped (not an email, no sender, our own).
fn parse(raw: &[u8], mailbox_address: &str) -> Result<Parsed, &'static str> {
    if raw.len() > MAX_EMAIL_BYTES {
        return Err("larger than the size limit");
    }
    let msg = MessageParser::default()
        .parse(raw)
        .ok_or("not a MIME message")?;
    if msg.parts.len() > MAX_PARTS {
        return Err("more MIME parts than the limit");
    }
    let from = msg
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .and_then(normalize_email)
        .ok_or("no sender address")?;
    if from == mailbox_address {
        return Err("sent by the mailbox itself");
    }
    let verdicts: Vec<&str> = msg
        .header_values("Authentication-Results")
        .filter_map(|v| v.as_text())
        .collect();
    let sender = sender_check(&verdicts, &from);
    let message_id = msg
        .message_id()
        .and_then(normalize_message_id)
        .unwrap_or_else(|| {
            use sha2::Digest;
            format!("{}@no-message-id", hex::encode(sha2::Sha256::digest(raw)))
        });
    let has_html_part = msg.parts.iter().any(|p| {
        p.content_type().is_some_and(|c| {
            c.ctype().eq_ignore_ascii_case("text")
                && c.subtype().is_some_and(|s| s.eq_ignore_ascii_case("html"))
        })
    });
    let html = has_html_part
        .then(|| msg.body_html(0).map(|h| sanitize_html(&h)))
        .flatten();
    let full_text = msg
        .body_text(0)
        .map(|t| t.to_string())
        .filter(|t| !t.trim().is_empty())
        .or_else(|| msg.body_html(0).map(|h| html_to_text(&h)))
        .unwrap_or_default();
    let (mut text, quoted_trimmed) = trim_quoted(&full_text);
    let attachments = kept_attachments(&msg, &mut text);
    if text.trim().is_empty() {
        text = if attachments.is_empty() {
            "(empty email)".into()
        } else {
            "(attachments only)".into()
        };
    }
    Ok(Parsed {
        from,
        message_id,
        subject: msg.subject().unwrap_or_default().trim().to_string(),
        html,
        text: text
            .chars()
            .take(app::domain::text::MAX_MESSAGE_CHARS)
            .collect(),
        quoted_trimmed,
        attachments,
        in_reply_to: header_ids(msg.in_reply_to()),
        references: header_ids(msg.references()),
        sender,
    })
}

/// Whether `raw` would be read as an email for a mailbox at `mailbox_address`, and why not (the
/// fuzz target: `crate::fuzz::email`).
pub fn parse_for_check(raw: &[u8], mailbox_address: &str) -> Result<(), &'static str> {
    parse(raw, mailbox_address).map(|_| ())
}

/// The attachments kept (10 MB each, 20 MB per email); each one not kept is noted in `text`.
fn kept_attachments(msg: &mail_parser::Message, text: &mut String) -> Vec<NewAttachment> {
    let mut attachments = Vec::new();
    let mut total = 0usize;
    for part in msg.attachments() {
        let name = part
            .attachment_name()
            .unwrap_or("attachment")
            .chars()
            .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
            .take(200)
            .collect::<String>();
        let data = part.contents();
        if data.len() > MAX_ATTACHMENT_BYTES || total + data.len() > MAX_ATTACHMENTS_BYTES {
            text.push_str(&format!("\n[attachment not kept, too large: {name}]"));
            continue;
        }
        total += data.len();
        let content_type = part
            .content_type()
            .map(|c| match c.subtype() {
                Some(s) => format!("{}/{}", c.ctype(), s),
                None => c.ctype().to_string(),
            })
            .unwrap_or_else(|| "application/octet-stream".into())
            .to_lowercase();
        attachments.push(NewAttachment {
            id: crate::ids::new_id(),
            filename: name,
            content_type,
            data: data.to_vec(),
        });
    }
    attachments
}

pub async fn ingest(state: &AppState, mailbox: &Mailbox, raw: &[u8]) -> Result<Ingested, DbError> {
    let db = &state.db;
    let ws = mailbox.workspace.as_str();
    let p = match parse(raw, &mailbox.address) {
        Ok(p) => p,
        Err(why) => return Ok(Ingested::Skipped(why)),
    };
    if email_threads::seen(db, ws, &p.message_id).await? {
        return Ok(Ingested::Duplicate);
    }
    let now = state.clock.now_ms();
    let Some(creator) = find_creator(db, ws, &[(Channel::Email, p.from.clone())]).await? else {
        return to_unmatched(db, ws, &p, now).await;
    };
    let answered_ids = answered_ids(&p.in_reply_to, &p.references);
    let answered = answered_thread(state, ws, &answered_ids).await?;
    let threads = email_threads::with_subjects(db, ws, &creator.id).await?;
    let candidates: Vec<CandidateThread> = threads
        .iter()
        .map(|(t, subjects)| CandidateThread {
            id: t.id.clone(),
            subjects: subjects.iter().map(|s| normalize_subject(s)).collect(),
            open: !t.stage.is_closed(),
            last_at: t.last_at,
        })
        .collect();
    let Some(choice) = attribute_email(answered.as_deref(), &p.subject, &candidates) else {
        return to_unmatched(db, ws, &p, now).await;
    };
    let Some(mut thread) = threads
        .into_iter()
        .map(|(t, _)| t)
        .find(|t| t.id == choice.thread)
    else {
        return Ok(Ingested::Skipped("thread vanished"));
    };
    let mut refs = p.references;
    for r in p.in_reply_to {
        if !refs.contains(&r) {
            refs.push(r);
        }
    }
    let subject = (!p.subject.is_empty()).then_some(p.subject);
    let verified = match &p.sender {
        SenderCheck::Verified => "yes",
        SenderCheck::Unverified(_) => "no",
        SenderCheck::NotChecked => "not checked",
    };
    let (id, name) = (creator.id, creator.name);
    let mid = p.message_id.clone();
    let mut new = NewMessage::from_creator(Channel::Email, id, name, subject, p.text, now, mid)
        .received_on(Some(mailbox.identity()));
    new.email = Some(EmailFields {
        message_id: p.message_id,
        references: refs,
        html: p.html,
        check_campaign: choice.check_campaign,
        quoted_trimmed: p.quoted_trimmed,
        attachments: p.attachments,
        unverified_sender: match p.sender {
            SenderCheck::Unverified(why) => Some(why),
            _ => None,
        },
    });
    match append_message(db, ws, &mut thread, new, None).await {
        Ok(_) => {}
        Err(e) if crate::db::is_duplicate(&e) => return Ok(Ingested::Duplicate),
        Err(e) => return Err(e),
    }
    tracing::info!(workspace = %ws, thread = %thread.id, why = choice.why, verified, "email received");
    Ok(Ingested::Stored)
}

/// An email no creator's thread can take waits in Unmatched, subject first.
async fn to_unmatched(db: &Db, ws: &str, p: &Parsed, now: i64) -> Result<Ingested, DbError> {
    let shown = if p.subject.is_empty() {
        p.text.clone()
    } else {
        format!("{}\n\n{}", p.subject, p.text)
    };
    let parked = Parked {
        channel: Channel::Email,
        address: &p.from,
        text: &shown,
        external_id: Some(&p.message_id),
        at: now,
    };
    match park(db, ws, parked).await {
        Ok(()) => Ok(Ingested::Unmatched),
        Err(e) if crate::db::is_duplicate(&e) => Ok(Ingested::Duplicate),
        Err(e) => Err(e),
    }
}

/// The thread of the most recent message (ours or theirs) that this email answers.
async fn answered_thread(
    state: &AppState,
    ws: &str,
    ids: &[String],
) -> Result<Option<String>, DbError> {
    let domain = state.config.email_domain();
    for id in ids {
        let ours = ours(id, &domain);
        let answered = match &ours {
            Some(mid) => Answered::Ours(mid),
            None => Answered::Theirs(id),
        };
        let found = email_threads::thread_of(&state.db, ws, answered).await?;
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_sanitized() {
        let cases = [
            (
                "<p onclick=\"steal()\">Hi<script>alert(1)</script></p>",
                "<p>Hi</p>",
            ),
            (
                "<a href=\"https://x.example\">x</a>",
                "<a href=\"https://x.example\" rel=\"noopener noreferrer nofollow\">x</a>",
            ),
            (
                "<a href=\"javascript:alert(1)\">x</a>",
                "<a rel=\"noopener noreferrer nofollow\">x</a>",
            ),
            (
                "<iframe src=\"https://evil\"></iframe><form><input></form>ok",
                "ok",
            ),
            (
                "<img src=\"https://track.example/p.gif\" onerror=\"x()\">",
                "<img src=\"https://track.example/p.gif\">",
            ),
        ];
        for (html, want) in cases {
            assert_eq!(sanitize_html(html), want, "{html}");
        }
    }

    #[test]
    fn html_to_text_table() {
        assert_eq!(
            html_to_text("<p>Hi Dana,</p><p>I&#39;m in &amp; ready</p>"),
            "Hi Dana,\n\nI'm in & ready"
        );
        assert_eq!(html_to_text("line<br>next"), "line\nnext");
    }

    #[test]
    fn answered_order() {
        let irt = vec!["c@x".to_string()];
        let refs = vec!["a@x".to_string(), "b@x".to_string(), "c@x".to_string()];
        assert_eq!(answered_ids(&irt, &refs), vec!["c@x", "b@x", "a@x"]);
        assert_eq!(answered_ids(&[], &refs), vec!["c@x", "b@x", "a@x"]);
    }
}

//! A teammate's reply or note, and any outgoing reply: routed by the reply rule to its channel
//! (with its send job and, on email, its threading headers).

use super::*;
use crate::db::{exec, first, Db, DbError};
use crate::store::audit::AuditEntry;
use crate::store::threads::find;
use app::api::backend::Caller;
use app::model::*;
use serde_json::json;

/// The name a writer is shown by: a teammate's, or an embedded frame's actor's ("Jo via Acme
/// dashboard", `store::embed::actor_id`).
pub(crate) async fn user_name(db: &Db, user_id: &str) -> Result<String, DbError> {
    let mut resp = exec(
        db,
        "RETURN type::record('user', $u).name ?? type::record('embed_actor', $u).name;",
        json!({ "u": user_id }),
    )
    .await?;
    let name: Option<String> = resp.take(0)?;
    Ok(name.unwrap_or_default())
}

/// What a teammate wrote in the composer.
pub struct Compose<'a> {
    pub kind: ComposeKind,
    pub text: &'a str,
    /// The reply channel asked for (`None`: the thread's default).
    pub channel: Option<Channel>,
    /// A decision the reply carries out (feedback on content), audited with it.
    pub also: Option<AuditEntry<'a>>,
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
        via: route.via,
    })
}

/// A teammate's reply or internal note. A reply goes out on `channel` (or the thread's default
/// reply channel) if the reply rule allows it now; on a provider channel it is written `queued`
/// with its send job in the same transaction, and the dispatcher sends it. A reply answers the
/// creator, so drafts still pending on the thread are canceled as superseded. A reply an open
/// sensitive topic needs a higher role for is not sent: it is submitted for review
/// (`domain::reply_gate`, `store::submissions`) and nothing else changes.
pub async fn post_message(
    db: &Db,
    caller: &Caller,
    thread_id: &str,
    compose: Compose<'_>,
    email_domain: &str,
    now: i64,
) -> Result<ComposeOutcome, WriteError> {
    let mut thread = find(db, caller, thread_id)
        .await?
        .ok_or(WriteError::NotFound)?
        .summary;
    let sender = Sender::teammate(db, &caller.user_id).await?;
    let Compose {
        kind,
        text,
        channel,
        also,
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
                via: None,
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
    let mut extra = Extra::audits(&[Some(audit), also.clone()]);
    if kind == ComposeKind::Reply {
        crate::store::drafts::cancel_open(
            &mut extra,
            app::domain::draft::CancelReason::Superseded,
            Some(&caller.user_id),
        );
    }
    if kind == ComposeKind::Note {
        crate::store::notifications::mentions(db, caller, &thread, &msg, &mut extra).await?;
    }
    if kind == ComposeKind::Reply {
        let facts = crate::store::reply_gate::facts(db, &caller.workspace_id, &thread).await?;
        if let Some(needs) = facts.review_needed(msg.channel, caller.role) {
            let submission = crate::store::submissions::Submission {
                text: &msg.text,
                channel: msg.channel,
                needs: &needs,
                also,
            };
            let draft =
                crate::store::submissions::submit(db, caller, &thread, &facts, submission, now)
                    .await?;
            return Ok(ComposeOutcome::Submitted {
                submitted: Box::new(draft),
                notice: needs.notice(),
            });
        }
    }
    Ok(ComposeOutcome::Sent(Box::new(
        append_with(db, &caller.workspace_id, &mut thread, msg, extra).await?,
    )))
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
             AND subject != NONE ORDER BY newest_first LIMIT 1;
         SELECT email_message_id, email_references FROM message WHERE thread = type::record('thread', $t)
             AND channel = 'email' AND email_message_id != NONE ORDER BY newest_first LIMIT 1;",
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
    /// The identity it goes out from (`domain::sending::choose`).
    via: Option<SendingIdentity>,
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
    let facts =
        crate::store::reply_facts::load(db, workspace_id, &thread.id, &thread.creator_id).await?;
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
    let via = match channel {
        Channel::Email | Channel::Sms | Channel::Instagram => {
            crate::store::senders::for_thread(db, workspace_id, &thread.id, &thread.campaign_id)
                .await?
                .choose(channel)
        }
        _ => None,
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
        via,
    })
}

//! Drafts behind approval: the queue, a thread's drafts, and a person's review (approve — possibly
//! edited — reject, edit). Approving sends: the draft, the message with its send job and the
//! audit events are one transaction, and the draft's state is claimed in it, so a draft is sent at
//! most once however many people press Approve.

use super::audit::{audits_var, AuditEntry, AUDITS_STATEMENT};
use super::thread_write::{append_with, outgoing_reply, Extra, Sender, WriteError};
use crate::db::{exec, exec_transaction, first, rows, Db, DbError};
use app::api::backend::Caller;
use app::domain::draft::{check_review, CancelReason, DraftState, Review};
use app::model::{DraftQuery, DraftView, MessageView};
use serde_json::{json, Map, Value};

pub const DRAFT_FIELDS: &str = "record::id(id) AS id, record::id(thread) AS thread_id, creator_name, \
record::id(campaign) AS campaign_id, campaign_name, trigger_text, state, text, source, edited, topics, reviewer_role, \
(IF reviewer != NONE THEN record::id(reviewer) ELSE NONE END) AS reviewer_id, reviewer_name, rule, reason, comment, \
cancel_reason, decided_by_name, decided_at, (IF message != NONE THEN record::id(message) ELSE NONE END) AS message_id, created_at, \
(IF author != NONE THEN record::id(author) ELSE NONE END) AS author_id, author_name, channel";

/// A draft automation writes (held for review, or auto-sent with the entry `$mid` it sent).
pub struct NewDraft<'a> {
    pub id: String,
    pub thread: &'a app::model::ThreadSummary,
    /// The creator message it answers, if one.
    pub trigger: Option<&'a str>,
    pub trigger_text: String,
    pub state: DraftState,
    pub text: &'a str,
    pub source: &'a str,
    pub topics: &'a [String],
    pub reviewer_role: app::model::Role,
    pub reviewer: Option<String>,
    pub reviewer_name: Option<String>,
    pub rule: &'a str,
    pub reason: &'a str,
    /// The teammate who wrote it (a reply submitted for review).
    pub author: Option<(String, String)>,
}

/// Creates the draft bound as `$draft` (see `NewDraft::var`; reads `$ws`, `$now` and, for an
/// auto-sent one, `$mid`).
pub const CREATE_STATEMENT: &str = "CREATE type::record('draft', $draft.id) SET workspace = type::record('workspace', $ws),
    thread = type::record('thread', $draft.thread), creator = type::record('creator', $draft.creator),
    campaign = type::record('campaign', $draft.campaign), creator_name = $draft.creator_name, campaign_name = $draft.campaign_name,
    trigger = IF $draft.trigger != NONE THEN type::record('message', $draft.trigger) ELSE NONE END,
    trigger_text = $draft.trigger_text, state = $draft.state, text = $draft.text, source = $draft.source, edited = false,
    topics = $draft.topics, reviewer_role = $draft.reviewer_role,
    reviewer = IF $draft.reviewer != NONE THEN type::record('user', $draft.reviewer) ELSE NONE END,
    reviewer_name = $draft.reviewer_name, rule = $draft.rule, reason = $draft.reason,
    author = IF $draft.author != NONE THEN type::record('user', $draft.author) ELSE NONE END, author_name = $draft.author_name,
    message = IF $draft.state = 'auto_sent' THEN type::record('message', $mid) ELSE NONE END,
    decided_at = IF $draft.state = 'auto_sent' THEN $now ELSE NONE END, created_at = $now, updated_at = $now;\n";

impl NewDraft<'_> {
    pub fn var(&self) -> Value {
        crate::db::without_nulls(json!({
            "id": self.id, "thread": self.thread.id, "creator": self.thread.creator_id, "campaign": self.thread.campaign_id,
            "creator_name": self.thread.creator_name, "campaign_name": self.thread.campaign_name,
            "trigger": self.trigger, "trigger_text": self.trigger_text, "state": self.state.as_str(), "text": self.text,
            "source": self.source, "topics": self.topics, "reviewer_role": self.reviewer_role.as_str(),
            "reviewer": self.reviewer, "reviewer_name": self.reviewer_name, "rule": self.rule, "reason": self.reason,
            "author": self.author.as_ref().map(|a| &a.0), "author_name": self.author.as_ref().map(|a| &a.1),
        }))
    }
}

/// Cancels the drafts still waiting for review on `$tid` (reads `$ws`, `$now`), auditing each:
/// added to a write that answers the creator another way, moves the stage, or stores their next
/// message.
pub fn cancel_open(extra: &mut Extra, reason: CancelReason, actor: Option<&str>) {
    extra.before.push_str(
        "LET $canceled = (UPDATE draft SET state = 'canceled', cancel_reason = $cancel_reason, updated_at = $now
             WHERE thread = type::record('thread', $tid) AND state IN ['pending_review', 'submitted', 'escalated'] RETURN AFTER);
         FOR $d IN $canceled {
             CREATE audit_event SET workspace = type::record('workspace', $ws), at = $now,
                 actor_kind = $cancel_actor_kind, actor_id = $cancel_actor_id, action = 'draft.canceled',
                 subject = <string> $d.id, detail = { reason: $cancel_reason };
         };\n",
    );
    extra
        .vars
        .insert("cancel_reason".into(), reason.as_str().into());
    extra.vars.insert(
        "cancel_actor_kind".into(),
        if actor.is_some() {
            "user"
        } else {
            "automation"
        }
        .into(),
    );
    if let Some(a) = actor {
        extra.vars.insert("cancel_actor_id".into(), a.into());
    }
}

fn scope_clause(caller: &Caller, vars: &mut Map<String, Value>) -> String {
    super::scope_clause(
        caller,
        vars,
        super::ScopePaths {
            client: "campaign.client",
            ..super::ScopePaths::MESSAGE
        },
    )
}

/// The queue: drafts in one state (every one still waiting for review unless asked), newest
/// first, filtered.
pub async fn list(db: &Db, caller: &Caller, q: &DraftQuery) -> Result<Vec<DraftView>, DbError> {
    let mut vars = Map::new();
    let mut wh = vec![scope_clause(caller, &mut vars)];
    match q.state {
        Some(state) => {
            vars.insert("state".into(), state.as_str().into());
            wh.push("state = $state".into());
        }
        None => wh.push(format!("state IN {}", super::reply_gate::OPEN_STATES)),
    }
    if let Some(c) = &q.campaign {
        vars.insert("campaign".into(), c.clone().into());
        wh.push("campaign = type::record('campaign', $campaign)".into());
    }
    if let Some(t) = q.topic {
        vars.insert("topic".into(), t.as_str().into());
        wh.push("$topic IN topics".into());
    }
    if let Some(r) = &q.reviewer {
        let who = if r == "me" { &caller.user_id } else { r };
        vars.insert("reviewer".into(), who.clone().into());
        wh.push("reviewer = type::record('user', $reviewer)".into());
    }
    let sql = format!(
        "SELECT {DRAFT_FIELDS} FROM draft WHERE {} ORDER BY created_at DESC LIMIT 200;",
        wh.join(" AND ")
    );
    let mut resp = exec(db, &sql, Value::Object(vars)).await?;
    rows(&mut resp, 0)
}

/// Drafts pending review, and the caller's unread notifications.
pub async fn counts(db: &Db, caller: &Caller) -> Result<(u64, u64), DbError> {
    #[derive(serde::Deserialize)]
    struct Count {
        count: u64,
    }
    let mut vars = Map::new();
    let scope = scope_clause(caller, &mut vars);
    vars.insert("u".into(), caller.user_id.clone().into());
    let sql = format!(
        "SELECT count() FROM draft WHERE {scope} AND state IN {{open}} GROUP ALL;
         SELECT count() FROM notification WHERE user = type::record('user', $u) AND read = false
             AND workspace = type::record('workspace', $ws) GROUP ALL;"
    );
    let sql = sql.replace("{open}", super::reply_gate::OPEN_STATES);
    let mut resp = exec(db, &sql, Value::Object(vars)).await?;
    let a = rows::<Count>(&mut resp, 0)?.first().map_or(0, |c| c.count);
    let n = rows::<Count>(&mut resp, 1)?.first().map_or(0, |c| c.count);
    Ok((a, n))
}

/// A thread's drafts, newest first (the thread is already authorized).
pub async fn for_thread(
    db: &Db,
    caller: &Caller,
    thread_id: &str,
) -> Result<Vec<DraftView>, DbError> {
    let mut vars = Map::new();
    let scope = scope_clause(caller, &mut vars);
    vars.insert("tid".into(), thread_id.into());
    let sql = format!(
        "SELECT {DRAFT_FIELDS} FROM draft WHERE thread = type::record('thread', $tid) AND {scope}
         ORDER BY created_at DESC LIMIT 20;"
    );
    let mut resp = exec(db, &sql, Value::Object(vars)).await?;
    rows(&mut resp, 0)
}

pub(crate) async fn load(
    db: &Db,
    caller: &Caller,
    draft_id: &str,
) -> Result<DraftView, WriteError> {
    let mut vars = Map::new();
    let scope = scope_clause(caller, &mut vars);
    vars.insert("did".into(), draft_id.into());
    let sql = format!(
        "SELECT {DRAFT_FIELDS} FROM draft WHERE id = type::record('draft', $did) AND {scope} LIMIT 1;"
    );
    let mut resp = exec(db, &sql, Value::Object(vars)).await?;
    first(&mut resp, 0)?.ok_or(WriteError::NotFound)
}

/// May the caller decide the draft? (It was read through the caller's scope, so an embedded
/// frame's member decides only its own client's drafts, and only those a member may.)
fn checked(d: &DraftView, caller: &Caller, review: Review) -> Result<(), WriteError> {
    check_review(d.state, d.reviewer_role, caller.role, review).map_err(|e| {
        if d.state.is_open() {
            WriteError::Forbidden(e)
        } else {
            WriteError::Invalid(e)
        }
    })
}

/// Claims the pending draft `$did` in the transaction, or fails it.
const CLAIM: &str = "LET $claimed = (UPDATE type::record('draft', $did) SET state = $to_state, text = $draft_text,
        edited = $draft_edited, comment = $comment, decided_by = type::record('user', $uid), decided_by_name = $uname,
        decided_at = $now, message = $sent_message, updated_at = $now
        WHERE state IN ['pending_review', 'submitted', 'escalated'] AND workspace = type::record('workspace', $ws) RETURN AFTER);
    IF array::len($claimed) = 0 { THROW 'this draft was already decided' };\n";

/// Approves a pending draft (with `text` when the reviewer edited it) and sends it on the thread's
/// reply channel as the approver. Other drafts pending on the thread are superseded.
pub async fn approve(
    db: &Db,
    caller: &Caller,
    draft_id: &str,
    text: Option<&str>,
    email_domain: &str,
    now: i64,
) -> Result<MessageView, WriteError> {
    let d = load(db, caller, draft_id).await?;
    checked(&d, caller, Review::Approve)?;
    let mut thread = super::threads::find(db, caller, &d.thread_id)
        .await?
        .ok_or(WriteError::NotFound)?
        .summary;
    let final_text = text.unwrap_or(&d.text);
    let edited = final_text != d.text;
    // A teammate's submitted reply goes out as theirs; automation's draft as the approver's.
    let uname = super::thread_write::user_name(db, &caller.user_id).await?;
    let sender = Sender::teammate(db, d.author_id.as_deref().unwrap_or(&caller.user_id)).await?;
    // A submitted reply goes out on the channel its author chose (if it still can).
    let msg = outgoing_reply(
        db,
        &caller.workspace_id,
        &thread,
        sender,
        final_text,
        d.channel,
        email_domain,
        now,
    )
    .await?;
    let subject = format!("draft:{draft_id}");
    let mut audits = Vec::new();
    if edited {
        audits.push(AuditEntry {
            actor_kind: "user",
            actor_id: Some(&caller.user_id),
            action: "draft.edited",
            subject: subject.clone(),
            detail: json!({ "before": d.text, "after": final_text }),
        });
    }
    audits.push(AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "draft.approved",
        subject: subject.clone(),
        detail: json!({ "role": caller.role, "topics": d.topics, "rule": d.rule }),
    });
    audits.push(AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "draft.sent",
        subject,
        detail: json!({ "message": msg.id, "channel": msg.channel, "to": msg.to_address }),
    });
    let mut extra = Extra {
        before: CLAIM.to_string(),
        after: AUDITS_STATEMENT.to_string(),
        vars: Map::new(),
    };
    for (k, v) in [
        ("did", json!(draft_id)),
        ("to_state", json!("sent")),
        ("draft_text", json!(final_text)),
        ("draft_edited", json!(edited || d.edited)),
        ("uid", json!(caller.user_id)),
        ("uname", json!(uname)),
        ("audits", audits_var(&audits)),
    ] {
        extra.vars.insert(k.into(), v);
    }
    // The message id is bound by `append_with` as `$mid`.
    extra.before = extra
        .before
        .replace("$sent_message", "type::record('message', $mid)");
    cancel_open(&mut extra, CancelReason::Superseded, Some(&caller.user_id));
    append_with(db, &caller.workspace_id, &mut thread, msg, extra)
        .await
        .map_err(decided)
}

/// A claim that lost: someone decided the draft first.
pub(crate) fn decided(e: DbError) -> WriteError {
    if e.to_string().contains("already decided") {
        WriteError::Invalid("this draft was already decided".into())
    } else {
        WriteError::Db(e)
    }
}

/// The thread a draft belongs to.
pub async fn thread_of(db: &Db, draft_id: &str) -> Result<Option<String>, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE record::id(thread) FROM ONLY type::record('draft', $d);",
        json!({ "d": draft_id }),
    )
    .await?;
    Ok(resp.take::<Option<String>>(0)?)
}

/// Rejects a pending draft with the reviewer's comment; nothing is sent.
pub async fn reject(
    db: &Db,
    caller: &Caller,
    draft_id: &str,
    comment: &str,
    now: i64,
) -> Result<(), WriteError> {
    let d = load(db, caller, draft_id).await?;
    checked(&d, caller, Review::Reject)?;
    let uname = super::thread_write::user_name(db, &caller.user_id).await?;
    let audits = [AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "draft.rejected",
        subject: format!("draft:{draft_id}"),
        detail: json!({ "comment": comment, "topics": d.topics }),
    }];
    let sql = format!(
        "BEGIN TRANSACTION; {} {AUDITS_STATEMENT} COMMIT TRANSACTION;",
        CLAIM.replace("$sent_message", "NONE")
    );
    exec_transaction(
        db,
        &sql,
        json!({
            "ws": caller.workspace_id, "did": draft_id, "to_state": "rejected", "draft_text": d.text,
            "draft_edited": d.edited, "comment": comment, "uid": caller.user_id, "uname": uname, "now": now,
            "audits": audits_var(&audits),
        }),
    )
    .await
    .map_err(decided)?;
    Ok(())
}

/// Changes a pending draft's words without deciding it.
pub async fn edit(
    db: &Db,
    caller: &Caller,
    draft_id: &str,
    text: &str,
    now: i64,
) -> Result<DraftView, WriteError> {
    let d = load(db, caller, draft_id).await?;
    checked(&d, caller, Review::Edit)?;
    let audits = [AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "draft.edited",
        subject: format!("draft:{draft_id}"),
        detail: json!({ "before": d.text, "after": text }),
    }];
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $changed = (UPDATE type::record('draft', $did) SET text = $text, edited = true, updated_at = $now
             WHERE state IN ['pending_review', 'submitted', 'escalated'] RETURN AFTER);
         IF array::len($changed) = 0 {{ THROW 'this draft was already decided' }};
         {AUDITS_STATEMENT}
         COMMIT TRANSACTION;"
    );
    exec_transaction(
        db,
        &sql,
        json!({ "ws": caller.workspace_id, "did": draft_id, "text": text, "now": now, "audits": audits_var(&audits) }),
    )
    .await
    .map_err(decided)?;
    load(db, caller, draft_id).await
}

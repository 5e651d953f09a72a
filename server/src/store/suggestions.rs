//! Approved language where people write: the campaign's library filled for a thread's creator
//! (the composer inserts it), and "Suggest a reply" on a creator's message — always a draft for a
//! person, reviewed by the role the thread's open topics need.

use super::audit::{audits_var, AuditEntry, AUDITS_STATEMENT};
use super::drafts::{NewDraft, CREATE_STATEMENT};
use super::policy_facts::Facts;
use super::thread_write::WriteError;
use crate::db::{exec, exec_transaction, first, Db};
use app::api::backend::Caller;
use app::domain::classify::{classify, Classification};
use app::domain::draft::DraftState;
use app::domain::language;
use app::model::{DraftView, FilledSnippet, Role, ThreadSummary};
use serde_json::json;
use std::collections::BTreeMap;

/// A thread the caller may see, with what its campaign's language is filled from.
struct Context {
    thread: ThreadSummary,
    facts: Facts,
    fields: BTreeMap<&'static str, String>,
}

async fn context(
    db: &Db,
    caller: &Caller,
    thread_id: &str,
    now: i64,
) -> Result<Context, WriteError> {
    let row = super::threads::find(db, caller, thread_id)
        .await?
        .ok_or(WriteError::NotFound)?;
    let enrollment = row.enrollment_id.clone();
    let thread = row.summary;
    let facts = super::policy_facts::load(
        db,
        &caller.workspace_id,
        &thread.campaign_id,
        &enrollment,
        &thread.creator_id,
        now,
    )
    .await?;
    let mut fields = facts.merge_fields(&thread, None);
    // A teammate signs what they send themselves.
    let me = super::thread_write::user_name(db, &caller.user_id).await?;
    if !me.trim().is_empty() {
        fields.insert("sender", me);
    }
    Ok(Context {
        thread,
        facts,
        fields,
    })
}

/// The campaign's library, each entry filled for the thread's creator.
pub async fn composer_language(
    db: &Db,
    caller: &Caller,
    thread_id: &str,
    now: i64,
) -> Result<Vec<FilledSnippet>, WriteError> {
    let c = context(db, caller, thread_id, now).await?;
    Ok(c.facts
        .scoped
        .iter()
        .map(|(s, scope)| {
            let (text, missing) =
                language::fill(&s.body, &c.fields).unwrap_or((s.body.clone(), Vec::new()));
            FilledSnippet {
                key: s.key.clone(),
                title: s.title.clone(),
                category: s.category.clone(),
                scope: *scope,
                text,
                missing,
            }
        })
        .collect())
}

/// What a suggestion for one creator message is made from.
pub struct Basis {
    context: Context,
    pub message_id: String,
    pub text: String,
    pub classification: Classification,
}

impl Basis {
    /// The suggestion without a model: approved language and the brief.
    pub fn assembled(&self) -> app::domain::suggest::Suggestion {
        let camp = &self.context.facts.campaign;
        app::domain::suggest::assemble(&app::domain::suggest::Asked {
            text: &self.text,
            classification: &self.classification,
            brief: &camp.brief,
            guidance: &camp.creator_guidance,
            library: &self.context.facts.library,
            fields: &self.context.fields,
        })
    }

    /// What a model provider is asked, with the assembled words as the approved base.
    pub fn model_request(&self, approved: &str) -> String {
        let camp = &self.context.facts.campaign;
        app::domain::classify::model::draft_request(
            &camp.name,
            &camp.brief,
            &camp.creator_guidance,
            &self.text,
            approved,
        )
    }
}

/// The creator message `message_id` (one the caller may see) and what suggesting a reply needs.
pub async fn basis(
    db: &Db,
    caller: &Caller,
    message_id: &str,
    now: i64,
) -> Result<Basis, WriteError> {
    #[derive(serde::Deserialize)]
    struct Msg {
        thread: String,
        text: String,
        classification: Option<Classification>,
    }
    let mut resp = exec(
        db,
        "SELECT record::id(thread) AS thread, text, classification FROM message
             WHERE id = type::record('message', $mid) AND workspace = type::record('workspace', $ws)
             AND direction = 'inbound' AND sender_kind = 'creator';",
        json!({ "mid": message_id, "ws": caller.workspace_id }),
    )
    .await?;
    let m: Msg = first(&mut resp, 0)?.ok_or(WriteError::NotFound)?;
    let context = context(db, caller, &m.thread, now).await?;
    Ok(Basis {
        context,
        message_id: message_id.to_string(),
        classification: m.classification.unwrap_or_else(|| classify(&m.text)),
        text: m.text,
    })
}

/// Keeps a suggestion as a draft waiting for review by the role the thread's open topics need
/// (a member at least), assigned and audited; nothing is sent.
pub async fn save(
    db: &Db,
    caller: &Caller,
    b: &Basis,
    text: &str,
    source: &str,
    now: i64,
) -> Result<DraftView, WriteError> {
    let thread = &b.context.thread;
    let gate = super::reply_gate::facts(db, &caller.workspace_id, thread).await?;
    let needs = gate.review_needed(app::model::Channel::InApp, Role::Member);
    let role = needs.as_ref().map_or(Role::Member, |n| n.role);
    let topics: Vec<String> = b
        .classification
        .sensitive()
        .iter()
        .map(|t| t.as_str().to_string())
        .collect();
    let reviewer = gate.reviewer(role, thread.assignee_id.as_deref());
    let id = crate::ids::new_id();
    let reason = match &needs {
        Some(n) => format!("Suggested reply: check it before sending. {}", n.notice()),
        None => "Suggested reply: check it before sending.".to_string(),
    };
    let draft = NewDraft {
        id: id.clone(),
        thread,
        trigger: Some(&b.message_id),
        trigger_text: app::domain::text::snippet(&b.text, 600),
        state: DraftState::PendingReview,
        text,
        source,
        topics: &topics,
        reviewer_role: role,
        reviewer: reviewer.as_ref().map(|r| r.0.clone()),
        reviewer_name: reviewer.as_ref().map(|r| r.1.clone()),
        rule: "suggested",
        reason: &reason,
        author: None,
    };
    let audits = [AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "draft.suggested",
        subject: format!("draft:{id}"),
        detail: json!({ "thread": thread.id, "message": b.message_id, "source": source }),
    }];
    exec_transaction(
        db,
        &format!("BEGIN TRANSACTION; {CREATE_STATEMENT} {AUDITS_STATEMENT} COMMIT TRANSACTION;"),
        json!({ "ws": caller.workspace_id, "now": now, "draft": draft.var(), "audits": audits_var(&audits) }),
    )
    .await?;
    super::drafts::load(db, caller, &id).await
}

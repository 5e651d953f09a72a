//! Storage operations over SurrealDB, one module per capability — the only place SurrealQL is
//! written (besides migrations in `db` and the demo data in `seed`; `.ci/sql-placement.sh`
//! checks it). Callers pass an authorized `Caller`; every query is confined to the caller's
//! workspace (and scope) in its WHERE clause.
//!
//! - The inbox: `inbox_query` (pure filter → SELECT, keyset pages), `inbox`, `threads`,
//!   `live_feed` (the live queries), `live_replay` (what changed since a cursor).
//! - Writing entries: `entry` (the statements shared by every writer), `thread_write` (append,
//!   reply, enrollment, read state), `inbound` + `inbound_batch` (webhook messages in groups),
//!   `attribution`, `email_threads`, `unmatched`, `moves`, `merge`, `portal`, `attachments`.
//! - Governing: `policy_facts` (what a decision needs), `automation` (a plan carried out in one
//!   transaction), `drafts`, `reply_gate` (what deciding who may send a reply needs) +
//!   `submissions` (replies held for review, escalation), `suggestions` (approved language
//!   filled for the composer, suggested replies), `content_review` (approving content or asking
//!   for changes), `policies`, `followups` + `followup_outcomes`, `escalations` (the reply timer's
//!   and by hand), `bulk`.
//! - Sending: `jobs` (durable send jobs), `send_reads` (what senders read), `delivery_reports`.
//! - Accounts and channels: `sessions`, `team` (members, invitations), `passwords`, `creators`, `api_channel`, `sms_accounts`,
//!   `instagram_accounts`, `mailboxes` (one `ChannelConnection` each, any number per workspace),
//!   `senders` (sending identities, the claims that keep each in one workspace, defaults,
//!   campaign senders), `reply_facts`.
//! - Trail: `audit`, `audit_read`, `notifications`.
//! - Reports: `reports` (the thread timelines `app::domain::metrics` computes figures from).

pub mod api_channel;
pub mod attachments;
pub mod attribution;
pub mod audit;
pub mod audit_read;
pub mod automation;
pub mod bulk;
pub mod campaigns;
pub mod content_review;
pub mod creator_list;
pub mod creators;
pub mod delivery_reports;
pub mod drafts;
pub mod email_threads;
pub mod embed;
pub mod enrollments;
pub mod entry;
pub mod escalations;
pub mod followup_outcomes;
pub mod followups;
pub mod imports;
pub mod inbound;
pub mod inbound_batch;
pub mod inbox;
pub mod inbox_query;
pub mod instagram_accounts;
pub mod jobs;
pub mod labels;
pub mod live_feed;
pub mod live_replay;
pub mod mailboxes;
pub mod merge;
pub mod metrics;
pub mod moves;
pub mod notifications;
pub mod passwords;
pub mod policies;
pub mod policy_facts;
pub mod portal;
pub mod profile;
pub mod reply_facts;
pub mod reply_gate;
pub mod reports;
pub mod secrets;
pub mod send_reads;
pub mod senders;
pub mod sessions;
pub mod sms_accounts;
pub mod submissions;
pub mod suggestions;
pub mod team;
pub mod thread_write;
pub mod threads;
pub mod unmatched;

use app::api::backend::{Caller, Scope};

/// Why a channel connection was not stored.
#[derive(Debug)]
pub enum ConnectError {
    /// Another account already has this number / account / address (named).
    Taken(String),
    /// The account to change is not one of the workspace's.
    NotFound,
    Db(crate::db::DbError),
}

/// Which of the workspace's accounts a connection writes: a new one (`id` none) or one it has,
/// and the label it shows under.
pub struct Target {
    pub id: Option<String>,
    pub label: String,
    /// The teammate connecting it (audited in the same transaction).
    pub actor: String,
}

/// A channel connection the store keeps for a workspace (its secrets sealed with the server
/// secret), one of any number per channel. One implementation per kind: a mailbox, a Twilio
/// account, an Instagram account. Storing returns the account's id.
pub trait ChannelConnection: Sync {
    /// The channel, as logs name it.
    const CHANNEL: &'static str;
    /// The clash when another account has it (`what` names the address, number or account).
    fn taken(what: String) -> String;
    fn store<'a>(
        &'a self,
        db: &'a crate::db::Db,
        workspace: &'a str,
        server_secret: &'a str,
        target: &'a Target,
        now: i64,
    ) -> impl std::future::Future<Output = Result<String, ConnectError>> + Send + 'a;
}

impl From<crate::db::DbError> for ConnectError {
    fn from(e: crate::db::DbError) -> Self {
        ConnectError::Db(e)
    }
}

/// Query variables from name/value pairs (for a statement that binds several and an audit entry).
pub fn bound<const N: usize>(
    pairs: [(&str, serde_json::Value); N],
) -> serde_json::Map<String, serde_json::Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// The WHERE fragment that confines a thread query to what the caller may see.
/// Binds `$ws` (and `$scope_client`, `$scope_campaigns`).
pub fn thread_scope(
    caller: &Caller,
    vars: &mut serde_json::Map<String, serde_json::Value>,
) -> String {
    scope_clause(caller, vars, ScopePaths::THREAD)
}

/// Where a row keeps what an embedded frame's scope is about: its client, its campaign and its
/// thread (`None`: rows that are not one campaign's or one conversation's, such as clients).
pub struct ScopePaths {
    pub client: &'static str,
    pub campaign: Option<&'static str>,
    pub thread: Option<&'static str>,
}

impl ScopePaths {
    pub const THREAD: ScopePaths = ScopePaths {
        client: "client",
        campaign: Some("campaign"),
        thread: Some("id"),
    };
    /// A message or a draft: its client (or its campaign's), its campaign and its thread.
    pub const MESSAGE: ScopePaths = ScopePaths {
        client: "client",
        campaign: Some("campaign"),
        thread: Some("thread"),
    };
    /// A row that points at its thread (a message, an audit event, a draft).
    pub const OF_THREAD: ScopePaths = ScopePaths {
        client: "thread.client",
        campaign: Some("thread.campaign"),
        thread: Some("thread"),
    };
}

/// The WHERE fragment that confines rows of the caller's workspace to the caller's scope, at
/// the paths given. Binds `$ws` (and `$scope_client`, `$scope_campaigns`, `$scope_thread` for an
/// embedded frame).
pub fn scope_clause(
    caller: &Caller,
    vars: &mut serde_json::Map<String, serde_json::Value>,
    at: ScopePaths,
) -> String {
    vars.insert("ws".into(), caller.workspace_id.clone().into());
    let ws = "workspace = type::record('workspace', $ws)";
    match &caller.scope {
        Scope::Workspace => ws.into(),
        Scope::Client(s) => {
            vars.insert("scope_client".into(), s.client.clone().into());
            let mut clause = format!(
                "{ws} AND {} = type::record('client', $scope_client)",
                at.client
            );
            if let (false, Some(path)) = (s.campaigns.is_empty(), at.campaign) {
                vars.insert("scope_campaigns".into(), s.campaigns.clone().into());
                clause.push_str(&format!(" AND record::id({path}) IN $scope_campaigns"));
            }
            if let (Some(thread), Some(path)) = (&s.thread, at.thread) {
                vars.insert("scope_thread".into(), thread.clone().into());
                clause.push_str(&format!(
                    " AND {path} = type::record('thread', $scope_thread)"
                ));
            }
            clause
        }
    }
}

/// The thread fields every list and detail read returns, shaped like `app::model::ThreadSummary`.
pub const THREAD_FIELDS: &str = "record::id(id) AS id, record::id(creator) AS creator_id, creator_name, creator_handle, \
creator_avatar, record::id(campaign) AS campaign_id, campaign_name, record::id(client) AS client_id, client_name, stage, \
(IF assignee != NONE THEN record::id(assignee) ELSE NONE END) AS assignee_id, assignee_name, last_at, last_channel, \
last_sender_kind, last_sender_name, last_snippet, awaiting_since, unread, channels, snoozed_until, snooze_until_reply, stale, decline_reason, (open_topics ?? []) AS open_topics, post_by, changed_at AS version";

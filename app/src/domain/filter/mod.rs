//! Inbox filters: what a person can narrow the inbox by, kept in the URL query so a filtered
//! view is shareable, survives reload and Back, and is rendered filtered by the server.

use crate::domain::blocked::{blocked, Blocked};
use crate::domain::classify::Intent;
use crate::domain::stage::past_deadline;
use crate::model::{Channel, DeclineReason, Stage, ThreadSummary};
use serde::{Deserialize, Serialize};

mod parts;
pub use parts::{part_label, ActivePart};

/// Who a thread is assigned to, as a filter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum AssigneeFilter {
    Me,
    Nobody,
    User(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct InboxFilter {
    pub campaign: Option<String>,
    pub client: Option<String>,
    /// Free text matched against creator name, handle and contact addresses.
    pub creator: Option<String>,
    pub stage: Option<Stage>,
    pub channel: Option<Channel>,
    pub assignee: Option<AssigneeFilter>,
    pub needs_reply: bool,
    pub overdue: bool,
    /// No answer after the last follow-up.
    pub stale: bool,
    /// Declined for one of these reasons.
    pub declined_for: Vec<DeclineReason>,
    /// One of these sensitive topics is open (`ThreadSummary::open_topics`).
    pub topics: Vec<Intent>,
    /// Blocked in one of these categories (`domain::blocked`).
    pub blocked: Vec<Blocked>,
    /// The campaign's post-by date passed and the creator has not posted (`stage::past_deadline`).
    pub past_deadline: bool,
    /// Exactly these threads: the ones behind a figure on the Reports page.
    pub threads: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterError(pub String);

impl std::fmt::Display for FilterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub const MAX_SEARCH_CHARS: usize = 80;

/// The most threads a link from a report names (a figure with more opens without the list).
pub const MAX_PICKED_THREADS: usize = 500;

/// Record keys are short lowercase alphanumerics (see the server's id generator).
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 40
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

impl InboxFilter {
    /// Reads a filter from URL query pairs. Unknown keys are ignored; malformed values are
    /// dropped (a stale shared link still opens the inbox), so this never fails.
    pub fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> InboxFilter {
        let mut f = InboxFilter::default();
        for (k, v) in pairs {
            let v = v.trim();
            match k {
                "campaign" if is_valid_id(v) => f.campaign = Some(v.to_string()),
                "client" if is_valid_id(v) => f.client = Some(v.to_string()),
                "q" if !v.is_empty() => {
                    f.creator = Some(v.chars().take(MAX_SEARCH_CHARS).collect())
                }
                "stage" => f.stage = Stage::parse(v),
                "channel" => f.channel = Channel::parse(v),
                "assignee" => {
                    f.assignee = match v {
                        "me" => Some(AssigneeFilter::Me),
                        "none" => Some(AssigneeFilter::Nobody),
                        id if is_valid_id(id) => Some(AssigneeFilter::User(id.to_string())),
                        _ => None,
                    }
                }
                "needs_reply" => f.needs_reply = v == "1",
                "overdue" => f.overdue = v == "1",
                "stale" => f.stale = v == "1",
                "decline" => f.declined_for = list(v, DeclineReason::parse),
                "topic" => f.topics = list(v, |t| Intent::parse(t).filter(|i| i.is_sensitive())),
                "blocked" => f.blocked = list(v, Blocked::parse),
                "past_deadline" => f.past_deadline = v == "1",
                "threads" => {
                    let ids: Vec<String> = v.split(',').map(str::to_string).collect();
                    if ids.len() <= MAX_PICKED_THREADS && ids.iter().all(|i| is_valid_id(i)) {
                        f.threads = ids;
                    }
                }
                _ => {}
            }
        }
        f
    }

    /// The query pairs for this filter, in a stable order, omitting defaults.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if let Some(v) = &self.campaign {
            q.push(("campaign", v.clone()));
        }
        if let Some(v) = &self.client {
            q.push(("client", v.clone()));
        }
        if let Some(v) = &self.creator {
            q.push(("q", v.clone()));
        }
        if let Some(v) = self.stage {
            q.push(("stage", v.as_str().to_string()));
        }
        if let Some(v) = self.channel {
            q.push(("channel", v.as_str().to_string()));
        }
        match &self.assignee {
            Some(AssigneeFilter::Me) => q.push(("assignee", "me".into())),
            Some(AssigneeFilter::Nobody) => q.push(("assignee", "none".into())),
            Some(AssigneeFilter::User(id)) => q.push(("assignee", id.clone())),
            None => {}
        }
        if self.needs_reply {
            q.push(("needs_reply", "1".into()));
        }
        if self.overdue {
            q.push(("overdue", "1".into()));
        }
        if self.stale {
            q.push(("stale", "1".into()));
        }
        let joined = |names: Vec<&str>| names.join(",");
        if !self.declined_for.is_empty() {
            q.push((
                "decline",
                joined(self.declined_for.iter().map(|r| r.as_str()).collect()),
            ));
        }
        if !self.topics.is_empty() {
            q.push((
                "topic",
                joined(self.topics.iter().map(|t| t.as_str()).collect()),
            ));
        }
        if !self.blocked.is_empty() {
            q.push((
                "blocked",
                joined(self.blocked.iter().map(|b| b.as_str()).collect()),
            ));
        }
        if self.past_deadline {
            q.push(("past_deadline", "1".into()));
        }
        if !self.threads.is_empty() {
            q.push(("threads", self.threads.join(",")));
        }
        q
    }

    /// `?a=b&c=d` (or the empty string), percent-encoded.
    pub fn to_query_string(&self) -> String {
        let pairs = self.to_query();
        if pairs.is_empty() {
            return String::new();
        }
        let body: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", encode_component(v)))
            .collect();
        format!("?{}", body.join("&"))
    }

    /// Checks a filter that arrived from outside (a server-function argument).
    pub fn validate(&self) -> Result<(), FilterError> {
        for (name, id) in [("campaign", &self.campaign), ("client", &self.client)] {
            if let Some(id) = id {
                if !is_valid_id(id) {
                    return Err(FilterError(format!("{name} is not a valid id")));
                }
            }
        }
        if let Some(AssigneeFilter::User(id)) = &self.assignee {
            if !is_valid_id(id) {
                return Err(FilterError("assignee is not a valid id".into()));
            }
        }
        if !distinct(&self.declined_for) || !distinct(&self.topics) || !distinct(&self.blocked) {
            return Err(FilterError(
                "each decline reason, topic and category at most once".into(),
            ));
        }
        if let Some(t) = self.topics.iter().find(|t| !t.is_sensitive()) {
            return Err(FilterError(format!(
                "{} is not a topic the inbox keeps open (rate, usage rights, exclusivity, payment, legal, complaint)",
                t.as_str()
            )));
        }
        if self.threads.len() > MAX_PICKED_THREADS || !self.threads.iter().all(|t| is_valid_id(t)) {
            return Err(FilterError(format!(
                "a list of 1 to {MAX_PICKED_THREADS} thread ids"
            )));
        }
        if let Some(q) = &self.creator {
            if q.trim().is_empty() || q.chars().count() > MAX_SEARCH_CHARS {
                return Err(FilterError(format!(
                    "search must be 1 to {MAX_SEARCH_CHARS} characters"
                )));
            }
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        *self == InboxFilter::default()
    }

    /// Whether a thread belongs in this filtered view: the same rules the server's query applies
    /// (store/inbox_query.rs), for rows that arrive live. `search` is the thread's lowercase
    /// search text; `me` is the viewer's user id; waits that began before `overdue_before` are
    /// overdue (`reply_clock::overdue_before`); `now` decides past deadline.
    pub fn matches(
        &self,
        t: &ThreadSummary,
        search: &str,
        me: &str,
        overdue_before: i64,
        now: i64,
    ) -> bool {
        let any_of = |want: &[Intent], have: &[Intent]| {
            want.is_empty() || want.iter().any(|w| have.contains(w))
        };
        let opt_eq = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
        let assignee_ok = match &self.assignee {
            None => true,
            Some(AssigneeFilter::Me) => t.assignee_id.as_deref() == Some(me),
            Some(AssigneeFilter::Nobody) => t.assignee_id.is_none(),
            Some(AssigneeFilter::User(id)) => t.assignee_id.as_deref() == Some(id.as_str()),
        };
        let waiting_ok = match t.awaiting_since {
            None => !self.needs_reply && !self.overdue,
            Some(since) => !self.overdue || since < overdue_before,
        };
        opt_eq(&self.campaign, &t.campaign_id)
            && opt_eq(&self.client, &t.client_id)
            && self
                .search_needle()
                .is_none_or(|n| super::search::matches(search, &n))
            && self.stage.is_none_or(|s| s == t.stage)
            && self.channel.is_none_or(|c| t.channels.contains(&c))
            && assignee_ok
            && waiting_ok
            && (!self.stale || t.stale == Some(true))
            && (self.declined_for.is_empty()
                || t.decline_reason
                    .is_some_and(|r| self.declined_for.contains(&r)))
            && (self.threads.is_empty() || self.threads.contains(&t.id))
            && any_of(&self.topics, &t.open_topics)
            && (self.blocked.is_empty()
                || blocked(t.stage, &t.open_topics)
                    .iter()
                    .any(|b| self.blocked.contains(b)))
            && (!self.past_deadline || past_deadline(t.stage, t.post_by, now))
    }

    /// The searched words as they are looked up (`search::needle`); none when nothing
    /// searchable was typed.
    pub fn search_needle(&self) -> Option<Vec<String>> {
        self.creator
            .as_deref()
            .map(super::search::needle)
            .filter(|n| !n.is_empty())
    }
}

/// A comma-separated list of names, each kept once, unknown ones dropped.
fn list<T: PartialEq>(v: &str, parse: impl Fn(&str) -> Option<T>) -> Vec<T> {
    let mut out = Vec::new();
    for item in v.split(',').filter_map(parse) {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

fn distinct<T: PartialEq>(items: &[T]) -> bool {
    items
        .iter()
        .enumerate()
        .all(|(i, x)| !items[..i].contains(x))
}

/// Percent-encodes a query component (RFC 3986 unreserved characters stay).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests;

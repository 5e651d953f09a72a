//! Domain rules: pure functions over the shared model. No I/O, no clocks, no randomness;
//! callers pass `now` in. Each rule has table-driven tests beside it.
//!
//! - Replying: `reply_clock` (needs reply / overdue against the 24 h goal, in working hours, in
//!   a time zone's offsets: `zone`),
//!   `reply_channel` (which channel a reply goes out on and why others cannot: consent,
//!   connections, Instagram's windows, no automated DMs), `delivery` (statuses only move forward,
//!   retry schedule, which interrupted sends go out again), `text` (message validation,
//!   snippets), `outbound_address` (webhook URLs; which addresses are public).
//! - Understanding: `classify` (rules and a learned model combined: intents with confidence and
//!   evidence, decline reasons, addresses, sensitive topics; `classify::safety` says when automation
//!   may act alone; `classify::model` merges a model provider's answer), `stage_suggest`.
//! - Governing: `policy` (response policies: defaults, `validate`, `evaluate`), `automation` (the
//!   plan for one creator message: facts in, effects out), `reply_gate` (who may send a reply
//!   now: a person below the role an open sensitive topic needs submits it for review),
//!   `draft` (states, reviewers, escalation),
//!   `language` (approved language and merge fields; a campaign's library), `suggest` (a reply
//!   assembled from approved language and the brief), `content` (approving content or asking for
//!   changes), `followup` (follow-up rules, the ones teams turn on or add, and timing),
//!   `bulk` (each recipient's channel or skip reason, approval, spacing), `stage` (funnel moves).
//! - Threading and identity: `email` (Message-IDs, References, subjects, quoted history, which
//!   thread an email joins), `email_auth` (whether the receiving server verified the sender),
//!   `attribution`, `identity` (email and E.164 normalization), `merge`,
//!   `thread_tail`, `portal` (magic-link tokens), `twilio` / `instagram` (connection checks),
//!   `sending` (which mailbox, number or Instagram account a message goes out from; a campaign's
//!   senders; whether a provider's answer proves a connection's ownership).
//! - Reports: `metrics` (response rate, time to first and brand reply in calendar and working
//!   hours, acceptance, decline reasons, funnel and stuck stages, follow-up success, blocked
//!   conversations, teammates: each figure with the threads behind it), `blocked` (what a
//!   conversation waits on the team for: one rule for reports, the inbox filter and live rows).
//! - The team: `team` (invitation and reset links, passwords, the last-owner rule, idle sessions).
//! - The screen: `filter` (inbox filters ↔ URL, and `matches` for live rows), `live_merge`
//!   (ordered, idempotent live changes), `mentions`, `snooze`, `csv` (formula-safe export),
//!   `time_fmt`.

pub mod attribution;
pub mod automation;
pub mod blocked;
pub mod bulk;
pub mod campaign;
pub mod classify;
pub mod content;
pub mod creators;
pub mod csv;
pub mod delivery;
pub mod draft;
pub mod email;
pub mod email_auth;
pub mod embed;
pub mod filter;
pub mod followup;
pub mod identity;
pub mod import;
pub mod instagram;
pub mod language;
pub mod live_merge;
pub mod mentions;
pub mod merge;
pub mod metrics;
pub mod outbound_address;
pub mod policy;
pub mod portal;
pub mod reply_channel;
pub mod reply_clock;
pub mod reply_gate;
pub mod search;
pub mod sending;
pub mod shortcuts;
pub mod snooze;
pub mod stage;
pub mod stage_suggest;
pub mod suggest;
pub mod team;
pub mod text;
pub mod thread_tail;
pub mod time_fmt;
pub mod twilio;
pub mod zone;

//! The server's integration tests, one binary (each test binary links the whole server and
//! SurrealDB, so one costs a fraction of many): one module per capability, `common` for the
//! harness and the real peers (mail servers, loopback provider endpoints, a live-socket client).

mod common;

mod account_mail;
mod api_channel;
mod auth_and_writes;
mod automation;
mod bulk;
mod campaigns;
mod channel_accounts;
mod crash_recovery;
mod creators;
mod email;
mod embed;
mod embed_scope;
mod escalation;
mod followups;
mod fuzz;
mod governed_replies;
mod imports;
mod inbound_group;
mod inbox_filters;
mod instagram;
mod labels;
mod language_and_content;
mod live;
mod merge_and_move;
mod model_provider;
mod multi_instance;
mod outbound;
mod outbound_addresses;
mod portal;
mod reports;
mod secrets;
mod snooze;
mod team;
mod tenancy;
mod thread_clock;
mod thread_paging;
mod twilio_sms;
mod unmatched;
mod web_guard;
mod workspaces;

//! Domain rules: pure functions over the shared model. No I/O, no clocks, no randomness;
//! callers pass `now` in. Each rule has table-driven tests beside it.

pub mod attribution;
pub mod bulk;
pub mod classify;
pub mod csv;
pub mod delivery;
pub mod draft;
pub mod email;
pub mod filter;
pub mod followup;
pub mod identity;
pub mod instagram;
pub mod language;
pub mod live_merge;
pub mod mentions;
pub mod merge;
pub mod policy;
pub mod portal;
pub mod reply_channel;
pub mod reply_clock;
pub mod snooze;
pub mod stage;
pub mod stage_suggest;
pub mod text;
pub mod thread_tail;
pub mod time_fmt;
pub mod twilio;

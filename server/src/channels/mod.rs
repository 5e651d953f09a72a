//! Channels that deliver creators' messages into the inbox. Today: the signed API channel
//! (`api_hook`). Each channel verifies what it receives before anything is written.

pub mod api_hook;
pub mod signature;

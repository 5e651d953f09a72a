//! Channels that deliver creators' messages into the inbox: the signed API channel (`api_hook`)
//! and SMS through Twilio (`twilio_sms`, with delivery reports in `twilio_status`). Each verifies
//! what it receives before anything is written.

pub mod api_hook;
pub mod attachments;
pub mod email_imap;
pub mod email_ingest;
pub mod instagram;
pub mod instagram_payload;
pub mod signature;
pub mod twilio_signature;
pub mod twilio_sms;
pub mod twilio_status;

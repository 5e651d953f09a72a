//! One module per route (see `crate::ui::app` for the paths).

pub mod account;
pub mod approvals;
pub mod audit;
pub mod bulk;
pub mod campaigns;
pub mod channels;
pub mod creators;
pub mod embed_frame;
pub mod embed_review;
pub mod embed_thread;
pub mod embeds;
pub mod inbox;
pub mod join;
pub mod login;
pub mod policies;
pub mod portal;
pub mod reports;
pub mod team;
pub mod thread;
pub mod unmatched;

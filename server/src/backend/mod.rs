//! The server's implementation of the server functions' area traits (`app::api::InboxApi`,
//! `ThreadApi`, …), one file per area, all on [`AppState`](crate::state::AppState). Each
//! operation coordinates: it calls the store (where all SurrealQL lives), wakes workers, and maps
//! storage results to `AppError` — internals logged, the browser seeing safe errors (`crate::errors`).

mod account;
mod auth;
mod bulk;
mod campaigns;
mod channels;
mod creators;
mod embed;
mod imports;
mod inbox;
mod policies;
mod portal;
mod reports;
mod review;
mod team;
mod thread;
mod unmatched;

pub(crate) use crate::errors::{internal, write_error};

/// The server functions reach every area through this one state.
impl app::api::backend::Backend for crate::state::AppState {}

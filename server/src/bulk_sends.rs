//! Writing bulk messages' recipients when they are due: right after a bulk message is created or
//! approved (`crate::backend::bulk`), and in the worker pass (in the automation loop) that
//! writes scheduled ones when their time comes or resumes one whose writer stopped.

use crate::db::DbError;
use crate::state::AppState;
use crate::store::bulk::enqueue;

/// Writes bulk message `id`'s recipients if it is due, then wakes the dispatcher.
pub async fn enqueue_bulk(state: &AppState, id: &str) -> Result<Option<enqueue::Written>, DbError> {
    let public_url = state.config.public_url.clone();
    let email_domain = state.config.email_domain();
    let sending = enqueue::Sending {
        public_url: &public_url,
        email_domain: &email_domain,
        rates: state.config.bulk_rates,
    };
    let written = enqueue::run(&state.db, sending, id, || state.clock.now_ms()).await?;
    if written.as_ref().is_some_and(|w| w.jobs > 0) {
        state.outbound.ring();
    }
    Ok(written)
}

/// One worker pass: writes the bulk messages whose scheduled time has come (or whose writer
/// died mid-way). Returns how many it wrote.
pub async fn run_due(state: &AppState) -> Result<usize, DbError> {
    let mut n = 0;
    for id in enqueue::due(&state.db, state.clock.now_ms()).await? {
        if enqueue_bulk(state, &id).await?.is_some() {
            n += 1;
        }
    }
    Ok(n)
}

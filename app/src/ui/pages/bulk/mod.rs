//! Bulk messages: the composer (`/bulk-new`), the list (`/bulk`) and one message's progress
//! (`/bulk/:id`).

pub mod composer;
pub mod progress;

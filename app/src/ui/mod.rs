//! The Leptos UI: routes, pages and their pieces.

mod app;
mod approvals;
mod audit;
mod bulk;
mod bulk_bar;
mod bulk_progress;
mod channels;
mod clock;
mod context_panel;
mod drafts;
mod filters;
mod followup_rules;
mod inbox;
mod intent_chips;
mod live;
#[cfg(feature = "hydrate")]
mod live_socket;
mod login;
mod notifications;
mod policies;
mod portal;
mod reply_timer;
mod thread_list;
mod thread_view;
mod unmatched;
mod widgets;

pub use app::App;

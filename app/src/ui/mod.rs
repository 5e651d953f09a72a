//! The Leptos UI. `app` holds the routes; `pages/` one file or folder per route; `widgets/` the
//! pieces several pages share; `live/` what keeps a screen current (the live socket, the clock);
//! `embed_bridge` what an embedded frame needs from the browser.

mod app;
mod embed_bridge;
mod live;
mod pages;
mod widgets;

pub use app::App;

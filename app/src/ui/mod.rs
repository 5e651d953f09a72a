//! The Leptos UI. `app` holds the routes; `pages/` one file or folder per route; `widgets/` the
//! pieces several pages share; `live/` what keeps a screen current (the live socket, the clock).

mod app;
mod live;
mod pages;
mod widgets;

pub use app::App;

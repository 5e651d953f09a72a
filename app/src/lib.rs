//! The creator inbox's shared crate: model types, pure domain rules, server functions and the
//! Leptos UI. Built twice: with `ssr` into the server binary, with `hydrate` into the wasm.

#![recursion_limit = "512"]

pub mod api;
pub mod domain;
pub mod live;
pub mod model;
pub mod ui;

use leptos::prelude::*;
use leptos_meta::MetaTags;

/// The HTML document around the app, rendered by the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <ui::App/>
            </body>
        </html>
    }
}

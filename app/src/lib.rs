//! The creator inbox's shared crate: model types, pure domain rules, server functions and the
//! Leptos UI. Built twice: with `ssr` into the server binary, with `hydrate` into the wasm.

#![recursion_limit = "512"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod assets;
pub mod domain;
pub mod live;
pub mod model;
pub mod ui;

#[cfg(feature = "ssr")]
use leptos::prelude::*;

/// The HTML document around the app, rendered by the server.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let stylesheet = assets::stylesheet_href(&options);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" id="leptos" href=stylesheet/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <leptos_meta::MetaTags/>
            </head>
            <body>
                <ui::App/>
            </body>
        </html>
    }
}

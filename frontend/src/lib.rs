#![recursion_limit = "512"]

//! The browser entry point: hydrates the server-rendered page into the live app.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        // A page that stopped says so where the browser tests look (`data-hydrated`'s sibling),
        // so they fail at once with the reason instead of waiting for a hydration that never ends.
        if let Some(body) = body() {
            let _ = body.set_attribute("data-panic", &info.to_string());
        }
    }));
    leptos::mount::hydrate_body(app::ui::App);
    // Lets people (and the browser tests) tell a live page from server-rendered HTML.
    if let Some(body) = body() {
        let _ = body.set_attribute("data-hydrated", "1");
    }
}

fn body() -> Option<web_sys::HtmlElement> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
}

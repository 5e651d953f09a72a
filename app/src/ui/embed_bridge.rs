//! What an embedded frame needs from the browser (hydrate only; inert on the server): the token
//! from the URL fragment (then removed from the address), the session bearer added to this
//! origin's server-function requests (kept in memory, never in a cookie or storage), and the
//! postMessage contract with the parent page — `{v: 1, type, …}` posted only to the partner's
//! exact origins, and messages accepted only from them.

/// The contract's version.
pub const VERSION: u32 = 1;

/// A message to the parent: `{"v":1,"type":…}` plus `fields`.
pub fn message(kind: &str, fields: serde_json::Value) -> serde_json::Value {
    let mut m = serde_json::json!({ "v": VERSION, "type": kind });
    if let (Some(m), serde_json::Value::Object(extra)) = (m.as_object_mut(), fields) {
        m.extend(extra);
    }
    m
}

/// The token in a fragment like `#token=eyJ…` (other `&key=value` pairs ignored).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // read in the browser only
pub fn token_in_fragment(hash: &str) -> Option<String> {
    hash.trim_start_matches('#')
        .split('&')
        .find_map(|kv| kv.strip_prefix("token="))
        .filter(|t| !t.is_empty() && t.len() <= crate::domain::embed::MAX_TOKEN_LEN)
        .map(str::to_string)
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    thread_local! {
        static BEARER: RefCell<Option<String>> = const { RefCell::new(None) };
        static FETCH_WRAPPED: RefCell<bool> = const { RefCell::new(false) };
        static LISTENING: RefCell<bool> = const { RefCell::new(false) };
    }

    /// Reads the token from the fragment and removes it from the address bar and history.
    pub fn take_token() -> Option<String> {
        let window = web_sys::window()?;
        let loc = window.location();
        let token = super::token_in_fragment(&loc.hash().ok()?);
        if token.is_some() {
            let clean = format!(
                "{}{}",
                loc.pathname().unwrap_or_default(),
                loc.search().unwrap_or_default()
            );
            if let Ok(h) = window.history() {
                let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&clean));
            }
        }
        token
    }

    fn is_api(url: &str, origin: &str) -> bool {
        url.starts_with("/api/")
            || url
                .strip_prefix(origin)
                .is_some_and(|p| p.starts_with("/api/"))
    }

    /// From now on this origin's `/api/` requests carry `Authorization: Bearer …`.
    pub fn use_bearer(bearer: &str) {
        BEARER.with(|b| *b.borrow_mut() = Some(bearer.to_string()));
        if FETCH_WRAPPED.with(|w| w.replace(true)) {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        let Ok(original) = js_sys::Reflect::get(&window, &"fetch".into()) else {
            return;
        };
        let Ok(original) = original.dyn_into::<js_sys::Function>() else {
            return;
        };
        let origin = window.location().origin().unwrap_or_default();
        let target = window.clone();
        let wrapped = Closure::<dyn Fn(JsValue, JsValue) -> JsValue>::new(
            move |input: JsValue, init: JsValue| {
                let auth = BEARER.with(|b| b.borrow().as_ref().map(|t| format!("Bearer {t}")));
                if let (Some(auth), Some(req)) = (auth, input.dyn_ref::<web_sys::Request>()) {
                    if is_api(&req.url(), &origin) {
                        if let Ok(headers) = web_sys::Headers::new_with_headers(&req.headers()) {
                            let _ = headers.set("Authorization", &auth);
                            let with = web_sys::RequestInit::new();
                            with.set_headers(&headers);
                            if let Ok(r) = web_sys::Request::new_with_request_and_init(req, &with) {
                                return original.call1(&target, &r).unwrap_or(JsValue::UNDEFINED);
                            }
                        }
                    }
                }
                original
                    .call2(&target, &input, &init)
                    .unwrap_or(JsValue::UNDEFINED)
            },
        );
        let _ = js_sys::Reflect::set(&window, &"fetch".into(), wrapped.as_ref());
        wrapped.forget();
    }

    /// Posts `msg` to the parent, once per allowed origin: the browser delivers it only where the
    /// parent's origin is that one, so it never reaches a page the partner did not name.
    pub fn post(origins: &[String], msg: &serde_json::Value) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Ok(Some(parent)) = window.parent() else {
            return;
        };
        let Ok(value) = js_sys::JSON::parse(&msg.to_string()) else {
            return;
        };
        for origin in origins {
            let _ = parent.post_message(&value, origin);
        }
    }

    /// Calls `on` with each message the parent posts from one of `origins` (others are ignored).
    pub fn listen(origins: Vec<String>, on: impl Fn(serde_json::Value) + 'static) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let handler =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                if !origins.iter().any(|o| *o == e.origin()) {
                    return;
                }
                let Some(text) = js_sys::JSON::stringify(&e.data())
                    .ok()
                    .and_then(|s| s.as_string())
                else {
                    return;
                };
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
                    if v.get("v").and_then(|v| v.as_u64()) == Some(u64::from(super::VERSION)) {
                        on(v);
                    }
                }
            });
        let _ =
            window.add_event_listener_with_callback("message", handler.as_ref().unchecked_ref());
        handler.forget();
    }

    /// The frame's content height (for the parent to size the frame): the `main.embed`
    /// element's, not the document's, which is at least the frame's own height (`html, body`
    /// fill it) and so would never let the frame shrink.
    pub fn content_height() -> i32 {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("main.embed").ok().flatten())
            .map(|e| e.scroll_height())
            .unwrap_or(0)
    }
}

#[cfg(feature = "hydrate")]
pub use browser::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragment_tokens_and_messages() {
        assert_eq!(
            token_in_fragment("#token=abc.def.ghi").as_deref(),
            Some("abc.def.ghi")
        );
        assert_eq!(token_in_fragment("#view=x&token=t1").as_deref(), Some("t1"));
        assert_eq!(token_in_fragment("#token="), None);
        assert_eq!(token_in_fragment(""), None);
        assert_eq!(
            token_in_fragment(&format!("#token={}", "a".repeat(5000))),
            None
        );
        assert_eq!(
            message("unread.changed", serde_json::json!({ "count": 3 })),
            serde_json::json!({ "v": 1, "type": "unread.changed", "count": 3 })
        );
    }
}

//! The browser's live socket (hydrate only): one websocket per tab to `/api/live` (or, in the
//! creator portal, to `/api/portal/live`). It keeps the
//! cursor of the newest change it has seen; after a drop (sleep, network loss, server restart)
//! it reconnects with exponential backoff and jitter, asking the server to replay from that
//! cursor, so nothing is missed and — with the idempotent merges — nothing shows twice.

use crate::live::LiveEvent;
use crate::ui::live::{Live, LiveStatus};
use gloo_timers::callback::Timeout;
use leptos::prelude::Set;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

const FIRST_RETRY_MS: f64 = 500.0;
const MAX_RETRY_MS: f64 = 15_000.0;

struct State {
    live: Live,
    /// The socket's path on this origin (the inbox's or a portal's, with its query).
    path: String,
    /// Subprotocols offered besides `crate::live::LIVE_PROTOCOL` (an embedded frame's bearer).
    protocols: Vec<String>,
    ws: Option<WebSocket>,
    cursor: Option<i64>,
    attempts: u32,
    stopped: bool,
    retry: Option<Timeout>,
    // The current socket's callbacks; replaced (and so dropped) only when a new socket opens,
    // never from inside one of them.
    on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
    on_close: Option<Closure<dyn FnMut(CloseEvent)>>,
    on_online: Option<Closure<dyn FnMut()>>,
}

#[derive(Clone)]
pub struct LiveSocket(Rc<RefCell<State>>);

/// Backoff before reconnect attempt `n` (0-based), without jitter.
pub fn retry_delay_ms(attempt: u32) -> f64 {
    (FIRST_RETRY_MS * 2f64.powi(attempt.min(16) as i32)).min(MAX_RETRY_MS)
}

impl LiveSocket {
    pub fn new(live: Live, path: String, protocols: Vec<String>) -> LiveSocket {
        LiveSocket(Rc::new(RefCell::new(State {
            live,
            path,
            protocols,
            ws: None,
            cursor: None,
            attempts: 0,
            stopped: false,
            retry: None,
            on_message: None,
            on_close: None,
            on_online: None,
        })))
    }

    /// Opens the socket and reconnects at once when the browser comes back online.
    pub fn start(&self) {
        if self.0.borrow().ws.is_some() {
            return;
        }
        let me = self.clone();
        let online = Closure::<dyn FnMut()>::new(move || me.reconnect_now());
        if let Some(w) = web_sys::window() {
            let _ = w.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
        }
        self.0.borrow_mut().on_online = Some(online);
        self.open();
    }

    pub fn stop(&self) {
        let mut s = self.0.borrow_mut();
        s.stopped = true;
        s.retry = None;
        if let Some(ws) = s.ws.take() {
            ws.set_onclose(None);
            ws.set_onmessage(None);
            let _ = ws.close();
        }
        if let (Some(w), Some(online)) = (web_sys::window(), s.on_online.as_ref()) {
            let _ =
                w.remove_event_listener_with_callback("online", online.as_ref().unchecked_ref());
        }
    }

    fn url(path: &str, cursor: Option<i64>) -> Option<String> {
        let loc = web_sys::window()?.location();
        let scheme = if loc.protocol().ok()? == "https:" {
            "wss:"
        } else {
            "ws:"
        };
        let join = if path.contains('?') { '&' } else { '?' };
        let since = cursor
            .map(|c| format!("{join}since={c}"))
            .unwrap_or_default();
        Some(format!("{scheme}//{}{path}{since}", loc.host().ok()?))
    }

    fn open(&self) {
        let mut s = self.0.borrow_mut();
        if s.stopped || s.ws.is_some() {
            return;
        }
        s.retry = None;
        let Some(url) = Self::url(&s.path, s.cursor) else {
            return;
        };
        let opened = if s.protocols.is_empty() {
            WebSocket::new(&url)
        } else {
            let offered = js_sys::Array::new();
            offered.push(&JsValue::from_str(crate::live::LIVE_PROTOCOL));
            for p in &s.protocols {
                offered.push(&JsValue::from_str(p));
            }
            WebSocket::new_with_str_sequence(&url, &offered)
        };
        let ws = match opened {
            Ok(ws) => ws,
            Err(_) => {
                drop(s);
                self.schedule_retry();
                return;
            }
        };
        let me = self.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let Some(text) = e.data().as_string() {
                me.receive(&text);
            }
        });
        let me = self.clone();
        let on_close =
            Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| me.closed(e.code()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        s.on_message = Some(on_message);
        s.on_close = Some(on_close);
        s.ws = Some(ws);
    }

    fn receive(&self, text: &str) {
        let event: LiveEvent = match serde_json::from_str(text) {
            Ok(e) => e,
            Err(e) => {
                leptos::logging::warn!("ignoring an unreadable live event: {e}");
                return;
            }
        };
        let live = {
            let mut s = self.0.borrow_mut();
            if let Some(v) = event.version() {
                s.cursor = Some(s.cursor.map_or(v, |c| c.max(v)));
            }
            if matches!(event, LiveEvent::Synced { .. } | LiveEvent::Resync { .. }) {
                s.attempts = 0;
                s.live.status.set(LiveStatus::Live);
            }
            s.live
        };
        live.dispatch(&event);
    }

    fn closed(&self, code: u16) {
        {
            let mut s = self.0.borrow_mut();
            if let Some(ws) = s.ws.take() {
                ws.set_onmessage(None);
                ws.set_onclose(None);
            }
            if s.stopped {
                return;
            }
            if code == crate::live::CLOSE_CHANGED {
                // Another workspace or role now: what this page shows no longer applies.
                s.stopped = true;
                if let Some(w) = web_sys::window() {
                    let _ = w.location().reload();
                }
                return;
            }
            if code == crate::live::CLOSE_SIGNED_OUT {
                // The session ended: reconnecting cannot help; the page says so.
                s.stopped = true;
                s.live.status.set(LiveStatus::SignedOut);
                return;
            }
            s.live.status.set(LiveStatus::Reconnecting);
        }
        self.schedule_retry();
    }

    fn schedule_retry(&self) {
        let mut s = self.0.borrow_mut();
        if s.stopped {
            return;
        }
        let jitter = js_sys::Math::random() * 250.0;
        let delay = retry_delay_ms(s.attempts) + jitter;
        s.attempts += 1;
        let me = self.clone();
        s.retry = Some(Timeout::new(delay as u32, move || me.open()));
    }

    fn reconnect_now(&self) {
        let idle = {
            let s = self.0.borrow();
            s.ws.is_none() && !s.stopped
        };
        if idle {
            self.0.borrow_mut().attempts = 0;
            self.open();
        }
    }
}

//! Live updates in the page: the connection state and a small event bus. Parts of the page
//! register handlers with `Live::on_event` (removed again when they unmount); the browser's
//! socket (`socket`, hydrate only) feeds them. On the server this is inert.

pub mod clock;
#[cfg(feature = "hydrate")]
pub mod socket;

use crate::live::LiveEvent;
use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // the socket that moves it is browser-only
pub enum LiveStatus {
    Connecting,
    Live,
    Reconnecting,
    /// The session ended (signed out elsewhere, or deactivated): no more reconnecting.
    SignedOut,
}

impl LiveStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LiveStatus::Connecting => "connecting",
            LiveStatus::Live => "live",
            LiveStatus::Reconnecting => "reconnecting",
            LiveStatus::SignedOut => "signed-out",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LiveStatus::Connecting => "Connecting…",
            LiveStatus::Live => "Live",
            LiveStatus::Reconnecting => "Reconnecting…",
            LiveStatus::SignedOut => "Signed out",
        }
    }
}

#[cfg(feature = "hydrate")]
type Handler = std::rc::Rc<dyn Fn(&LiveEvent)>;

/// The handlers live only in the browser: server rendering has no live events, and it may move
/// between threads, which browser-local storage forbids.
#[derive(Clone, Copy)]
pub struct Live {
    pub status: RwSignal<LiveStatus>,
    #[cfg(feature = "hydrate")]
    handlers: StoredValue<Vec<(u64, Handler)>, LocalStorage>,
    #[cfg(feature = "hydrate")]
    next_id: StoredValue<u64>,
}

impl Live {
    /// Calls `f` for every live event while the calling component is mounted.
    #[cfg(not(feature = "hydrate"))]
    pub fn on_event(&self, _f: impl Fn(&LiveEvent) + 'static) {}

    #[cfg(feature = "hydrate")]
    pub fn on_event(&self, f: impl Fn(&LiveEvent) + 'static) {
        let id = self.next_id.try_update_value(|n| {
            *n += 1;
            *n
        });
        let Some(id) = id else { return };
        self.handlers
            .try_update_value(|h| h.push((id, std::rc::Rc::new(f))));
        let handlers = self.handlers;
        on_cleanup(move || {
            handlers.try_update_value(|h| h.retain(|(i, _)| *i != id));
        });
    }

    /// Hands an event to every registered handler.
    #[cfg(feature = "hydrate")]
    pub fn dispatch(&self, event: &LiveEvent) {
        let list: Vec<Handler> = self
            .handlers
            .try_with_value(|h| h.iter().map(|(_, f)| f.clone()).collect())
            .unwrap_or_default();
        for f in list {
            f(event);
        }
    }
}

/// Creates the page's live state and, in the browser, opens its socket to the inbox's feed.
pub fn provide_live() -> Live {
    provide_live_at(crate::live::LIVE_PATH.to_string())
}

/// Creates the page's live state with a socket to `path` (the portal's feed, for example).
pub fn provide_live_at(path: String) -> Live {
    provide_live_with(path, Vec::new())
}

/// Creates the page's live state with a socket to `path` that offers these subprotocols besides
/// the feed's own (an embedded frame's `bearer.…`: a browser socket carries no other header).
pub fn provide_live_with(path: String, protocols: Vec<String>) -> Live {
    #[cfg(not(feature = "hydrate"))]
    let _ = (path, protocols);
    let live = Live {
        status: RwSignal::new(LiveStatus::Connecting),
        #[cfg(feature = "hydrate")]
        handlers: StoredValue::new_local(Vec::new()),
        #[cfg(feature = "hydrate")]
        next_id: StoredValue::new(0),
    };
    provide_context(live);
    #[cfg(feature = "hydrate")]
    {
        let socket = send_wrapper::SendWrapper::new(crate::ui::live::socket::LiveSocket::new(
            live, path, protocols,
        ));
        let opener = socket.clone();
        Effect::new(move |_| opener.start());
        on_cleanup(move || socket.stop());
    }
    live
}

pub fn use_live() -> Live {
    expect_context::<Live>()
}

/// Runs `f` once `ms` after the last call (in the browser); keeps a burst of live events from
/// refetching once per event.
#[derive(Clone, Copy)]
pub struct Debounce {
    #[cfg(feature = "hydrate")]
    pending: StoredValue<Option<gloo_timers::callback::Timeout>, LocalStorage>,
    ms: u32,
}

impl Debounce {
    pub fn new(ms: u32) -> Debounce {
        Debounce {
            #[cfg(feature = "hydrate")]
            pending: StoredValue::new_local(None),
            ms,
        }
    }

    pub fn call(&self, f: impl FnOnce() + 'static) {
        #[cfg(feature = "hydrate")]
        {
            let timeout = gloo_timers::callback::Timeout::new(self.ms, f);
            self.pending.try_update_value(|p| *p = Some(timeout));
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = self.ms;
            f();
        }
    }
}

/// Runs `f` `ms` after the first call of a burst and ignores the calls until then: a steady stream
/// of live events refetches at most once every `ms` (a debounce would wait for the stream to stop).
#[derive(Clone, Copy)]
pub struct Throttle {
    #[cfg(feature = "hydrate")]
    pending: StoredValue<Option<gloo_timers::callback::Timeout>, LocalStorage>,
    ms: u32,
}

impl Throttle {
    pub fn new(ms: u32) -> Throttle {
        Throttle {
            #[cfg(feature = "hydrate")]
            pending: StoredValue::new_local(None),
            ms,
        }
    }

    pub fn call(&self, f: impl FnOnce() + 'static) {
        #[cfg(feature = "hydrate")]
        {
            if self.pending.with_value(Option::is_some) {
                return;
            }
            let pending = self.pending;
            let timeout = gloo_timers::callback::Timeout::new(self.ms, move || {
                pending.try_update_value(|p| *p = None);
                f();
            });
            self.pending.try_update_value(|p| *p = Some(timeout));
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = self.ms;
            f();
        }
    }
}

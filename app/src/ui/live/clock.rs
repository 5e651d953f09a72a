//! A ticking "now" for relative times. The server's clock seeds it so the first render matches;
//! in the browser a gloo-timers interval moves it on every 30 seconds.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Now(pub RwSignal<i64>);

pub fn provide_clock(initial: i64) -> Now {
    let now = Now(RwSignal::new(initial));
    #[cfg(feature = "hydrate")]
    {
        let signal = now.0;
        Effect::new(move |_| {
            signal.set(js_sys::Date::now() as i64);
            let interval = gloo_timers::callback::Interval::new(30_000, move || {
                signal.set(js_sys::Date::now() as i64);
            });
            // The interval lives exactly as long as the signal's owner.
            let interval = send_wrapper::SendWrapper::new(interval);
            on_cleanup(move || drop(interval.take()));
        });
    }
    provide_context(now);
    now
}

pub fn use_now() -> RwSignal<i64> {
    use_context::<Now>()
        .map(|n| n.0)
        .unwrap_or_else(|| RwSignal::new(0))
}

//! The bar above the thread list: what is picked for a bulk message, "select all N matching
//! the current filter", and the way to the bulk composer.

use crate::api::count_matching;
use crate::ui::pages::inbox::use_inbox;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn BulkBar() -> impl IntoView {
    let ctx = use_inbox();
    // Counted in the browser only.
    let matching = LocalResource::new(move || {
        let f = ctx.filter.get();
        let _ = ctx.refresh.get();
        async move { count_matching(f).await.ok() }
    });
    // Copied by an effect: reading a local resource in the view would suspend the whole inbox
    // (its Suspense) each time it counts again.
    let counted = RwSignal::new(None::<u64>);
    Effect::new(move |_| {
        if let Some(n) = matching.get() {
            counted.set(n);
        }
    });
    let total = move || counted.get();
    let picking = move || ctx.all_matching.get() || ctx.picked.with(|p| !p.is_empty());
    let composer = move || {
        let f = ctx.filter.get();
        let q = f.to_query_string();
        let sep = if q.is_empty() { "?" } else { "&" };
        if ctx.all_matching.get() {
            format!("/bulk-new{q}{sep}all=1")
        } else {
            format!(
                "/bulk-new{q}{sep}threads={}",
                ctx.picked.with(|p| p.join(","))
            )
        }
    };
    let clear = move |_| {
        ctx.picked.set(Vec::new());
        ctx.all_matching.set(false);
    };
    view! {
        <div class="bulk-bar" class:active=picking data-testid="bulk-bar">
            <Show when=picking fallback=move || view! {
                <Show when=move || total() != Some(0)>
                    <button type="button" class="link-btn" on:click=move |_| ctx.all_matching.set(true)>
                        {move || match total() {
                            Some(n) => format!("Select all {n} matching"),
                            None => "Select all matching".to_string(),
                        }}
                    </button>
                    <span class="bulk-hint">"or tick threads to send a bulk message"</span>
                </Show>
            }>
                <span class="bulk-count">{move || if ctx.all_matching.get() {
                    format!("All {} matching selected", total().map(|n| n.to_string()).unwrap_or_default())
                } else {
                    format!("{} selected", ctx.picked.with(Vec::len))
                }}</span>
                <Show when=move || !ctx.all_matching.get()>
                    <button type="button" class="link-btn" on:click=move |_| ctx.all_matching.set(true)>
                        {move || format!("Select all {} matching", total().map(|n| n.to_string()).unwrap_or_default())}
                    </button>
                </Show>
                <button type="button" class="link-btn" on:click=clear>"Clear"</button>
                <A href=composer attr:class="btn btn-primary btn-small">"Send bulk message"</A>
            </Show>
        </div>
    }
}

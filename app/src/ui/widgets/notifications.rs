//! The bell in the top bar: the caller's notifications (mentions in notes, drafts assigned for
//! review). Opening one goes to its thread and marks what concerned that thread read.

use crate::api::{mark_notifications_read, notifications};
use crate::ui::pages::inbox::use_inbox;
use crate::ui::widgets::RelTime;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn NotificationBell(unread: Signal<u64>) -> impl IntoView {
    let ctx = use_inbox();
    let open = RwSignal::new(false);
    // Read in the browser only, when the menu is open (and again when the count moves).
    let list = LocalResource::new(move || {
        let open = open.get();
        unread.track();
        async move {
            if open {
                notifications().await.map(Some)
            } else {
                Ok(None)
            }
        }
    });
    let navigate = use_navigate();
    let go = move |thread_id: String| {
        open.set(false);
        let navigate = navigate.clone();
        let t = thread_id.clone();
        leptos::task::spawn_local(async move {
            let _ = mark_notifications_read(Some(t)).await;
            ctx.counts_refresh.update(|n| *n += 1);
        });
        navigate(&format!("/t/{thread_id}"), Default::default());
    };
    let mark_all = move |_| {
        leptos::task::spawn_local(async move {
            let _ = mark_notifications_read(None).await;
            ctx.counts_refresh.update(|n| *n += 1);
        });
        open.set(false);
    };
    view! {
        <div class="bell">
            <button type="button" class="btn btn-ghost bell-button" aria-haspopup="true"
                aria-expanded=move || open.get().to_string()
                aria-label=move || format!("Notifications, {} unread", unread.get())
                on:click=move |_| open.update(|o| *o = !*o)>
                <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path d="M6 16V11a6 6 0 0 1 12 0v5l2 2H4z M10 20a2 2 0 0 0 4 0" fill="none" stroke="currentColor" stroke-width="1.8"/></svg>
                {move || (unread.get() > 0).then(|| view! { <span class="bell-count">{unread.get()}</span> })}
            </button>
            {move || open.get().then(|| {
                let go = go.clone();
                view! {
                    <div class="bell-menu" role="menu">
                        <div class="bell-head">
                            <strong>"Notifications"</strong>
                            <button type="button" class="btn btn-small btn-ghost" on:click=mark_all>"Mark all read"</button>
                        </div>
                        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                            {
                                let go = go.clone();
                                move || {
                                    let go = go.clone();
                                    list.get().map(move |r| match r {
                                        Ok(Some(items)) if items.is_empty() => view! { <p class="muted bell-empty">"Nothing new. Teammates can @mention you in notes."</p> }.into_any(),
                                        Ok(Some(items)) => view! {
                                            <ul class="bell-list">
                                                {items.into_iter().map(|n| {
                                                    let go = go.clone();
                                                    let t = n.thread_id.clone();
                                                    view! {
                                                        <li class="bell-item" class:unread=!n.read role="menuitem">
                                                            <button type="button" on:click=move |_| go(t.clone())>
                                                                <span class="bell-kind">{if n.kind == "review" { "Review" } else { "Mention" }}</span>
                                                                <span class="bell-text">{n.text.clone()}</span>
                                                                <span class="bell-meta">{n.by_name.clone()}" · "<RelTime at=n.at/></span>
                                                            </button>
                                                        </li>
                                                    }
                                                }).collect_view()}
                                            </ul>
                                        }.into_any(),
                                        Ok(None) => ().into_any(),
                                        Err(e) => view! { <p class="form-error">{e.to_string()}</p> }.into_any(),
                                    })
                                }
                            }
                        </Transition>
                    </div>
                }
            })}
        </div>
    }
}

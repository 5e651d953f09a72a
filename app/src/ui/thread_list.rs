//! The list of threads: newest activity first, keyset pages, badges for the reply discipline.

use super::inbox::use_inbox;
use super::login::is_signed_out;
use super::widgets::{sender_kind_label, Avatar, ChannelIcon, RelTime, StageChip};
use crate::api::list_threads;
use crate::domain::{reply_clock, time_fmt};
use crate::model::{Cursor, ThreadSummary};
use leptos::prelude::*;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_params_map;

#[component]
pub fn ThreadList() -> impl IntoView {
    let ctx = use_inbox();
    let first = Resource::new(
        move || (ctx.filter.get(), ctx.refresh.get(), ctx.list_refresh.get()),
        |(f, _, _)| list_threads(f, None),
    );
    // Pages after the first, loaded on demand; reset whenever the first page is read again.
    let more = RwSignal::new(Vec::<ThreadSummary>::new());
    let next = RwSignal::new(None::<Cursor>);
    let loading_more = RwSignal::new(false);
    let more_error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(page)) = first.get() {
            more.set(Vec::new());
            next.set(page.next.clone());
            more_error.set(None);
        }
    });
    let load_more = move |_| {
        let Some(cursor) = next.get_untracked() else {
            return;
        };
        loading_more.set(true);
        let filter = ctx.filter.get_untracked();
        leptos::task::spawn_local(async move {
            match list_threads(filter, Some(cursor)).await {
                Ok(page) => {
                    more.update(|m| m.extend(page.threads));
                    next.set(page.next);
                }
                Err(e) => more_error.set(Some(e.to_string())),
            }
            loading_more.set(false);
        });
    };

    view! {
        <Transition fallback=|| view! { <div class="list-loading">"Loading threads…"</div> }>
            {move || first.get().map(|page| match page {
                Err(e) if is_signed_out(&e) => view! { <Redirect path="/login"/> }.into_any(),
                Err(e) => view! { <p class="list-error" role="alert">{e.to_string()}</p> }.into_any(),
                Ok(page) if page.threads.is_empty() => view! {
                    <div class="list-empty">
                        <p class="empty-title">"No threads match"</p>
                        <p>"Try removing a filter."</p>
                    </div>
                }.into_any(),
                Ok(page) => {
                    let now = page.now;
                    view! {
                        <ul class="thread-list" data-testid="thread-list">
                            {page.threads.into_iter().map(|t| view! { <ThreadRow t now/> }).collect_view()}
                            <For each=move || more.get() key=|t| t.id.clone() let:t>
                                <ThreadRow t now/>
                            </For>
                        </ul>
                        <div class="list-foot">
                            {move || more_error.get().map(|e| view! { <p class="list-error">{e}</p> })}
                            <Show when=move || next.get().is_some()>
                                <button type="button" class="btn btn-ghost" on:click=load_more disabled=move || loading_more.get()>
                                    {move || if loading_more.get() { "Loading…" } else { "Load older threads" }}
                                </button>
                            </Show>
                        </div>
                    }.into_any()
                }
            })}
        </Transition>
    }
}

#[component]
fn ThreadRow(t: ThreadSummary, now: i64) -> impl IntoView {
    let ctx = use_inbox();
    let params = use_params_map();
    let id = t.id.clone();
    let selected = move || params.with(|p| p.get("id").as_deref() == Some(id.as_str()));
    let href = {
        let id = t.id.clone();
        move || format!("/t/{id}{}", ctx.filter.get().to_query_string())
    };
    let state = reply_clock::reply_state(t.awaiting_since, now);
    let sender = format!(
        "{}:",
        if t.last_sender_name.is_empty() {
            sender_kind_label(t.last_sender_kind)
        } else {
            &t.last_sender_name
        }
    );
    view! {
        <li class="thread-row" class:unread=t.unread class:selected=selected data-thread-id=t.id.clone()>
            <A href=href attr:class="thread-link">
                <Avatar name=t.creator_name.clone() url=t.creator_avatar.clone()/>
                <div class="row-main">
                    <div class="row-top">
                        <span class="creator-name">{t.creator_name.clone()}</span>
                        <span class="handle">{t.creator_handle.clone()}</span>
                        <span class="row-time"><RelTime at=t.last_at/></span>
                    </div>
                    <div class="row-campaign">
                        <span class="campaign-name">{t.campaign_name.clone()}</span>
                        <span class="dot">"·"</span>
                        <span class="client-name">{t.client_name.clone()}</span>
                        <StageChip stage=t.stage/>
                    </div>
                    <div class="row-snippet">
                        <ChannelIcon channel=t.last_channel/>
                        <span class="sender">{sender}</span>
                        " "
                        <span class="snippet-text">{t.last_snippet.clone()}</span>
                    </div>
                    <div class="row-badges">
                        {t.unread.then(|| view! { <span class="badge badge-unread">"Unread"</span> })}
                        {(state.needs_reply && !state.overdue).then(|| view! {
                            <span class="badge badge-needs" title=time_fmt::waiting(state.waiting_ms)>"Needs reply"</span>
                        })}
                        {state.overdue.then(|| view! {
                            <span class="badge badge-overdue" title=time_fmt::waiting(state.waiting_ms)>"Overdue · "{time_fmt::waiting(state.waiting_ms)}</span>
                        })}
                        {t.assignee_name.clone().map(|n| view! { <span class="assignee">"→ "{n}</span> })}
                    </div>
                </div>
            </A>
        </li>
    }
}

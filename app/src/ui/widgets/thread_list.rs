//! The list of threads: newest activity first, keyset pages, badges for the reply discipline.

use crate::api::list_threads;
use crate::domain::live_merge::{merge_thread, remove_thread, ListChange, ListView};
use crate::domain::shortcuts::Shortcut;
use crate::domain::{reply_clock, time_fmt};
use crate::live::LiveEvent;
use crate::model::{Cursor, ThreadSummary};
use crate::ui::live::clock::use_now;
use crate::ui::live::use_live;
use crate::ui::pages::inbox::{use_inbox, InboxCtx};
use crate::ui::pages::login::is_signed_out;
use crate::ui::widgets::shortcuts::with_key;
use crate::ui::widgets::{sender_kind_label, Avatar, ChannelIcon, RelTime, StageChip};
use leptos::prelude::*;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_params_map;

#[component]
pub fn ThreadList() -> impl IntoView {
    let ctx = use_inbox();
    let now = use_now();
    let first = Resource::new(
        move || (ctx.filter.get(), ctx.refresh.get(), ctx.list_refresh.get()),
        |(f, _, _)| list_threads(f, None),
    );
    let st = ListState {
        more: RwSignal::new(Vec::new()),
        next: RwSignal::new(None),
        loading_more: RwSignal::new(false),
        more_error: RwSignal::new(None),
        live_rows: RwSignal::new(None),
        first_rows: RwSignal::new(Vec::new()),
    };
    let ListState {
        more,
        next,
        loading_more,
        more_error,
        live_rows,
        ..
    } = st;
    Effect::new(move |_| {
        if let Some(Ok(page)) = first.get() {
            st.first_rows.set(page.threads.clone());
            more.set(Vec::new());
            next.set(page.next.clone());
            more_error.set(None);
            live_rows.set(None);
        }
    });
    follow_live(st, now);
    let load_more = move |_| load_older(ctx, st);

    view! {
        <Transition fallback=|| view! { <div class="list-loading">"Loading threads…"</div> }>
            {move || first.get().map(|page| match page {
                Err(e) if is_signed_out(&e) => view! { <Redirect path="/login"/> }.into_any(),
                Err(e) => view! { <p class="list-error" role="alert">{e.to_string()}</p> }.into_any(),
                Ok(page) => {
                    let page_rows = page.threads;
                    // The server's "now" renders the badges (so hydration matches); rows that
                    // arrive later use the ticking clock.
                    let page_now = page.now;
                    let rows = move || {
                        live_rows.get().unwrap_or_else(|| {
                            let mut rows = page_rows.clone();
                            rows.extend(more.get());
                            rows
                        })
                    };
                    let rows_for_empty = rows.clone();
                    view! {
                        <Show when=move || !rows_for_empty().is_empty() fallback=|| view! {
                            <div class="list-empty">
                                <p class="empty-title">"No threads match"</p>
                                <p>"Try removing a filter."</p>
                            </div>
                        }>
                            <ul class="thread-list" data-testid="thread-list">
                                <For each=rows.clone() key=|t| (t.id.clone(), t.version, t.unread, t.last_at)
                                    children=move |t| view! { <ThreadRow t now=page_now.max(now.get_untracked())/> }/>
                            </ul>
                        </Show>
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

/// The list's rows beyond the first page and its live state.
#[derive(Clone, Copy)]
struct ListState {
    /// Pages after the first, loaded on demand; reset whenever the first page is read again.
    more: RwSignal<Vec<ThreadSummary>>,
    next: RwSignal<Option<Cursor>>,
    loading_more: RwSignal<bool>,
    more_error: RwSignal<Option<String>>,
    /// The loaded rows once a live change touched them (until the first page is read again).
    live_rows: RwSignal<Option<Vec<ThreadSummary>>>,
    /// The first page's rows, copied by an effect: live events arrive outside any Suspense,
    /// where reading the resource itself is not allowed.
    first_rows: RwSignal<Vec<ThreadSummary>>,
}

impl ListState {
    fn loaded(&self) -> Vec<ThreadSummary> {
        let mut rows = self.first_rows.get_untracked();
        rows.extend(self.more.get_untracked());
        rows
    }
}

/// Live changes move, add or remove rows (a row is added only if it matches the filter).
fn follow_live(st: ListState, now: RwSignal<i64>) {
    let ctx = use_inbox();
    use_live().on_event(move |event| {
        let mut rows = st.live_rows.get_untracked().unwrap_or_else(|| st.loaded());
        let change = match event {
            LiveEvent::Thread { thread, search } => {
                let filter = ctx.filter.get_untracked();
                let (me, hours) = ctx
                    .session
                    .with_value(|s| (s.user_id.clone(), s.business_hours.clone()));
                let view = ListView {
                    filter: &filter,
                    me: &me,
                    overdue_before: reply_clock::overdue_before(
                        now.get_untracked(),
                        hours.as_ref(),
                    ),
                    now: now.get_untracked(),
                    loaded_all: st.next.get_untracked().is_none(),
                };
                merge_thread(&mut rows, &view, thread, search)
            }
            LiveEvent::ThreadRemoved { id } => remove_thread(&mut rows, id),
            _ => ListChange::Unchanged,
        };
        if change != ListChange::Unchanged {
            st.live_rows.set(Some(rows));
        }
    });
}

/// Loads the next page after the loaded rows.
fn load_older(ctx: InboxCtx, st: ListState) {
    let Some(cursor) = st.next.get_untracked() else {
        return;
    };
    st.loading_more.set(true);
    let filter = ctx.filter.get_untracked();
    leptos::task::spawn_local(async move {
        match list_threads(filter, Some(cursor)).await {
            Ok(page) => {
                st.live_rows.update(|rows| {
                    if let Some(rows) = rows {
                        let known: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
                        rows.extend(
                            page.threads
                                .iter()
                                .filter(|t| !known.contains(&t.id))
                                .cloned(),
                        );
                    }
                });
                st.more.update(|m| m.extend(page.threads));
                st.next.set(page.next);
            }
            Err(e) => st.more_error.set(Some(e.to_string())),
        }
        st.loading_more.set(false);
    });
}

#[component]
fn ThreadRow(t: ThreadSummary, now: i64) -> impl IntoView {
    let ctx = use_inbox();
    let params = use_params_map();
    let id = t.id.clone();
    let selected = move || params.with(|p| p.get("id").as_deref() == Some(id.as_str()));
    let keyboard_on = {
        let id = t.id.clone();
        move || ctx.keyboard_row.with(|k| k.as_deref() == Some(id.as_str()))
    };
    let href = {
        let id = t.id.clone();
        move || format!("/t/{id}{}", ctx.filter.get().to_query_string())
    };
    let hours = ctx.session.with_value(|s| s.business_hours.clone());
    let state = reply_clock::reply_state_in(t.awaiting_since, now, hours.as_ref());
    let sender = format!(
        "{}:",
        if t.last_sender_name.is_empty() {
            sender_kind_label(t.last_sender_kind)
        } else {
            &t.last_sender_name
        }
    );
    let pick_id = t.id.clone();
    let picked = {
        let id = t.id.clone();
        move || ctx.all_matching.get() || ctx.picked.with(|p| p.contains(&id))
    };
    let picked_row = picked.clone();
    let toggle = move |_| {
        if ctx.all_matching.get_untracked() {
            return;
        }
        let id = pick_id.clone();
        ctx.picked
            .update(|p| match p.iter().position(|x| *x == id) {
                Some(i) => {
                    p.remove(i);
                }
                None => p.push(id),
            });
    };
    view! {
        <li class="thread-row" class:unread=t.unread class:selected=selected class:kbd-focus=keyboard_on class:picked=picked_row data-thread-id=t.id.clone()>
            <label class="row-pick" title=with_key("Select for a bulk message", Shortcut::Select)>
                <input type="checkbox" prop:checked=picked on:change=toggle
                    disabled=move || ctx.all_matching.get()
                    aria-label=format!("Select {}", t.creator_name)/>
            </label>
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
                        {(t.stale == Some(true)).then(|| view! { <span class="badge badge-stale" title="No answer after the last follow-up">"Stale"</span> })}
                        {(state.needs_reply && !state.overdue).then(|| view! {
                            <span class="badge badge-needs" title=time_fmt::waiting(state.waiting_ms)>"Needs reply"</span>
                        })}
                        {state.overdue.then(|| view! {
                            <span class="badge badge-overdue" title=time_fmt::waiting(state.waiting_ms)>"Overdue · "{time_fmt::waiting(state.waiting_ms)}</span>
                        })}
                        {(t.snoozed_until.is_some() || t.snooze_until_reply == Some(true)).then(|| view! {
                            <span class="badge badge-snoozed" title=t.snoozed_until.map(time_fmt::exact).unwrap_or_else(|| "until the creator replies".into())>"Snoozed"</span>
                        })}
                        {t.assignee_name.clone().map(|n| view! { <span class="assignee">"→ "{n}</span> })}
                    </div>
                </div>
            </A>
        </li>
    }
}

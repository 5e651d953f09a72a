//! The embedded frame (`/embed/:partner#token=…`): exchanges the partner's token for a session
//! bearer, then shows the token's view of that client — its conversations (the list, and a
//! thread when one is opened: `embed_thread`), one conversation, the drafts waiting for approval
//! or the campaign report (`embed_review`) — following live changes. A frame member may reply,
//! move stages and decide drafts; a viewer reads. It speaks the postMessage contract (`embed_bridge`): it
//! announces `ready`, `resize`, `thread.opened`, `unread.changed` and `session.expired`, and
//! follows `navigate` and `token.refresh` from the parent. The server lets only the partner's
//! origins frame it (`server::web_guard::embed_framing`).

use crate::api::{list_threads, AppError};
use crate::domain::embed::EmbedView;
use crate::domain::filter::InboxFilter;
use crate::model::EmbedSession;
use crate::ui::embed_bridge::message;
use crate::ui::pages::embed_review::{EmbedApprovals, EmbedReports};
use crate::ui::pages::embed_thread::{EmbedRow, EmbedThread};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// What the frame shows.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // the exchange runs in the browser
enum FrameState {
    Starting,
    Ready(EmbedSession),
    Failed(String),
    Expired,
}

/// Posts a contract message to the parent (in the browser).
pub(crate) fn post(session: &EmbedSession, kind: &str, fields: serde_json::Value) {
    let msg = message(kind, fields);
    #[cfg(feature = "hydrate")]
    crate::ui::embed_bridge::post(&session.origins, &msg);
    #[cfg(not(feature = "hydrate"))]
    let _ = (session, msg);
}

#[component]
pub fn EmbedPage() -> impl IntoView {
    let state = RwSignal::new(FrameState::Starting);
    // The thread the frame has open: picked in the list, named by the token or by the parent.
    let open = RwSignal::new(None::<String>);
    // The exchange runs in the browser: the token is in the fragment, never sent to the server
    // with the page request.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| match crate::ui::embed_bridge::take_token() {
        None => state.set(FrameState::Failed(
            "This view opens inside a partner's dashboard, with a token from it.".into(),
        )),
        Some(token) => exchange(token, state, open),
    });
    view! {
        <Title text="Creator Inbox"/>
        <Meta name="robots" content="noindex"/>
        <main class="embed" data-testid="embed">
            {move || match state.get() {
                FrameState::Starting => view! { <p class="embed-note" role="status">"Opening…"</p> }.into_any(),
                FrameState::Failed(why) => view! { <p class="embed-note form-error" role="alert">{why}</p> }.into_any(),
                FrameState::Expired => view! { <p class="embed-note" role="alert">"This session has ended. Reload the dashboard to continue."</p> }.into_any(),
                FrameState::Ready(s) => view! { <EmbedInbox session=s state open/> }.into_any(),
            }}
        </main>
    }
}

/// Exchanges a token; on success the bearer is used from then on and the parent hears `ready`.
#[cfg(feature = "hydrate")]
fn exchange(token: String, state: RwSignal<FrameState>, open: RwSignal<Option<String>>) {
    leptos::task::spawn_local(async move {
        match crate::api::start_embed(token).await {
            Ok(session) => {
                crate::ui::embed_bridge::use_bearer(&session.bearer);
                // A refreshed token keeps the open thread; the list and its live socket start
                // again on the new session (the old one is no longer renewed).
                if !matches!(state.get_untracked(), FrameState::Ready(_)) {
                    post(
                        &session,
                        "ready",
                        serde_json::json!({ "view": session.view.as_str() }),
                    );
                    open.set(session.thread.clone());
                }
                listen(&session, state, open);
                state.set(FrameState::Ready(session));
            }
            Err(e) => state.set(FrameState::Failed(e.to_string())),
        }
    });
}

/// Follows the parent's `navigate` (to another thread, or back to the list; not in a one-thread
/// view) and `token.refresh` (from the partner's origins only).
#[cfg(feature = "hydrate")]
fn listen(session: &EmbedSession, state: RwSignal<FrameState>, open: RwSignal<Option<String>>) {
    let single = session.view == EmbedView::Thread;
    crate::ui::embed_bridge::listen(session.origins.clone(), move |m| {
        match m.get("type").and_then(|t| t.as_str()) {
            Some("navigate") if !single => {
                let thread = m.get("thread").and_then(|t| t.as_str()).map(str::to_string);
                open.set(thread.filter(|t| crate::domain::filter::is_valid_id(t)));
            }
            Some("token.refresh") => {
                if let Some(t) = m.get("token").and_then(|t| t.as_str()) {
                    exchange(t.to_string(), state, open);
                }
            }
            _ => {}
        }
    });
}

#[component]
fn EmbedInbox(
    session: EmbedSession,
    state: RwSignal<FrameState>,
    open: RwSignal<Option<String>>,
) -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let single = session.view == EmbedView::Thread;
    let live = crate::ui::live::provide_live_with(
        crate::live::LIVE_PATH.to_string(),
        vec![format!("bearer.{}", session.bearer)],
    );
    {
        let debounce = crate::ui::live::Debounce::new(300);
        live.on_event(move |_| debounce.call(move || refresh.update(|n| *n += 1)));
    }
    let threads = Resource::new(
        move || refresh.get(),
        |_| list_threads(InboxFilter::default(), None),
    );
    let expired = {
        let session = session.clone();
        move |e: &AppError| {
            if matches!(e, AppError::Unauthorized) {
                post(&session, "session.expired", serde_json::json!({}));
                state.set(FrameState::Expired);
            }
        }
    };
    // The unread count, told to the parent when it changes.
    {
        let (session, expired) = (session.clone(), expired.clone());
        Effect::new(move |prev: Option<Option<usize>>| {
            let unread = match threads.get() {
                Some(Ok(p)) => Some(p.threads.iter().filter(|t| t.unread).count()),
                Some(Err(e)) => {
                    expired(&e);
                    None
                }
                None => None,
            };
            if let Some(n) = unread.filter(|n| prev.flatten() != Some(*n)) {
                post(
                    &session,
                    "unread.changed",
                    serde_json::json!({ "count": n }),
                );
            }
            unread.or(prev.flatten())
        });
    }
    watch_height(session.clone());
    keep_alive(session.clone(), expired.clone());
    let title = format!("{} · via {}", session.client_name, session.partner_name);
    view! {
        <header class="embed-head">
            <strong>{session.client_name.clone()}</strong>
            <span class="embed-via">{format!("{} · {}", match session.view {
                EmbedView::Approvals => "Approvals",
                EmbedView::Reports => "Reports",
                EmbedView::Inbox | EmbedView::Thread => "Conversations",
            }, session.partner_name)}</span>
        </header>
        <Title text=title/>
        {match session.view {
            EmbedView::Approvals => view! { <EmbedApprovals session=session.clone() refresh/> }.into_any(),
            EmbedView::Reports => view! { <EmbedReports session=session.clone() refresh/> }.into_any(),
            EmbedView::Inbox | EmbedView::Thread => view! { <EmbedConversations session=session.clone() threads open refresh single/> }.into_any(),
        }}
    }
}

/// The client's conversations, a page at a time, and the open one.
#[component]
fn EmbedConversations(
    session: EmbedSession,
    threads: Resource<Result<crate::model::InboxPage, AppError>>,
    open: RwSignal<Option<String>>,
    refresh: RwSignal<u32>,
    single: bool,
) -> impl IntoView {
    // Pages after the first, read on "Show more"; a re-read of the first page starts again.
    let more = RwSignal::new(Vec::<crate::model::ThreadSummary>::new());
    let next = RwSignal::new(None::<crate::model::Cursor>);
    Effect::new(move |_| {
        if let Some(Ok(p)) = threads.get() {
            more.set(Vec::new());
            next.set(p.next);
        }
    });
    let load_more = Action::new(move |after: &crate::model::Cursor| {
        list_threads(InboxFilter::default(), Some(after.clone()))
    });
    Effect::new(move |_| {
        if let Some(Ok(p)) = load_more.value().get() {
            more.update(|m| m.extend(p.threads));
            next.set(p.next);
        }
    });
    view! {
        <div class="embed-body" class:has-open=move || open.with(Option::is_some) class:single=single>
            // A `thread` view shows that conversation alone.
            <Transition fallback=|| view! { <p class="embed-note">"Loading conversations…"</p> }>
                {move || (!single).then(|| threads.get().map(|r| match r {
                    Ok(p) if p.threads.is_empty() => view! { <p class="embed-note">"No conversations yet."</p> }.into_any(),
                    Ok(p) => view! {
                        <ul class="embed-list" data-testid="embed-threads" aria-label="Conversations">
                            {p.threads.into_iter().map(|t| view! { <EmbedRow t now=p.now open/> }).collect_view()}
                            {move || more.get().into_iter().map(|t| view! { <EmbedRow t now=p.now open/> }).collect_view()}
                            {move || next.get().map(|after| view! {
                                <li><button type="button" class="link-button embed-more" disabled=move || load_more.pending().get()
                                    on:click=move |_| { load_more.dispatch(after.clone()); }>"Show more conversations"</button></li>
                            })}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="embed-note form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }))}
            </Transition>
            {move || open.get().map(|id| view! { <EmbedThread id refresh session=session.clone() open single/> })}
        </div>
    }
}

/// Tells the parent the content's height whenever it changes (checked twice a second).
fn watch_height(session: EmbedSession) {
    #[cfg(feature = "hydrate")]
    {
        let last = std::rc::Rc::new(std::cell::Cell::new(0));
        let interval = gloo_timers::callback::Interval::new(500, move || {
            let h = crate::ui::embed_bridge::content_height();
            if h != last.get() {
                last.set(h);
                post(&session, "resize", serde_json::json!({ "height": h }));
            }
        });
        let interval = send_wrapper::SendWrapper::new(interval);
        on_cleanup(move || drop(interval));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = session;
}

/// Keeps the session alive while the frame is open (every 5 minutes of a 15-minute session).
fn keep_alive(session: EmbedSession, expired: impl Fn(&AppError) + Clone + 'static) {
    #[cfg(feature = "hydrate")]
    {
        let interval = gloo_timers::callback::Interval::new(300_000, move || {
            let expired = expired.clone();
            leptos::task::spawn_local(async move {
                if let Err(e) = crate::api::refresh_embed().await {
                    expired(&e);
                }
            });
        });
        let interval = send_wrapper::SendWrapper::new(interval);
        on_cleanup(move || drop(interval));
        let _ = session;
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (session, expired);
}

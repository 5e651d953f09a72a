//! The inbox page: navigation, filters and the thread list beside the open thread.

use crate::api::{current_session, load_inbox_counts, SignOut};
use crate::domain::filter::{AssigneeFilter, InboxFilter};
use crate::live::LiveEvent;
use crate::model::SessionInfo;
use crate::ui::live::clock::provide_clock;
use crate::ui::live::{provide_live, Debounce};
use crate::ui::widgets::bulk_bar::BulkBar;
use crate::ui::widgets::filters::FilterBar;
use crate::ui::widgets::notifications::NotificationBell;
use crate::ui::widgets::shortcuts::KeyboardShortcuts;
use crate::ui::widgets::thread_list::ThreadList;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Outlet, Redirect, A};
use leptos_router::hooks::{use_location, use_query_map};

/// Shared by the inbox's pieces.
#[derive(Clone, Copy)]
pub struct InboxCtx {
    pub session: StoredValue<SessionInfo>,
    pub filter: Memo<InboxFilter>,
    /// Bumped after every write so lists, counts and the open thread read again.
    pub refresh: RwSignal<u32>,
    /// Bumped when only the list and counts changed (a thread was marked read).
    pub list_refresh: RwSignal<u32>,
    /// Bumped when live changes may have moved the navigation's counts.
    pub counts_refresh: RwSignal<u32>,
    /// Bumped when the open thread's header or context changed elsewhere.
    pub thread_refresh: RwSignal<u32>,
    /// Threads picked for a bulk message (cleared when the filter changes).
    pub picked: RwSignal<Vec<String>>,
    /// Every thread matching the filter is picked.
    pub all_matching: RwSignal<bool>,
    /// The list row the keyboard is on (`j`/`k`), by thread id: kept here, not as a class set on
    /// the element, so it survives the list rendering again on a live change.
    pub keyboard_row: RwSignal<Option<String>>,
}

pub fn use_inbox() -> InboxCtx {
    expect_context::<InboxCtx>()
}

#[component]
pub fn InboxLayout() -> impl IntoView {
    let session = Resource::new(|| (), |_| current_session());
    view! {
        <Suspense fallback=|| view! { <div class="boot">"Loading your inbox…"</div> }>
            {move || Suspend::new(async move {
                match session.await {
                    Ok(Some(info)) => view! { <SignedIn info/> }.into_any(),
                    Ok(None) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e) => view! { <div class="boot error">{e.to_string()}</div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SignedIn(info: SessionInfo) -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| InboxFilter::from_query(q.into_iter().map(|(k, v)| (k.as_ref(), v))))
    });
    let ctx = InboxCtx {
        session: StoredValue::new(info.clone()),
        filter,
        refresh: RwSignal::new(0),
        list_refresh: RwSignal::new(0),
        counts_refresh: RwSignal::new(0),
        thread_refresh: RwSignal::new(0),
        picked: RwSignal::new(Vec::new()),
        all_matching: RwSignal::new(false),
        keyboard_row: RwSignal::new(None),
    };
    provide_context(ctx);
    // A selection belongs to the list it was made in.
    Effect::new(move |prev: Option<InboxFilter>| {
        let f = filter.get();
        if prev.is_some_and(|p| p != f) {
            ctx.picked.set(Vec::new());
            ctx.all_matching.set(false);
        }
        f
    });
    provide_clock(0);
    let live = provide_live();
    recount_on_live(ctx, live);
    let location = use_location();
    let thread_open = move || crate::ui::app::is_page_open(&location.pathname.get());
    let full_width = move || crate::ui::app::is_full_width_page(&location.pathname.get());
    let is_owner = info.role == crate::model::Role::Owner;
    let is_auditor = matches!(
        info.role,
        crate::model::Role::Owner | crate::model::Role::Manager
    );
    let counts = Resource::new(
        move || {
            (
                ctx.refresh.get(),
                ctx.list_refresh.get(),
                ctx.counts_refresh.get(),
            )
        },
        |_| load_inbox_counts(),
    );
    // The bell's count is copied in the browser (effects run only there): reading the counts
    // resource under a second Suspense on the server deadlocks its suspense bookkeeping.
    let unread_notes = RwSignal::new(0u64);
    Effect::new(move |_| {
        if let Some(Ok(c)) = counts.get() {
            unread_notes.set(c.notifications);
        }
    });
    view! {
        <Title text=format!("Inbox · {}", info.workspace_name)/>
        <div class="app" class:thread-open=thread_open class:full-width=full_width>
            <TopBar info=info.clone() live unread_notes/>
            <Navigation counts is_owner is_auditor/>
            <section class="list-pane" aria-label="Threads">
                <FilterBar/>
                <BulkBar/>
                <ThreadList/>
            </section>
            <section class="thread-pane">
                <Outlet/>
            </section>
        </div>
    }
}

/// Counts follow live changes (debounced): a thread, the Unmatched queue, or a decided or sent
/// reply may move them; a resync reads everything visible again.
fn recount_on_live(ctx: InboxCtx, live: crate::ui::live::Live) {
    let recount = Debounce::new(300);
    live.on_event(move |event| match event {
        LiveEvent::Thread { .. }
        | LiveEvent::ThreadRemoved { .. }
        | LiveEvent::UnmatchedChanged => {
            recount.call(move || ctx.counts_refresh.update(|n| *n += 1))
        }
        // A reply was decided (a draft may wait) or sent: the approvals count may have moved.
        LiveEvent::Message { message, .. }
            if message.decision.is_some()
                || message.sender_kind != crate::model::SenderKind::Creator =>
        {
            recount.call(move || ctx.counts_refresh.update(|n| *n += 1))
        }
        // Too much was missed to replay: read everything visible again.
        LiveEvent::Resync { .. } => ctx.refresh.update(|n| *n += 1),
        _ => {}
    });
}

/// The top bar: brand, workspace, live state, notifications, who is signed in, sign out.
#[component]
fn TopBar(
    info: SessionInfo,
    live: crate::ui::live::Live,
    unread_notes: RwSignal<u64>,
) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    view! {
            <header class="topbar">
                <a class="brand" href="/"><span class="brand-mark">"CI"</span><span class="brand-name">"Creator Inbox"</span></a>
                <WorkspaceName info=info.clone()/>
                <div class="topbar-right">
                    <span class="live-state" data-state=move || live.status.get().as_str() role="status"
                        title="Changes by your team and your creators appear here as they happen">
                        <span class="live-dot" aria-hidden="true"></span>
                        {move || live.status.get().label()}
                    </span>
                    <KeyboardShortcuts/>
                    <NotificationBell unread=unread_notes.into()/>
                    {move || (live.status.get() == crate::ui::live::LiveStatus::SignedOut).then(|| view! {
                        <span class="signed-out-note" role="alert">"You were signed out. "<a href="/login">"Sign in again"</a></span>
                    })}
                    <a class="user-name" href="/account" title=format!("{} · your password and sessions", info.email)>{info.user_name.clone()}" · "{info.role.as_str()}</a>
                    <ActionForm action=sign_out attr:class="inline-form">
                        <button type="submit" class="btn btn-ghost">"Sign out"</button>
                    </ActionForm>
                </div>
            </header>
    }
}

/// The workspace's name; a switcher when the person belongs to several (the session moves to the
/// chosen one and the page loads afresh).
#[component]
fn WorkspaceName(info: SessionInfo) -> impl IntoView {
    if info.workspaces.len() < 2 {
        return view! { <span class="workspace-name">{info.workspace_name}</span> }.into_any();
    }
    let error = RwSignal::new(None::<String>);
    let current = info.workspace_id.clone();
    let on_change = move |ev| {
        let id = event_target_value(&ev);
        leptos::task::spawn_local(async move {
            match crate::api::switch_workspace(id).await {
                Ok(()) =>
                {
                    #[cfg(feature = "hydrate")]
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().set_href("/");
                    }
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <select class="workspace-name workspace-switch" aria-label="Workspace" on:change=on_change>
            {info.workspaces.into_iter().map(|w| {
                let selected = w.id == current;
                view! { <option value=w.id selected=selected>{w.name}</option> }
            }).collect_view()}
        </select>
        {move || error.get().map(|e| view! { <span class="form-error" role="alert">{e}</span> })}
    }
    .into_any()
}

type Counts = Resource<Result<crate::model::InboxCounts, crate::api::AppError>>;

/// The navigation: the saved views with their counts, then the pages.
#[component]
fn Navigation(counts: Counts, is_owner: bool, is_auditor: bool) -> impl IntoView {
    view! {
            <nav class="views" aria-label="Inbox views">
                <Transition fallback=|| ()>
                    {move || counts.get().map(|c| {
                        let c = c.unwrap_or_default();
                        view! {
                            <ViewLink label="All threads" count=c.all target=InboxFilter::default()/>
                            <ViewLink label="Mine" count=c.mine target=InboxFilter { assignee: Some(AssigneeFilter::Me), ..Default::default() }/>
                            <ViewLink label="Needs reply" count=c.needs_reply target=InboxFilter { needs_reply: true, ..Default::default() }/>
                            <ViewLink label="Overdue" count=c.overdue target=InboxFilter { overdue: true, ..Default::default() } alert=true/>
                            <PageLink href="/unmatched" label="Unmatched" count=c.unmatched/>
                            <PageLink href="/approvals" label="Approvals" count=c.approvals alert=true/>
                            <PageLink href="/campaigns" label="Campaigns"/>
                            <PageLink href="/creators" label="Creators"/>
                            <PageLink href="/bulk" label="Bulk messages"/>
                            <PageLink href="/reports" label="Reports"/>
                            <PageLink href="/policies" label="Policies" settings=true/>
                            {is_auditor.then(|| view! { <PageLink href="/audit" label="Audit trail" settings=true/> })}
                            {is_auditor.then(|| view! { <PageLink href="/team" label="Team" settings=true/> })}
                            {is_owner.then(|| view! { <PageLink href="/channels" label="Channels" settings=true/> })}
                            {is_owner.then(|| view! { <PageLink href="/embeds" label="Embeds" settings=true/> })}
                        }
                    })}
                </Transition>
            </nav>
    }
}

/// A page in the navigation (active on its path and below), with its count when it has one.
#[component]
fn PageLink(
    href: &'static str,
    label: &'static str,
    #[prop(optional)] count: Option<u64>,
    #[prop(optional)] alert: bool,
    #[prop(optional)] settings: bool,
) -> impl IntoView {
    let location = use_location();
    let active = move || {
        let path = location.pathname.get();
        // `/bulk` covers `/bulk/<id>` and `/bulk-new` too.
        path == href
            || path.starts_with(&format!("{href}/"))
            || path.starts_with(&format!("{href}-"))
    };
    let class = move || {
        let mut c = String::from("view-link");
        if settings {
            c.push_str(" view-settings");
        }
        if active() {
            c.push_str(" active");
        }
        c
    };
    let hot = alert && count.is_some_and(|n| n > 0);
    view! {
        <A href=href attr:class=class>
            <span>{label}</span>
            {count.map(|n| view! { <span class="count" class:alert=hot>{n}</span> })}
        </A>
    }
}

/// A saved view in the navigation: a preset filter with its count.
#[component]
fn ViewLink(
    label: &'static str,
    count: u64,
    target: InboxFilter,
    #[prop(optional)] alert: bool,
) -> impl IntoView {
    let ctx = use_inbox();
    let href = format!("/{}", target.to_query_string());
    let active = move || ctx.filter.get() == target;
    let hot = alert && count > 0;
    view! {
        <A href=href attr:class=move || if active() { "view-link active" } else { "view-link" }>
            <span>{label}</span>
            <span class="count" class:alert=hot>{count}</span>
        </A>
    }
}

#[component]
pub fn NoThreadSelected() -> impl IntoView {
    view! {
        <div class="empty-thread">
            <p class="empty-title">"Pick a conversation"</p>
            <p>"Threads with a creator waiting show a " <span class="badge badge-needs">"Needs reply"</span> " badge; after 24 hours they turn " <span class="badge badge-overdue">"Overdue"</span>"."</p>
        </div>
    }
}

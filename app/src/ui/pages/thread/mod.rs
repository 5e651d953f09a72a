//! One thread: the whole timeline across channels, the composer, and the context panel.

pub mod campaign_context;
mod composer;
mod content_card;
pub mod context_panel;
pub mod intent_chips;
mod language_picker;
mod thread_actions;
mod timeline;

use composer::{Composer, Draft};
use timeline::Entry;

use crate::api::{earlier_messages, get_thread, mark_read};
use crate::domain::live_merge::merge_message;
use crate::domain::shortcuts::{key_of, Shortcut};
use crate::domain::time_fmt;
use crate::live::LiveEvent;
use crate::model::{ComposeKind, MessageView, ThreadDetail, ThreadSummary};
use crate::ui::live::use_live;
use crate::ui::pages::inbox::use_inbox;
use crate::ui::pages::login::is_signed_out;
use crate::ui::pages::thread::context_panel::ContextPanel;
use crate::ui::widgets::drafts::DraftCard;
use crate::ui::widgets::shortcuts::with_key;
use crate::ui::widgets::{Avatar, StageChip};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_params_map;

#[component]
pub fn ThreadPane() -> impl IntoView {
    let ctx = use_inbox();
    let params = use_params_map();
    let thread_id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let detail = Resource::new(
        move || (thread_id.get(), ctx.refresh.get(), ctx.thread_refresh.get()),
        |(id, _, _)| get_thread(id),
    );
    // The composer's state lives here, outside the re-rendered thread, so a refresh never eats a draft.
    let draft = Draft {
        kind: RwSignal::new(ComposeKind::Reply),
        text: RwSignal::new(String::new()),
        channel: RwSignal::new(None),
        focused: RwSignal::new(false),
    };
    // The thread whose context panel is open over it (narrow screens), kept here too: a re-read
    // after a send or a live change must not close what the reader opened.
    let details_for = RwSignal::new(None::<String>);
    // Likewise the thread whose drafts bar the reader opened (a draft's approval re-reads it).
    let drafts_for = RwSignal::new(None::<String>);
    Effect::new(move |prev: Option<String>| {
        let id = thread_id.get();
        if prev.is_some_and(|p| p != id) {
            draft.text.set(String::new());
            draft.channel.set(None);
            details_for.set(None);
            drafts_for.set(None);
        }
        id
    });
    provide_context(draft);
    let scrolled_for = StoredValue::new(String::new());
    // The open thread's timeline as last shown (live updates included), kept across re-reads: a
    // re-read that started before a live change must not undo it (see `ThreadScreen`).
    let shown = RwSignal::new(Shown::default());
    // The message whose intents are being corrected, kept across re-reads and redraws.
    let correcting = RwSignal::new(None::<(String, Vec<crate::domain::classify::Intent>)>);
    // Opening an unread thread marks it read for the team (writers only).
    Effect::new(move |_| {
        if let Some(Ok(d)) = detail.get() {
            if d.summary.unread && ctx.session.with_value(|s| s.role.can_write()) {
                let id = d.summary.id.clone();
                leptos::task::spawn_local(async move {
                    if mark_read(id).await.is_ok() {
                        // Only the list's badge and counts change; the open thread stays as it is.
                        ctx.list_refresh.update(|n| *n += 1);
                    }
                });
            }
        }
    });
    view! {
        <Transition fallback=|| view! { <div class="thread-loading">"Loading thread…"</div> }>
            {move || detail.get().map(|d| match d {
                Err(e) if is_signed_out(&e) => view! { <Redirect path="/login"/> }.into_any(),
                Err(e) => view! { <div class="thread-error" role="alert">{e.to_string()}</div> }.into_any(),
                Ok(d) => view! { <ThreadScreen d scrolled_for shown details_for drafts_for correcting/> }.into_any(),
            })}
        </Transition>
    }
}

/// The timeline as last shown: the thread, its entries (with any earlier pages loaded), and
/// whether there are more before them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shown {
    thread: String,
    messages: Vec<MessageView>,
    has_earlier: bool,
}

/// The open thread's timeline, for entries that change a message in place (a corrected
/// classification), and the message whose intents are being corrected — kept here, since a live
/// change to that message redraws its entry.
#[derive(Clone, Copy)]
pub struct Timeline {
    pub messages: RwSignal<Vec<MessageView>>,
    /// The message and the intents ticked so far.
    pub correcting: RwSignal<Option<(String, Vec<crate::domain::classify::Intent>)>>,
}

/// An entry is drawn again when its message changes, or its intents are corrected.
fn entry_key(
    m: &MessageView,
) -> (
    String,
    i64,
    Option<(String, Vec<crate::domain::classify::Intent>)>,
) {
    (
        m.id.clone(),
        m.version,
        m.classification
            .as_ref()
            .map(|c| (c.source.clone(), c.intent_set())),
    )
}

#[component]
fn ThreadScreen(
    d: ThreadDetail,
    scrolled_for: StoredValue<String>,
    shown: RwSignal<Shown>,
    details_for: RwSignal<Option<String>>,
    drafts_for: RwSignal<Option<String>>,
    correcting: RwSignal<Option<(String, Vec<crate::domain::classify::Intent>)>>,
) -> impl IntoView {
    let ctx = use_inbox();
    let back = move || format!("/{}", ctx.filter.get().to_query_string());
    let s = d.summary.clone();
    let first = first_timeline(&d, shown);
    let messages = RwSignal::new(first.messages);
    let has_earlier = RwSignal::new(first.has_earlier);
    provide_context(Timeline {
        messages,
        correcting,
    });
    {
        let id = d.summary.id.clone();
        Effect::new(move |_| {
            shown.set(Shown {
                thread: id.clone(),
                messages: messages.get(),
                has_earlier: has_earlier.get(),
            })
        });
    }
    let loading_earlier = RwSignal::new(false);
    let load_earlier = {
        let id = d.summary.id.clone();
        move |_| load_earlier_page(id.clone(), messages, has_earlier, loading_earlier)
    };
    follow_live(&s, messages);
    // The creator's other campaigns, where a misfiled message can be moved.
    let others: Vec<(String, String)> = d
        .other_campaigns
        .iter()
        .map(|o| (o.thread_id.clone(), o.campaign_name.clone()))
        .collect();
    // On narrow screens the context panel opens over the thread on demand.
    let details = {
        let id = s.id.clone();
        Memo::new(move |_| details_for.with(|open| open.as_deref() == Some(id.as_str())))
    };
    let toggle_details = {
        let id = s.id.clone();
        Callback::new(move |()| {
            details_for.update(|open| {
                *open = if details.get_untracked() {
                    None
                } else {
                    Some(id.clone())
                }
            })
        })
    };
    // Open a thread at its newest entry; re-reading the same thread keeps the reader's place.
    {
        let id = s.id.clone();
        Effect::new(move |_| {
            if scrolled_for.get_value() != id {
                scrolled_for.set_value(id.clone());
                scroll_to_end();
            }
        });
    }
    let entry_thread = s.id.clone();
    view! {
        <Title text=format!("{} · {}", s.creator_name, s.campaign_name)/>
        <div class="thread-screen" class:details-open=move || details.get()>
            <div class="thread-main">
                <header class="thread-header">
                    <A href=back attr:class="back-link" attr:aria-label="Back to inbox">"‹ Inbox"</A>
                    <Avatar name=s.creator_name.clone() url=s.creator_avatar.clone()/>
                    <div class="thread-title">
                        <h2>{s.creator_name.clone()}<span class="handle">{s.creator_handle.clone()}</span></h2>
                        <p>{s.campaign_name.clone()}" · "{s.client_name.clone()}" "<StageChip stage=s.stage/></p>
                    </div>
                    <SnoozeControl thread_id=s.id.clone() until=s.snoozed_until until_reply=s.snooze_until_reply.unwrap_or(false) now=d.now/>
                    <button type="button" class="btn btn-ghost details-toggle" aria-expanded=move || details.get().to_string()
                        on:click=move |_| toggle_details.run(())>
                        {move || if details.get() { "Close" } else { "Details" }}
                    </button>
                </header>
                <ol class="timeline" id="timeline" aria-label=move || format!("Timeline, {} entries", messages.with(Vec::len))>
                    {move || has_earlier.get().then(|| view! {
                        <li class="timeline-earlier">
                            <button type="button" class="btn btn-small" data-testid="load-earlier"
                                disabled=move || loading_earlier.get() on:click=load_earlier.clone()>
                                {move || if loading_earlier.get() { "Loading…" } else { "Load earlier messages" }}
                            </button>
                        </li>
                    })}
                    <For each=move || messages.get() key=entry_key let:m>
                        <Entry m others=others.clone() thread_id=entry_thread.clone() stage=s.stage/>
                    </For>
                    <li id="timeline-end" class="timeline-end" aria-hidden="true"></li>
                </ol>
                <thread_actions::ThreadActions thread_id=s.id.clone() followup=d.followups.first().cloned()/>
                {
                    let pending: Vec<_> = d.drafts.iter().filter(|x| x.state.is_open()).cloned().collect();
                    let done = Callback::new(move |_| ctx.thread_refresh.update(|n| *n += 1));
                    // One line until opened, so the conversation keeps the room; open stays open
                    // across the re-read an approval or a live change causes.
                    let id = s.id.clone();
                    let open = Memo::new(move |_| drafts_for.with(|o| o.as_deref() == Some(id.as_str())));
                    let id = s.id.clone();
                    let flip = move |ev: leptos::ev::MouseEvent| {
                        ev.prevent_default();
                        let now_open = !open.get_untracked();
                        drafts_for.set(now_open.then(|| id.clone()));
                    };
                    (!pending.is_empty()).then(|| {
                        let bar = drafts_bar(&pending);
                        view! {
                            <details class="thread-drafts" aria-label="Drafts waiting for approval" prop:open=move || open.get()>
                                <summary class="drafts-bar" data-testid="drafts-bar" on:click=flip>{bar}</summary>
                                {pending.into_iter().map(|x| view! { <DraftCard d=x done/> }).collect_view()}
                            </details>
                        }
                    })
                }
                // On a phone the thread's actions sit here, in reach of a thumb (the header's are hidden).
                <div class="thumb-bar" role="toolbar" aria-label="Thread actions">
                    <button type="button" class="btn" aria-expanded=move || details.get().to_string()
                        on:click=move |_| toggle_details.run(())>"Details"</button>
                    <SnoozeControl thread_id=s.id.clone() until=s.snoozed_until until_reply=s.snooze_until_reply.unwrap_or(false) now=d.now/>
                </div>
                <Composer thread_id=s.id.clone() reply=d.reply.clone() messages review=d.reply_review.clone()/>
            </div>
            <ContextPanel d on_close=toggle_details/>
        </div>
    }
}

/// The drafts bar's one line: how many wait, in what state, on which topics.
fn drafts_bar(pending: &[crate::model::DraftView]) -> String {
    let mut topics: Vec<&'static str> = Vec::new();
    for t in pending.iter().flat_map(|d| d.topics.iter()) {
        if !topics.contains(&t.label()) {
            topics.push(t.label());
        }
    }
    let count = match pending.len() {
        1 => format!("1 draft · {}", pending[0].state.label()),
        n => format!("{n} drafts waiting"),
    };
    if topics.is_empty() {
        count
    } else {
        format!("{count} · {}", topics.join(", "))
    }
}

/// The timeline a screen starts with: what the thread was read with. Entries the previous screen
/// of this thread saw in a newer version (a delivery status pushed live while this read was in
/// flight) keep that version, and earlier pages it had loaded stay.
fn first_timeline(d: &ThreadDetail, shown: RwSignal<Shown>) -> Shown {
    let mut start = d.messages.clone();
    let mut has_earlier = d.has_earlier;
    shown.with_untracked(|before| {
        if before.thread != d.summary.id {
            return;
        }
        for m in &before.messages {
            if start.iter().any(|x| x.id == m.id) {
                merge_message(&mut start, m);
            }
        }
        let first_at = start.first().map_or(i64::MAX, |m| m.at);
        let mut older: Vec<MessageView> = before
            .messages
            .iter()
            .filter(|m| m.at <= first_at && !start.iter().any(|x| x.id == m.id))
            .cloned()
            .collect();
        if !older.is_empty() {
            has_earlier = before.has_earlier;
            older.append(&mut start);
            start = older;
        }
    });
    Shown {
        thread: d.summary.id.clone(),
        messages: start,
        has_earlier,
    }
}

/// Reads the page before the first entry shown and puts it above, keeping the reader's place.
fn load_earlier_page(
    thread_id: String,
    messages: RwSignal<Vec<MessageView>>,
    has_earlier: RwSignal<bool>,
    loading: RwSignal<bool>,
) {
    let Some(first) = messages.with_untracked(|m| m.first().map(|x| x.id.clone())) else {
        return;
    };
    loading.set(true);
    leptos::task::spawn_local(async move {
        if let Ok(page) = earlier_messages(thread_id, first.clone()).await {
            messages.update(|m| {
                let mut older = page.messages;
                older.retain(|x| !m.iter().any(|y| y.id == x.id));
                older.append(m);
                *m = older;
            });
            has_earlier.set(page.has_earlier);
            keep_in_view(first);
        }
        loading.set(false);
    });
}

/// Scrolls entry `id` back to the top once the entries above it are in the page.
fn keep_in_view(id: String) {
    #[cfg(feature = "hydrate")]
    gloo_timers::callback::Timeout::new(0, move || {
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|doc| doc.get_element_by_id(&format!("entry-{id}")))
        {
            el.scroll_into_view_with_bool(true);
        }
    })
    .forget();
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// Applies live changes to the open thread: its new and changed entries join the timeline (kept
/// in view when the reader was at the bottom); a decision, stage or assignee change reads the
/// thread again.
fn follow_live(s: &ThreadSummary, messages: RwSignal<Vec<MessageView>>) {
    let ctx = use_inbox();
    let thread_id = s.id.clone();
    let shown = s.clone();
    use_live().on_event(move |event| match event {
        LiveEvent::Message {
            thread_id: t,
            message,
        } if *t == thread_id => {
            // A creator's message was just decided: a draft or a stage move may come with it.
            let decided_now = message.decision.is_some()
                && messages.with(|m| m.iter().any(|x| x.id == message.id && x.decision.is_none()));
            if decided_now {
                ctx.thread_refresh.update(|n| *n += 1);
            }
            let near_bottom = timeline_near_bottom();
            let mut changed = false;
            messages.update(|m| changed = merge_message(m, message));
            if changed && near_bottom {
                scroll_to_end_after_render();
            }
        }
        // The header and context panel show these; read the thread again when a teammate (or
        // another tab) changed them. The composer's draft lives outside and survives.
        LiveEvent::Thread { thread, .. }
            if thread.id == thread_id
                && (thread.stage != shown.stage || thread.assignee_id != shown.assignee_id) =>
        {
            ctx.thread_refresh.update(|n| *n += 1);
        }
        _ => {}
    });
}

/// The thread's latest follow-up, in words.
pub(super) fn followup_line(f: &crate::model::FollowupView) -> String {
    use crate::domain::followup::{cancel_label, describe};
    match f.state.as_str() {
        "scheduled" => format!(
            "Follow-up scheduled for {} — {}",
            time_fmt::exact(f.due_at),
            describe(&f.rule)
        ),
        "canceled" => format!(
            "Follow-up canceled because {} ({})",
            cancel_label(f.cancel_reason.as_deref().unwrap_or("")),
            describe(&f.rule)
        ),
        "drafted" => format!("Follow-up held for approval — {}", describe(&f.rule)),
        "stale" => "Marked stale: no reply after two follow-ups".to_string(),
        "escalated" => format!("Escalated to managers — {}", describe(&f.rule)),
        _ => format!("Follow-up sent — {}", describe(&f.rule)),
    }
}

/// Snooze the thread (out of Needs reply until a time or the creator's reply), or wake it.
#[component]
fn SnoozeControl(
    thread_id: String,
    until: Option<i64>,
    until_reply: bool,
    now: i64,
) -> impl IntoView {
    let ctx = use_inbox();
    let can_write = ctx.session.with_value(|s| s.role.can_write());
    let act = Action::new(move |(id, until, reply): &(String, Option<i64>, bool)| {
        let (id, until, reply) = (id.clone(), *until, *reply);
        async move { crate::api::snooze_thread(id, until, reply).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = act.value().get() {
            ctx.refresh.update(|n| *n += 1);
        }
    });
    let snoozed = until.is_some() || until_reply;
    let label = match (until, until_reply) {
        (Some(t), true) => format!("Snoozed until {} or a reply", time_fmt::exact(t)),
        (Some(t), false) => format!("Snoozed until {}", time_fmt::exact(t)),
        (None, true) => "Snoozed until they reply".to_string(),
        _ => String::new(),
    };
    let presets = crate::domain::snooze::presets(now, 0);
    let id = thread_id.clone();
    can_write.then(|| {
        if snoozed {
            view! {
                <span class="snooze-state" data-testid="snoozed">{label}</span>
                <button type="button" class="btn btn-small" on:click=move |_| { act.dispatch((id.clone(), None, false)); }>"Wake"</button>
            }
            .into_any()
        } else {
            view! {
                <select class="snooze-select" aria-label="Snooze" data-shortcut="snooze"
                    title=with_key("Snooze", Shortcut::Snooze) aria-keyshortcuts=key_of(Shortcut::Snooze) on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if v == "reply" {
                        act.dispatch((id.clone(), None, true));
                    } else if let Ok(t) = v.parse::<i64>() {
                        act.dispatch((id.clone(), Some(t), false));
                    }
                }>
                    <option value="" selected=true>"Snooze…"</option>
                    {presets.into_iter().map(|(l, t)| view! { <option value=t.to_string()>{l}</option> }).collect_view()}
                    <option value="reply">"Until they reply"</option>
                </select>
            }
            .into_any()
        }
    })
}

/// Brings the newest entry into view.
fn scroll_to_end() {
    #[cfg(feature = "hydrate")]
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|doc| doc.get_element_by_id("timeline-end"))
    {
        el.scroll_into_view_with_bool(false);
    }
}

/// Scrolls once the entry just added is in the page (rendering follows the signal change).
fn scroll_to_end_after_render() {
    #[cfg(feature = "hydrate")]
    gloo_timers::callback::Timeout::new(0, scroll_to_end).forget();
}

/// Whether the reader is at (or near) the newest entry, so a new one may scroll into view
/// without taking them away from something older they are reading.
fn timeline_near_bottom() -> bool {
    #[cfg(feature = "hydrate")]
    {
        let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|doc| doc.get_element_by_id("timeline"))
        else {
            return true;
        };
        el.scroll_height() - el.scroll_top() - el.client_height() < 160
    }
    #[cfg(not(feature = "hydrate"))]
    true
}

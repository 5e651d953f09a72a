//! One thread: the whole timeline across channels, the composer, and the context panel.

use super::context_panel::ContextPanel;
use super::drafts::DraftCard;
use super::inbox::use_inbox;
use super::intent_chips::IntentChips;
use super::live::use_live;
use super::login::is_signed_out;
use super::widgets::{sender_kind_label, Avatar, ChannelIcon, RelTime, StageChip};
use crate::api::{get_thread, mark_read, move_message, post_message, retry_message, set_stage};
use crate::domain::live_merge::merge_message;
use crate::domain::policy::{Action as PolicyAction, Decision};
use crate::domain::time_fmt;
use crate::live::LiveEvent;
use crate::model::{
    Channel, ComposeKind, DeliveryStatus, Direction, MessageView, ReplyOptions, ThreadDetail,
};
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
    };
    // The thread whose context panel is open over it (narrow screens), kept here too: a re-read
    // after a send or a live change must not close what the reader opened.
    let details_for = RwSignal::new(None::<String>);
    Effect::new(move |prev: Option<String>| {
        let id = thread_id.get();
        if prev.is_some_and(|p| p != id) {
            draft.text.set(String::new());
            draft.channel.set(None);
            details_for.set(None);
        }
        id
    });
    provide_context(draft);
    let scrolled_for = StoredValue::new(String::new());
    // The open thread's timeline as last shown (live updates included), kept across re-reads: a
    // re-read that started before a live change must not undo it (see `ThreadScreen`).
    let shown = RwSignal::new((String::new(), Vec::<MessageView>::new()));
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
                Ok(d) => view! { <ThreadScreen d scrolled_for shown details_for/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn ThreadScreen(
    d: ThreadDetail,
    scrolled_for: StoredValue<String>,
    shown: RwSignal<(String, Vec<MessageView>)>,
    details_for: RwSignal<Option<String>>,
) -> impl IntoView {
    let ctx = use_inbox();
    let back = move || format!("/{}", ctx.filter.get().to_query_string());
    let s = d.summary.clone();
    // The timeline: what the thread was read with, plus entries that arrived live.
    // Entries the previous screen of this thread saw in a newer version (a delivery status pushed
    // live while this read was in flight) keep that version.
    let mut start = d.messages.clone();
    shown.with_untracked(|(id, before)| {
        if *id == d.summary.id {
            for m in before {
                if start.iter().any(|x| x.id == m.id) {
                    merge_message(&mut start, m);
                }
            }
        }
    });
    let messages = RwSignal::new(start);
    {
        let id = d.summary.id.clone();
        Effect::new(move |_| shown.set((id.clone(), messages.get())));
    }
    let live = use_live();
    {
        let thread_id = s.id.clone();
        let shown = s.clone();
        live.on_event(move |event| match event {
            LiveEvent::Message {
                thread_id: t,
                message,
            } if *t == thread_id => {
                // A creator's message was just decided: a draft or a stage move may come with it.
                let decided_now = message.decision.is_some()
                    && messages
                        .with(|m| m.iter().any(|x| x.id == message.id && x.decision.is_none()));
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
            // The header and context panel show these; read the thread again when a teammate
            // (or another tab) changed them. The composer's draft lives outside and survives.
            LiveEvent::Thread { thread, .. }
                if thread.id == thread_id
                    && (thread.stage != shown.stage || thread.assignee_id != shown.assignee_id) =>
            {
                ctx.thread_refresh.update(|n| *n += 1);
            }
            _ => {}
        });
    }
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
        move |_: leptos::ev::MouseEvent| {
            details_for.update(|open| {
                *open = if details.get_untracked() {
                    None
                } else {
                    Some(id.clone())
                }
            })
        }
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
                        on:click=toggle_details>
                        {move || if details.get() { "Close" } else { "Details" }}
                    </button>
                </header>
                <ol class="timeline" id="timeline" aria-label=move || format!("Timeline, {} entries", messages.with(Vec::len))>
                    <For each=move || messages.get() key=|m| (m.id.clone(), m.version) let:m>
                        <Entry m others=others.clone() thread_id=entry_thread.clone() stage=s.stage/>
                    </For>
                    <li id="timeline-end" class="timeline-end" aria-hidden="true"></li>
                </ol>
                {
                    d.followups.first().cloned().map(|f| {
                        use crate::domain::followup::{cancel_label, describe};
                        let text = match f.state.as_str() {
                            "scheduled" => format!("Follow-up scheduled for {} — {}", time_fmt::exact(f.due_at), describe(&f.rule)),
                            "canceled" => format!("Follow-up canceled because {} ({})", cancel_label(f.cancel_reason.as_deref().unwrap_or("")), describe(&f.rule)),
                            "drafted" => format!("Follow-up held for approval — {}", describe(&f.rule)),
                            "stale" => "Marked stale: no reply after two follow-ups".to_string(),
                            "escalated" => format!("Escalated to managers — {}", describe(&f.rule)),
                            _ => format!("Follow-up sent — {}", describe(&f.rule)),
                        };
                        view! { <p class="followup-line" data-testid="followup" data-state=f.state.clone()>{text}</p> }
                    })
                }
                {
                    let pending: Vec<_> = d.drafts.iter().filter(|x| x.state.is_open()).cloned().collect();
                    let done = Callback::new(move |_| ctx.thread_refresh.update(|n| *n += 1));
                    (!pending.is_empty()).then(|| view! {
                        <section class="thread-drafts" aria-label="Drafts waiting for approval">
                            {pending.into_iter().map(|x| view! { <DraftCard d=x done/> }).collect_view()}
                        </section>
                    })
                }
                <Composer thread_id=s.id.clone() reply=d.reply.clone() messages/>
            </div>
            <ContextPanel d/>
        </div>
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
                <select class="snooze-select" aria-label="Snooze" on:change=move |ev| {
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

fn status_class(s: DeliveryStatus) -> &'static str {
    match s {
        DeliveryStatus::Failed => "status status-failed",
        DeliveryStatus::Queued => "status status-queued",
        _ => "status",
    }
}

/// What the campaign's policy decided about a creator's message, and the stage move it suggests
/// (one click when the policy leaves it to a person).
#[component]
fn DecisionNote(d: Decision, thread_id: String, stage: crate::model::Stage) -> impl IntoView {
    let ctx = use_inbox();
    let can_write = ctx.session.with_value(|s| s.role.can_write());
    let apply = Action::new(move |(id, to): &(String, crate::model::Stage)| {
        let (id, to) = (id.clone(), *to);
        async move { set_stage(id, to, None).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = apply.value().get() {
            ctx.refresh.update(|n| *n += 1);
        }
    });
    let what = match &d.action {
        PolicyAction::AutoSend { .. } => "Auto-reply",
        PolicyAction::Review { .. } => "Held for approval",
        PolicyAction::Nothing => "Policy",
    };
    let suggestion = d.stage.and_then(|(to, applied)| {
        if applied {
            Some(view! { <span class="decision-stage">{format!("Stage → {} (by rule)", to.label())}</span> }.into_any())
        } else if can_write && stage != to {
            let id = thread_id.clone();
            Some(view! {
                <button type="button" class="btn btn-small decision-suggest" disabled=move || apply.pending().get()
                    on:click=move |_| { apply.dispatch((id.clone(), to)); }>
                    {format!("Move to {}", to.label())}
                </button>
            }.into_any())
        } else {
            None
        }
    });
    view! {
        <p class="entry-decision" title=format!("Rule {}", d.rule)>
            <span class="decision-kind">{what}</span>
            <span class="decision-reason">{d.reason.clone()}</span>
            {suggestion}
            {move || match apply.value().get() {
                Some(Err(e)) => Some(view! { <span class="form-error">{e.to_string()}</span> }),
                _ => None,
            }}
        </p>
    }
}

#[component]
fn Entry(
    m: MessageView,
    others: Vec<(String, String)>,
    thread_id: String,
    stage: crate::model::Stage,
) -> impl IntoView {
    let class = match (m.direction, m.channel) {
        (_, Channel::Note) => "entry entry-note",
        (Direction::Inbound, _) => "entry entry-in",
        _ => "entry entry-out",
    };
    let kind = sender_kind_label(m.sender_kind);
    let ctx = use_inbox();
    let can_write = ctx.session.with_value(|s| s.role.can_write());
    let failed = m.direction == Direction::Outbound && m.status == DeliveryStatus::Failed;
    let retry = Action::new(move |id: &String| retry_message(id.clone()));
    let mover = Action::new(move |(id, to): &(String, String)| {
        let (id, to) = (id.clone(), to.clone());
        async move { move_message(id, to).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = mover.value().get() {
            ctx.refresh.update(|n| *n += 1);
        }
    });
    let movable = can_write && m.direction == Direction::Inbound && !others.is_empty();
    let move_id = m.id.clone();
    let message_id = m.id.clone();
    view! {
        <li class=class data-testid="entry">
            <div class="entry-head">
                <Avatar name=m.sender_name.clone() url=None small=true/>
                <span class="entry-sender">{m.sender_name.clone()}</span>
                <span class=format!("sender-kind sk-{}", m.sender_kind.as_str())>{kind}</span>
                <ChannelIcon channel=m.channel/>
                <span class="entry-channel">{m.channel.label()}</span>
                <span class="entry-time" title=time_fmt::exact(m.at)><RelTime at=m.at/></span>
                {(m.direction == Direction::Outbound).then(|| view! { <span class=status_class(m.status)>{m.status.label()}</span> })}
                {movable.then(|| view! {
                    <select class="entry-move" aria-label="Move to another campaign" title="Filed under the wrong campaign? Move it."
                        on:change=move |ev| {
                            let to = event_target_value(&ev);
                            if !to.is_empty() {
                                mover.dispatch((move_id.clone(), to));
                            }
                        }>
                        <option value="" selected=true>"Move…"</option>
                        {others.iter().map(|(t, name)| view! { <option value=t.clone()>{format!("to {name}")}</option> }).collect_view()}
                    </select>
                })}
            </div>
            {m.subject.clone().map(|s| view! { <p class="entry-subject">{s}</p> })}
            {m.check_campaign.unwrap_or(false).then(|| view! {
                <p class="entry-check" role="note">"Check campaign: this message did not say which campaign it answers, so it was filed with the creator's most recent one. Use Move… if it belongs elsewhere."</p>
            })}
            <p class="entry-body">{m.text.clone()}</p>
            {m.classification.clone().map(|c| view! { <IntentChips text=m.text.clone() classification=c/> })}
            {m.decision.clone().map(|d| view! { <DecisionNote d thread_id=thread_id.clone() stage/> })}
            {m.quoted_trimmed.unwrap_or(false).then(|| view! { <p class="entry-quoted">"Quoted history hidden"</p> })}
            {m.html.clone().map(|html| view! { <EmailHtml html/> })}
            {m.attachments.clone().filter(|a| !a.is_empty()).map(|list| view! {
                <ul class="entry-attachments" aria-label="Attachments">
                    {list.into_iter().map(|a| view! {
                        <li><a href=format!("/attachments/{}", a.id) download=a.filename.clone() rel="noopener">
                            {format!("📎 {}", a.filename)}<span class="att-size">{human_size(a.size)}</span>
                        </a></li>
                    }).collect_view()}
                </ul>
            })}
            {m.reaction.clone().map(|r| view! { <span class="entry-reaction" title="The creator reacted">{r}</span> })}
            {failed.then(|| view! {
                <div class="entry-failure" role="status">
                    <span>"Not delivered: "{m.failure_reason.clone().unwrap_or_else(|| "the provider refused it".into())}</span>
                    {can_write.then(|| view! {
                        <button type="button" class="btn btn-small" disabled=move || retry.pending().get()
                            on:click={
                                let id = message_id.clone();
                                move |_| { retry.dispatch(id.clone()); }
                            }>
                            {move || if retry.pending().get() { "Retrying…" } else { "Retry" }}
                        </button>
                    })}
                    {move || match retry.value().get() {
                        Some(Err(e)) => Some(view! { <span class="form-error">{e.to_string()}</span> }),
                        _ => None,
                    }}
                </div>
            })}
        </li>
    }
}

#[derive(Clone, Copy)]
struct Draft {
    kind: RwSignal<ComposeKind>,
    text: RwSignal<String>,
    /// The reply channel the teammate picked; `None` keeps the thread's default.
    channel: RwSignal<Option<Channel>>,
}

type SendArgs = (String, ComposeKind, String, Option<Channel>);

#[component]
fn Composer(
    thread_id: String,
    reply: ReplyOptions,
    messages: RwSignal<Vec<MessageView>>,
) -> impl IntoView {
    let ctx = use_inbox();
    let can_write = ctx.session.with_value(|s| s.role.can_write());
    let Draft {
        kind,
        text,
        channel,
    } = expect_context::<Draft>();
    let reply = StoredValue::new(reply);
    // The channel the reply will go out on: the teammate's pick if allowed; else the channel of
    // the creator's latest message (which may have just arrived live) if allowed; else the default.
    let last_inbound = Memo::new(move |_| {
        messages.with(|m| {
            m.iter()
                .filter(|m| m.direction == Direction::Inbound)
                .max_by_key(|m| m.at)
                .map(|m| m.channel)
        })
    });
    let chosen = Memo::new(move |_| {
        reply.with_value(|r| {
            channel
                .get()
                .or(last_inbound.get())
                .filter(|c| r.allows(*c))
                .or(r.default)
        })
    });
    let send = Action::new(move |(id, kind, body, ch): &SendArgs| {
        let (id, kind, body, ch) = (id.clone(), *kind, body.clone(), *ch);
        async move { post_message(id, kind, body, ch).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = send.value().get() {
            text.set(String::new());
            ctx.refresh.update(|n| *n += 1);
        }
    });
    let submit = {
        let thread_id = thread_id.clone();
        move || {
            let body = text.get_untracked();
            if !body.trim().is_empty() && !send.pending().get_untracked() {
                send.dispatch((
                    thread_id.clone(),
                    kind.get_untracked(),
                    body,
                    chosen.get_untracked(),
                ));
            }
        }
    };
    let on_submit = {
        let submit = submit.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            submit();
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            submit();
        }
    };
    if !can_write {
        return view! { <div class="composer composer-readonly">"Your role can read this workspace but not reply."</div> }.into_any();
    }
    view! {
        <form class="composer" class:note-mode=move || kind.get() == ComposeKind::Note on:submit=on_submit>
            <div class="composer-tabs" role="tablist">
                <button type="button" role="tab" aria-selected=move || (kind.get() == ComposeKind::Reply).to_string()
                    on:click=move |_| kind.set(ComposeKind::Reply)>"Reply"</button>
                <button type="button" role="tab" aria-selected=move || (kind.get() == ComposeKind::Note).to_string()
                    on:click=move |_| kind.set(ComposeKind::Note)>"Internal note"</button>
                <span class="composer-channel">
                    {move || match kind.get() {
                        ComposeKind::Reply => view! { <ChannelPicker reply channel chosen/> }.into_any(),
                        ComposeKind::Note => view! { "Only your team sees notes" }.into_any(),
                    }}
                </span>
            </div>
            <textarea name="text" rows="3" aria-label="Message"
                placeholder=move || match kind.get() { ComposeKind::Reply => "Write a reply…", ComposeKind::Note => "Write a note for your team…" }
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                on:keydown=on_keydown></textarea>
            <div class="composer-foot">
                {move || match send.value().get() {
                    Some(Err(e)) => Some(view! { <span class="form-error" role="alert">{e.to_string()}</span> }),
                    _ => None,
                }}
                <span class="hint">"Ctrl+Enter to send"</span>
                <button type="submit" class="btn btn-primary" disabled=move || send.pending().get() || text.get().trim().is_empty()>
                    {move || match (send.pending().get(), kind.get()) {
                        (true, _) => "Sending…",
                        (false, ComposeKind::Reply) => "Send reply",
                        (false, ComposeKind::Note) => "Add note",
                    }}
                </button>
            </div>
        </form>
    }
    .into_any()
}

/// The reply channel: a choice among the allowed channels (the default preselected), what the
/// chosen one reaches, and why the others cannot be used now.
#[component]
fn ChannelPicker(
    reply: StoredValue<ReplyOptions>,
    channel: RwSignal<Option<Channel>>,
    chosen: Memo<Option<Channel>>,
) -> impl IntoView {
    let options = reply.get_value().options;
    let available: Vec<_> = options.iter().filter(|o| o.available).cloned().collect();
    let blocked: Vec<_> = options.iter().filter(|o| !o.available).cloned().collect();
    let detail = {
        let available = available.clone();
        move || {
            chosen
                .get()
                .and_then(|c| available.iter().find(|o| o.channel == c))
                .map(|o| o.detail.clone())
                .unwrap_or_default()
        }
    };
    let blocked_text = blocked
        .iter()
        .map(|o| format!("{}: {}", o.channel.label(), o.detail))
        .collect::<Vec<_>>()
        .join(" · ");
    let blocked_count = blocked.len();
    view! {
        <label class="channel-pick">
            <span class="sr-only">"Reply channel"</span>
            {move || chosen.get().map(|c| view! { <ChannelIcon channel=c/> })}
            <select name="channel" aria-label="Reply channel" data-testid="reply-channel"
                on:change=move |ev| channel.set(Channel::parse(&event_target_value(&ev)))>
                {available.iter().map(|o| {
                    let c = o.channel;
                    view! { <option value=c.as_str() selected=move || chosen.get() == Some(c)>{c.label()}</option> }
                }).collect_view()}
            </select>
        </label>
        <span class="channel-detail">{detail}</span>
        {(blocked_count > 0).then(|| view! {
            <span class="channel-blocked" title=blocked_text.clone() tabindex="0" data-testid="channels-blocked">
                {format!("{blocked_count} unavailable")}
                <span class="channel-blocked-list" role="tooltip">{blocked_text.clone()}</span>
            </span>
        })}
    }
}

fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else if bytes >= 1024 {
        format!("{} KB", bytes / 1024)
    } else {
        format!("{bytes} B")
    }
}

/// An email's formatted (HTML) body, on demand, in a sandboxed frame: no script can run (the
/// HTML was sanitized on arrival, and the frame forbids scripts too), and a content policy keeps
/// remote images — tracking pixels — from loading until the reader asks for them.
#[component]
fn EmailHtml(html: String) -> impl IntoView {
    let shown = RwSignal::new(false);
    let images = RwSignal::new(false);
    let html = StoredValue::new(html);
    let srcdoc = move || {
        let img = if images.get() {
            "img-src data: https: http:"
        } else {
            "img-src data:"
        };
        format!(
            "<!doctype html><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; {img}\"><base target=\"_blank\"><style>body{{font:14px/1.45 -apple-system,Segoe UI,Roboto,sans-serif;margin:8px;color:#101828}}img{{max-width:100%}}</style>{}",
            html.get_value()
        )
    };
    view! {
        <div class="entry-html">
            <button type="button" class="link-button" on:click=move |_| shown.update(|s| *s = !*s)>
                {move || if shown.get() { "Hide formatted email" } else { "Show formatted email" }}
            </button>
            {move || shown.get().then(|| view! {
                {move || (!images.get()).then(|| view! {
                    <button type="button" class="link-button" on:click=move |_| images.set(true)>"Load remote images"</button>
                })}
                <iframe class="email-frame" title="Formatted email" sandbox="allow-popups allow-popups-to-escape-sandbox"
                    referrerpolicy="no-referrer" srcdoc=srcdoc></iframe>
            })}
        </div>
    }
}

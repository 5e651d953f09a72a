//! The composer: reply or note, the reply's channel (with why others are unavailable), and the
//! draft that survives re-reads of the thread.

use crate::api::post_message;
use crate::domain::reply_gate::NeedsReview;
use crate::domain::shortcuts::{key_of, Shortcut};
use crate::model::{Channel, ComposeKind, ComposeOutcome, Direction, MessageView, ReplyOptions};
use crate::ui::pages::inbox::use_inbox;
use crate::ui::widgets::shortcuts::with_key;
use crate::ui::widgets::ChannelIcon;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub(super) struct Draft {
    pub(super) kind: RwSignal<ComposeKind>,
    pub(super) text: RwSignal<String>,
    /// The reply channel the teammate picked; `None` keeps the thread's default.
    pub(super) channel: RwSignal<Option<Channel>>,
    /// The teammate is writing in it: a re-read of the thread renders the composer again, and
    /// the new one takes the focus back, so typing never lands elsewhere (or on a shortcut).
    pub(super) focused: RwSignal<bool>,
}

type SendArgs = (String, ComposeKind, String, Option<Channel>);

#[component]
pub(super) fn Composer(
    thread_id: String,
    reply: ReplyOptions,
    messages: RwSignal<Vec<MessageView>>,
    /// Channels on which this teammate's reply is submitted for review, and why.
    review: Vec<NeedsReview>,
) -> impl IntoView {
    let ctx = use_inbox();
    let can_write = ctx.session.with_value(|s| s.role.can_write());
    let Draft {
        kind,
        text,
        channel,
        focused,
    } = expect_context::<Draft>();
    let area = NodeRef::<leptos::html::Textarea>::new();
    Effect::new(move |_| {
        if let Some(el) = area.get() {
            if focused.get_untracked() {
                let _ = el.focus();
            }
        }
    });
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
    // What was sent: cleared from the box once it went, unless the teammate has started the
    // next message meanwhile (the answer can come after a live push showed it sent).
    let sent = StoredValue::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(_)) = send.value().get() {
            let body = sent.get_value();
            text.update(|t| {
                if *t == body {
                    t.clear();
                }
            });
            ctx.refresh.update(|n| *n += 1);
        }
    });
    // Said before sending: this reply will wait for a reviewer's approval.
    let review = StoredValue::new(review);
    let held = Memo::new(move |_| {
        let ch = chosen.get()?;
        (kind.get() == ComposeKind::Reply)
            .then(|| review.with_value(|r| r.iter().find(|n| n.channel == ch).cloned()))
            .flatten()
    });
    let thread_id_tools = thread_id.clone();
    // A merge field left unfilled (`{{address}}`) blocks sending until a person fills it.
    let unfilled = Memo::new(move |_| {
        (kind.get() == ComposeKind::Reply)
            .then(|| crate::domain::language::unfilled(&text.get()))
            .flatten()
    });
    let submit = {
        let thread_id = thread_id.clone();
        move || {
            let body = text.get_untracked();
            if !body.trim().is_empty()
                && !send.pending().get_untracked()
                && unfilled.get_untracked().is_none()
            {
                sent.set_value(body.clone());
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
            <div class="composer-tabs">
                <span class="composer-kinds" role="tablist" aria-label="Write a">
                <button type="button" role="tab" aria-selected=move || (kind.get() == ComposeKind::Reply).to_string()
                    data-shortcut="reply" title=with_key("Reply", Shortcut::Reply) aria-keyshortcuts=key_of(Shortcut::Reply)
                    on:click=move |_| kind.set(ComposeKind::Reply)>"Reply"</button>
                <button type="button" role="tab" aria-selected=move || (kind.get() == ComposeKind::Note).to_string()
                    data-shortcut="note" title=with_key("Internal note", Shortcut::Note) aria-keyshortcuts=key_of(Shortcut::Note)
                    on:click=move |_| kind.set(ComposeKind::Note)>"Internal note"</button>
                </span>
                <span class="composer-channel">
                    {move || match kind.get() {
                        ComposeKind::Reply => view! { <ChannelPicker reply channel chosen/> }.into_any(),
                        ComposeKind::Note => view! { "Only your team sees notes" }.into_any(),
                    }}
                </span>
                {move || (kind.get() == ComposeKind::Reply).then(|| view! {
                    <super::language_picker::LanguagePicker thread_id=thread_id_tools.clone() text/>
                })}
            </div>
            <textarea name="text" rows="3" aria-label="Message" data-shortcut="composer" node_ref=area
                on:focus=move |_| focused.set(true)
                on:blur=move |_| {
                    // A composer a re-render removed blurs too: only a blur the teammate made
                    // (the textarea still in the page) ends their writing.
                    if area.get_untracked().is_some_and(|el| el.is_connected()) {
                        focused.set(false);
                    }
                }
                placeholder=move || match kind.get() { ComposeKind::Reply => "Write a reply…", ComposeKind::Note => "Write a note for your team…" }
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                on:keydown=on_keydown></textarea>
            {move || unfilled.get().map(|f| view! {
                <p class="composer-unfilled" role="note" data-testid="unfilled-notice">{format!("Fill {{{{{f}}}}} before sending.")}</p>
            })}
            {move || held.get().map(|n| view! {
                <p class="composer-review" role="note" data-testid="review-notice">{n.notice()}". It will be submitted for review, not sent."</p>
            })}
            <div class="composer-foot">
                {move || match send.value().get() {
                    Some(Err(e)) => Some(view! { <span class="form-error" role="alert">{e.to_string()}</span> }.into_any()),
                    Some(Ok(ComposeOutcome::Submitted { submitted, .. })) => Some(view! {
                        <span class="form-ok" role="status">{format!("Submitted for review by {}", submitted.reviewer_name.clone().unwrap_or_else(|| submitted.reviewer_role.with_article().to_string()))}</span>
                    }.into_any()),
                    _ => None,
                }}
                <span class="hint">"Ctrl+Enter to send"</span>
                <button type="submit" class="btn btn-primary" disabled=move || send.pending().get() || text.get().trim().is_empty() || unfilled.get().is_some()>
                    {move || match (send.pending().get(), kind.get()) {
                        (true, _) => "Sending…",
                        (false, ComposeKind::Reply) if held.get().is_some() => "Submit for review",
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

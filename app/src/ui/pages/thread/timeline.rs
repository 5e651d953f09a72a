//! One timeline entry: a message or note with its sender, channel, status, classification chips,
//! the policy's decision, attachments and (on demand) the email's HTML in a sandboxed frame.

use crate::api::{move_message, retry_message, set_stage};
use crate::domain::policy::{Action as PolicyAction, Decision};
use crate::domain::time_fmt;
use crate::model::{Channel, DeliveryStatus, Direction, MessageView};
use crate::ui::pages::inbox::use_inbox;
use crate::ui::pages::thread::intent_chips::IntentChips;
use crate::ui::widgets::{sender_kind_label, Avatar, ChannelIcon, RelTime};
use leptos::prelude::*;

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
            <span class="decision-reason" tabindex="0" title=d.reason.clone()>{d.reason.clone()}</span>
            {suggestion}
            {move || match apply.value().get() {
                Some(Err(e)) => Some(view! { <span class="form-error">{e.to_string()}</span> }),
                _ => None,
            }}
        </p>
    }
}

#[component]
pub(super) fn Entry(
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
        <li class=class data-testid="entry" id=format!("entry-{}", m.id)>
            <div class="entry-head">
                <Avatar name=m.sender_name.clone() url=None small=true/>
                <span class="entry-sender">{m.sender_name.clone()}</span>
                <span class=format!("sender-kind sk-{}", m.sender_kind.as_str())>{kind}</span>
                <ChannelIcon channel=m.channel/>
                <span class="entry-channel">{m.channel.label()}</span>
                {m.via.clone().map(|v| {
                    let words = if m.direction == Direction::Inbound { "to" } else { "from" };
                    let label = crate::domain::sending::via_label(&v.label, &v.address);
                    view! { <span class="entry-via" data-testid="entry-via" title=format!("{words} {label}")>{format!("{words} {label}")}</span> }
                })}
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
            {m.unverified_sender.clone().map(|why| view! {
                <p class="entry-unverified" role="note">
                    <strong>"Unverified sender"</strong>
                    {format!(" — {why}. This email may not be from the creator: nothing was done automatically. Check before you act on it.")}
                </p>
            })}
            {m.check_campaign.unwrap_or(false).then(|| view! {
                <p class="entry-check" role="note">"Check campaign: this message did not say which campaign it answers, so it was filed with the creator's most recent one. Use Move… if it belongs elsewhere."</p>
            })}
            <p class="entry-body">{m.text.clone()}</p>
            {m.classification.clone().map(|c| view! { <IntentChips text=m.text.clone() classification=c message_id=message_id.clone()/> })}
            {m.decision.clone().map(|d| view! { <DecisionNote d thread_id=thread_id.clone() stage/> })}
            {(can_write
                && !stage.is_closed()
                && !matches!(stage, crate::model::Stage::Posted)
                && m.classification.as_ref().is_some_and(|c| c.has(crate::domain::classify::Intent::ContentSubmitted)))
                .then(|| view! { <super::content_card::ContentCard thread_id=thread_id.clone() message_id=message_id.clone() stage/> })}
            {(can_write && m.direction == Direction::Inbound && m.sender_kind == crate::model::SenderKind::Creator)
                .then(|| view! { <super::language_picker::SuggestReply message_id=message_id.clone()/> })}
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

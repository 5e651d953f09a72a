//! The embedded frame's conversations: a row of the client's list, and one open thread with,
//! for a frame member, a reply box and the stage. Replies are governed like a teammate's: a
//! reply on a sensitive topic is held for approval (`domain::reply_gate`), and what the member
//! does is attributed to them ("Jo via Acme dashboard").

use crate::api::{get_thread, mark_read, post_message, set_stage};
use crate::model::{ComposeKind, ComposeOutcome, Direction, EmbedSession, Stage, ThreadSummary};
use crate::ui::pages::embed_frame::post;
use crate::ui::widgets::{Avatar, ChannelIcon, StageChip};
use leptos::prelude::*;

#[component]
pub fn EmbedRow(t: ThreadSummary, now: i64, open: RwSignal<Option<String>>) -> impl IntoView {
    let id = t.id.clone();
    let selected = {
        let id = id.clone();
        move || open.with(|o| o.as_deref() == Some(id.as_str()))
    };
    view! {
        <li>
            <button type="button" class="embed-row" class:unread=t.unread class:selected=selected
                data-testid="embed-thread" on:click=move |_| open.set(Some(id.clone()))>
                <Avatar name=t.creator_name.clone() url=t.creator_avatar.clone() small=true/>
                <span class="embed-row-main">
                    <span class="embed-row-top">
                        <strong>{t.creator_name.clone()}</strong>
                        <span class="embed-time">{crate::domain::time_fmt::relative(now, t.last_at)}</span>
                    </span>
                    <span class="embed-row-meta">{t.campaign_name.clone()}" "<StageChip stage=t.stage/></span>
                    <span class="embed-snippet"><ChannelIcon channel=t.last_channel/>" "{t.last_snippet.clone()}</span>
                </span>
            </button>
        </li>
    }
}

#[component]
pub fn EmbedThread(
    id: String,
    refresh: RwSignal<u32>,
    session: EmbedSession,
    open: RwSignal<Option<String>>,
    /// The frame shows this conversation alone (no way back to a list).
    single: bool,
) -> impl IntoView {
    post(
        &session,
        "thread.opened",
        serde_json::json!({ "thread": id }),
    );
    let member = session.role.can_write();
    if member {
        // Opening a conversation reads it, for the team's unread count as for the partner's.
        let id = id.clone();
        leptos::task::spawn_local(async move {
            if mark_read(id).await.is_ok() {
                refresh.update(|n| *n += 1);
            }
        });
    }
    let detail = {
        let id = id.clone();
        Resource::new(
            move || (id.clone(), refresh.get()),
            |(id, _)| get_thread(id),
        )
    };
    view! {
        <section class="embed-thread" data-testid="embed-open-thread" aria-label="Conversation">
            // On a phone the conversation takes the frame; this goes back to the list.
            {(!single).then(|| view! {
                <button type="button" class="link-button embed-back" on:click=move |_| open.set(None)>"‹ All conversations"</button>
            })}
            <Transition fallback=|| view! { <p class="embed-note">"Loading…"</p> }>
                {move || detail.get().map(|r| match r {
                    Ok(d) => view! {
                        <h2>{d.summary.creator_name.clone()}<span class="handle">{d.summary.creator_handle.clone()}</span></h2>
                        <p class="embed-row-meta">
                            {d.summary.campaign_name.clone()}" "
                            {if member {
                                view! { <EmbedStage thread_id=d.summary.id.clone() stage=d.summary.stage refresh/> }.into_any()
                            } else {
                                view! { <StageChip stage=d.summary.stage/> }.into_any()
                            }}
                        </p>
                        <ol class="embed-timeline">
                            {d.messages.into_iter().filter(|m| m.direction != Direction::Internal).map(|m| view! {
                                <li class=format!("embed-msg {}", m.direction.as_str())>
                                    <span class="embed-msg-who"><ChannelIcon channel=m.channel/>" "{m.sender_name.clone()}</span>
                                    <p>{m.text.clone()}</p>
                                </li>
                            }).collect_view()}
                        </ol>
                    }.into_any(),
                    Err(e) => view! { <p class="embed-note form-error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </Transition>
            {member.then(|| view! { <EmbedReply thread_id=id.clone() refresh/> })}
        </section>
    }
}

/// A member's stage control: the stages a person may pick next (`domain::stage::next_stages`),
/// but a decline, whose reason is given in the team's inbox.
#[component]
fn EmbedStage(thread_id: String, stage: Stage, refresh: RwSignal<u32>) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let change = move |ev: leptos::ev::Event| {
        let Some(to) = Stage::parse(&event_target_value(&ev)) else {
            return;
        };
        let id = thread_id.clone();
        leptos::task::spawn_local(async move {
            match set_stage(id, to, None).await {
                Ok(_) => {
                    error.set(None);
                    refresh.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <select class="embed-stage" aria-label="Stage" on:change=change disabled=stage.is_closed()>
            <option value=stage.as_str() selected=true>{stage.label()}</option>
            {crate::domain::stage::next_stages(stage).into_iter().filter(|s| *s != Stage::Declined && *s != stage).map(|s| view! {
                <option value=s.as_str()>{s.label()}</option>
            }).collect_view()}
        </select>
        {move || error.get().map(|e| view! { <span class="form-error" role="alert">{e}</span> })}
    }
}

/// A member's reply to the creator, on the thread's reply channel.
#[component]
fn EmbedReply(thread_id: String, refresh: RwSignal<u32>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let status = RwSignal::new(None::<(bool, String)>);
    let send = Action::new(move |t: &String| {
        let (id, t) = (thread_id.clone(), t.clone());
        async move { post_message(id, ComposeKind::Reply, t, None).await }
    });
    Effect::new(move |_| {
        let Some(r) = send.value().get() else {
            return;
        };
        match r {
            Ok(ComposeOutcome::Sent(_)) => {
                text.set(String::new());
                status.set(Some((false, "Sent.".into())));
                refresh.update(|n| *n += 1);
            }
            Ok(ComposeOutcome::Submitted { notice, .. }) => {
                text.set(String::new());
                status.set(Some((false, notice)));
            }
            Err(e) => status.set(Some((true, e.to_string()))),
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = text.get_untracked();
        if !t.trim().is_empty() {
            status.set(None);
            send.dispatch(t);
        }
    };
    view! {
        <form class="embed-reply" on:submit=submit data-testid="embed-reply">
            <textarea rows="2" aria-label="Reply to the creator" placeholder="Reply to the creator…"
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <button type="submit" class="btn btn-primary" disabled=move || send.pending().get() || text.with(|t| t.trim().is_empty())>"Send"</button>
            {move || status.get().map(|(error, s)| view! {
                <p class=if error { "embed-note form-error" } else { "embed-note" } role=if error { "alert" } else { "status" }>{s}</p>
            })}
        </form>
    }
}

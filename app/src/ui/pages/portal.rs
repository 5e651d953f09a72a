//! The creator portal (`/p/:token`): a creator's campaign at a glance — brief, deliverables,
//! dates — and the conversation with the team, with a reply box. Phone-first. The team's replies
//! arrive live over the portal's own socket, which carries nothing but this thread's messages.

use crate::api::{load_portal, portal_reply};
use crate::domain::live_merge::merge_portal_message;
use crate::domain::time_fmt;
use crate::live::LiveEvent;
use crate::model::{Direction, PortalMessage, PortalView};
use crate::ui::live::clock::provide_clock;
use crate::ui::live::{provide_live_at, use_live};
use crate::ui::widgets::{Avatar, RelTime};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

#[component]
pub fn PortalPage() -> impl IntoView {
    let params = use_params_map();
    let token = params.with_untracked(|p| p.get("token").unwrap_or_default());
    let view = Resource::new(move || (), {
        let token = token.clone();
        move |_| load_portal(token.clone())
    });
    view! {
        // The token is in the URL: never send it on to other sites.
        <Meta name="referrer" content="no-referrer"/>
        <Meta name="robots" content="noindex"/>
        <main class="portal">
            <Suspense fallback=|| view! { <p class="portal-loading">"Loading your campaign…"</p> }>
                {move || {
                    let token = token.clone();
                    Suspend::new(async move {
                        match view.await {
                            Ok(v) => view! { <PortalScreen v token/> }.into_any(),
                            Err(_) => view! {
                                <Title text="Link not valid"/>
                                <section class="portal-card portal-closed" role="alert">
                                    <h1>"This link is no longer valid"</h1>
                                    <p>"It may have expired or been replaced. Ask your contact on the team for a new one."</p>
                                </section>
                            }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </main>
    }
}

#[component]
fn PortalScreen(v: PortalView, token: String) -> impl IntoView {
    provide_clock(v.now);
    provide_live_at(format!("{}?token={token}", crate::live::PORTAL_LIVE_PATH));
    let messages = RwSignal::new(v.messages.clone());
    let has_earlier = RwSignal::new(v.has_earlier);
    let loading = RwSignal::new(false);
    let load_earlier = {
        let token = token.clone();
        move |_| {
            let Some(first) = messages.with_untracked(|m| m.first().map(|x| x.id.clone())) else {
                return;
            };
            loading.set(true);
            let token = token.clone();
            leptos::task::spawn_local(async move {
                if let Ok(page) = crate::api::portal_earlier(token, first).await {
                    messages.update(|m| {
                        let mut older = page.messages;
                        older.retain(|x| !m.iter().any(|y| y.id == x.id));
                        older.append(m);
                        *m = older;
                    });
                    has_earlier.set(page.has_earlier);
                }
                loading.set(false);
            });
        }
    };
    use_live().on_event(move |event| {
        if let LiveEvent::PortalMessage { message, .. } = event {
            let mut changed = false;
            messages.update(|m| changed = merge_portal_message(m, message));
            if changed {
                scroll_to_end();
            }
        }
    });
    let first_name = v
        .creator_name
        .split_whitespace()
        .next()
        .unwrap_or("there")
        .to_string();
    let dates = [("Content due", v.content_due), ("Post by", v.post_by)];
    view! {
        <Title text=format!("{} · {}", v.campaign_name, v.client_name)/>
        <header class="portal-head">
            <p class="portal-brand">{v.client_name.clone()}<span>" · via "{v.workspace_name.clone()}</span></p>
            <h1>{v.campaign_name.clone()}</h1>
            <p class="portal-hello">"Hi "{first_name}"! Everything about this campaign is here, and you can message the team below."</p>
        </header>
        <section class="portal-card" aria-labelledby="brief-h">
            <h2 id="brief-h">"The brief"</h2>
            <p class="portal-text">{v.brief.clone()}</p>
            {(!v.creator_guidance.is_empty()).then(|| view! { <p class="portal-text portal-guidance">{v.creator_guidance.clone()}</p> })}
            <h3>"Deliverables"</h3>
            <ul class="portal-list">{v.deliverables.iter().map(|d| view! { <li>{d.clone()}</li> }).collect_view()}</ul>
            <dl class="portal-facts">
                {(!v.compensation.is_empty()).then(|| view! { <div><dt>"Compensation"</dt><dd>{v.compensation.clone()}</dd></div> })}
                {dates.into_iter().filter_map(|(label, at)| at.map(|at| view! {
                    <div><dt>{label}</dt><dd>{time_fmt::short_date(at)}</dd></div>
                })).collect_view()}
            </dl>
        </section>
        <section class="portal-card portal-thread" aria-labelledby="thread-h">
            <h2 id="thread-h">"Messages"</h2>
            <ol class="portal-messages" id="portal-messages">
                {move || has_earlier.get().then(|| view! {
                    <li class="timeline-earlier">
                        <button type="button" class="btn btn-small" disabled=move || loading.get() on:click=load_earlier.clone()>
                            {move || if loading.get() { "Loading…" } else { "Earlier messages" }}
                        </button>
                    </li>
                })}
                <For each=move || messages.get() key=|m| (m.id.clone(), m.version) let:m>
                    <PortalEntry m/>
                </For>
                <li id="portal-end" aria-hidden="true"></li>
            </ol>
            <PortalComposer token messages/>
        </section>
    }
}

#[component]
fn PortalEntry(m: PortalMessage) -> impl IntoView {
    let mine = m.direction == Direction::Inbound;
    view! {
        <li class="portal-msg" class:mine=mine data-testid="portal-entry">
            {(!mine).then(|| view! { <Avatar name=m.sender_name.clone() url=None small=true/> })}
            <div class="portal-bubble">
                <p class="portal-meta">
                    <span>{if mine { "You".to_string() } else { m.sender_name.clone() }}</span>
                    " · "<RelTime at=m.at/>
                </p>
                {m.subject.clone().map(|s| view! { <p class="portal-subject">{s}</p> })}
                <p class="portal-body">{m.text.clone()}</p>
            </div>
        </li>
    }
}

#[component]
fn PortalComposer(token: String, messages: RwSignal<Vec<PortalMessage>>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let send = Action::new(move |(token, body): &(String, String)| {
        let (token, body) = (token.clone(), body.clone());
        async move { portal_reply(token, body).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(m)) = send.value().get() {
            text.set(String::new());
            messages.update(|list| {
                merge_portal_message(list, &m);
            });
            scroll_to_end();
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = text.get_untracked();
        if !body.trim().is_empty() && !send.pending().get_untracked() {
            send.dispatch((token.clone(), body));
        }
    };
    view! {
        <form class="portal-composer" on:submit=on_submit>
            <textarea rows="3" aria-label="Your message" placeholder="Write to the team…"
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            {move || match send.value().get() {
                Some(Err(e)) => Some(view! { <p class="form-error" role="alert">{e.to_string()}</p> }),
                _ => None,
            }}
            <button type="submit" class="btn btn-primary btn-block" disabled=move || send.pending().get() || text.get().trim().is_empty()>
                {move || if send.pending().get() { "Sending…" } else { "Send" }}
            </button>
        </form>
    }
}

fn scroll_to_end() {
    #[cfg(feature = "hydrate")]
    gloo_timers::callback::Timeout::new(0, || {
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("portal-end"))
        {
            el.scroll_into_view_with_bool(false);
        }
    })
    .forget();
}

//! The Unmatched queue: messages from senders no creator has as an identity yet. A teammate
//! links each to a creator; the message moves into that creator's thread and the sender's
//! address is added to the creator, so their next message lands there directly.

use crate::api::{
    create_creator_from_unmatched, link_unmatched, list_unmatched, load_creator_options,
    load_filter_options,
};
use crate::live::LiveEvent;
use crate::model::{NamedRef, UnmatchedView};
use crate::ui::live::{use_live, Debounce};
use crate::ui::pages::inbox::use_inbox;
use crate::ui::pages::login::is_signed_out;
use crate::ui::widgets::{ChannelIcon, RelTime};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_navigate;

#[component]
pub fn UnmatchedPane() -> impl IntoView {
    let ctx = use_inbox();
    // Read again when the queue changes anywhere (a new unknown sender, a teammate's link).
    let changed = RwSignal::new(0u32);
    let recheck = Debounce::new(300);
    use_live().on_event(move |e| {
        if matches!(e, LiveEvent::UnmatchedChanged) {
            recheck.call(move || changed.update(|n| *n += 1));
        }
    });
    let items = Resource::new(
        move || (ctx.refresh.get(), changed.get()),
        |_| list_unmatched(),
    );
    let creators = Resource::new(|| (), |_| load_creator_options());
    let campaigns = Resource::new(|| (), |_| load_filter_options());
    view! {
        <Title text="Unmatched senders"/>
        <div class="unmatched-pane">
            <header class="unmatched-head">
                <A href="/" attr:class="back-link" attr:aria-label="Back to inbox">"‹ Inbox"</A>
                <h2>"Unmatched senders"</h2>
                <p>"Messages from addresses no creator has yet. Link each to a creator — or create a new one in a campaign: the message moves into their thread and the address is added to them, so their next message lands there directly."</p>
            </header>
            <Transition fallback=|| view! { <div class="thread-loading">"Loading…"</div> }>
                {move || items.get().map(|r| match r {
                    Err(e) if is_signed_out(&e) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e) => view! { <p class="list-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <div class="list-empty"><p class="empty-title">"Nothing to link"</p><p>"Every sender is matched to a creator."</p></div>
                    }.into_any(),
                    Ok(list) => {
                        let options = creators.get().and_then(Result::ok).unwrap_or_default();
                        let camps = campaigns.get().and_then(Result::ok).map(|o| o.campaigns).unwrap_or_default();
                        view! {
                            <ul class="unmatched-list" data-testid="unmatched-list">
                                {list.into_iter().map(|u| view! { <UnmatchedItem u options=options.clone() campaigns=camps.clone()/> }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn UnmatchedItem(
    u: UnmatchedView,
    options: Vec<NamedRef>,
    campaigns: Vec<NamedRef>,
) -> impl IntoView {
    let ctx = use_inbox();
    let can_write = ctx.session.with_value(|s| s.role.can_write());
    let chosen = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let link = Action::new(move |(id, creator): &(String, String)| {
        let (id, creator) = (id.clone(), creator.clone());
        async move { link_unmatched(id, creator).await }
    });
    let new_name = RwSignal::new(String::new());
    let new_campaign = RwSignal::new(String::new());
    let create = Action::new(move |(id, name, campaign): &(String, String, String)| {
        let (id, name, campaign) = (id.clone(), name.clone(), campaign.clone());
        async move { create_creator_from_unmatched(id, name, campaign).await }
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        let done = link.value().get().or_else(|| create.value().get());
        match done {
            Some(Ok(thread_id)) => {
                ctx.refresh.update(|n| *n += 1);
                navigate(&format!("/t/{thread_id}"), Default::default());
            }
            Some(Err(e)) => error.set(Some(e.to_string())),
            None => {}
        }
    });
    let create_id = u.id.clone();
    let id = u.id.clone();
    view! {
        <li class="unmatched-item" data-unmatched-id=u.id.clone()>
            <div class="unmatched-from">
                <ChannelIcon channel=u.channel/>
                <span class="unmatched-address">{u.address.clone()}</span>
                <span class="row-time"><RelTime at=u.at/></span>
            </div>
            <p class="unmatched-text">{u.text.clone()}</p>
            {can_write.then(|| view! {
                <div class="unmatched-link">
                    <select aria-label="Creator" on:change=move |ev| chosen.set(event_target_value(&ev))>
                        <option value="" selected=true>"Link to creator…"</option>
                        {options.into_iter().map(|o| view! { <option value=o.id>{o.name}</option> }).collect_view()}
                    </select>
                    <button type="button" class="btn btn-primary"
                        disabled=move || chosen.get().is_empty() || link.pending().get()
                        on:click=move |_| { link.dispatch((id.clone(), chosen.get_untracked())); }>
                        {move || if link.pending().get() { "Linking…" } else { "Link" }}
                    </button>
                </div>
                <div class="unmatched-link unmatched-new">
                    <input type="text" aria-label="New creator's name" placeholder="…or a new creator: name"
                        prop:value=move || new_name.get() on:input=move |ev| new_name.set(event_target_value(&ev))/>
                    <select aria-label="Campaign" on:change=move |ev| new_campaign.set(event_target_value(&ev))>
                        <option value="" selected=true>"Campaign…"</option>
                        {campaigns.into_iter().map(|c| view! { <option value=c.id>{c.name}</option> }).collect_view()}
                    </select>
                    <button type="button" class="btn"
                        disabled=move || new_name.get().trim().is_empty() || new_campaign.get().is_empty() || create.pending().get()
                        on:click=move |_| {
                            create.dispatch((create_id.clone(), new_name.get_untracked(), new_campaign.get_untracked()));
                        }>
                        {move || if create.pending().get() { "Creating…" } else { "Create" }}
                    </button>
                </div>
            })}
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </li>
    }
}

//! A creator's profile: contacts with consent per channel (changed here, audited; only an owner
//! undoes an opt-out), tags, preferences, notes and rate (edited here), the rates they named,
//! every campaign with its outcome and content links (a campaign can be left here), and one
//! timeline across all their campaigns.

use crate::api::{
    load_creator_profile, remove_from_campaign, save_creator_profile, set_creator_consent,
};
use crate::domain::import::amount_cents;
use crate::domain::time_fmt::{exact, short_date};
use crate::model::{Consent, CreatorProfile, Identity, ProfileEdit};
use crate::ui::pages::login::is_signed_out;
use crate::ui::widgets::{sender_kind_label, Avatar, ChannelIcon, SaveNote, StageChip};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_params_map;

#[component]
pub fn CreatorProfilePane() -> impl IntoView {
    let params = use_params_map();
    let reload = RwSignal::new(0u32);
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let profile = Resource::new(
        move || (id(), reload.get()),
        |(id, _)| load_creator_profile(id),
    );
    view! {
        <Title text="Creator"/>
        <div class="settings-pane profile-pane">
            <Transition fallback=|| view! { <p class="list-loading">"Loading the profile…"</p> }>
                {move || profile.get().map(|r| match r {
                    Err(e) if is_signed_out(&e) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e) => view! { <p class="list-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(p) => view! { <Profile p reload/> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Profile(p: CreatorProfile, reload: RwSignal<u32>) -> impl IntoView {
    let can_edit = p.can_edit;
    view! {
        <header class="settings-head profile-head">
            <A href="/creators" attr:class="back-link" attr:aria-label="Back to creators">"‹ Creators"</A>
            <div class="profile-title">
                <Avatar name=p.name.clone() url=p.avatar.clone()/>
                <div>
                    <h2>{p.name.clone()}</h2>
                    <p class="muted">{format!("{} · {} campaign{}", p.handle, p.campaigns.len(), if p.campaigns.len() == 1 { "" } else { "s" })}</p>
                    <p>{p.tags.iter().map(|t| view! { <span class="tag">{t.clone()}</span> }).collect_view()}</p>
                    {p.imported_from.clone().map(|(file, at)| view! {
                        <p class="muted">"Imported from "{file}" on "<time title=exact(at)>{short_date(at)}</time></p>
                    })}
                </div>
            </div>
        </header>
        <div class="profile-grid">
            <div class="profile-main">
                <section class="settings-card" aria-label="Campaigns">
                    <h3>"Campaigns"</h3>
                    <ul class="profile-campaigns">
                        {p.campaigns.iter().cloned().map(|c| {
                            let tid = c.thread_id.clone();
                            let remove = Action::new(move |t: &String| remove_from_campaign(t.clone()));
                            Effect::new(move |_| if let Some(Ok(())) = remove.value().get() { reload.update(|n| *n += 1); });
                            view! {
                                <li class:archived=c.archived>
                                    <A href=format!("/t/{}", c.thread_id) attr:class="campaign-link">{c.campaign_name.clone()}</A>
                                    <span class="muted">" · "{c.client_name.clone()}</span>" "
                                    <StageChip stage=c.stage/>
                                    {c.decline_reason.map(|r| view! { <span class="muted">{format!(" ({})", r.label())}</span> })}
                                    {c.archived.then(|| view! { <span class="chip">"removed"</span> })}
                                    {(!c.agreed_terms.is_empty()).then(|| view! { <div class="muted">"Agreed: "{c.agreed_terms.clone()}</div> })}
                                    {(!c.content_links.is_empty()).then(|| view! {
                                        <div class="content-links">{c.content_links.iter().map(|l| view! {
                                            <a href=l.clone() target="_blank" rel="noopener noreferrer">{l.clone()}</a>
                                        }).collect_view()}</div>
                                    })}
                                    {(can_edit && !c.archived).then(|| view! {
                                        <button class="link-btn" type="button" on:click=move |_| { remove.dispatch(tid.clone()); }>"Remove from campaign"</button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
                <section class="settings-card" aria-label="Timeline">
                    <h3>"Timeline across campaigns"</h3>
                    <ol class="profile-timeline">
                        {p.timeline.clone().into_iter().map(|e| {
                            let m = e.message;
                            view! {
                                <li class=format!("entry entry-{}", match m.direction { crate::model::Direction::Inbound => "in", crate::model::Direction::Outbound => "out", crate::model::Direction::Internal => "note" })>
                                    <div class="entry-head">
                                        <ChannelIcon channel=m.channel/>
                                        <span class="entry-sender">{m.sender_name.clone()}</span>
                                        <span class="muted">{sender_kind_label(m.sender_kind)}</span>
                                        <A href=format!("/t/{}", e.thread_id) attr:class="row-campaign">{e.campaign_name.clone()}</A>
                                        <time class="entry-time" title=exact(m.at)>{short_date(m.at)}</time>
                                    </div>
                                    <div class="entry-body">{crate::domain::text::snippet(&m.text, 400)}</div>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                    {p.more.then(|| view! { <p class="muted">"Older entries are in each campaign's thread."</p> })}
                </section>
            </div>
            <aside class="profile-side">
                <Contacts p=p.clone() reload/>
                <section class="settings-card" aria-label="Rates">
                    <h3>"Rates"</h3>
                    <p>"On file: "{p.rate_cents.map(crate::domain::creators::dollars).unwrap_or_else(|| "none".into())}</p>
                    {if p.quoted_rates.is_empty() {
                        view! { <p class="muted">"No rate named in a message yet."</p> }.into_any()
                    } else {
                        view! { <ul class="quoted-rates">{p.quoted_rates.iter().map(|q| view! {
                            <li><strong>{q.text.clone()}</strong>" · "{q.campaign_name.clone()}" · "{short_date(q.at)}</li>
                        }).collect_view()}</ul> }.into_any()
                    }}
                </section>
                <Details p reload/>
            </aside>
        </div>
    }
}

#[component]
fn Contacts(p: CreatorProfile, reload: RwSignal<u32>) -> impl IntoView {
    let note = RwSignal::new(None::<Result<String, String>>);
    let id = p.id.clone();
    let change = Action::new(move |(i, c): &(Identity, Consent)| {
        set_creator_consent(id.clone(), i.channel, i.address.clone(), *c)
    });
    Effect::new(move |_| match change.value().get() {
        Some(Ok(_)) => {
            note.set(Some(Ok("Consent saved.".into())));
            reload.update(|n| *n += 1);
        }
        Some(Err(e)) => note.set(Some(Err(e.to_string()))),
        None => {}
    });
    let (can_edit, can_undo) = (p.can_edit, p.can_undo_opt_out);
    view! {
        <section class="settings-card" aria-label="Contacts">
            <h3>"Contacts and consent"</h3>
            <ul class="identities">
                {p.identities.into_iter().map(|i| {
                    let locked = !can_edit || (i.consent == Consent::OptedOut && !can_undo);
                    let ident = i.clone();
                    view! {
                        <li>
                            <ChannelIcon channel=i.channel/>
                            <span class="address">{i.address.clone()}</span>
                            <select aria-label=format!("Consent for {}", i.address) disabled=locked on:change=move |ev| {
                                let c = Consent::parse(&event_target_value(&ev)).unwrap_or(Consent::Unknown);
                                change.dispatch((ident.clone(), c));
                            }>
                                {Consent::ALL.into_iter().map(|c| view! {
                                    <option value=c.as_str()
                                        selected=c == i.consent>{c.label()}</option>
                                }).collect_view()}
                            </select>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <SaveNote note/>
        </section>
    }
}

#[component]
fn Details(p: CreatorProfile, reload: RwSignal<u32>) -> impl IntoView {
    let edit = RwSignal::new(ProfileEdit {
        name: p.name.clone(),
        tags: p.tags.clone(),
        preferences: p.preferences.clone(),
        notes: p.notes.clone(),
        rate_cents: p.rate_cents,
    });
    let note = RwSignal::new(None::<Result<String, String>>);
    let id = p.id.clone();
    let save = Action::new(move |e: &ProfileEdit| save_creator_profile(id.clone(), e.clone()));
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => {
            note.set(Some(Ok("Saved.".into())));
            reload.update(|n| *n += 1);
        }
        Some(Err(e)) => note.set(Some(Err(e.to_string()))),
        None => {}
    });
    view! {
        <form class="settings-card campaign-form" aria-label="Details" on:submit=move |ev| { ev.prevent_default(); save.dispatch(edit.get_untracked()); }>
            <h3>"Details"</h3>
            <fieldset disabled=!p.can_edit>
                <label>"Name"<input type="text" prop:value=edit.with_untracked(|e| e.name.clone()) on:input=move |ev| edit.update(|e| e.name = event_target_value(&ev))/></label>
                <label>"Tags (comma separated)"<input type="text" prop:value=edit.with_untracked(|e| e.tags.join(", "))
                    on:input=move |ev| edit.update(|e| e.tags = event_target_value(&ev).split(',').map(str::to_string).collect())/></label>
                <label>"Rate on file (USD)"<input type="text" prop:value=edit.with_untracked(|e| e.rate_cents.map(|r| (r / 100).to_string()).unwrap_or_default())
                    on:input=move |ev| edit.update(|e| e.rate_cents = amount_cents(&event_target_value(&ev)))/></label>
                <label class="wide">"Preferences"<textarea rows=2 prop:value=edit.with_untracked(|e| e.preferences.clone()) on:input=move |ev| edit.update(|e| e.preferences = event_target_value(&ev))></textarea></label>
                <label class="wide">"Notes"<textarea rows=4 prop:value=edit.with_untracked(|e| e.notes.clone()) on:input=move |ev| edit.update(|e| e.notes = event_target_value(&ev))></textarea></label>
                {(!p.custom.is_empty()).then(|| view! {
                    <dl class="portal-facts">{p.custom.iter().map(|(k, v)| view! { <dt>{k.clone()}</dt><dd>{v.clone()}</dd> }).collect_view()}</dl>
                })}
            </fieldset>
            {p.can_edit.then(|| view! { <div class="settings-actions"><button class="btn btn-primary" type="submit">"Save"</button><SaveNote note/></div> })}
        </form>
    }
}

//! The campaign's senders: which of the workspace's mailboxes, numbers and Instagram accounts it
//! sends from on each channel (managers; the default when none is chosen). A reply still goes out
//! from the one the creator last wrote to.

use crate::api::load_sending_identities;
use crate::model::{CampaignForm, Channel, SendingIdentity};
use leptos::prelude::*;

#[component]
pub fn Senders(f: RwSignal<CampaignForm>) -> impl IntoView {
    let identities = Resource::new(|| (), |_| load_sending_identities());
    view! {
        <fieldset class="campaign-senders">
            <legend>"Sends from"</legend>
            <Transition fallback=|| view! { <p class="settings-note">"Loading the workspace's senders…"</p> }>
                {move || identities.get().map(|r| match r {
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(all) if all.is_empty() => view! {
                        <p class="settings-note">"No mailbox, number or Instagram account is connected yet (Channels)."</p>
                    }.into_any(),
                    Ok(all) => view! {
                        <p class="settings-note">"Outreach, bulk messages and follow-ups go out from these; a reply goes out from whichever the creator last wrote to."</p>
                        <div class="sender-grid">
                            {[Channel::Email, Channel::Sms, Channel::Instagram].into_iter()
                                .map(|channel| view! { <SenderChoice f channel all=all.clone()/> })
                                .collect_view()}
                        </div>
                    }.into_any(),
                })}
            </Transition>
        </fieldset>
    }
}

#[component]
fn SenderChoice(
    f: RwSignal<CampaignForm>,
    channel: Channel,
    all: Vec<SendingIdentity>,
) -> impl IntoView {
    let mine: Vec<SendingIdentity> = all.into_iter().filter(|i| i.channel == channel).collect();
    if mine.is_empty() {
        return view! {
            <label>{channel.label()}<select disabled=true><option>"Not connected"</option></select></label>
        }
        .into_any();
    }
    let default = mine
        .iter()
        .find(|i| i.is_default)
        .or(mine.first())
        .map(|i| crate::domain::sending::via_label(&i.label, &i.address))
        .unwrap_or_default();
    view! {
        <label>{channel.label()}
            <select data-testid=format!("sender-{}", channel.as_str())
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    f.update(|c| c.senders.set(channel, (!v.is_empty()).then_some(v)));
                }>
                <option value="" selected=move || f.with(|c| c.senders.get(channel).is_none())>
                    {format!("Workspace default ({default})")}
                </option>
                {mine.into_iter().map(|i| {
                    let key = i.key.clone();
                    let label = crate::domain::sending::via_label(&i.label, &i.address);
                    view! {
                        <option value=i.key.clone() selected=move || f.with(|c| c.senders.get(channel) == Some(key.as_str()))>{label}</option>
                    }
                }).collect_view()}
            </select>
        </label>
    }
    .into_any()
}

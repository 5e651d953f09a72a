//! Channel settings (owners): any number of mailboxes, Twilio accounts and Instagram accounts,
//! each with a label and one default per channel, and the signed API channel — with the webhook
//! URLs to enter at each provider. Credentials are written here and never shown again; the server
//! seals them, and asks Twilio and Meta whether they own what they claim before keeping them.

mod email;
mod providers;

use crate::api::{
    disconnect_channel, load_api_channel_settings, rotate_api_key, set_api_outbound_url,
    set_default_channel, test_channel, test_mailbox,
};
use crate::model::Channel;
use crate::ui::pages::inbox::use_inbox;
use crate::ui::widgets::{ChannelIcon, CopyField};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn ChannelsPane() -> impl IntoView {
    let ctx = use_inbox();
    let is_owner = ctx
        .session
        .with_value(|s| s.role == crate::model::Role::Owner);
    view! {
        <Title text="Channels"/>
        <div class="settings-pane">
            <header class="settings-head">
                <A href="/" attr:class="back-link" attr:aria-label="Back to inbox">"‹ Inbox"</A>
                <h2>"Channels"</h2>
                <p>"Where creators' messages come from and where your replies go: connect a mailbox, number or Instagram account per brand. A reply goes out from the one the creator last wrote to, else the campaign's, else the default. Secrets you enter are stored encrypted and never shown again."</p>
            </header>
            {if is_owner {
                view! {
                    <email::EmailCard/>
                    <providers::SmsCard/>
                    <providers::InstagramCard/>
                    <ApiCard/>
                    <section class="settings-card">
                        <h3><ChannelIcon channel=Channel::InApp/>" Creator portal"</h3>
                        <p class="settings-note">"Always on: replies sent by portal reach the creator in their campaign portal."</p>
                    </section>
                }.into_any()
            } else {
                view! { <p class="settings-note" role="status">"Only the workspace's owners manage channels."</p> }.into_any()
            }}
        </div>
    }
}

/// The result line of a connect action.
pub(super) fn outcome<T: Clone + Send + Sync + 'static>(
    action: Action<(), Result<T, crate::api::AppError>>,
) -> impl Fn() -> Option<AnyView> {
    move || match action.value().get() {
        Some(Err(e)) => {
            Some(view! { <span class="form-error" role="alert">{e.to_string()}</span> }.into_any())
        }
        Some(Ok(_)) => {
            Some(view! { <span class="form-ok" role="status">"Saved."</span> }.into_any())
        }
        None => None,
    }
}

fn status_chip(count: usize) -> impl IntoView {
    match count {
        0 => view! { <span class="chip">"Not connected"</span> }.into_any(),
        1 => view! { <span class="chip chip-ok">"Connected"</span> }.into_any(),
        n => view! { <span class="chip chip-ok">{format!("Connected · {n}")}</span> }.into_any(),
    }
}

/// What an account row shows.
#[derive(Clone)]
pub(super) struct AccountLine {
    pub channel: Channel,
    pub id: String,
    pub label: String,
    pub detail: String,
    pub is_default: bool,
    pub problem: Option<String>,
}

/// One connected account: its label and details, and what an owner can do with it — edit, test,
/// make it the channel's default, disconnect (asked twice).
#[component]
fn AccountRow(
    line: AccountLine,
    /// Fills the card's form with this account.
    on_edit: Callback<()>,
    /// The account list changed (default moved, disconnected).
    on_changed: Callback<()>,
) -> impl IntoView {
    let AccountLine {
        channel,
        id,
        label,
        detail,
        is_default,
        problem,
    } = line;
    let confirming = RwSignal::new(false);
    let (id_test, id_default, id_drop) = (id.clone(), id.clone(), id);
    let test = Action::new(move |_: &()| {
        let id = Some(id_test.clone());
        async move {
            if channel == Channel::Email {
                test_mailbox(id).await
            } else {
                test_channel(channel, id).await
            }
        }
    });
    let make_default = Action::new(move |_: &()| set_default_channel(channel, id_default.clone()));
    let disconnect = Action::new(move |_: &()| disconnect_channel(channel, id_drop.clone()));
    Effect::new(move |_| {
        if matches!(make_default.value().get(), Some(Ok(())))
            || matches!(disconnect.value().get(), Some(Ok(())))
        {
            on_changed.run(());
        }
    });
    let failed = move || {
        [make_default.value().get(), disconnect.value().get()]
            .into_iter()
            .flatten()
            .find_map(Result::err)
    };
    view! {
        <li class="account-row" data-testid="account-row">
            <div class="account-main">
                <strong>{label}</strong>
                {is_default.then(|| view! { <span class="chip chip-ok">"Default"</span> })}
                <span class="account-detail">{detail}</span>
                {problem.map(|p| view! { <span class="settings-warn account-problem">{p}</span> })}
            </div>
            <div class="account-actions">
                {move || match test.value().get() {
                    Some(Ok(m)) => Some(view! { <span class="form-ok" role="status">{m}</span> }.into_any()),
                    Some(Err(e)) => Some(view! { <span class="form-error" role="alert">{e.to_string()}</span> }.into_any()),
                    None => None,
                }}
                {move || failed().map(|e| view! { <span class="form-error" role="alert">{e.to_string()}</span> })}
                <button type="button" class="btn btn-small" disabled=move || test.pending().get()
                    on:click=move |_| { test.dispatch(()); }>
                    {move || if test.pending().get() { "Testing…" } else { "Test" }}
                </button>
                {(!is_default).then(|| view! {
                    <button type="button" class="btn btn-small" on:click=move |_| { make_default.dispatch(()); }>"Make default"</button>
                })}
                <button type="button" class="btn btn-small" on:click=move |_| on_edit.run(())>"Edit"</button>
                {move || if confirming.get() {
                    view! {
                        <button type="button" class="btn btn-small btn-danger" on:click=move |_| { disconnect.dispatch(()); }>"Confirm disconnect"</button>
                        <button type="button" class="btn btn-small" on:click=move |_| confirming.set(false)>"Keep"</button>
                    }.into_any()
                } else {
                    view! {
                        <button type="button" class="btn btn-small" on:click=move |_| confirming.set(true)>"Disconnect"</button>
                    }.into_any()
                }}
            </div>
        </li>
    }
}

/// The accounts of one channel, with an edit button on each that fills the card's form.
#[component]
fn AccountList(
    lines: Vec<AccountLine>,
    on_edit: Callback<String>,
    on_changed: Callback<()>,
) -> impl IntoView {
    (!lines.is_empty()).then(|| {
        view! {
            <ul class="account-list">
                {lines.into_iter().map(|line| {
                    let id = line.id.clone();
                    view! { <AccountRow line on_edit=Callback::new(move |_| on_edit.run(id.clone())) on_changed/> }
                }).collect_view()}
            </ul>
        }
    })
}

/// The add / edit form's header: what it writes, and a way back to adding a new one.
#[component]
fn FormHead(
    editing: RwSignal<Option<String>>,
    noun: &'static str,
    on_reset: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="account-form-head">
            <strong>{move || if editing.get().is_some() { format!("Edit {noun}") } else { format!("Add a {noun}") }}</strong>
            {move || editing.get().is_some().then(|| view! {
                <button type="button" class="btn btn-small" on:click=move |_| on_reset.run(())>"Cancel edit"</button>
            })}
        </div>
    }
}

#[component]
fn ApiCard() -> impl IntoView {
    let saved = RwSignal::new(0u32);
    let settings = Resource::new(move || saved.get(), |_| load_api_channel_settings());
    let url = RwSignal::new(None::<String>);
    let reveal = RwSignal::new(false);
    let save = Action::new(move |_: &()| {
        let u = url.get_untracked().unwrap_or_default();
        async move { set_api_outbound_url(u).await }
    });
    let rotate = Action::new(move |_: &()| rotate_api_key());
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            saved.update(|n| *n += 1);
        }
    });
    let confirming = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(_)) = rotate.value().get() {
            reveal.set(true);
            confirming.set(false);
            saved.update(|n| *n += 1);
        }
    });
    // The field starts from the saved URL.
    Effect::new(move |_| {
        if let Some(Ok(s)) = settings.get() {
            if url.get_untracked().is_none() {
                url.set(Some(s.outbound_url.unwrap_or_default()));
            }
        }
    });
    view! {
        <section class="settings-card" data-testid="api-card">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || settings.get().map(|r| match r {
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(s) => {
                        view! {
                            <h3><ChannelIcon channel=Channel::Api/>" API channel "{status_chip(usize::from(s.outbound_url.is_some()))}</h3>
                            <p class="settings-note">"Platforms post creators' messages to this endpoint, signed with the key (see the README). Replies on this channel are posted, signed the same way, to your outbound URL."</p>
                            <CopyField label="Inbound endpoint" value=s.endpoint.clone()/>
                            <div class="copy-field">
                                <span>"Signing key"</span>
                                <div class="secret-row">
                                    <input type="text" readonly=true aria-label="Signing key" value={
                                        let secret = s.secret.clone();
                                        move || if reveal.get() { secret.clone() } else { "•".repeat(24) }
                                    }/>
                                    <button type="button" class="btn btn-small" on:click=move |_| reveal.update(|r| *r = !*r)>
                                        {move || if reveal.get() { "Hide" } else { "Reveal" }}
                                    </button>
                                    {move || if confirming.get() {
                                        view! {
                                            <button type="button" class="btn btn-small btn-danger" data-testid="rotate-key-confirm"
                                                disabled=move || rotate.pending().get() on:click=move |_| { rotate.dispatch(()); }>"Make a new key"</button>
                                            <button type="button" class="btn btn-small" on:click=move |_| confirming.set(false)>"Keep"</button>
                                        }.into_any()
                                    } else {
                                        view! {
                                            <button type="button" class="btn btn-small" data-testid="rotate-key"
                                                title="A new signing key; the current one keeps working for 24 hours"
                                                on:click=move |_| confirming.set(true)>"New key…"</button>
                                        }.into_any()
                                    }}
                                </div>
                                {s.previous_valid_until.map(|until| view! {
                                    <p class="settings-note" role="status">
                                        {format!("The previous key keeps working until {}, then only this one does.", crate::domain::time_fmt::exact(until))}
                                    </p>
                                })}
                                {move || match rotate.value().get() {
                                    Some(Err(e)) => Some(view! { <span class="form-error" role="alert">{e.to_string()}</span> }),
                                    _ => None,
                                }}
                            </div>
                            <form class="settings-form" on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
                                <label><span>"Outbound URL for replies (empty: off)"</span>
                                    <input type="url" placeholder="https://platform.example/hooks/inbox"
                                        prop:value=move || url.get().unwrap_or_default()
                                        on:input=move |ev| url.set(Some(event_target_value(&ev)))/></label>
                                <div class="settings-actions">
                                    {outcome(save)}
                                    <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>"Save"</button>
                                </div>
                            </form>
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}

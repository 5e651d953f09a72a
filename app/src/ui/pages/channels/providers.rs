//! The SMS (Twilio) and Instagram cards: each lists its connected accounts and has one form that
//! adds an account or changes the one being edited.

use super::{outcome, status_chip, AccountLine, AccountList, FormHead};
use crate::api::{connect_instagram, connect_sms, load_instagram_settings, load_sms_settings};
use crate::model::{AccountChoice, Channel};
use crate::ui::pages::login::is_signed_out;
use crate::ui::widgets::{ChannelIcon, CopyField};
use leptos::prelude::*;
use leptos_router::components::Redirect;

#[component]
pub(super) fn SmsCard() -> impl IntoView {
    let saved = RwSignal::new(0u32);
    let settings = Resource::new(move || saved.get(), |_| load_sms_settings());
    let editing = RwSignal::new(None::<String>);
    let label = RwSignal::new(String::new());
    let sid = RwSignal::new(String::new());
    let token = RwSignal::new(String::new());
    let numbers = RwSignal::new(String::new());
    let service = RwSignal::new(String::new());
    let reset = Callback::new(move |_| {
        editing.set(None);
        for f in [label, sid, token, numbers, service] {
            f.set(String::new());
        }
    });
    let connect = Action::new(move |_: &()| {
        let numbers: Vec<String> = numbers
            .get_untracked()
            .split([',', '\n'])
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        let service = Some(service.get_untracked()).filter(|s| !s.trim().is_empty());
        let (id, l, sid, token) = (
            editing.get_untracked(),
            label.get_untracked(),
            sid.get_untracked(),
            token.get_untracked(),
        );
        async move {
            connect_sms(
                AccountChoice {
                    connection_id: id,
                    label: l,
                },
                sid,
                token,
                numbers,
                service,
            )
            .await
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = connect.value().get() {
            reset.run(());
            saved.update(|n| *n += 1);
        }
    });
    let edit = Callback::new(move |id: String| {
        if let Some(Ok(s)) = settings.get_untracked() {
            if let Some(a) = s.accounts.iter().find(|a| a.id == id) {
                editing.set(Some(id));
                label.set(a.label.clone());
                sid.set(a.account_sid.clone());
                numbers.set(a.numbers.join(", "));
                service.set(a.messaging_service_sid.clone().unwrap_or_default());
                token.set(String::new());
            }
        }
    });
    let changed = Callback::new(move |_| saved.update(|n| *n += 1));
    view! {
        <section class="settings-card" data-testid="sms-card">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || settings.get().map(|r| match r {
                    Err(e) if is_signed_out(&e) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(s) => {
                        let lines = s.accounts.iter().map(|a| AccountLine {
                            channel: Channel::Sms,
                            id: a.id.clone(),
                            label: a.label.clone(),
                            detail: format!("{} · {}{}", a.numbers.join(", "), a.account_sid,
                                a.messaging_service_sid.as_ref().map(|m| format!(" · Messaging Service {m}")).unwrap_or_default()),
                            is_default: a.is_default,
                            problem: None,
                        }).collect::<Vec<_>>();
                        view! {
                            <h3><ChannelIcon channel=Channel::Sms/>" SMS (Twilio) "{status_chip(s.accounts.len())}</h3>
                            <AccountList lines on_edit=edit on_changed=changed/>
                            <CopyField label="Incoming messages webhook (\"A message comes in\", HTTP POST)" value=s.webhook_url.clone()/>
                            <CopyField label="Delivery status callback (set on every message we send)" value=s.status_callback_url.clone()/>
                        }.into_any()
                    }
                })}
            </Transition>
            <form class="settings-form" on:submit=move |ev| { ev.prevent_default(); connect.dispatch(()); }>
                <FormHead editing noun="Twilio account" on_reset=reset/>
                <label><span>"Label"</span><input type="text" placeholder="Acme US line" autocomplete="off"
                    prop:value=move || label.get() on:input=move |ev| label.set(event_target_value(&ev))/></label>
                <label><span>"Account SID"</span><input type="text" placeholder="AC…" autocomplete="off"
                    prop:value=move || sid.get() on:input=move |ev| sid.set(event_target_value(&ev))/></label>
                <label><span>"Auth token"</span><input type="password" autocomplete="new-password"
                    prop:value=move || token.get() on:input=move |ev| token.set(event_target_value(&ev))/></label>
                <label><span>"Numbers (E.164, comma-separated)"</span><input type="text" placeholder="+14155550100"
                    prop:value=move || numbers.get() on:input=move |ev| numbers.set(event_target_value(&ev))/></label>
                <label><span>"Messaging Service SID (optional)"</span><input type="text" placeholder="MG…"
                    prop:value=move || service.get() on:input=move |ev| service.set(event_target_value(&ev))/></label>
                <div class="settings-actions">
                    {outcome(connect)}
                    <button type="submit" class="btn btn-primary" disabled=move || connect.pending().get()>
                        {move || if editing.get().is_some() { "Save SMS account" } else { "Connect SMS" }}
                    </button>
                </div>
            </form>
        </section>
    }
}

#[component]
pub(super) fn InstagramCard() -> impl IntoView {
    let saved = RwSignal::new(0u32);
    let settings = Resource::new(move || saved.get(), |_| load_instagram_settings());
    let editing = RwSignal::new(None::<String>);
    let label = RwSignal::new(String::new());
    let account = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let token = RwSignal::new(String::new());
    let reset = Callback::new(move |_| {
        editing.set(None);
        for f in [label, account, username, token] {
            f.set(String::new());
        }
    });
    let connect = Action::new(move |_: &()| {
        let user = Some(username.get_untracked()).filter(|u| !u.trim().is_empty());
        let (id, l, a, t) = (
            editing.get_untracked(),
            label.get_untracked(),
            account.get_untracked(),
            token.get_untracked(),
        );
        async move {
            connect_instagram(
                AccountChoice {
                    connection_id: id,
                    label: l,
                },
                a,
                user,
                t,
            )
            .await
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = connect.value().get() {
            reset.run(());
            saved.update(|n| *n += 1);
        }
    });
    let edit = Callback::new(move |id: String| {
        if let Some(Ok(s)) = settings.get_untracked() {
            if let Some(a) = s.accounts.iter().find(|a| a.id == id) {
                editing.set(Some(id));
                label.set(a.label.clone());
                account.set(a.account_id.clone());
                username.set(a.username.clone().unwrap_or_default());
                token.set(String::new());
            }
        }
    });
    let changed = Callback::new(move |_| saved.update(|n| *n += 1));
    view! {
        <section class="settings-card" data-testid="instagram-card">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || settings.get().map(|r| match r {
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(s) => {
                        let lines = s.accounts.iter().map(|a| AccountLine {
                            channel: Channel::Instagram,
                            id: a.id.clone(),
                            label: a.label.clone(),
                            detail: format!("{}account {}",
                                a.username.as_ref().map(|u| format!("@{} · ", u.trim_start_matches('@'))).unwrap_or_default(),
                                a.account_id),
                            is_default: a.is_default,
                            problem: None,
                        }).collect::<Vec<_>>();
                        view! {
                            <h3><ChannelIcon channel=Channel::Instagram/>" Instagram DM "{status_chip(s.accounts.len())}</h3>
                            <AccountList lines on_edit=edit on_changed=changed/>
                            {(!s.app_configured).then(|| view! {
                                <p class="settings-warn" role="status">"This server has no Meta app yet: its operator sets INBOX_META_APP_SECRET and INBOX_META_VERIFY_TOKEN. Until then no Instagram message can arrive."</p>
                            })}
                            <CopyField label="Webhook callback URL (subscribe to messages, messaging_seen, message_reactions)" value=s.webhook_url.clone()/>
                            <p class="settings-note">"Replies follow Instagram's rules: within 24 hours of the creator's last message (a story mention counts), a person's reply up to 7 days with the human-agent tag, and never automated DMs."</p>
                        }.into_any()
                    }
                })}
            </Transition>
            <form class="settings-form" on:submit=move |ev| { ev.prevent_default(); connect.dispatch(()); }>
                <FormHead editing noun="Instagram account" on_reset=reset/>
                <label><span>"Label"</span><input type="text" placeholder="Acme Instagram" autocomplete="off"
                    prop:value=move || label.get() on:input=move |ev| label.set(event_target_value(&ev))/></label>
                <label><span>"Instagram account id"</span><input type="text" inputmode="numeric" autocomplete="off"
                    prop:value=move || account.get() on:input=move |ev| account.set(event_target_value(&ev))/></label>
                <label><span>"Username (optional)"</span><input type="text" placeholder="@brand"
                    prop:value=move || username.get() on:input=move |ev| username.set(event_target_value(&ev))/></label>
                <label><span>"Access token"</span><input type="password" autocomplete="new-password"
                    prop:value=move || token.get() on:input=move |ev| token.set(event_target_value(&ev))/></label>
                <div class="settings-actions">
                    {outcome(connect)}
                    <button type="submit" class="btn btn-primary" disabled=move || connect.pending().get()>
                        {move || if editing.get().is_some() { "Save Instagram account" } else { "Connect Instagram" }}
                    </button>
                </div>
            </form>
        </section>
    }
}

//! Channel settings (owners): connect SMS (Twilio) and Instagram, and set up the signed API
//! channel — with the webhook URLs to enter at each provider. Credentials are written here and
//! never shown again; the server seals them.

use crate::api::{
    connect_instagram, connect_mailbox, connect_sms, load_api_channel_settings,
    load_instagram_settings, load_mailbox_settings, load_sms_settings, set_api_outbound_url,
    test_channel, test_mailbox,
};
use crate::domain::email::{ServerSettings, TlsMode};
use crate::model::Channel;
use crate::ui::pages::inbox::use_inbox;
use crate::ui::pages::login::is_signed_out;
use crate::ui::widgets::{ChannelIcon, CopyField};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};

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
                <p>"Where creators' messages come from and where your replies go. Secrets you enter are stored encrypted and never shown again."</p>
            </header>
            {if is_owner {
                view! {
                    <EmailCard/>
                    <SmsCard/>
                    <InstagramCard/>
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

fn status_chip(connected: bool) -> impl IntoView {
    if connected {
        view! { <span class="chip chip-ok">"Connected"</span> }
    } else {
        view! { <span class="chip">"Not connected"</span> }
    }
}

#[component]
fn SmsCard() -> impl IntoView {
    let saved = RwSignal::new(0u32);
    let settings = Resource::new(move || saved.get(), |_| load_sms_settings());
    let sid = RwSignal::new(String::new());
    let token = RwSignal::new(String::new());
    let numbers = RwSignal::new(String::new());
    let service = RwSignal::new(String::new());
    let connect = Action::new(move |_: &()| {
        let numbers: Vec<String> = numbers
            .get_untracked()
            .split([',', '\n'])
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        let service = Some(service.get_untracked()).filter(|s| !s.trim().is_empty());
        let (sid, token) = (sid.get_untracked(), token.get_untracked());
        async move { connect_sms(sid, token, numbers, service).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = connect.value().get() {
            token.set(String::new());
            saved.update(|n| *n += 1);
        }
    });
    view! {
        <section class="settings-card" data-testid="sms-card">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || settings.get().map(|r| match r {
                    Err(e) if is_signed_out(&e) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(s) => view! {
                        <h3><ChannelIcon channel=Channel::Sms/>" SMS (Twilio) "{status_chip(s.connected)}</h3>
                        {s.account_sid.clone().map(|a| view! {
                            <p class="settings-note">"Account "{a}" · numbers "{s.numbers.join(", ")}
                                {s.messaging_service_sid.clone().map(|m| format!(" · Messaging Service {m}"))}</p>
                        })}
                        <CopyField label="Incoming messages webhook (\"A message comes in\", HTTP POST)" value=s.webhook_url.clone()/>
                        <CopyField label="Delivery status callback (set on every message we send)" value=s.status_callback_url.clone()/>
                    }.into_any(),
                })}
            </Transition>
            <form class="settings-form" on:submit=move |ev| { ev.prevent_default(); connect.dispatch(()); }>
                <label><span>"Account SID"</span><input type="text" placeholder="AC…" autocomplete="off"
                    prop:value=move || sid.get() on:input=move |ev| sid.set(event_target_value(&ev))/></label>
                <label><span>"Auth token"</span><input type="password" autocomplete="new-password"
                    prop:value=move || token.get() on:input=move |ev| token.set(event_target_value(&ev))/></label>
                <label><span>"Numbers (E.164, comma-separated)"</span><input type="text" placeholder="+14155550100"
                    prop:value=move || numbers.get() on:input=move |ev| numbers.set(event_target_value(&ev))/></label>
                <label><span>"Messaging Service SID (optional)"</span><input type="text" placeholder="MG…"
                    prop:value=move || service.get() on:input=move |ev| service.set(event_target_value(&ev))/></label>
                <div class="settings-actions">
                    {move || match connect.value().get() {
                        Some(Err(e)) => Some(view! { <span class="form-error" role="alert">{e.to_string()}</span> }.into_any()),
                        Some(Ok(_)) => Some(view! { <span class="form-ok" role="status">"Saved."</span> }.into_any()),
                        None => None,
                    }}
                    <TestButton channel=Channel::Sms/>
                    <button type="submit" class="btn btn-primary" disabled=move || connect.pending().get()>"Connect SMS"</button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn InstagramCard() -> impl IntoView {
    let saved = RwSignal::new(0u32);
    let settings = Resource::new(move || saved.get(), |_| load_instagram_settings());
    let account = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let token = RwSignal::new(String::new());
    let connect = Action::new(move |_: &()| {
        let user = Some(username.get_untracked()).filter(|u| !u.trim().is_empty());
        let (a, t) = (account.get_untracked(), token.get_untracked());
        async move { connect_instagram(a, user, t).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = connect.value().get() {
            token.set(String::new());
            saved.update(|n| *n += 1);
        }
    });
    view! {
        <section class="settings-card" data-testid="instagram-card">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || settings.get().map(|r| match r {
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(s) => view! {
                        <h3><ChannelIcon channel=Channel::Instagram/>" Instagram DM "{status_chip(s.connected)}</h3>
                        {s.account_id.clone().map(|a| view! {
                            <p class="settings-note">"Account "{a}{s.username.clone().map(|u| format!(" (@{u})"))}</p>
                        })}
                        {(!s.app_configured).then(|| view! {
                            <p class="settings-warn" role="status">"This server has no Meta app yet: its operator sets INBOX_META_APP_SECRET and INBOX_META_VERIFY_TOKEN. Until then no Instagram message can arrive."</p>
                        })}
                        <CopyField label="Webhook callback URL (subscribe to messages, messaging_seen, message_reactions)" value=s.webhook_url.clone()/>
                        <p class="settings-note">"Replies follow Instagram's rules: within 24 hours of the creator's last message (a story mention counts), a person's reply up to 7 days with the human-agent tag, and never automated DMs."</p>
                    }.into_any(),
                })}
            </Transition>
            <form class="settings-form" on:submit=move |ev| { ev.prevent_default(); connect.dispatch(()); }>
                <label><span>"Instagram account id"</span><input type="text" inputmode="numeric" autocomplete="off"
                    prop:value=move || account.get() on:input=move |ev| account.set(event_target_value(&ev))/></label>
                <label><span>"Username (optional)"</span><input type="text" placeholder="@brand"
                    prop:value=move || username.get() on:input=move |ev| username.set(event_target_value(&ev))/></label>
                <label><span>"Access token"</span><input type="password" autocomplete="new-password"
                    prop:value=move || token.get() on:input=move |ev| token.set(event_target_value(&ev))/></label>
                <div class="settings-actions">
                    {move || match connect.value().get() {
                        Some(Err(e)) => Some(view! { <span class="form-error" role="alert">{e.to_string()}</span> }.into_any()),
                        Some(Ok(_)) => Some(view! { <span class="form-ok" role="status">"Saved."</span> }.into_any()),
                        None => None,
                    }}
                    <TestButton channel=Channel::Instagram/>
                    <button type="submit" class="btn btn-primary" disabled=move || connect.pending().get()>"Connect Instagram"</button>
                </div>
            </form>
        </section>
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
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
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
                            <h3><ChannelIcon channel=Channel::Api/>" API channel "{status_chip(s.outbound_url.is_some())}</h3>
                            <p class="settings-note">"Platforms post creators' messages to this endpoint, signed with the key (see the README). Replies on this channel are posted, signed the same way, to your outbound URL."</p>
                            <CopyField label="Inbound endpoint" value=s.endpoint.clone()/>
                            <div class="copy-field">
                                <span>"Signing key"</span>
                                <div class="secret-row">
                                    <input type="text" readonly=true value={
                                        let secret = s.secret.clone();
                                        move || if reveal.get() { secret.clone() } else { "•".repeat(24) }
                                    }/>
                                    <button type="button" class="btn btn-small" on:click=move |_| reveal.update(|r| *r = !*r)>
                                        {move || if reveal.get() { "Hide" } else { "Reveal" }}
                                    </button>
                                </div>
                            </div>
                            <form class="settings-form" on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
                                <label><span>"Outbound URL for replies (empty: off)"</span>
                                    <input type="url" placeholder="https://platform.example/hooks/inbox"
                                        prop:value=move || url.get().unwrap_or_default()
                                        on:input=move |ev| url.set(Some(event_target_value(&ev)))/></label>
                                <div class="settings-actions">
                                    {move || match save.value().get() {
                                        Some(Err(e)) => Some(view! { <span class="form-error" role="alert">{e.to_string()}</span> }.into_any()),
                                        Some(Ok(_)) => Some(view! { <span class="form-ok" role="status">"Saved."</span> }.into_any()),
                                        None => None,
                                    }}
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

/// One mail server's fields in the email form.
#[derive(Clone, Copy)]
struct ServerFields {
    host: RwSignal<String>,
    port: RwSignal<String>,
    tls: RwSignal<TlsMode>,
    user: RwSignal<String>,
}

impl ServerFields {
    fn new(port: u16, tls: TlsMode) -> ServerFields {
        ServerFields {
            host: RwSignal::new(String::new()),
            port: RwSignal::new(port.to_string()),
            tls: RwSignal::new(tls),
            user: RwSignal::new(String::new()),
        }
    }
    fn fill(&self, s: &ServerSettings) {
        self.host.set(s.host.clone());
        self.port.set(s.port.to_string());
        self.tls.set(s.tls);
        self.user.set(s.user.clone());
    }
    fn read(&self, fallback_user: &str) -> ServerSettings {
        let user = self.user.get_untracked();
        ServerSettings {
            host: self.host.get_untracked(),
            port: self.port.get_untracked().trim().parse().unwrap_or(0),
            tls: self.tls.get_untracked(),
            user: if user.trim().is_empty() {
                fallback_user.to_string()
            } else {
                user
            },
        }
    }
}

fn tls_value(t: TlsMode) -> &'static str {
    match t {
        TlsMode::Tls => "tls",
        TlsMode::Starttls => "starttls",
        TlsMode::None => "none",
    }
}

#[component]
fn ServerInputs(label: &'static str, f: ServerFields) -> impl IntoView {
    view! {
        <fieldset class="server-fields">
            <legend>{label}</legend>
            <label><span>"Host"</span><input type="text" autocomplete="off" placeholder=format!("{}.example.com", label.to_lowercase())
                prop:value=move || f.host.get() on:input=move |ev| f.host.set(event_target_value(&ev))/></label>
            <label class="narrow"><span>"Port"</span><input type="text" inputmode="numeric"
                prop:value=move || f.port.get() on:input=move |ev| f.port.set(event_target_value(&ev))/></label>
            <label class="narrow"><span>"Security"</span>
                <select on:change=move |ev| f.tls.set(match event_target_value(&ev).as_str() {
                    "starttls" => TlsMode::Starttls, "none" => TlsMode::None, _ => TlsMode::Tls })>
                    {[(TlsMode::Tls, "TLS"), (TlsMode::Starttls, "STARTTLS"), (TlsMode::None, "None (this machine only)")]
                        .into_iter().map(|(t, name)| view! {
                            <option value=tls_value(t) selected=move || f.tls.get() == t>{name}</option>
                        }).collect_view()}
                </select></label>
            <label><span>"User"</span><input type="text" autocomplete="off" placeholder="the address"
                prop:value=move || f.user.get() on:input=move |ev| f.user.set(event_target_value(&ev))/></label>
        </fieldset>
    }
}

#[component]
fn EmailCard() -> impl IntoView {
    let saved = RwSignal::new(0u32);
    let settings = Resource::new(move || saved.get(), |_| load_mailbox_settings());
    let address = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let xoauth2 = RwSignal::new(false);
    let imap = ServerFields::new(993, TlsMode::Tls);
    let smtp = ServerFields::new(587, TlsMode::Starttls);
    let filled = StoredValue::new(false);
    Effect::new(move |_| {
        if let Some(Ok(s)) = settings.get() {
            if !filled.get_value() && s.connected {
                filled.set_value(true);
                address.set(s.address.clone().unwrap_or_default());
                name.set(s.display_name.clone().unwrap_or_default());
                xoauth2.set(s.xoauth2);
                if let Some(i) = &s.imap {
                    imap.fill(i);
                }
                if let Some(o) = &s.smtp {
                    smtp.fill(o);
                }
            }
        }
    });
    let connect = Action::new(move |_: &()| {
        let addr = address.get_untracked();
        let (i, o) = (imap.read(&addr), smtp.read(&addr));
        let (n, sec, x) = (
            name.get_untracked(),
            secret.get_untracked(),
            xoauth2.get_untracked(),
        );
        async move { connect_mailbox(addr, n, i, o, sec, x).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = connect.value().get() {
            secret.set(String::new());
            saved.update(|n| *n += 1);
        }
    });
    let test = Action::new(move |_: &()| test_mailbox());
    view! {
        <section class="settings-card" data-testid="email-card">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || settings.get().map(|r| match r {
                    Err(e) if is_signed_out(&e) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(s) => view! {
                        <h3><ChannelIcon channel=Channel::Email/>" Email "{status_chip(s.connected)}</h3>
                        <p class="settings-note">"Creators' emails are read from the inbox over IMAP (new mail arrives within seconds); replies go out over SMTP from this address and thread in the creator's mail app."</p>
                        {s.last_error.clone().map(|e| view! { <p class="settings-warn" role="status">"Last problem reading mail: "{e}</p> })}
                    }.into_any(),
                })}
            </Transition>
            <form class="settings-form" on:submit=move |ev| { ev.prevent_default(); connect.dispatch(()); }>
                <label><span>"Address"</span><input type="email" autocomplete="off" placeholder="partnerships@brand.com"
                    prop:value=move || address.get() on:input=move |ev| address.set(event_target_value(&ev))/></label>
                <label><span>"Sender name"</span><input type="text" placeholder="Brand Partnerships"
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/></label>
                <ServerInputs label="IMAP" f=imap/>
                <ServerInputs label="SMTP" f=smtp/>
                <label><span>{move || if xoauth2.get() { "OAuth access token" } else { "App password" }}</span>
                    <input type="password" autocomplete="new-password"
                        prop:value=move || secret.get() on:input=move |ev| secret.set(event_target_value(&ev))/></label>
                <label class="check"><input type="checkbox" prop:checked=move || xoauth2.get()
                    on:change=move |ev| xoauth2.set(event_target_checked(&ev))/><span>"Sign in with XOAUTH2 (Gmail, Microsoft 365)"</span></label>
                <div class="settings-actions">
                    {move || match (connect.value().get(), test.value().get()) {
                        (_, Some(Ok(m))) => Some(view! { <span class="form-ok" role="status">{m}</span> }.into_any()),
                        (_, Some(Err(e))) => Some(view! { <span class="form-error" role="alert">{e.to_string()}</span> }.into_any()),
                        (Some(Err(e)), None) => Some(view! { <span class="form-error" role="alert">{e.to_string()}</span> }.into_any()),
                        (Some(Ok(_)), None) => Some(view! { <span class="form-ok" role="status">"Saved."</span> }.into_any()),
                        (None, None) => None,
                    }}
                    <button type="button" class="btn" disabled=move || test.pending().get()
                        on:click=move |_| { test.dispatch(()); }>
                        {move || if test.pending().get() { "Testing…" } else { "Test connection" }}
                    </button>
                    <button type="submit" class="btn btn-primary" disabled=move || connect.pending().get()>"Connect email"</button>
                </div>
            </form>
        </section>
    }
}

/// Checks a saved connection with its provider and says how it went.
#[component]
fn TestButton(channel: Channel) -> impl IntoView {
    let test = Action::new(move |_: &()| test_channel(channel));
    view! {
        {move || match test.value().get() {
            Some(Ok(m)) => Some(view! { <span class="form-ok" role="status">{m}</span> }.into_any()),
            Some(Err(e)) => Some(view! { <span class="form-error" role="alert">{e.to_string()}</span> }.into_any()),
            None => None,
        }}
        <button type="button" class="btn" disabled=move || test.pending().get() on:click=move |_| { test.dispatch(()); }>
            {move || if test.pending().get() { "Testing…" } else { "Test connection" }}
        </button>
    }
}

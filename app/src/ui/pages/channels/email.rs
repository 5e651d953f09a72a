//! The email card: the workspace's mailboxes (IMAP in, SMTP out), each with a label, and one form
//! that adds a mailbox or changes the one being edited.

use super::{outcome, status_chip, AccountLine, AccountList, FormHead};
use crate::api::{connect_mailbox, load_mailbox_settings};
use crate::domain::email::{ServerSettings, TlsMode};
use crate::model::{AccountChoice, Channel};
use crate::ui::pages::login::is_signed_out;
use crate::ui::widgets::ChannelIcon;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// One mail server's fields in the email form.
#[derive(Clone, Copy)]
struct ServerFields {
    host: RwSignal<String>,
    port: RwSignal<String>,
    tls: RwSignal<TlsMode>,
    user: RwSignal<String>,
    default_port: u16,
    default_tls: TlsMode,
}

impl ServerFields {
    fn new(port: u16, tls: TlsMode) -> ServerFields {
        ServerFields {
            host: RwSignal::new(String::new()),
            port: RwSignal::new(port.to_string()),
            tls: RwSignal::new(tls),
            user: RwSignal::new(String::new()),
            default_port: port,
            default_tls: tls,
        }
    }
    fn fill(&self, s: &ServerSettings) {
        self.host.set(s.host.clone());
        self.port.set(s.port.to_string());
        self.tls.set(s.tls);
        self.user.set(s.user.clone());
    }
    fn clear(&self) {
        self.host.set(String::new());
        self.port.set(self.default_port.to_string());
        self.tls.set(self.default_tls);
        self.user.set(String::new());
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
pub(super) fn EmailCard() -> impl IntoView {
    let saved = RwSignal::new(0u32);
    let settings = Resource::new(move || saved.get(), |_| load_mailbox_settings());
    let editing = RwSignal::new(None::<String>);
    let label = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let xoauth2 = RwSignal::new(false);
    let imap = ServerFields::new(993, TlsMode::Tls);
    let smtp = ServerFields::new(587, TlsMode::Starttls);
    let reset = Callback::new(move |_| {
        editing.set(None);
        for f in [label, address, name, secret] {
            f.set(String::new());
        }
        xoauth2.set(false);
        imap.clear();
        smtp.clear();
    });
    let edit = Callback::new(move |id: String| {
        if let Some(Ok(s)) = settings.get_untracked() {
            if let Some(m) = s.mailboxes.iter().find(|m| m.id == id) {
                editing.set(Some(id));
                label.set(m.label.clone());
                address.set(m.address.clone());
                name.set(m.display_name.clone());
                xoauth2.set(m.xoauth2);
                imap.fill(&m.imap);
                smtp.fill(&m.smtp);
                secret.set(String::new());
            }
        }
    });
    let connect = Action::new(move |_: &()| {
        let addr = address.get_untracked();
        let (i, o) = (imap.read(&addr), smtp.read(&addr));
        let (id, l, n, sec, x) = (
            editing.get_untracked(),
            label.get_untracked(),
            name.get_untracked(),
            secret.get_untracked(),
            xoauth2.get_untracked(),
        );
        async move {
            connect_mailbox(
                AccountChoice {
                    connection_id: id,
                    label: l,
                },
                addr,
                n,
                i,
                o,
                sec,
                x,
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
    let changed = Callback::new(move |_| saved.update(|n| *n += 1));
    view! {
        <section class="settings-card" data-testid="email-card">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || settings.get().map(|r| match r {
                    Err(e) if is_signed_out(&e) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(s) => {
                        let lines = s.mailboxes.iter().map(|m| AccountLine {
                            channel: Channel::Email,
                            id: m.id.clone(),
                            label: m.label.clone(),
                            detail: format!("{} · IMAP {} · SMTP {}", m.address, m.imap.host, m.smtp.host),
                            is_default: m.is_default,
                            problem: m.last_error.clone().map(|e| format!("Last problem reading mail: {e}")),
                        }).collect::<Vec<_>>();
                        view! {
                            <h3><ChannelIcon channel=Channel::Email/>" Email "{status_chip(s.mailboxes.len())}</h3>
                            <p class="settings-note">"Creators' emails are read from each mailbox over IMAP (new mail arrives within seconds); replies go out over SMTP from the mailbox the creator wrote to and thread in their mail app."</p>
                            <AccountList lines on_edit=edit on_changed=changed/>
                        }.into_any()
                    }
                })}
            </Transition>
            <form class="settings-form" on:submit=move |ev| { ev.prevent_default(); connect.dispatch(()); }>
                <FormHead editing noun="mailbox" on_reset=reset/>
                <label><span>"Label"</span><input type="text" autocomplete="off" placeholder="Acme partnerships"
                    prop:value=move || label.get() on:input=move |ev| label.set(event_target_value(&ev))/></label>
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
                    {outcome(connect)}
                    <button type="submit" class="btn btn-primary" disabled=move || connect.pending().get()>
                        {move || if editing.get().is_some() { "Save mailbox" } else { "Connect email" }}
                    </button>
                </div>
            </form>
        </section>
    }
}

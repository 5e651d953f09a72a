//! Pages reached by a one-time link, without a session: accepting an invitation (`/join/:token`
//! — a name and a new password, or the existing account's password), asking for a reset link
//! (`/forgot`) and setting a new password with one (`/reset/:token`); and, where the server takes
//! sign-ups (`INBOX_SIGNUP=open`), creating a workspace (`/signup`).

use crate::api::{
    accept_invitation, load_invitation, request_password_reset, reset_password, sign_up,
};
use crate::model::InvitationInfo;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn token() -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.with(|p| p.get("token").unwrap_or_default())
}

#[component]
pub fn JoinPage() -> impl IntoView {
    let token = token();
    let info = Resource::new(token, load_invitation);
    view! {
        <Title text="Join a workspace · Creator Inbox"/>
        <main class="login-page">
            <div class="login-card">
                <div class="brand"><span class="brand-mark">"CI"</span>" Creator Inbox"</div>
                <Suspense fallback=|| view! { <p class="muted">"Opening your invitation…"</p> }>
                    {move || info.get().map(|r| match r {
                        Ok(i) => view! { <JoinForm info=i token=token()/> }.into_any(),
                        Err(e) => view! {
                            <h1>"This invitation cannot be used"</h1>
                            <p class="form-error" role="alert">{e.to_string()}</p>
                            <p><a href="/login">"Sign in"</a></p>
                        }.into_any(),
                    })}
                </Suspense>
            </div>
        </main>
    }
}

#[component]
fn JoinForm(info: InvitationInfo, token: String) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let accept = Action::new(move |(t, n, p): &(String, String, String)| {
        let (t, n, p) = (t.clone(), n.clone(), p.clone());
        async move { accept_invitation(t, n, p).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = accept.value().get() {
            // A full load: the inbox starts with the new session's cookie.
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_href("/");
            }
        }
    });
    let error = move || match accept.value().get() {
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    };
    let has_account = info.has_account;
    view! {
        <h1>{format!("Join {}", info.workspace_name)}</h1>
        <p class="muted">{format!("You were invited as {} ({}).", info.role.with_article(), info.email)}</p>
        <form class="login-form" on:submit=move |ev| {
            ev.prevent_default();
            accept.dispatch((token.clone(), name.get_untracked(), password.get_untracked()));
        }>
            {(!has_account).then(|| view! {
                <label>"Your name"
                    <input type="text" autocomplete="name" required maxlength="120" autofocus
                        on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
            })}
            <label>
                {if has_account { "The password of your account" } else { "Choose a password (10 characters or more)" }}
                <input type="password" required
                    autocomplete=if has_account { "current-password" } else { "new-password" }
                    on:input=move |ev| password.set(event_target_value(&ev))/>
            </label>
            {move || error().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <button type="submit" class="btn btn-primary btn-block" disabled=move || accept.pending().get()>
                {move || if accept.pending().get() { "Joining…" } else { "Join the workspace" }}
            </button>
        </form>
    }
}

#[component]
pub fn ResetPage() -> impl IntoView {
    let token = token();
    let password = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let mismatch = RwSignal::new(false);
    let reset = Action::new(move |(t, p): &(String, String)| {
        let (t, p) = (t.clone(), p.clone());
        async move { reset_password(t, p).await }
    });
    let error = move || match reset.value().get() {
        Some(Err(e)) => Some(e.to_string()),
        _ if mismatch.get() => Some("the two passwords differ".to_string()),
        _ => None,
    };
    view! {
        <Title text="Set a new password · Creator Inbox"/>
        <main class="login-page">
            <div class="login-card">
                <div class="brand"><span class="brand-mark">"CI"</span>" Creator Inbox"</div>
                <h1>"Set a new password"</h1>
                {move || if let Some(Ok(())) = reset.value().get() {
                    view! {
                        <p role="status">"Your password is set. You were signed out everywhere."</p>
                        <p><a class="btn btn-primary btn-block" href="/login">"Sign in"</a></p>
                    }.into_any()
                } else {
                    view! {
                        <form class="login-form" on:submit=move |ev| {
                            ev.prevent_default();
                            let (p, a) = (password.get_untracked(), again.get_untracked());
                            mismatch.set(p != a);
                            if p == a { reset.dispatch((token(), p)); }
                        }>
                            <label>"New password (10 characters or more)"
                                <input type="password" autocomplete="new-password" required autofocus
                                    on:input=move |ev| password.set(event_target_value(&ev))/>
                            </label>
                            <label>"The same again"
                                <input type="password" autocomplete="new-password" required
                                    on:input=move |ev| again.set(event_target_value(&ev))/>
                            </label>
                            {move || error().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                            <button type="submit" class="btn btn-primary btn-block" disabled=move || reset.pending().get()>"Set password"</button>
                        </form>
                    }.into_any()
                }}
            </div>
        </main>
    }
}

#[component]
pub fn ForgotPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let ask = Action::new(move |e: &String| {
        let e = e.clone();
        async move { request_password_reset(e).await }
    });
    view! {
        <Title text="Forgot your password · Creator Inbox"/>
        <main class="login-page">
            <div class="login-card">
                <div class="brand"><span class="brand-mark">"CI"</span>" Creator Inbox"</div>
                <h1>"Forgot your password?"</h1>
                {move || match ask.value().get() {
                    Some(Ok(())) => view! {
                        <p role="status">"If an account uses that address, a link to set a new password is on its way. It works once, for an hour."</p>
                        <p><a href="/login">"Back to sign in"</a></p>
                    }.into_any(),
                    other => view! {
                        <p class="muted">"Enter the address you sign in with; we email you a link to set a new password."</p>
                        <form class="login-form" on:submit=move |ev| { ev.prevent_default(); ask.dispatch(email.get_untracked()); }>
                            <label>"Email"
                                <input type="email" autocomplete="username" required autofocus
                                    on:input=move |ev| email.set(event_target_value(&ev))/>
                            </label>
                            {other.and_then(|r| r.err()).map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
                            <button type="submit" class="btn btn-primary btn-block" disabled=move || ask.pending().get()>"Email me a link"</button>
                        </form>
                        <p class="login-foot"><a href="/login">"Back to sign in"</a></p>
                    }.into_any(),
                }}
            </div>
        </main>
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let fields = RwSignal::new((String::new(), String::new(), String::new(), String::new()));
    let create = Action::new(move |(w, n, e, p): &(String, String, String, String)| {
        let (w, n, e, p) = (w.clone(), n.clone(), e.clone(), p.clone());
        async move { sign_up(w, n, e, p).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_href("/");
            }
        }
    });
    let error = move || match create.value().get() {
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    };
    view! {
        <Title text="Create a workspace · Creator Inbox"/>
        <main class="login-page">
            <div class="login-card">
                <div class="brand"><span class="brand-mark">"CI"</span>" Creator Inbox"</div>
                <h1>"Create your team's workspace"</h1>
                <form class="login-form" on:submit=move |ev| { ev.prevent_default(); create.dispatch(fields.get_untracked()); }>
                    <label>"Workspace (your agency or brand)"
                        <input type="text" required maxlength="120" autofocus on:input=move |ev| fields.update(|f| f.0 = event_target_value(&ev))/>
                    </label>
                    <label>"Your name"
                        <input type="text" autocomplete="name" required maxlength="120" on:input=move |ev| fields.update(|f| f.1 = event_target_value(&ev))/>
                    </label>
                    <label>"Email"
                        <input type="email" autocomplete="username" required on:input=move |ev| fields.update(|f| f.2 = event_target_value(&ev))/>
                    </label>
                    <label>"Password (10 characters or more)"
                        <input type="password" autocomplete="new-password" required on:input=move |ev| fields.update(|f| f.3 = event_target_value(&ev))/>
                    </label>
                    {move || error().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                    <button type="submit" class="btn btn-primary btn-block" disabled=move || create.pending().get()>"Create workspace"</button>
                </form>
                <p class="login-foot"><a href="/login">"I have an account: sign in"</a></p>
            </div>
        </main>
    }
}

//! Your account: change your password (your other sessions end) and see where you are signed
//! in, signing out any other session or all of them.

use crate::api::{change_password, end_sessions, my_sessions};
use crate::domain::time_fmt::short_date;
use crate::model::SessionView;
use crate::ui::pages::login::is_signed_out;
use crate::ui::widgets::SaveNote;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};

#[component]
pub fn AccountPane() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let sessions = Resource::new(move || reload.get(), |_| my_sessions());
    view! {
        <Title text="Your account"/>
        <div class="settings-pane account-pane">
            <header class="settings-head">
                <A href="/" attr:class="back-link" attr:aria-label="Back to inbox">"‹ Inbox"</A>
                <h2>"Your account"</h2>
            </header>
            <PasswordForm reload/>
            <section class="settings-card" aria-label="Sessions">
                <h3>"Where you are signed in"</h3>
                <p class="muted">"A session ends after 14 days without use."</p>
                <Transition fallback=|| view! { <p class="list-loading">"Loading…"</p> }>
                    {move || sessions.get().map(|r| match r {
                        Err(e) if is_signed_out(&e) => view! { <Redirect path="/login"/> }.into_any(),
                        Err(e) => view! { <p class="list-error" role="alert">{e.to_string()}</p> }.into_any(),
                        Ok(list) => view! { <Sessions list reload/> }.into_any(),
                    })}
                </Transition>
            </section>
        </div>
    }
}

#[component]
fn PasswordForm(reload: RwSignal<u32>) -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let note = RwSignal::new(None::<Result<String, String>>);
    let change = Action::new(move |(c, n): &(String, String)| {
        let (c, n) = (c.clone(), n.clone());
        async move { change_password(c, n).await }
    });
    Effect::new(move |_| match change.value().get() {
        Some(Ok(())) => {
            note.set(Some(Ok(
                "Password changed; your other sessions ended".into()
            )));
            current.set(String::new());
            new.set(String::new());
            reload.update(|n| *n += 1);
        }
        Some(Err(e)) => note.set(Some(Err(e.to_string()))),
        None => {}
    });
    view! {
        <section class="settings-card" aria-label="Password">
            <h3>"Password"</h3>
            <form class="stack-form" on:submit=move |ev| { ev.prevent_default(); change.dispatch((current.get_untracked(), new.get_untracked())); }>
                <label>"Current password"
                    <input type="password" autocomplete="current-password" required prop:value=current
                        on:input=move |ev| current.set(event_target_value(&ev))/>
                </label>
                <label>"New password (10 characters or more)"
                    <input type="password" autocomplete="new-password" required prop:value=new
                        on:input=move |ev| new.set(event_target_value(&ev))/>
                </label>
                <div><button class="btn btn-primary" type="submit" disabled=move || change.pending().get()>"Change password"</button> <SaveNote note/></div>
            </form>
        </section>
    }
}

#[component]
fn Sessions(list: Vec<SessionView>, reload: RwSignal<u32>) -> impl IntoView {
    let note = RwSignal::new(None::<Result<String, String>>);
    let end = Action::new(move |id: &Option<String>| {
        let id = id.clone();
        async move { end_sessions(id).await }
    });
    Effect::new(move |_| match end.value().get() {
        Some(Ok(n)) => {
            note.set(Some(Ok(format!(
                "{n} session{} signed out",
                if n == 1 { "" } else { "s" }
            ))));
            reload.update(|n| *n += 1);
        }
        Some(Err(e)) => note.set(Some(Err(e.to_string()))),
        None => {}
    });
    let others = list.iter().filter(|s| !s.current).count();
    view! {
        <ul class="session-list">
            {list.into_iter().map(|s| {
                let id = s.id.clone();
                view! {
                    <li>
                        <strong>{s.device.clone()}</strong>
                        <span class="muted">{format!(" · {} · signed in {} · last used {}", s.workspace_name, short_date(s.created_at), short_date(s.last_seen_at))}</span>
                        {if s.current {
                            view! { " "<span class="chip chip-ok">"This browser"</span> }.into_any()
                        } else {
                            view! { " "<button class="link-btn" type="button" on:click=move |_| { end.dispatch(Some(id.clone())); }>"Sign out"</button> }.into_any()
                        }}
                    </li>
                }
            }).collect_view()}
        </ul>
        {(others > 0).then(|| view! {
            <button class="btn" type="button" on:click=move |_| { end.dispatch(None); }>"Sign out all other sessions"</button>
        })}
        <SaveNote note/>
    }
}

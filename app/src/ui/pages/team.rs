//! The Team page: who is on the team, in which role, active or not (with the open threads a
//! deactivated member still holds), invitations with their state, and — for owners — inviting,
//! changing roles, deactivating, reactivating and issuing password reset links. Managers read.

use crate::api::{
    invite_member, issue_reset_link, load_team, revoke_invitation, set_member_active,
    set_member_role, AppError,
};
use crate::domain::time_fmt::short_date;
use crate::model::{InvitationState, InvitationView, MemberView, OneTimeLink, Role, TeamView};
use crate::ui::pages::login::is_signed_out;
use crate::ui::widgets::{CopyField, SaveNote};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};

const ROLES: [Role; 4] = [Role::Owner, Role::Manager, Role::Member, Role::Viewer];

fn role_label(r: Role) -> &'static str {
    match r {
        Role::Owner => "Owner",
        Role::Manager => "Manager",
        Role::Member => "Member",
        Role::Viewer => "Viewer",
    }
}

#[component]
pub fn TeamPane() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let team = Resource::new(move || reload.get(), |_| load_team());
    // The newest invitation link outlives the reload its creation causes.
    let link = RwSignal::new(None::<OneTimeLink>);
    view! {
        <Title text="Team"/>
        <div class="settings-pane team-pane">
            <header class="settings-head">
                <A href="/" attr:class="back-link" attr:aria-label="Back to inbox">"‹ Inbox"</A>
                <h2>"Team"</h2>
                <p>"Who works in this workspace and what each person may do. Owners invite and change; managers read."</p>
            </header>
            <Transition fallback=|| view! { <p class="list-loading">"Loading the team…"</p> }>
                {move || team.get().map(|r| match r {
                    Err(e) if is_signed_out(&e) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e) => view! { <p class="list-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(t) => view! { <Team team=t reload link/> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Team(
    team: TeamView,
    reload: RwSignal<u32>,
    link: RwSignal<Option<OneTimeLink>>,
) -> impl IntoView {
    let can_manage = team.can_manage;
    let pending: Vec<InvitationView> = team
        .invitations
        .iter()
        .filter(|i| i.state == InvitationState::Pending)
        .cloned()
        .collect();
    let past: Vec<InvitationView> = team
        .invitations
        .iter()
        .filter(|i| i.state != InvitationState::Pending)
        .cloned()
        .collect();
    view! {
        {can_manage.then(|| view! { <InviteForm reload link/> })}
        <section class="settings-card" aria-label="Members">
            <h3>{format!("Members ({})", team.members.len())}</h3>
            <table class="team-table">
                <thead><tr><th>"Name"</th><th>"Role"</th><th>"Status"</th><th>"Joined"</th>{can_manage.then(|| view! { <th><span class="sr-only">"Actions"</span></th> })}</tr></thead>
                <tbody>
                    {team.members.into_iter().map(|m| view! { <MemberRow m can_manage reload/> }).collect_view()}
                </tbody>
            </table>
        </section>
        <section class="settings-card" aria-label="Invitations">
            <h3>"Invitations"</h3>
            {if pending.is_empty() && past.is_empty() {
                view! { <p class="muted">"No invitations in the last 30 days."</p> }.into_any()
            } else {
                view! {
                    <ul class="invitation-list">
                        {pending.into_iter().chain(past).map(|i| view! { <InvitationLine i can_manage reload/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn InviteForm(reload: RwSignal<u32>, link: RwSignal<Option<OneTimeLink>>) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Member);
    let note = RwSignal::new(None::<Result<String, String>>);
    let invite = Action::new(move |(e, r): &(String, Role)| {
        let (e, r) = (e.clone(), *r);
        async move { invite_member(e, r).await }
    });
    Effect::new(move |_| match invite.value().get() {
        Some(Ok(l)) => {
            note.set(Some(Ok(format!(
                "Invitation for {} created",
                email.get_untracked()
            ))));
            link.set(Some(l));
            email.set(String::new());
            reload.update(|n| *n += 1);
        }
        Some(Err(e)) => note.set(Some(Err(e.to_string()))),
        None => {}
    });
    view! {
        <section class="settings-card" aria-label="Invite">
            <h3>"Invite someone"</h3>
            <form class="row-form" on:submit=move |ev| { ev.prevent_default(); invite.dispatch((email.get_untracked(), role.get_untracked())); }>
                <input type="email" placeholder="name@agency.com" aria-label="Email address" required maxlength="254"
                    prop:value=email on:input=move |ev| email.set(event_target_value(&ev))/>
                <select aria-label="Role" on:change=move |ev| if let Some(r) = Role::parse(&event_target_value(&ev)) { role.set(r) }>
                    {ROLES.into_iter().map(|r| view! { <option value=r.as_str() selected=r == Role::Member>{role_label(r)}</option> }).collect_view()}
                </select>
                <button class="btn btn-primary" type="submit" disabled=move || invite.pending().get()>"Create invitation"</button>
                <SaveNote note/>
            </form>
            {move || link.get().map(|l| view! { <LinkToCopy link=l what="Send this link to them: it works once, for 7 days."/> })}
        </section>
    }
}

/// A one-time link shown once, to copy — and whether it was emailed.
#[component]
pub fn LinkToCopy(link: OneTimeLink, what: &'static str) -> impl IntoView {
    view! {
        <div class="link-to-copy">
            {link.sent_to.clone().map(|to| view! { <p class="save-note" role="status">{format!("Emailed to {to}.")}</p> })}
            {link.send_error.clone().map(|why| view! { <p class="form-error" role="alert">{format!("Not emailed: {why}. Copy the link and send it yourself.")}</p> })}
            <CopyField label="Link" value=link.url.clone()/>
            <p class="muted">{what}" Expires "{short_date(link.expires_at)}"."</p>
        </div>
    }
}

#[component]
fn MemberRow(m: MemberView, can_manage: bool, reload: RwSignal<u32>) -> impl IntoView {
    let note = RwSignal::new(None::<Result<String, String>>);
    let reset = RwSignal::new(None::<OneTimeLink>);
    let id = m.user_id.clone();
    let change_role = Action::new(move |(id, r): &(String, Role)| {
        let (id, r) = (id.clone(), *r);
        async move { set_member_role(id, r).await }
    });
    let change_active = Action::new(move |(id, a): &(String, bool)| {
        let (id, a) = (id.clone(), *a);
        async move { set_member_active(id, a).await }
    });
    let issue = Action::new(move |id: &String| {
        let id = id.clone();
        async move { issue_reset_link(id).await }
    });
    let settled = move |r: Option<Result<(), AppError>>| match r {
        Some(Ok(())) => reload.update(|n| *n += 1),
        Some(Err(e)) => note.set(Some(Err(e.to_string()))),
        None => {}
    };
    Effect::new(move |_| settled(change_role.value().get()));
    Effect::new(move |_| settled(change_active.value().get()));
    Effect::new(move |_| match issue.value().get() {
        Some(Ok(l)) => reset.set(Some(l)),
        Some(Err(e)) => note.set(Some(Err(e.to_string()))),
        None => {}
    });
    let (active, role) = (m.active, m.role);
    let (id_role, id_active, id_reset) = (id.clone(), id.clone(), id);
    view! {
        <tr class:inactive=!active>
            <td><strong>{m.name.clone()}</strong><div class="muted">{m.email.clone()}</div></td>
            <td>
                {if can_manage {
                    view! {
                        <select aria-label=format!("Role of {}", m.name) on:change=move |ev| {
                            if let Some(r) = Role::parse(&event_target_value(&ev)) { change_role.dispatch((id_role.clone(), r)); }
                        }>
                            {ROLES.into_iter().map(|r| view! { <option value=r.as_str() selected=r == role>{role_label(r)}</option> }).collect_view()}
                        </select>
                    }.into_any()
                } else {
                    view! { <span>{role_label(role)}</span> }.into_any()
                }}
            </td>
            <td>
                {if active { view! { <span class="chip chip-ok">"Active"</span> }.into_any() }
                 else { view! { <span class="chip">"Deactivated"</span> }.into_any() }}
                {(!active && m.assigned_threads > 0).then(|| view! {
                    <div class="form-error">{format!("{} open thread{} still assigned", m.assigned_threads, if m.assigned_threads == 1 { "" } else { "s" })}</div>
                })}
            </td>
            <td class="muted">{short_date(m.joined_at)}</td>
            {can_manage.then(|| view! {
                <td class="member-actions">
                    <button class="link-btn" type="button" on:click=move |_| { change_active.dispatch((id_active.clone(), !active)); }>
                        {if active { "Deactivate" } else { "Reactivate" }}
                    </button>
                    <button class="link-btn" type="button" on:click=move |_| { issue.dispatch(id_reset.clone()); }>"Reset link"</button>
                    <SaveNote note/>
                    {move || reset.get().map(|l| view! { <LinkToCopy link=l what="A password reset link: it works once, for an hour."/> })}
                </td>
            })}
        </tr>
    }
}

#[component]
fn InvitationLine(i: InvitationView, can_manage: bool, reload: RwSignal<u32>) -> impl IntoView {
    let note = RwSignal::new(None::<Result<String, String>>);
    let revoke = Action::new(move |id: &String| {
        let id = id.clone();
        async move { revoke_invitation(id).await }
    });
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(())) => reload.update(|n| *n += 1),
        Some(Err(e)) => note.set(Some(Err(e.to_string()))),
        None => {}
    });
    let pending = i.state == InvitationState::Pending;
    let id = i.id.clone();
    view! {
        <li class="invitation-line">
            <strong>{i.email.clone()}</strong>
            <span class="muted">{format!(" · {} · invited by {} on {}", role_label(i.role), i.invited_by, short_date(i.created_at))}</span>
            " "<span class="chip" class:chip-ok=pending>{i.state.label()}</span>
            {pending.then(|| view! { <span class="muted">{format!(" until {}", short_date(i.expires_at))}</span> })}
            {(can_manage && pending).then(|| view! {
                <button class="link-btn" type="button" on:click=move |_| { revoke.dispatch(id.clone()); }>"Revoke"</button>
            })}
            <SaveNote note/>
        </li>
    }
}

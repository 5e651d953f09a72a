//! The context beside a thread: creator, campaign, enrollment (editable), other campaigns.

use crate::api::{
    create_portal_link, load_creator_options, merge_creators, revoke_portal_link, set_assignee,
    set_stage, undo_merge,
};
use crate::domain::shortcuts::{key_of, Shortcut};
use crate::domain::{stage::next_stages, time_fmt};
use crate::model::{DeclineReason, MergeInfo, PortalLinkInfo, Stage, ThreadDetail};
use crate::ui::pages::audit::ThreadHistory;
use crate::ui::pages::inbox::use_inbox;
use crate::ui::pages::thread::campaign_context::{CampaignContext, EnrollmentTermsEditor};
use crate::ui::widgets::shortcuts::with_key;
use crate::ui::widgets::{Avatar, ChannelIcon, StageChip};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn ContextPanel(
    d: ThreadDetail,
    /// Closes the panel where it opens over the thread (a phone's sheet).
    on_close: Callback<()>,
) -> impl IntoView {
    let ctx = use_inbox();
    let ThreadDetail {
        summary,
        creator,
        campaign,
        enrollment,
        other_campaigns,
        teammates,
        portal,
        merges,
        messages,
        ..
    } = d;
    let other = other_campaigns.clone();
    let (profile_href, profile_name) = (format!("/creators/{}", creator.id), creator.name.clone());
    view! {
        <aside class="context-panel" aria-label="Context">
            <button type="button" class="btn btn-ghost panel-close" on:click=move |_| on_close.run(())>"Close"</button>
            <section class="ctx-section">
                <div class="ctx-creator">
                    <Avatar name=creator.name.clone() url=creator.avatar.clone()/>
                    <div>
                        <p class="ctx-name"><A href=profile_href attr:class="profile-link">{profile_name}</A></p>
                        <p class="handle">{creator.handle.clone()}</p>
                    </div>
                </div>
                <ul class="identities">
                    {creator.identities.iter().map(|i| view! {
                        <li>
                            <ChannelIcon channel=i.channel/>
                            <span class="address">{i.address.clone()}</span>
                            <span class=format!("consent consent-{:?}", i.consent).to_lowercase()>{i.consent.label()}</span>
                        </li>
                    }).collect_view()}
                </ul>
                {(!creator.notes.is_empty()).then(|| view! { <p class="ctx-notes">{creator.notes.clone()}</p> })}
                <MergeControls creator_id=creator.id.clone() creator_name=creator.name.clone() merges/>
            </section>
            <section class="ctx-section ctx-enrollment">
                <h3>"Enrollment"</h3>
                <EnrollmentEditor thread_id=summary.id.clone() stage=enrollment.stage decline_reason=enrollment.decline_reason
                    assignee=enrollment.assignee_id.clone() assignee_name=summary.assignee_name.clone() teammates=teammates.clone()/>
                <EnrollmentTermsEditor thread_id=summary.id.clone() enrollment=enrollment.clone()/>
            </section>
            <PortalSection thread_id=summary.id.clone() active=portal/>
            <CampaignContext campaign messages/>
            <Show when=move || !other.is_empty()>
                <section class="ctx-section">
                    <h3>"Other campaigns"</h3>
                    <ul class="other-campaigns">
                        {other_campaigns.clone().into_iter().map(|o| {
                            let href = format!("/t/{}{}", o.thread_id, ctx.filter.get_untracked().to_query_string());
                            view! { <li><A href=href>{o.campaign_name}</A>" "<StageChip stage=o.stage/></li> }
                        }).collect_view()}
                    </ul>
                </section>
            </Show>
            <ThreadHistory thread_id=summary.id.clone()/>
        </aside>
    }
}

#[component]
fn EnrollmentEditor(
    thread_id: String,
    stage: Stage,
    decline_reason: Option<DeclineReason>,
    assignee: Option<String>,
    /// Shown when the assignee is no longer an active teammate (deactivated): still assigned.
    assignee_name: Option<String>,
    teammates: Vec<crate::model::NamedRef>,
) -> impl IntoView {
    let ctx = use_inbox();
    let can_write = ctx.session.with_value(|s| s.role.can_write());
    let error = RwSignal::new(None::<String>);
    let declining = RwSignal::new(false);
    let after_write = move |r: Result<crate::model::EnrollmentView, crate::api::AppError>| match r {
        Ok(_) => {
            error.set(None);
            declining.set(false);
            ctx.refresh.update(|n| *n += 1);
        }
        Err(e) => error.set(Some(e.to_string())),
    };
    let on_stage = {
        let thread_id = thread_id.clone();
        move |ev| {
            let v = event_target_value(&ev);
            if v == Stage::Declined.as_str() {
                declining.set(true);
                return;
            }
            let Some(to) = Stage::parse(&v) else { return };
            let id = thread_id.clone();
            leptos::task::spawn_local(async move { after_write(set_stage(id, to, None).await) });
        }
    };
    let on_reason = {
        let thread_id = thread_id.clone();
        move |ev| {
            let Some(reason) = DeclineReason::parse(&event_target_value(&ev)) else {
                return;
            };
            let id = thread_id.clone();
            leptos::task::spawn_local(async move {
                after_write(set_stage(id, Stage::Declined, Some(reason)).await)
            });
        }
    };
    let assign = {
        let thread_id = thread_id.clone();
        move |to: Option<String>| {
            let id = thread_id.clone();
            leptos::task::spawn_local(async move { after_write(set_assignee(id, to).await) });
        }
    };
    let on_assignee = {
        let assign = assign.clone();
        move |ev| {
            let v = event_target_value(&ev);
            assign((!v.is_empty()).then_some(v));
        }
    };
    let me = ctx.session.with_value(|s| s.user_id.clone());
    let assigned_to_me = assignee.as_deref() == Some(me.as_str());
    let choices = next_stages(stage);
    let locked = !can_write || choices.is_empty();
    view! {
        <label class="ctx-field">
            <span class="ctx-label">"Stage"</span>
            <select name="stage" on:change=on_stage disabled=locked data-shortcut="stage"
                title=with_key("Move to another stage", Shortcut::MoveStage) aria-keyshortcuts=key_of(Shortcut::MoveStage)>
                <option value=stage.as_str() selected=true>{stage.label()}</option>
                {choices.into_iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
            </select>
        </label>
        {decline_reason.map(|r| view! { <p class="ctx-row"><span class="ctx-label">"Declined for"</span>{r.label()}</p> })}
        <Show when=move || declining.get()>
            <label class="ctx-field">
                <span class="ctx-label">"Decline reason"</span>
                <select name="decline_reason" on:change=on_reason.clone()>
                    <option value="">"Choose a reason…"</option>
                    {DeclineReason::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                </select>
            </label>
        </Show>
        <label class="ctx-field">
            <span class="ctx-label">"Assignee"</span>
            <select name="assignee" on:change=on_assignee disabled=!can_write>
                <option value="" selected=assignee.is_none()>"Unassigned"</option>
                {assignee.clone().filter(|a| !teammates.iter().any(|t| &t.id == a)).map(|a| view! {
                    <option value=a selected=true>{format!("{} (deactivated)", assignee_name.clone().unwrap_or_default())}</option>
                })}
                {teammates.into_iter().map(|t| {
                    let selected = assignee.as_deref() == Some(t.id.as_str());
                    view! { <option value=t.id selected=selected>{t.name}</option> }
                }).collect_view()}
            </select>
            {(can_write && !assigned_to_me).then(|| view! {
                <button type="button" class="btn btn-small btn-ghost" data-shortcut="assign-me"
                    title=with_key("Assign to me", Shortcut::AssignToMe) aria-keyshortcuts=key_of(Shortcut::AssignToMe)
                    on:click=move |_| assign(Some(me.clone()))>"Assign to me"</button>
            })}
        </label>
        {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
    }
}

/// The creator's portal link: create (shown once, to copy and send), replace, revoke.
#[component]
fn PortalSection(thread_id: String, active: Option<PortalLinkInfo>) -> impl IntoView {
    let ctx = use_inbox();
    let can_write = ctx.session.with_value(|s| s.role.can_write());
    let active = RwSignal::new(active);
    let created = RwSignal::new(None::<String>);
    let create = Action::new(move |id: &String| create_portal_link(id.clone()));
    let revoke = Action::new(move |id: &String| revoke_portal_link(id.clone()));
    Effect::new(move |_| {
        if let Some(Ok(link)) = create.value().get() {
            created.set(Some(link.url.clone()));
            active.set(Some(PortalLinkInfo {
                created_at: 0,
                expires_at: link.expires_at,
            }));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = revoke.value().get() {
            created.set(None);
            active.set(None);
        }
    });
    let (id_create, id_revoke) = (thread_id.clone(), thread_id);
    view! {
        <section class="ctx-section" data-testid="portal-section">
            <h3>"Creator portal"</h3>
            {move || match active.get() {
                Some(a) => view! { <p class="ctx-meta">"Link active until "{time_fmt::short_date(a.expires_at)}</p> }.into_any(),
                None => view! { <p class="ctx-meta">"No active link. The creator sees the brief and this conversation there, and replies from any phone."</p> }.into_any(),
            }}
            {move || created.get().map(|url| view! {
                <label class="portal-url">
                    <span>"Send this link to the creator (shown once)"</span>
                    <input type="text" readonly=true value=url data-testid="portal-url"/>
                </label>
            })}
            {can_write.then(|| view! {
                <div class="ctx-actions">
                    <button type="button" class="btn btn-small" disabled=move || create.pending().get()
                        on:click={ let id = id_create.clone(); move |_| { create.dispatch(id.clone()); } }>
                        {move || if active.get().is_some() { "Replace link" } else { "Create link" }}
                    </button>
                    {move || active.get().is_some().then(|| {
                        let id = id_revoke.clone();
                        view! {
                            <button type="button" class="btn btn-small btn-ghost" disabled=move || revoke.pending().get()
                                on:click=move |_| { revoke.dispatch(id.clone()); }>"Revoke"</button>
                        }
                    })}
                </div>
            })}
            {move || match (create.value().get(), revoke.value().get()) {
                (Some(Err(e)), _) | (_, Some(Err(e))) => Some(view! { <p class="form-error" role="alert">{e.to_string()}</p> }),
                _ => None,
            }}
        </section>
    }
}

/// Duplicates: merge another creator record of the same person into this one; undo a merge.
#[component]
fn MergeControls(
    creator_id: String,
    creator_name: String,
    merges: Vec<MergeInfo>,
) -> impl IntoView {
    let ctx = use_inbox();
    if !ctx.session.with_value(|s| s.role.can_write()) {
        return ().into_any();
    }
    let open = RwSignal::new(false);
    let chosen = RwSignal::new(String::new());
    let options = Resource::new(
        move || open.get(),
        |o| async move {
            if o {
                load_creator_options().await.ok()
            } else {
                None
            }
        },
    );
    let merge = Action::new(move |(keep, dup): &(String, String)| {
        let (keep, dup) = (keep.clone(), dup.clone());
        async move { merge_creators(keep, dup).await }
    });
    let undo = Action::new(move |id: &String| undo_merge(id.clone()));
    Effect::new(move |_| {
        if matches!(merge.value().get(), Some(Ok(_))) || matches!(undo.value().get(), Some(Ok(())))
        {
            open.set(false);
            ctx.refresh.update(|n| *n += 1);
        }
    });
    let keep = creator_id.clone();
    view! {
        <div class="ctx-merge">
            {merges.into_iter().map(|m| {
                let id = m.id.clone();
                view! {
                    <p class="ctx-meta merged-row">
                        {format!("Merged {} into this record, {}", m.duplicate_name, time_fmt::short_date(m.at))}
                        <button type="button" class="link-button" disabled=move || undo.pending().get()
                            on:click=move |_| { undo.dispatch(id.clone()); }>"Undo"</button>
                    </p>
                }
            }).collect_view()}
            {move || (!open.get()).then(|| view! {
                <button type="button" class="link-button" on:click=move |_| open.set(true)>"Merge a duplicate record…"</button>
            })}
            {move || open.get().then(|| {
                let keep = keep.clone();
                let me = creator_id.clone();
                view! {
                    <div class="merge-form">
                        <select aria-label="Duplicate creator" on:change=move |ev| chosen.set(event_target_value(&ev))>
                            <option value="" selected=true>"Choose the duplicate…"</option>
                            {move || options.get().flatten().unwrap_or_default().into_iter()
                                .filter(|o| o.id != me)
                                .map(|o| view! { <option value=o.id>{o.name}</option> }).collect_view()}
                        </select>
                        <button type="button" class="btn btn-small" disabled=move || chosen.get().is_empty() || merge.pending().get()
                            on:click=move |_| { merge.dispatch((keep.clone(), chosen.get_untracked())); }>
                            {format!("Merge into {creator_name}")}
                        </button>
                        <button type="button" class="btn btn-small btn-ghost" on:click=move |_| open.set(false)>"Cancel"</button>
                    </div>
                }
            })}
            {move || match (merge.value().get(), undo.value().get()) {
                (Some(Err(e)), _) | (_, Some(Err(e))) => Some(view! { <p class="form-error" role="alert">{e.to_string()}</p> }),
                _ => None,
            }}
        </div>
    }
    .into_any()
}

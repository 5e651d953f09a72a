//! The Policies page: per campaign, what may be sent automatically (intent → approved wording),
//! what needs approval and by whom, quiet hours, the daily cap, the channels automation may use
//! and whether suggested stage moves apply by themselves; and the approved-language library the
//! replies are written from. Owners and managers edit; everyone else reads.

pub mod followup_rules;
pub mod reply_timer;
mod review_rules;

use crate::api::{load_policy_settings, save_language, set_campaign_policy};
use crate::domain::classify::Intent;
use crate::domain::language::{Snippet, MERGE_FIELDS};
use crate::domain::policy::{AutoRule, ResponsePolicy};
use crate::model::{Channel, PolicySettings, Role};
use crate::ui::pages::login::is_signed_out;
use crate::ui::pages::policies::followup_rules::FollowupRules;
use crate::ui::pages::policies::reply_timer::ReplyTimer;
use crate::ui::pages::policies::review_rules::ReviewRules;
use crate::ui::widgets::SaveNote;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};

const AUTOMATION_CHANNELS: [Channel; 4] =
    [Channel::Email, Channel::Sms, Channel::InApp, Channel::Api];
pub(super) const ROLES: [Role; 3] = [Role::Owner, Role::Manager, Role::Member];

#[component]
pub fn PoliciesPane() -> impl IntoView {
    let settings = LocalResource::new(load_policy_settings);
    let current = RwSignal::new(None::<PolicySettings>);
    let signed_out = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| match settings.get() {
        Some(Ok(s)) => current.set(Some(s)),
        Some(Err(e)) if is_signed_out(&e) => signed_out.set(true),
        Some(Err(e)) => error.set(Some(e.to_string())),
        None => {}
    });
    // `?campaign=<id>` (from a campaign's page) opens that campaign's policy.
    let asked = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("campaign").unwrap_or_default());
    let chosen = RwSignal::new(asked);
    // What was saved last (the editors re-render with the saved settings).
    let flash = RwSignal::new(None::<String>);
    provide_context(Flash(flash));
    view! {
        <Title text="Response policies"/>
        {move || signed_out.get().then(|| view! { <Redirect path="/login"/> })}
        <div class="approvals-pane policies-pane">
            <header class="unmatched-head">
                <A href="/" attr:class="back-link" attr:aria-label="Back to inbox">"‹ Inbox"</A>
                <h2>"Response policies"</h2>
                <p>"What each campaign may answer by itself and what waits for a person. Automatic replies use only the approved language below; anything about money, rights, exclusivity, legal or a complaint always waits for approval."</p>
            </header>
            {move || error.get().map(|e| view! { <p class="list-error" role="alert">{e}</p> })}
            {move || flash.get().map(|m| view! { <p class="bulk-note" role="status">{m}</p> })}
            {move || current.get().map(|s| {
                if !s.campaigns.iter().any(|c| c.campaign_id == chosen.get_untracked()) {
                    if let Some(c) = s.campaigns.first() { chosen.set(c.campaign_id.clone()); }
                }
                let can_edit = s.can_edit;
                let templates: Vec<(String, String)> = s.library.iter().map(|x| (x.key.clone(), x.title.clone())).collect();
                let names: Vec<(String, String)> = s.campaigns.iter().map(|c| (c.campaign_id.clone(), c.name.clone())).collect();
                view! {
                    <div class="policy-campaigns" role="tablist" aria-label="Campaigns">
                        {s.campaigns.iter().map(|c| {
                            let id = c.campaign_id.clone();
                            let id2 = id.clone();
                            view! {
                                <button type="button" role="tab" class="policy-tab"
                                    aria-selected=move || (chosen.get() == id).to_string()
                                    on:click=move |_| chosen.set(id2.clone())>
                                    {c.name.clone()}<span class="policy-kind">{c.kind.clone()}{if c.customized { " · custom" } else { " · defaults" }}</span>
                                </button>
                            }
                        }).collect_view()}
                    </div>
                    {move || {
                        let id = chosen.get();
                        s.campaigns.iter().find(|c| c.campaign_id == id).cloned().map(|c| view! {
                            <PolicyEditor campaign_id=c.campaign_id.clone() policy=c.policy.clone() customized=c.customized
                                can_edit templates=templates.clone() saved=current/>
                            <FollowupRules campaign_id=c.campaign_id.clone() rules=c.followups.clone()
                                customized=c.followups_customized can_edit templates=templates.clone() saved=current/>
                        })
                    }}
                    <ReplyTimer escalate_after_hours=s.escalate_after_hours business_hours=s.business_hours.clone() time_zones=s.time_zones.clone() can_edit saved=current/>
                    <Library library=s.library.clone() campaigns=names can_edit saved=current/>
                }
            })}
        </div>
    }
}

#[derive(Clone, Copy)]
pub(super) struct Flash(pub RwSignal<Option<String>>);

/// What every editor on this page does when its save answers: on success the page's
/// confirmation (`saved_message`) and the settings as saved (the page re-renders with them); on
/// failure the editor's own error note.
pub(super) fn on_saved<I: Send + Sync + 'static>(
    save: Action<I, Result<PolicySettings, crate::api::AppError>>,
    saved_message: &'static str,
    saved: RwSignal<Option<PolicySettings>>,
    note: RwSignal<Option<Result<String, String>>>,
) {
    let flash = expect_context::<Flash>().0;
    Effect::new(move |_| match save.value().get() {
        Some(Ok(s)) => {
            flash.set(Some(saved_message.into()));
            saved.set(Some(s));
        }
        Some(Err(e)) => note.set(Some(Err(e.to_string()))),
        None => {}
    });
}

#[component]
fn PolicyEditor(
    campaign_id: String,
    policy: ResponsePolicy,
    customized: bool,
    can_edit: bool,
    templates: Vec<(String, String)>,
    saved: RwSignal<Option<PolicySettings>>,
) -> impl IntoView {
    let p = RwSignal::new(policy);
    let note = RwSignal::new(None::<Result<String, String>>);
    let save = Action::new(move |(id, pol): &(String, Option<ResponsePolicy>)| {
        let (id, pol) = (id.clone(), pol.clone());
        async move { set_campaign_policy(id, pol).await }
    });
    on_saved(
        save,
        "Policy saved: it applies to the next creator message.",
        saved,
        note,
    );
    let flash = expect_context::<Flash>().0;
    let templates = StoredValue::new(templates);
    let id_save = campaign_id.clone();
    let id_reset = campaign_id.clone();
    let disabled = !can_edit;
    view! {
        <section class="policy-editor" aria-label="Policy">
            <AutoSendRules p can_edit templates/>
            <ReviewRules p can_edit/>
            <h3>"Bulk messages"</h3>
            <div class="policy-limits">
                <label class="policy-field">"A bulk message to this campaign's creators needs one approval by"
                    <select aria-label="Bulk approval" disabled=disabled
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            p.update(|p| p.bulk_approval = match v.as_str() { "owner" => Some(Role::Owner), "manager" => Some(Role::Manager), _ => None });
                        }>
                        <option value="" selected=move || p.get().bulk_approval.is_none()>"nobody (the sender decides)"</option>
                        <option value="manager" selected=move || p.get().bulk_approval == Some(Role::Manager)>"a manager or owner"</option>
                        <option value="owner" selected=move || p.get().bulk_approval == Some(Role::Owner)>"an owner"</option>
                    </select>
                </label>
                <span class="policy-help">"A sender who holds that role approves by sending."</span>
            </div>
            <LimitRules p can_edit/>
            {can_edit.then(|| view! {
                <div class="draft-actions">
                    <button type="button" class="btn btn-primary" disabled=move || save.pending().get()
                        on:click=move |_| { note.set(None); flash.set(None); save.dispatch((id_save.clone(), Some(p.get_untracked()))); }>"Save policy"</button>
                    {customized.then(|| view! {
                        <button type="button" class="btn" disabled=move || save.pending().get()
                            on:click=move |_| { note.set(None); save.dispatch((id_reset.clone(), None)); }>"Reset to defaults"</button>
                    })}
                    <SaveNote note=note/>
                </div>
            })}
        </section>
    }
}

#[component]
fn Library(
    library: Vec<Snippet>,
    /// The workspace's campaigns (id, name): an entry may be given its own wording in one.
    campaigns: Vec<(String, String)>,
    can_edit: bool,
    saved: RwSignal<Option<PolicySettings>>,
) -> impl IntoView {
    let campaigns = StoredValue::new(campaigns);
    let fields = MERGE_FIELDS
        .iter()
        .map(|(k, _)| format!("{{{{{k}}}}}"))
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <section class="policy-editor library" aria-label="Approved language">
            <h3>"Approved language"</h3>
            <p class="policy-help">{format!("Merge fields: {fields}")}</p>
            <p class="policy-help">"An entry can have its own wording in one campaign (it replaces the workspace's there, in the composer and in automatic replies); each campaign's negotiation language and creator guidance are entries too."</p>
            {library.into_iter().map(|s| view! { <LibraryEntry s campaigns can_edit saved/> }).collect_view()}
        </section>
    }
}

#[component]
fn LibraryEntry(
    s: Snippet,
    campaigns: StoredValue<Vec<(String, String)>>,
    can_edit: bool,
    saved: RwSignal<Option<PolicySettings>>,
) -> impl IntoView {
    let owner = s.campaign.as_ref().map(|id| {
        campaigns.with_value(|c| {
            c.iter()
                .find(|(cid, _)| cid == id)
                .map_or_else(|| "a campaign".to_string(), |(_, n)| n.clone())
        })
    });
    let body = RwSignal::new(s.body.clone());
    let note = RwSignal::new(None::<Result<String, String>>);
    let save = Action::new(move |snip: &Snippet| save_language(snip.clone()));
    on_saved(save, "Wording saved.", saved, note);
    let base = StoredValue::new(s.clone());
    view! {
        <div class="library-entry" data-key=s.key.clone()>
            <p class="library-title"><strong>{s.title.clone()}</strong><span class="policy-kind">{s.category.clone()}" · "{s.key.clone()}</span>
                {owner.map(|n| view! { <span class="chip">{format!("Only in {n}")}</span> })}</p>
            <textarea rows="3" aria-label=format!("Wording: {}", s.title) disabled=!can_edit
                prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))></textarea>
            {can_edit.then(|| view! {
                <div class="draft-actions">
                    <button type="button" class="btn btn-small" disabled=move || save.pending().get() || body.get() == base.get_value().body
                        on:click=move |_| { note.set(None); let mut x = base.get_value(); x.body = body.get_untracked(); save.dispatch(x); }>"Save wording"</button>
                    {base.get_value().campaign.is_none().then(|| view! {
                        <select aria-label="Own wording in a campaign" on:change=move |ev| {
                            let id = event_target_value(&ev);
                            if !id.is_empty() {
                                note.set(None);
                                let mut x = base.get_value();
                                x.body = body.get_untracked();
                                x.campaign = Some(id);
                                save.dispatch(x);
                            }
                        }>
                            <option value="">"Own wording in a campaign…"</option>
                            {campaigns.get_value().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                        </select>
                    })}
                    <SaveNote note=note/>
                </div>
            })}
        </div>
    }
}

/// The policy's automatic replies: intent → approved wording.
#[component]
fn AutoSendRules(
    p: RwSignal<ResponsePolicy>,
    can_edit: bool,
    templates: StoredValue<Vec<(String, String)>>,
) -> impl IntoView {
    let disabled = !can_edit;
    view! {
            <h3>"Automatic replies"</h3>
            <p class="policy-help">"When a creator's message says this, send this approved wording at once (email, SMS or portal only)."</p>
            <ul class="policy-rules">
                {move || p.get().auto_send.into_iter().enumerate().map(|(i, r)| view! {
                    <li>
                        <select aria-label="When the message is" disabled=disabled on:change=move |ev| {
                            if let Some(x) = Intent::parse(&event_target_value(&ev)) { p.update(|p| p.auto_send[i].intent = x); }
                        }>
                            {Intent::ALL.into_iter().filter(|x| !x.is_sensitive()).map(|x| view! { <option value=x.as_str() selected=x == r.intent>{x.label()}</option> }).collect_view()}
                        </select>
                        <span>"→ send"</span>
                        <select aria-label="Send" disabled=disabled on:change=move |ev| {
                            let v = event_target_value(&ev);
                            p.update(|p| p.auto_send[i].template = v);
                        }>
                            {templates.get_value().into_iter().map(|(k, t)| view! { <option value=k.clone() selected=k == r.template>{t}</option> }).collect_view()}
                        </select>
                        {can_edit.then(|| view! { <button type="button" class="btn btn-small btn-ghost" on:click=move |_| p.update(|p| { p.auto_send.remove(i); })>"Remove"</button> })}
                    </li>
                }).collect_view()}
            </ul>
            {can_edit.then(|| view! {
                <button type="button" class="btn btn-small" on:click=move |_| p.update(|p| p.auto_send.push(AutoRule { intent: Intent::AddressProvided, template: "shipping_confirmation".into() }))>"Add automatic reply"</button>
            })}
    }
}

/// Quiet hours, the daily cap, stage moves and the channels automation may use.
#[component]
fn LimitRules(p: RwSignal<ResponsePolicy>, can_edit: bool) -> impl IntoView {
    let disabled = !can_edit;
    view! {
            <h3>"Limits"</h3>
            <div class="policy-limits">
                <label class="policy-check">
                    <input type="checkbox" disabled=disabled prop:checked=move || p.get().quiet_hours.is_some()
                        on:change=move |ev| { let on = event_target_checked(&ev); p.update(|p| p.quiet_hours = on.then_some((21, 8))); }/>
                    "Quiet hours"
                </label>
                {move || p.get().quiet_hours.map(|(a, b)| view! {
                    <span class="policy-hours">
                        "from"<input type="number" min="0" max="23" aria-label="Quiet from" disabled=disabled prop:value=a.to_string()
                            on:change=move |ev| { let v = event_target_value(&ev).parse().unwrap_or(a); p.update(|p| p.quiet_hours = Some((v, b))); }/>
                        "to"<input type="number" min="0" max="23" aria-label="Quiet until" disabled=disabled prop:value=b.to_string()
                            on:change=move |ev| { let v = event_target_value(&ev).parse().unwrap_or(b); p.update(|p| p.quiet_hours = Some((a, v))); }/>
                        "(workspace time)"
                    </span>
                })}
                <label class="policy-field">"At most"
                    <input type="number" min="0" max="10" aria-label="Automatic messages per creator per day" disabled=disabled
                        prop:value=move || p.get().max_auto_per_creator_per_day.to_string()
                        on:change=move |ev| { let v = event_target_value(&ev).parse().unwrap_or(1); p.update(|p| p.max_auto_per_creator_per_day = v); }/>
                    "automatic messages per creator per day"
                </label>
                <label class="policy-check">
                    <input type="checkbox" disabled=disabled prop:checked=move || p.get().auto_apply_stage
                        on:change=move |ev| { let on = event_target_checked(&ev); p.update(|p| p.auto_apply_stage = on); }/>
                    "Apply suggested stage moves by themselves (never for sensitive messages)"
                </label>
            </div>
            <h3>"Channels automation may use"</h3>
            <div class="policy-limits">
                {AUTOMATION_CHANNELS.into_iter().map(|ch| view! {
                    <label class="policy-check">
                        <input type="checkbox" disabled=disabled prop:checked=move || p.get().automation_channels.contains(&ch)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                p.update(|p| { p.automation_channels.retain(|c| *c != ch); if on { p.automation_channels.push(ch); } });
                            }/>
                        {ch.label()}
                    </label>
                }).collect_view()}
                <span class="policy-help">"Instagram DMs are never automated (Meta's rules)."</span>
            </div>
    }
}

//! One campaign's terms, all editable by owners and managers (read-only for everyone else, who
//! never see the rate ceiling): create, save, duplicate, close and reopen; links to its policies,
//! follow-up rules and inbox.

use crate::api::{
    duplicate_campaign, load_campaign, load_campaigns, save_campaign, set_campaign_status,
};
use crate::domain::campaign::PLATFORMS;
use crate::domain::filter::InboxFilter;
use crate::domain::import::amount_cents;
use crate::domain::time_fmt::{iso_date, parse_iso_date};
use crate::model::{CampaignForm, ClientView};
use crate::ui::pages::login::is_signed_out;
use crate::ui::widgets::SaveNote;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::{use_navigate, use_params_map};

type ReadField = fn(&CampaignForm) -> String;
type WriteField = fn(&mut CampaignForm, String);

#[component]
pub fn CampaignEditorPane() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let loaded = Resource::new(id, |id| async move {
        let page = load_campaigns().await?;
        let form = if id == "new" {
            let client_id = page
                .clients
                .iter()
                .find(|c| !c.archived)
                .map(|c| c.id.clone())
                .unwrap_or_default();
            CampaignForm {
                client_id,
                kind: "paid".into(),
                status: "draft".into(),
                platforms: vec!["Instagram".into()],
                ..Default::default()
            }
        } else {
            load_campaign(id).await?
        };
        Ok::<_, crate::api::AppError>((page.clients, page.can_manage, form))
    });
    view! {
        <Title text="Campaign"/>
        <div class="settings-pane campaign-editor">
            <Transition fallback=|| view! { <p class="list-loading">"Loading the campaign…"</p> }>
                {move || loaded.get().map(|r| match r {
                    Err(e) if is_signed_out(&e) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e) => view! { <p class="list-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok((clients, can_manage, form)) => view! { <Editor clients can_manage form/> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Editor(clients: Vec<ClientView>, can_manage: bool, form: CampaignForm) -> impl IntoView {
    let f = RwSignal::new(form);
    let note = RwSignal::new(None::<Result<String, String>>);
    let navigate = use_navigate();
    let save = Action::new(move |form: &CampaignForm| {
        let form = form.clone();
        async move { save_campaign(form).await }
    });
    let copy = Action::new(move |id: &String| duplicate_campaign(id.clone()));
    let status =
        Action::new(move |(id, s): &(String, String)| set_campaign_status(id.clone(), s.clone()));
    Effect::new(move |_| {
        for (r, what) in [
            (save.value().get(), "Saved."),
            (status.value().get(), "Status changed."),
        ] {
            match r {
                Some(Ok(saved)) => {
                    let new = f.with_untracked(|c| c.id.is_none());
                    note.set(Some(Ok(what.into())));
                    if new {
                        if let Some(id) = &saved.id {
                            navigate(&format!("/campaigns/{id}"), Default::default());
                        }
                    }
                    f.set(saved);
                }
                Some(Err(e)) => note.set(Some(Err(e.to_string()))),
                None => {}
            }
        }
    });
    let navigate = use_navigate();
    Effect::new(move |_| match copy.value().get() {
        Some(Ok(c)) => {
            if let Some(id) = c.id {
                navigate(&format!("/campaigns/{id}"), Default::default());
            }
        }
        Some(Err(e)) => note.set(Some(Err(e.to_string()))),
        None => {}
    });
    let title = move || {
        f.with(|c| {
            if c.id.is_none() {
                "New campaign".to_string()
            } else {
                c.name.clone()
            }
        })
    };
    let links = move || {
        f.with(|c| c.id.clone()).map(|id| {
            let inbox = InboxFilter {
                campaign: Some(id.clone()),
                ..Default::default()
            }
            .to_query_string();
            view! {
                <nav class="campaign-links" aria-label="This campaign">
                    <A href=format!("/{inbox}")>"Its inbox"</A>
                    <A href=format!("/policies?campaign={id}")>"Response policy and follow-ups"</A>
                    <A href=format!("/creators?campaign={id}")>"Its creators"</A>
                </nav>
            }
        })
    };
    view! {
        <header class="settings-head">
            <A href="/campaigns" attr:class="back-link" attr:aria-label="Back to campaigns">"‹ Campaigns"</A>
            <h2>{title}</h2>
            {links}
        </header>
        <form class="settings-card campaign-form" on:submit=move |ev| { ev.prevent_default(); save.dispatch(f.get_untracked()); }>
            <Fields f clients can_manage/>
            {can_manage.then(|| view! {
                <div class="settings-actions">
                    <button class="btn btn-primary" type="submit">"Save campaign"</button>
                    {move || f.with(|c| c.id.clone().map(|id| {
                        let closed = c.status == "closed";
                        let id2 = id.clone();
                        view! {
                            <button class="btn" type="button" on:click=move |_| { copy.dispatch(id.clone()); }>"Duplicate"</button>
                            <button class="btn" type="button" on:click=move |_| {
                                status.dispatch((id2.clone(), if closed { "active".into() } else { "closed".into() }));
                            }>{if closed { "Reopen" } else { "Close campaign" }}</button>
                        }
                    }))}
                    <SaveNote note/>
                </div>
            })}
        </form>
    }
}

fn handles_text(c: &CampaignForm) -> String {
    let at: Vec<String> = c.tracking_handles.iter().map(|h| format!("@{h}")).collect();
    at.join(" ")
}

fn hashtags_text(c: &CampaignForm) -> String {
    let tagged: Vec<String> = c
        .tracking_hashtags
        .iter()
        .map(|h| format!("#{h}"))
        .collect();
    tagged.join(" ")
}

/// Every field of the campaign, read-only unless the caller manages campaigns.
#[component]
fn Fields(f: RwSignal<CampaignForm>, clients: Vec<ClientView>, can_manage: bool) -> impl IntoView {
    view! {
        <fieldset disabled=!can_manage>
            <div class="form-grid">
                <Text f label="Name" get=|c| c.name.clone() set=|c, v| c.name = v/>
                <label>"Client"
                    <select on:change=move |ev| f.update(|c| c.client_id = event_target_value(&ev))>
                        {clients.iter().filter(|c| !c.archived || f.with_untracked(|x| x.client_id == c.id)).map(|c| {
                            let (id, selected) = (c.id.clone(), f.with_untracked(|x| x.client_id == c.id));
                            view! { <option value=id selected=selected>{c.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <Choice f label="Kind" options=&[("paid", "Paid"), ("gifting", "Gifting")] get=|c| c.kind.clone() set=|c, v| c.kind = v/>
                <Choice f label="Status" options=&[("draft", "Draft"), ("active", "Active"), ("closed", "Closed")] get=|c| c.status.clone() set=|c, v| c.status = v/>
            </div>
            <fieldset class="platforms">
                <legend>"Platforms"</legend>
                {PLATFORMS.iter().map(|p| view! {
                    <label class="check">
                        <input type="checkbox" prop:checked=move || f.with(|c| c.platforms.iter().any(|x| x == p))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                f.update(|c| { c.platforms.retain(|x| x != p); if on { c.platforms.push(p.to_string()); } });
                            }/>
                        {*p}
                    </label>
                }).collect_view()}
            </fieldset>
            <Area f label="Brief" rows=8 get=|c| c.brief.clone() set=|c, v| c.brief = v/>
            <Area f label="Creator guidance" rows=4 get=|c| c.creator_guidance.clone() set=|c, v| c.creator_guidance = v/>
            <Area f label="Negotiation language" rows=3 get=|c| c.negotiation_language.clone() set=|c, v| c.negotiation_language = v/>
            <div class="form-grid">
                {can_manage.then(|| view! {
                    <Text f label="Rate ceiling (USD, managers only)"
                        get=|c| c.rate_ceiling_cents.map(|x| format!("{}", x / 100)).unwrap_or_default()
                        set=|c, v| c.rate_ceiling_cents = amount_cents(&v)/>
                })}
                <Text f label="Compensation" get=|c| c.compensation.clone() set=|c, v| c.compensation = v/>
                <Text f label="Content due" kind="date" get=|c| c.content_due.map(iso_date).unwrap_or_default() set=|c, v| c.content_due = parse_iso_date(&v)/>
                <Text f label="Post by" kind="date" get=|c| c.post_by.map(iso_date).unwrap_or_default() set=|c, v| c.post_by = parse_iso_date(&v)/>
            </div>
            <div class="form-grid">
                <Area f label="Deliverables (one per line)" rows=4 get=|c| c.deliverables.join("\n") set=|c, v| c.deliverables = lines(&v)/>
                <Area f label="Products a creator may pick (one per line)" rows=4 get=|c| c.products.join("\n") set=|c, v| c.products = lines(&v)/>
            </div>
            <Area f label="Usage-rights terms" rows=3 get=|c| c.usage_terms.clone() set=|c, v| c.usage_terms = v/>
            <div class="form-grid">
                <Text f label="Instagram handles to track" get=handles_text set=|c, v| c.tracking_handles = words(&v)/>
                <Text f label="Hashtags to track" get=hashtags_text set=|c, v| c.tracking_hashtags = words(&v)/>
            </div>
            {can_manage.then(|| view! { <super::senders::Senders f/> })}
        </fieldset>
    }
}

fn lines(v: &str) -> Vec<String> {
    v.lines().map(str::to_string).collect()
}

fn words(v: &str) -> Vec<String> {
    v.split([' ', ',', '\n'])
        .filter(|w| !w.trim().is_empty())
        .map(str::to_string)
        .collect()
}

#[component]
fn Text(
    f: RwSignal<CampaignForm>,
    label: &'static str,
    get: ReadField,
    set: WriteField,
    #[prop(optional)] kind: Option<&'static str>,
) -> impl IntoView {
    view! {
        <label>{label}
            <input type=kind.unwrap_or("text") prop:value=f.with_untracked(get) on:input=move |ev| f.update(|c| set(c, event_target_value(&ev)))/>
        </label>
    }
}

#[component]
fn Area(
    f: RwSignal<CampaignForm>,
    label: &'static str,
    rows: u32,
    get: ReadField,
    set: WriteField,
) -> impl IntoView {
    view! {
        <label class="wide">{label}
            <textarea rows=rows prop:value=f.with_untracked(get) on:input=move |ev| f.update(|c| set(c, event_target_value(&ev)))></textarea>
        </label>
    }
}

#[component]
fn Choice(
    f: RwSignal<CampaignForm>,
    label: &'static str,
    options: &'static [(&'static str, &'static str)],
    get: ReadField,
    set: WriteField,
) -> impl IntoView {
    view! {
        <label>{label}
            <select on:change=move |ev| f.update(|c| set(c, event_target_value(&ev)))>
                {options.iter().map(|(v, l)| view! { <option value=*v selected=move || f.with(get) == *v>{*l}</option> }).collect_view()}
            </select>
        </label>
    }
}

//! The Campaigns page: every campaign with its client, kind, status, creators per stage and
//! overdue threads; the clients beside them (created, renamed, archived). Owners and managers
//! create and edit (`editor`); everyone else reads.

pub mod editor;
mod senders;

use crate::api::{archive_client, load_campaigns, save_client};
use crate::domain::filter::InboxFilter;
use crate::domain::time_fmt::short_date;
use crate::model::{CampaignRow, CampaignsPage, ClientView};
use crate::ui::pages::login::is_signed_out;
use crate::ui::widgets::SaveNote;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};

#[component]
pub fn CampaignsPane() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let page = Resource::new(move || reload.get(), |_| load_campaigns());
    let status = RwSignal::new("open".to_string());
    let client = RwSignal::new(String::new());
    view! {
        <Title text="Campaigns"/>
        <div class="settings-pane campaigns-pane">
            <header class="settings-head campaigns-head">
                <A href="/" attr:class="back-link" attr:aria-label="Back to inbox">"‹ Inbox"</A>
                <h2>"Campaigns"</h2>
                <p>"Every campaign your team runs, where its creators stand, and what is overdue."</p>
            </header>
            <Transition fallback=|| view! { <p class="list-loading">"Loading campaigns…"</p> }>
                {move || page.get().map(|r| match r {
                    Err(e) if is_signed_out(&e) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e) => view! { <p class="list-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(p) => view! { <CampaignList page=p status client reload/> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

#[component]
fn CampaignList(
    page: CampaignsPage,
    status: RwSignal<String>,
    client: RwSignal<String>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let can_manage = page.can_manage;
    let clients = page.clients.clone();
    let campaigns = StoredValue::new(page.campaigns.clone());
    let shown = move || {
        let (s, c) = (status.get(), client.get());
        campaigns.with_value(|all| {
            all.iter()
                .filter(|k| match s.as_str() {
                    "open" => k.status != "closed",
                    "all" => true,
                    other => k.status == other,
                })
                .filter(|k| c.is_empty() || k.client_id == c)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let client_options = clients.clone();
    view! {
        <div class="campaigns-toolbar">
            <label class="sr-only" for="campaign-status">"Status"</label>
            <select id="campaign-status" on:change=move |ev| status.set(event_target_value(&ev))>
                <option value="open" selected=true>"Active and drafts"</option>
                <option value="active">"Active"</option>
                <option value="draft">"Drafts"</option>
                <option value="closed">"Closed"</option>
                <option value="all">"All"</option>
            </select>
            <label class="sr-only" for="campaign-client">"Client"</label>
            <select id="campaign-client" on:change=move |ev| client.set(event_target_value(&ev))>
                <option value="">"All clients"</option>
                {client_options.into_iter().map(|c| view! { <option value=c.id.clone()>{c.name.clone()}</option> }).collect_view()}
            </select>
            <span class="toolbar-fill"></span>
            <A href="/creators" attr:class="btn">"Creators and import"</A>
            {can_manage.then(|| view! { <A href="/campaigns/new" attr:class="btn btn-primary">"New campaign"</A> })}
        </div>
        <div class="campaign-table-wrap">
            <table class="campaign-table">
                <thead><tr>
                    <th>"Campaign"</th><th>"Status"</th><th>"Funnel"</th>
                    <th class="num">"Creators"</th><th class="num">"Overdue"</th><th>"Content due"</th>
                </tr></thead>
                <tbody>
                    {move || {
                        let rows = shown();
                        if rows.is_empty() {
                            view! { <tr><td colspan="6" class="list-empty">"No campaigns here yet."</td></tr> }.into_any()
                        } else {
                            rows.into_iter().map(|k| view! { <CampaignLine row=k/> }).collect_view().into_any()
                        }
                    }}
                </tbody>
            </table>
        </div>
        <div class="funnel-legend" aria-hidden="true">
            {crate::model::Stage::ALL.into_iter().map(|s| view! { <span class=format!("legend-{}", s.as_str())>{s.label()}</span> }).collect_view()}
        </div>
        <Clients clients can_manage reload/>
    }
}

#[component]
fn CampaignLine(row: CampaignRow) -> impl IntoView {
    let inbox = InboxFilter {
        campaign: Some(row.id.clone()),
        ..Default::default()
    }
    .to_query_string();
    let total = row.creators.max(1) as f32;
    let label = funnel_label(&row);
    let name = row.name.clone();
    view! {
        <tr data-testid="campaign-row">
            <td>
                <A href=format!("/campaigns/{}", row.id) attr:class="campaign-link">{name}</A>
                <div class="muted">{row.client_name.clone()}" · "{row.kind.clone()}
                    {(!row.platforms.is_empty()).then(|| format!(" · {}", row.platforms.join(", ")))}</div>
            </td>
            <td><span class=format!("chip status-{}", row.status)>{row.status.clone()}</span></td>
            <td>
                <div class="funnel" role="img" aria-label=label>
                    {row.stages.iter().map(|s| view! {
                        <span class=format!("funnel-seg stage-{}", s.stage.as_str())
                            style=format!("width:{:.1}%", s.count as f32 * 100.0 / total)
                            title=format!("{}: {}", s.stage.label(), s.count)></span>
                    }).collect_view()}
                </div>
            </td>
            <td class="num"><A href=format!("/{inbox}")>{row.creators}</A></td>
            <td class="num">{if row.overdue > 0 {
                view! { <span class="count alert">{row.overdue}</span> }.into_any()
            } else {
                view! { <span class="muted">"0"</span> }.into_any()
            }}</td>
            <td>{row.content_due.map(short_date).unwrap_or_else(|| "—".into())}</td>
        </tr>
    }
}

fn funnel_label(row: &CampaignRow) -> String {
    let parts: Vec<String> = row
        .stages
        .iter()
        .map(|s| format!("{} {}", s.count, s.stage.label()))
        .collect();
    if parts.is_empty() {
        "No creators yet".into()
    } else {
        parts.join(", ")
    }
}

#[component]
fn Clients(clients: Vec<ClientView>, can_manage: bool, reload: RwSignal<u32>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let note = RwSignal::new(None::<Result<String, String>>);
    let create = Action::new(move |n: &String| {
        let n = n.clone();
        async move { save_client(None, n).await }
    });
    Effect::new(move |_| match create.value().get() {
        Some(Ok(c)) => {
            note.set(Some(Ok(format!("{} added", c.name))));
            name.set(String::new());
            reload.update(|n| *n += 1);
        }
        Some(Err(e)) => note.set(Some(Err(e.to_string()))),
        None => {}
    });
    view! {
        <section class="settings-card clients-card" aria-label="Clients">
            <h3>"Clients"</h3>
            <ul class="client-list">
                {clients.into_iter().map(|c| view! { <ClientLine client=c can_manage reload/> }).collect_view()}
            </ul>
            {can_manage.then(|| view! {
                <form class="row-form" on:submit=move |ev| { ev.prevent_default(); create.dispatch(name.get_untracked()); }>
                    <input type="text" placeholder="New client's name" aria-label="New client's name" maxlength="80"
                        prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                    <button class="btn" type="submit">"Add client"</button>
                    <SaveNote note/>
                </form>
            })}
        </section>
    }
}

#[component]
fn ClientLine(client: ClientView, can_manage: bool, reload: RwSignal<u32>) -> impl IntoView {
    let editing = RwSignal::new(false);
    let name = RwSignal::new(client.name.clone());
    let note = RwSignal::new(None::<Result<String, String>>);
    let id = client.id.clone();
    let rename = Action::new(move |(id, n): &(String, String)| {
        let (id, n) = (id.clone(), n.clone());
        async move { save_client(Some(id), n).await }
    });
    let archive = Action::new(move |(id, a): &(String, bool)| {
        let (id, a) = (id.clone(), *a);
        async move { archive_client(id, a).await }
    });
    Effect::new(move |_| {
        for r in [rename.value().get(), archive.value().get()]
            .into_iter()
            .flatten()
        {
            match r {
                Ok(_) => reload.update(|n| *n += 1),
                Err(e) => note.set(Some(Err(e.to_string()))),
            }
        }
    });
    let (id_r, id_a) = (id.clone(), id.clone());
    let archived = client.archived;
    view! {
        <li class="client-line" class:archived=archived>
            {move || if editing.get() {
                let id_r = id_r.clone();
                view! {
                    <form class="row-form" on:submit=move |ev| { ev.prevent_default(); rename.dispatch((id_r.clone(), name.get_untracked())); editing.set(false); }>
                        <input type="text" aria-label="Client name" maxlength="80" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                        <button class="btn btn-small" type="submit">"Save"</button>
                    </form>
                }.into_any()
            } else {
                view! { <span class="client-name-text">{name.get()}</span> }.into_any()
            }}
            <span class="muted">{format!("{} campaign{}", client.campaigns, if client.campaigns == 1 { "" } else { "s" })}
                {archived.then_some(" · archived")}</span>
            {can_manage.then(|| {
                let id_a = id_a.clone();
                view! {
                    <span class="client-actions">
                        <button class="link-btn" type="button" on:click=move |_| editing.update(|e| *e = !*e)>"Rename"</button>
                        <button class="link-btn" type="button" on:click=move |_| { archive.dispatch((id_a.clone(), !archived)); }>
                            {if archived { "Restore" } else { "Archive" }}
                        </button>
                    </span>
                }
            })}
            <SaveNote note/>
        </li>
    }
}

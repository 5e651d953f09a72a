//! The Creators page: every creator of the workspace, searched and filtered by campaign, stage,
//! tag, channel and consent; rows (or everything matching) added to a campaign; the list
//! exported as CSV; and the import panel (`import`). Each row links to the creator's profile.

pub mod import;
pub mod profile;
mod upload;

use crate::api::{enroll_creators, list_creators, load_filter_options};
use crate::model::{
    Channel, Consent, CreatorPage, CreatorQuery, CreatorRow, CreatorSelection, Stage,
};
use crate::ui::pages::login::is_signed_out;
use crate::ui::widgets::{ChannelIcon, StageChip};
use import::ImportPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_query_map;

/// The export link for a query (its filters as URL parameters).
fn export_href(q: &CreatorQuery) -> String {
    use crate::domain::filter::encode_component as enc;
    let mut parts = Vec::new();
    let mut add = |k: &str, v: String| parts.push(format!("{k}={}", enc(&v)));
    if let Some(v) = &q.search {
        add("search", v.clone());
    }
    if let Some(v) = &q.campaign {
        add("campaign", v.clone());
    }
    if let Some(v) = q.stage {
        add("stage", v.as_str().into());
    }
    if let Some(v) = &q.tag {
        add("tag", v.clone());
    }
    if let Some(v) = q.channel {
        add("channel", v.as_str().into());
    }
    if let Some(v) = q.consent {
        add("consent", v.as_str().into());
    }
    if parts.is_empty() {
        "/creators.csv".into()
    } else {
        format!("/creators.csv?{}", parts.join("&"))
    }
}

fn some(v: String) -> Option<String> {
    Some(v).filter(|v| !v.trim().is_empty())
}

#[component]
pub fn CreatorsPane() -> impl IntoView {
    let asked = use_query_map().with_untracked(|q| q.get("campaign"));
    let query = RwSignal::new(CreatorQuery {
        campaign: asked,
        ..Default::default()
    });
    let reload = RwSignal::new(0u32);
    let page = Resource::new(
        move || (query.get(), reload.get()),
        |(q, _)| list_creators(q),
    );
    let options = Resource::new(|| (), |_| load_filter_options());
    let picked = RwSignal::new(Vec::<String>::new());
    let all_matching = RwSignal::new(false);
    let show_import = RwSignal::new(false);
    let imported = RwSignal::new(0u32);
    Effect::new(move |prev: Option<u32>| {
        let n = imported.get();
        if prev.is_some_and(|p| p != n) {
            reload.update(|r| *r += 1);
        }
        n
    });
    let set = move |f: fn(&mut CreatorQuery, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            query.update(|q| {
                f(q, v);
                q.offset = 0;
            });
            picked.set(Vec::new());
            all_matching.set(false);
        }
    };
    view! {
        <Title text="Creators"/>
        <div class="settings-pane creators-pane">
            <header class="settings-head">
                <A href="/" attr:class="back-link" attr:aria-label="Back to inbox">"‹ Inbox"</A>
                <h2>"Creators"</h2>
                <p>"Everyone your team works with, across campaigns. Import a list, add creators to a campaign, open a profile."</p>
            </header>
            <div class="campaigns-toolbar" role="search">
                <input type="search" placeholder="Search name, handle or email" aria-label="Search creators"
                    on:change=set(|q, v| q.search = some(v))/>
                <Transition fallback=|| ()>
                    {move || options.get().and_then(Result::ok).map(|o| view! {
                        <select aria-label="Campaign" on:change=set(|q, v| q.campaign = some(v))>
                            <option value="">"All campaigns"</option>
                            {o.campaigns.into_iter().map(|c| {
                                let selected = query.with_untracked(|q| q.campaign.as_deref() == Some(c.id.as_str()));
                                view! { <option value=c.id.clone() selected=selected>{c.name.clone()}</option> }
                            }).collect_view()}
                        </select>
                    })}
                </Transition>
                <select aria-label="Stage" on:change=set(|q, v| q.stage = Stage::parse(&v))>
                    <option value="">"Any stage"</option>
                    {Stage::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                </select>
                <Transition fallback=|| ()>
                    {move || page.get().and_then(Result::ok).map(|p| view! {
                        <select aria-label="Tag" on:change=set(|q, v| q.tag = some(v))>
                            <option value="">"Any tag"</option>
                            {p.tags.into_iter().map(|t| {
                                let selected = query.with_untracked(|q| q.tag.as_deref() == Some(t.as_str()));
                                view! { <option value=t.clone() selected=selected>{t.clone()}</option> }
                            }).collect_view()}
                        </select>
                    })}
                </Transition>
                <select aria-label="Channel" on:change=set(|q, v| q.channel = Channel::parse(&v))>
                    <option value="">"Any channel"</option>
                    {[Channel::Email, Channel::Sms, Channel::Instagram, Channel::InApp].into_iter()
                        .map(|c| view! { <option value=c.as_str()>{c.label()}</option> }).collect_view()}
                </select>
                <select aria-label="Consent" on:change=set(|q, v| q.consent = Consent::parse(&v))>
                    <option value="">"Any consent"</option>
                    <option value="granted">"Consented"</option>
                    <option value="unknown">"Consent unknown"</option>
                    <option value="opted_out">"Opted out"</option>
                </select>
                <span class="toolbar-fill"></span>
                <a class="btn" href=move || query.with(export_href) download="creators.csv">"Export CSV"</a>
                <button class="btn btn-primary" type="button" on:click=move |_| show_import.update(|s| *s = !*s)>"Import CSV"</button>
            </div>
            <Transition fallback=|| ()>
                {move || show_import.get().then(|| options.get().and_then(Result::ok).map(|o| view! {
                    <ImportPanel campaigns=o.campaigns done=imported/>
                }))}
            </Transition>
            <Transition fallback=|| view! { <p class="list-loading">"Loading creators…"</p> }>
                {move || page.get().map(|r| match r {
                    Err(e) if is_signed_out(&e) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e) => view! { <p class="list-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(p) => {
                        let campaigns = options.get().and_then(Result::ok).map(|o| o.campaigns).unwrap_or_default();
                        view! { <CreatorTable page=p query picked all_matching campaigns reload/> }.into_any()
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn CreatorTable(
    page: CreatorPage,
    query: RwSignal<CreatorQuery>,
    picked: RwSignal<Vec<String>>,
    all_matching: RwSignal<bool>,
    campaigns: Vec<crate::model::NamedRef>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let total = page.total;
    let ids: Vec<String> = page.creators.iter().map(|c| c.id.clone()).collect();
    let target = RwSignal::new(campaigns.first().map(|c| c.id.clone()).unwrap_or_default());
    let note = RwSignal::new(None::<Result<String, String>>);
    let enroll = Action::new(move |(sel, camp): &(CreatorSelection, String)| {
        enroll_creators(sel.clone(), camp.clone())
    });
    Effect::new(move |_| match enroll.value().get() {
        Some(Ok(o)) => {
            note.set(Some(Ok(format!(
                "{} added at Prospect{}",
                o.enrolled,
                if o.already > 0 {
                    format!(", {} already in it", o.already)
                } else {
                    String::new()
                }
            ))));
            picked.set(Vec::new());
            all_matching.set(false);
            reload.update(|n| *n += 1);
        }
        Some(Err(e)) => note.set(Some(Err(e.to_string()))),
        None => {}
    });
    let count = Memo::new(move |_| {
        if all_matching.get() {
            total as usize
        } else {
            picked.with(Vec::len)
        }
    });
    let ids_all = ids.clone();
    view! {
        <div class="bulk-bar" class:active=move || { count.get() > 0 } role="region" aria-label="Selected creators">
            <span class="bulk-count">{move || format!("{} selected", count.get())}</span>
            {move || (picked.with(Vec::len) == ids.len() && !ids.is_empty() && total as usize > ids.len() && !all_matching.get()).then(|| view! {
                <button class="link-btn" type="button" on:click=move |_| all_matching.set(true)>{format!("Select all {total} matching")}</button>
            })}
            <select aria-label="Campaign to add to" on:change=move |ev| target.set(event_target_value(&ev))>
                {campaigns.iter().map(|c| view! { <option value=c.id.clone()>{c.name.clone()}</option> }).collect_view()}
            </select>
            <button class="btn btn-primary" type="button" disabled=move || count.get() == 0 on:click=move |_| {
                let sel = if all_matching.get_untracked() {
                    CreatorSelection::Matching(CreatorQuery { offset: 0, ..query.get_untracked() })
                } else {
                    CreatorSelection::Ids(picked.get_untracked())
                };
                enroll.dispatch((sel, target.get_untracked()));
            }>"Add to campaign"</button>
            {move || note.get().map(|n| match n {
                Ok(m) => view! { <span class="save-note" role="status">{m}</span> }.into_any(),
                Err(e) => view! { <span class="form-error" role="alert">{e}</span> }.into_any(),
            })}
        </div>
        <p class="muted">{format!("{total} creator{}", if total == 1 { "" } else { "s" })}</p>
        <div class="creator-table-wrap">
            <table class="creator-table">
                <thead><tr>
                    <th><input type="checkbox" aria-label="Select this page"
                        prop:checked=move || { let n = picked.with(Vec::len); n > 0 && n == ids_all.len() }
                        on:change={
                            let ids = page.creators.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
                            move |ev| { all_matching.set(false); picked.set(if event_target_checked(&ev) { ids.clone() } else { Vec::new() }); }
                        }/></th>
                    <th>"Creator"</th><th>"Contacts"</th><th>"Tags"</th><th>"Campaigns"</th><th class="num">"Rate"</th>
                </tr></thead>
                <tbody>
                    {if page.creators.is_empty() {
                        view! { <tr><td colspan="6" class="list-empty">"No creators match. Import a CSV to add your own."</td></tr> }.into_any()
                    } else {
                        page.creators.into_iter().map(|c| view! { <Line c picked all_matching/> }).collect_view().into_any()
                    }}
                </tbody>
            </table>
        </div>
        {page.next.map(|next| view! {
            <div class="list-foot">
                <button class="btn" type="button" on:click=move |_| query.update(|q| q.offset = next)>"Next page"</button>
            </div>
        })}
        {(query.with_untracked(|q| q.offset) > 0).then(|| view! {
            <div class="list-foot"><button class="btn btn-ghost" type="button" on:click=move |_| query.update(|q| q.offset = 0)>"Back to the first page"</button></div>
        })}
    }
}

#[component]
fn Line(
    c: CreatorRow,
    picked: RwSignal<Vec<String>>,
    all_matching: RwSignal<bool>,
) -> impl IntoView {
    let id = c.id.clone();
    let id2 = id.clone();
    let is_picked = Memo::new(move |_| all_matching.get() || picked.with(|p| p.contains(&id)));
    view! {
        <tr class:picked=is_picked data-testid="creator-row">
            <td><input type="checkbox" aria-label=format!("Select {}", c.name) prop:checked=is_picked
                on:change=move |ev| {
                    all_matching.set(false);
                    let on = event_target_checked(&ev);
                    picked.update(|p| { p.retain(|x| x != &id2); if on { p.push(id2.clone()); } });
                }/></td>
            <td><A href=format!("/creators/{}", c.id) attr:class="campaign-link">{c.name.clone()}</A>
                <div class="muted">{c.handle.clone()}</div></td>
            <td>{c.identities.clone().into_iter().filter(|i| i.channel != Channel::InApp).map(|i| view! {
                <span class=format!("contact consent-{}", i.consent.as_str()) title=format!("{} · {}", i.address, i.consent.label())>
                    <ChannelIcon channel=i.channel/></span>
            }).collect_view()}</td>
            <td>{c.tags.clone().into_iter().map(|t| view! { <span class="tag">{t}</span> }).collect_view()}</td>
            <td>{c.campaigns.clone().into_iter().take(3).map(|k| view! {
                <A href=format!("/t/{}", k.thread_id) attr:class="creator-campaign">{k.campaign_name.clone()}" "<StageChip stage=k.stage/></A>
            }).collect_view()}
                {(c.campaigns.len() > 3).then(|| view! { <span class="muted">{format!("+{}", c.campaigns.len() - 3)}</span> })}</td>
            <td class="num">{c.rate_cents.map(crate::domain::creators::dollars).unwrap_or_default()}</td>
        </tr>
    }
}

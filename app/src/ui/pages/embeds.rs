//! Embed partners (owners): the dashboards that may show one client's conversations in a frame —
//! their parent origins, client, role and views — each with a signing key shown once, rotated
//! with a day's overlap, or removed (its frames end). The README's "Embedding" section is what a
//! partner's developer reads.

use crate::api::{
    create_embed_partner, delete_embed_partner, load_campaigns, load_embed_partners,
    rotate_embed_key,
};
use crate::domain::embed::EmbedView;
use crate::model::{EmbedPartnerForm, EmbedPartnerKey, EmbedPartnerView};
use crate::ui::pages::inbox::use_inbox;
use crate::ui::widgets::CopyField;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn EmbedsPane() -> impl IntoView {
    let ctx = use_inbox();
    let is_owner = ctx
        .session
        .with_value(|s| s.role == crate::model::Role::Owner);
    view! {
        <Title text="Embeds"/>
        <div class="settings-pane embeds-pane">
            <header class="settings-head">
                <A href="/" attr:class="back-link" attr:aria-label="Back to inbox">"‹ Inbox"</A>
                <h2>"Embeds"</h2>
                <p>"Show one client's conversations, its drafts waiting for approval or its report inside a partner's dashboard (an agency's client portal, a marketplace). The partner's server signs a short-lived token with the key below; the frame opens at the embed URL with the token after #token= and sees only that client (or the campaigns you tick). A viewer reads; a member also replies, moves stages and decides drafts, attributed to the partner's user. Only the origins you list may frame it."</p>
            </header>
            {if is_owner {
                view! { <Partners/> }.into_any()
            } else {
                view! { <p class="settings-note" role="status">"Only the workspace's owners manage embeds."</p> }.into_any()
            }}
        </div>
    }
}

#[component]
fn Partners() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let partners = Resource::new(move || version.get(), |_| load_embed_partners());
    // A key just made: shown once, above the list.
    let fresh = RwSignal::new(None::<EmbedPartnerKey>);
    let changed = Callback::new(move |key: Option<EmbedPartnerKey>| {
        if key.is_some() {
            fresh.set(key);
        }
        version.update(|v| *v += 1);
    });
    view! {
        {move || fresh.get().map(|k| view! {
            <section class="settings-card key-once" role="status" data-testid="embed-key">
                <h3>{format!("Signing key for {}", k.partner.name)}</h3>
                <p class="settings-note">"Copy it now: it is not shown again. Sign tokens with HS256, kid = the partner id."</p>
                <CopyField label="Partner id (kid)" value=k.partner.id.clone()/>
                <CopyField label="Signing key" value=k.key.clone()/>
                <CopyField label="Audience (aud)" value=k.audience.clone()/>
                <CopyField label="Embed URL" value=embed_url(&k.audience, &k.partner.id)/>
                <button type="button" class="btn btn-small" on:click=move |_| fresh.set(None)>"Done"</button>
            </section>
        })}
        <section class="settings-card">
            <h3>"Partners"</h3>
            <Transition fallback=|| view! { <p class="settings-note">"Loading…"</p> }>
                {move || partners.get().map(|r| match r {
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="settings-note">"No partner yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="account-list" data-testid="embed-partners">
                            {list.into_iter().map(|p| view! { <PartnerRow p changed/> }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Transition>
        </section>
        <NewPartner changed/>
    }
}

/// Where a partner's frame opens (the token follows after `#token=`).
fn embed_url(audience: &str, partner: &str) -> String {
    format!("{audience}/embed/{partner}#token=")
}

fn views_text(views: &[EmbedView]) -> String {
    views
        .iter()
        .map(|v| v.label())
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
fn PartnerRow(p: EmbedPartnerView, changed: Callback<Option<EmbedPartnerKey>>) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let (id_rotate, id_drop) = (p.id.clone(), p.id.clone());
    let rotate = Action::new(move |_: &()| rotate_embed_key(id_rotate.clone()));
    let remove = Action::new(move |_: &()| delete_embed_partner(id_drop.clone()));
    Effect::new(move |_| {
        if let Some(Ok(k)) = rotate.value().get() {
            changed.run(Some(k));
        }
        if let Some(Ok(())) = remove.value().get() {
            changed.run(None);
        }
    });
    let failed = move || {
        rotate
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| remove.value().get().and_then(Result::err))
    };
    let reach = if p.campaigns.is_empty() {
        p.client_name.clone()
    } else {
        let names: Vec<&str> = p.campaigns.iter().map(|c| c.name.as_str()).collect();
        format!("{}: {}", p.client_name, names.join(", "))
    };
    let detail = format!(
        "{} · {} · {} · {}",
        reach,
        p.role.as_str(),
        views_text(&p.views),
        p.origins.join(" ")
    );
    view! {
        <li class="account-row" data-testid="embed-partner">
            <div class="account-main">
                <strong>{p.name.clone()}</strong>
                <span class="account-detail">{detail}</span>
                {p.previous_key_until.map(|_| view! { <span class="chip">"Previous key valid for a day"</span> })}
            </div>
            <div class="account-actions">
                <button type="button" class="btn btn-small" on:click=move |_| { rotate.dispatch(()); }>"Rotate key"</button>
                {move || if confirming.get() {
                    view! {
                        <button type="button" class="btn btn-small btn-danger" on:click=move |_| { remove.dispatch(()); }>"Remove — its frames end"</button>
                        <button type="button" class="btn btn-small" on:click=move |_| confirming.set(false)>"Keep"</button>
                    }.into_any()
                } else {
                    view! { <button type="button" class="btn btn-small" on:click=move |_| confirming.set(true)>"Remove"</button> }.into_any()
                }}
                {move || failed().map(|e| view! { <span class="form-error" role="alert">{e.to_string()}</span> })}
            </div>
        </li>
    }
}

#[component]
fn NewPartner(changed: Callback<Option<EmbedPartnerKey>>) -> impl IntoView {
    let options = Resource::new(|| (), |_| load_campaigns());
    let name = RwSignal::new(String::new());
    let origins = RwSignal::new(String::new());
    let client = RwSignal::new(String::new());
    let campaigns = RwSignal::new(Vec::<String>::new());
    let role = RwSignal::new("viewer".to_string());
    let views = RwSignal::new(vec![EmbedView::Inbox, EmbedView::Thread]);
    let create = Action::new(move |_: &()| {
        let form = EmbedPartnerForm {
            name: name.get_untracked(),
            origins: origins
                .get_untracked()
                .lines()
                .map(str::to_string)
                .collect(),
            client_id: client.get_untracked(),
            campaign_ids: campaigns.get_untracked(),
            role: role.get_untracked(),
            views: views
                .get_untracked()
                .iter()
                .map(|v| v.as_str().to_string())
                .collect(),
        };
        create_embed_partner(form)
    });
    Effect::new(move |_| {
        if let Some(Ok(k)) = create.value().get() {
            name.set(String::new());
            origins.set(String::new());
            changed.run(Some(k));
        }
    });
    view! {
        <section class="settings-card">
            <h3>"Add a partner"</h3>
            <form class="settings-form" on:submit=move |ev| { ev.prevent_default(); create.dispatch(()); }>
                <label><span>"Name"</span>
                    <input type="text" maxlength="80" placeholder="Acme dashboard" prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))/></label>
                <label><span>"Parent origins (one per line)"</span>
                    <textarea rows="2" placeholder="https://dashboard.acme.example" prop:value=move || origins.get()
                        on:input=move |ev| origins.set(event_target_value(&ev))></textarea></label>
                <label><span>"Client"</span>
                    <Transition fallback=|| view! { <select disabled=true><option>"Loading…"</option></select> }>
                        {move || options.get().and_then(Result::ok).map(|o| view! {
                            <select data-testid="embed-client" on:change=move |ev| { client.set(event_target_value(&ev)); campaigns.set(Vec::new()); }>
                                <option value="">"Choose a client"</option>
                                {o.clients.into_iter().filter(|c| !c.archived).map(|c| view! { <option value=c.id.clone()>{c.name}</option> }).collect_view()}
                            </select>
                        })}
                    </Transition></label>
                <fieldset class="settings-checks" data-testid="embed-campaigns"><legend>"Campaigns (none ticked: all of the client's)"</legend>
                    <Transition fallback=|| ()>
                    {move || options.get().and_then(Result::ok).map(|o| {
                        let of_client: Vec<_> = o.campaigns.into_iter().filter(|c| client.with(|k| *k == c.client_id)).collect();
                        if of_client.is_empty() {
                            return view! { <span class="settings-note">"Choose a client to limit the frame to some of its campaigns."</span> }.into_any();
                        }
                        of_client.into_iter().map(|c| {
                            let id = c.id.clone();
                            let checked = { let id = id.clone(); move || campaigns.with(|cs| cs.contains(&id)) };
                            view! {
                                <label class="check"><input type="checkbox" prop:checked=checked
                                    on:change=move |_| campaigns.update(|cs| if cs.contains(&id) { cs.retain(|x| *x != id) } else { cs.push(id.clone()) })/>
                                    {c.name}</label>
                            }
                        }).collect_view().into_any()
                    })}
                    </Transition>
                </fieldset>
                <label><span>"Inside the frame"</span>
                    <select data-testid="embed-role" on:change=move |ev| role.set(event_target_value(&ev))>
                        <option value="viewer" selected=true>"Viewer — reads the conversations, live"</option>
                        <option value="member">"Member — also replies, moves stages and decides drafts a member may"</option>
                    </select></label>
                <p class="settings-note">"A member's replies follow the campaign's response policies like a teammate's: a reply about money, rights, exclusivity, legal or a complaint waits for approval. Every change is attributed to the partner's user."</p>
                <fieldset class="settings-checks"><legend>"Views"</legend>
                    {EmbedView::ALL.into_iter().map(|v| view! {
                        <label class="check"><input type="checkbox" prop:checked=move || views.with(|vs| vs.contains(&v))
                            on:change=move |_| views.update(|vs| if vs.contains(&v) { vs.retain(|x| *x != v) } else { vs.push(v) })/>
                            {v.label()}</label>
                    }).collect_view()}
                </fieldset>
                <div class="settings-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>"Add partner"</button>
                    {move || create.value().get().and_then(Result::err).map(|e| view! { <span class="form-error" role="alert">{e.to_string()}</span> })}
                </div>
            </form>
        </section>
    }
}

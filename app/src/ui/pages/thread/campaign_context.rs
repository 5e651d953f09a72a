//! The campaign beside a thread: the full brief (collapsed), guidance, usage terms, product
//! choice, dates, and for owners and managers the rate ceiling with the creator's last quoted
//! rate against it; and the enrollment's terms, shipping address and next action, editable.

use crate::api::set_enrollment_terms;
use crate::domain::creators::{against_ceiling, dollars, latest_quote};
use crate::domain::time_fmt;
use crate::model::{CampaignView, EnrollmentTerms, EnrollmentView, MessageView};
use crate::ui::pages::inbox::use_inbox;
use crate::ui::widgets::SaveNote;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn CampaignContext(campaign: CampaignView, messages: Vec<MessageView>) -> impl IntoView {
    let quote = latest_quote(&messages);
    let excerpt = crate::domain::text::snippet(&campaign.brief, 220);
    let long = excerpt.chars().count() < campaign.brief.chars().count();
    view! {
        <section class="ctx-section ctx-campaign-section" aria-label="Campaign">
            <h3>"Campaign"</h3>
            <p class="ctx-campaign"><A href=format!("/campaigns/{}", campaign.id)>{campaign.name.clone()}</A></p>
            <p class="ctx-meta">{campaign.client_name.clone()}" · "{campaign.platform.clone()}" · "{campaign.kind.clone()}" · "{campaign.status.clone()}</p>
            {if long {
                view! {
                    <details class="ctx-brief" data-testid="campaign-brief">
                        <summary>{excerpt}</summary>
                        <p>{campaign.brief.clone()}</p>
                    </details>
                }.into_any()
            } else {
                view! { <p class="ctx-brief" data-testid="campaign-brief">{campaign.brief.clone()}</p> }.into_any()
            }}
            {(!campaign.creator_guidance.is_empty()).then(|| view! {
                <p class="ctx-row"><span class="ctx-label">"Guidance"</span>{campaign.creator_guidance.clone()}</p>
            })}
            <p class="ctx-row"><span class="ctx-label">"Compensation"</span>{campaign.compensation.clone()}</p>
            {campaign.rate_ceiling_cents.map(|ceiling| view! {
                <p class="ctx-row" data-testid="rate-ceiling"><span class="ctx-label">"Rate ceiling"</span>{dollars(ceiling)}
                    {quote.clone().map(|(words, cents)| {
                        let class = if cents > ceiling { "ceiling-note over" } else { "ceiling-note" };
                        view! {
                        <span class=class>
                            {format!(" · quoted {words}: {}", against_ceiling(cents, ceiling))}
                        </span>
                    }})}
                </p>
            })}
            <div class="ctx-row">
                <span class="ctx-label">"Deliverables"</span>
                <ul class="deliverables">{campaign.deliverables.iter().map(|x| view! { <li>{x.clone()}</li> }).collect_view()}</ul>
            </div>
            {(!campaign.products.is_empty()).then(|| view! {
                <div class="ctx-row"><span class="ctx-label">"Product choice"</span>
                    <ul class="deliverables">{campaign.products.iter().map(|x| view! { <li>{x.clone()}</li> }).collect_view()}</ul></div>
            })}
            {(!campaign.usage_terms.is_empty()).then(|| view! {
                <p class="ctx-row"><span class="ctx-label">"Usage rights"</span>{campaign.usage_terms.clone()}</p>
            })}
            {campaign.content_due.map(|t| view! { <p class="ctx-row"><span class="ctx-label">"Content due"</span>{time_fmt::short_date(t)}</p> })}
            {campaign.post_by.map(|t| view! { <p class="ctx-row"><span class="ctx-label">"Post by"</span>{time_fmt::short_date(t)}</p> })}
        </section>
    }
}

/// The enrollment's agreed terms, shipping address and next action: shown, and editable by
/// teammates who can write.
#[component]
pub fn EnrollmentTermsEditor(thread_id: String, enrollment: EnrollmentView) -> impl IntoView {
    let ctx = use_inbox();
    let can_write = ctx.session.with_value(|s| s.role.can_write());
    let editing = RwSignal::new(false);
    let terms = RwSignal::new(EnrollmentTerms {
        agreed_terms: enrollment.agreed_terms.clone(),
        shipping_info: enrollment.shipping_info.clone(),
        next_action: enrollment.next_action.clone(),
    });
    let note = RwSignal::new(None::<Result<String, String>>);
    let save = Action::new(move |(id, t): &(String, EnrollmentTerms)| {
        set_enrollment_terms(id.clone(), t.clone())
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => {
            editing.set(false);
            ctx.refresh.update(|n| *n += 1);
        }
        Some(Err(e)) => note.set(Some(Err(e.to_string()))),
        None => {}
    });
    let shown = enrollment.clone();
    view! {
        {move || if editing.get() {
            let id = thread_id.clone();
            view! {
                <form class="terms-form" on:submit=move |ev| { ev.prevent_default(); save.dispatch((id.clone(), terms.get_untracked())); }>
                    <label>"Next action"<input type="text" maxlength="200" prop:value=terms.with_untracked(|t| t.next_action.clone())
                        on:input=move |ev| terms.update(|t| t.next_action = event_target_value(&ev))/></label>
                    <label>"Agreed terms (rate, deliverables, usage)"<textarea rows=3 prop:value=terms.with_untracked(|t| t.agreed_terms.clone())
                        on:input=move |ev| terms.update(|t| t.agreed_terms = event_target_value(&ev))></textarea></label>
                    <label>"Shipping address"<textarea rows=2 prop:value=terms.with_untracked(|t| t.shipping_info.clone().unwrap_or_default())
                        on:input=move |ev| terms.update(|t| t.shipping_info = Some(event_target_value(&ev)))></textarea></label>
                    <div class="settings-actions">
                        <button class="btn btn-primary btn-small" type="submit">"Save terms"</button>
                        <button class="btn btn-ghost btn-small" type="button" on:click=move |_| editing.set(false)>"Cancel"</button>
                        <SaveNote note/>
                    </div>
                </form>
            }.into_any()
        } else {
            let e = shown.clone();
            view! {
                {(!e.next_action.is_empty()).then(|| view! {
                    <p class="ctx-row"><span class="ctx-label">"Next action"</span>{e.next_action.clone()}</p>
                })}
                {(!e.agreed_terms.is_empty()).then(|| view! {
                    <p class="ctx-row"><span class="ctx-label">"Agreed terms"</span>{e.agreed_terms.clone()}</p>
                })}
                {e.shipping_info.clone().map(|a| view! {
                    <p class="ctx-row" data-testid="shipping"><span class="ctx-label">"Ship to"</span>{a}</p>
                })}
                {can_write.then(|| view! {
                    <button class="link-btn" type="button" on:click=move |_| editing.set(true)>"Edit terms and next action"</button>
                })}
            }.into_any()
        }}
    }
}

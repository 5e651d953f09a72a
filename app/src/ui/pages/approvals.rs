//! The Approvals page: every draft waiting for a person, filtered by campaign, topic and reviewer
//! (or the drafts already decided), approved, edited-and-approved or rejected inline, or approved
//! in bulk. It reads again when messages arrive or drafts are decided elsewhere.

use crate::api::{approve_drafts, load_approval_queue};
use crate::domain::classify::Intent;
use crate::domain::draft::DraftState;
use crate::live::LiveEvent;
use crate::model::{ApprovalQueue, DraftQuery, DraftView};
use crate::ui::live::{use_live, Debounce};
use crate::ui::pages::inbox::use_inbox;
use crate::ui::pages::login::is_signed_out;
use crate::ui::widgets::drafts::DraftCard;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};

const TOPICS: [Intent; 6] = [
    Intent::Rate,
    Intent::UsageRights,
    Intent::Exclusivity,
    Intent::Payment,
    Intent::Legal,
    Intent::Complaint,
];

/// Applies a filter control's new value to the query.
type QueryEdit = Box<dyn Fn(&mut DraftQuery, String)>;

/// A decided or sent reply may add or settle a draft: read the queue again (debounced).
fn reread_on_decisions(changed: RwSignal<u32>) {
    let reread = Debounce::new(600);
    use_live().on_event(move |e| {
        if let LiveEvent::Message { message, .. } = e {
            if message.decision.is_some()
                || message.sender_kind != crate::model::SenderKind::Creator
            {
                reread.call(move || changed.update(|n| *n += 1));
            }
        }
    });
}

/// What a bulk approval did, in words.
fn bulk_outcome(r: Result<crate::model::BulkOutcome, crate::api::AppError>) -> String {
    match r {
        Ok(o) if o.refused.is_empty() => format!("Approved and sent {}.", o.approved),
        Ok(o) => format!(
            "Approved and sent {}; {} not approved: {}",
            o.approved,
            o.refused.len(),
            o.refused
                .iter()
                .map(|(_, why)| why.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        Err(e) => e.to_string(),
    }
}

#[component]
pub fn ApprovalsPane() -> impl IntoView {
    let ctx = use_inbox();
    let query = RwSignal::new(DraftQuery::default());
    let changed = RwSignal::new(0u32);
    reread_on_decisions(changed);
    // Loaded in the browser only: the cards are kept in a keyed list (below) that a server render
    // could not reproduce during hydration.
    let queue = LocalResource::new(move || {
        let q = query.get();
        ctx.refresh.track();
        changed.track();
        load_approval_queue(q)
    });
    let loaded = RwSignal::new(false);
    // The cards live in a keyed list so a re-read keeps the words someone is editing.
    let drafts = RwSignal::new(Vec::<DraftView>::new());
    let meta = RwSignal::new(None::<ApprovalQueue>);
    let error = RwSignal::new(None::<String>);
    let signed_out = RwSignal::new(false);
    Effect::new(move |_| match queue.get() {
        Some(Ok(q)) => {
            drafts.set(q.drafts.clone());
            meta.set(Some(q));
            error.set(None);
            loaded.set(true);
        }
        Some(Err(e)) if is_signed_out(&e) => signed_out.set(true),
        Some(Err(e)) => error.set(Some(e.to_string())),
        None => {}
    });
    let selected = RwSignal::new(Vec::<String>::new());
    let bulk = Action::new(move |ids: &Vec<String>| approve_drafts(ids.clone()));
    let bulk_note = RwSignal::new(None::<String>);
    let done = Callback::new(move |_| {
        changed.update(|n| *n += 1);
        ctx.counts_refresh.update(|n| *n += 1);
    });
    Effect::new(move |_| {
        if let Some(r) = bulk.value().get() {
            selected.set(Vec::new());
            bulk_note.set(Some(bulk_outcome(r)));
            done.run(());
        }
    });
    let set = move |f: QueryEdit| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            selected.set(Vec::new());
            query.update(|q| f(q, v));
        }
    };
    // The default view (every draft still waiting) and each waiting state allow bulk approval.
    let pending_view = move || query.with(|q| q.state.is_none_or(DraftState::is_open));
    view! {
        <Title text="Approvals"/>
        {move || signed_out.get().then(|| view! { <Redirect path="/login"/> })}
        <div class="approvals-pane">
            <header class="unmatched-head">
                <A href="/" attr:class="back-link" attr:aria-label="Back to inbox">"‹ Inbox"</A>
                <h2>"Approvals"</h2>
                <p>"Replies the campaign policies hold for a person: anything about money, rights, exclusivity, legal or a complaint — from automation or submitted by a teammate without the role for it — and automatic replies held by quiet hours, daily caps or channel rules. Nothing here reaches a creator until someone with the right role approves it."</p>
            </header>
            <div class="approvals-filters" role="group" aria-label="Filter drafts">
                <select aria-label="Campaign" on:change=set(Box::new(|q, v| q.campaign = (!v.is_empty()).then_some(v)))>
                    <option value="">"All campaigns"</option>
                    {move || meta.with(|m| m.as_ref().map(|m| m.campaigns.clone()).unwrap_or_default())
                        .into_iter().map(|c| view! { <option value=c.id.clone() selected=move || query.with(|q| q.campaign.as_deref() == Some(c.id.as_str()))>{c.name.clone()}</option> }).collect_view()}
                </select>
                <select aria-label="Topic" on:change=set(Box::new(|q, v| q.topic = Intent::parse(&v)))>
                    <option value="">"All topics"</option>
                    {TOPICS.into_iter().map(|t| view! { <option value=t.as_str()>{t.label()}</option> }).collect_view()}
                </select>
                <select aria-label="Reviewer" on:change=set(Box::new(|q, v| q.reviewer = (!v.is_empty()).then_some(v)))>
                    <option value="">"Any reviewer"</option>
                    <option value="me">"Assigned to me"</option>
                    {move || meta.with(|m| m.as_ref().map(|m| m.reviewers.clone()).unwrap_or_default())
                        .into_iter().map(|r| view! { <option value=r.id>{r.name}</option> }).collect_view()}
                </select>
                <select aria-label="State" on:change=set(Box::new(|q, v| q.state = DraftState::parse(&v)))>
                    <option value="">"Waiting for review"</option>
                    {DraftState::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                </select>
                {move || (pending_view() && !selected.with(Vec::is_empty)).then(|| view! {
                    <button type="button" class="btn btn-primary" disabled=move || bulk.pending().get()
                        on:click=move |_| { bulk_note.set(None); bulk.dispatch(selected.get_untracked()); }>
                        {move || format!("Approve & send {} selected", selected.with(Vec::len))}
                    </button>
                })}
            </div>
            {move || bulk_note.get().map(|n| view! { <p class="bulk-note" role="status">{n}</p> })}
            {move || error.get().map(|e| view! { <p class="list-error" role="alert">{e}</p> })}
            {move || (loaded.get() && drafts.with(Vec::is_empty)).then(|| view! {
                <div class="list-empty"><p class="empty-title">"Nothing waiting"</p><p>"No drafts match these filters."</p></div>
            })}
            <div class="draft-list" data-testid="approvals-list">
                <For each=move || drafts.get() key=|d| (d.id.clone(), d.state, d.text.clone()) let:d>
                    <DraftCard d selected show_thread=true done/>
                </For>
            </div>
        </div>
    }
}

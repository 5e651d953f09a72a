//! Drafts behind approval, as the Approvals page and a thread show them: the creator's message it
//! answers, the topics that made it need review, the rule and reason, and — for someone whose role
//! may approve — the words to edit, Approve & send, and Reject with a comment.

use crate::api::{approve_draft, escalate_draft, reject_draft};
use crate::domain::draft::{rank, DraftState};
use crate::model::DraftView;
use crate::ui::pages::inbox::use_inbox;
use crate::ui::widgets::RelTime;
use leptos::prelude::*;
use leptos_router::components::A;

fn state_class(s: DraftState) -> &'static str {
    match s {
        DraftState::PendingReview | DraftState::Submitted => "draft-state pending",
        DraftState::Escalated => "draft-state escalated",
        DraftState::Sent | DraftState::AutoSent => "draft-state sent",
        DraftState::Rejected => "draft-state rejected",
        DraftState::Canceled => "draft-state canceled",
    }
}

/// Who reviews a pending draft ("Review by Marco (manager or above)").
fn reviewer_line(d: &DraftView) -> String {
    match (&d.reviewer_name, d.state.is_open()) {
        (Some(n), true) => {
            format!("Review by {n} ({} or above)", d.reviewer_role.as_str())
        }
        (None, true) => {
            format!("Needs {} or above", d.reviewer_role.with_article())
        }
        _ => String::new(),
    }
}

/// How a decided draft ended, in words.
fn outcome_line(d: &DraftView) -> Option<String> {
    match d.state {
        DraftState::Sent => Some(format!(
            "Approved{} by {} and sent",
            if d.edited { " (edited)" } else { "" },
            d.decided_by_name.clone().unwrap_or_default()
        )),
        DraftState::AutoSent => Some(format!("Sent automatically by rule {}", d.rule)),
        DraftState::Rejected => Some(format!(
            "Rejected by {}: {}",
            d.decided_by_name.clone().unwrap_or_default(),
            d.comment.clone().unwrap_or_default()
        )),
        DraftState::Canceled => Some(format!(
            "Canceled: {}",
            match d.cancel_reason.as_deref() {
                Some("creator_replied") => "the creator wrote again",
                Some("stage_changed") => "the stage changed",
                Some("superseded") => "a teammate replied",
                _ => "no longer needed",
            }
        )),
        DraftState::Escalated => Some(format!(
            "Passed up to an owner: {}",
            d.comment.clone().unwrap_or_default()
        )),
        DraftState::PendingReview | DraftState::Submitted => None,
    }
}

/// The checkbox that puts a draft in the bulk approval.
#[component]
fn SelectBox(sel: RwSignal<Vec<String>>, id: String) -> impl IntoView {
    let checked = {
        let id = id.clone();
        move || sel.with(|s| s.contains(&id))
    };
    view! {
        <input type="checkbox" class="draft-select" aria-label="Select for bulk approval"
            prop:checked=checked
            on:change=move |ev| {
                let on = event_target_checked(&ev);
                sel.update(|s| {
                    s.retain(|x| *x != id);
                    if on { s.push(id.clone()); }
                });
            }/>
    }
}

/// One draft. `selected` (Approvals page) adds a checkbox for bulk approval; `show_thread` links
/// the creator and campaign to the thread; `done` is called after an approval or rejection.
#[component]
pub fn DraftCard(
    d: DraftView,
    #[prop(optional)] selected: Option<RwSignal<Vec<String>>>,
    #[prop(optional)] show_thread: bool,
    /// The reader's role; a teammate's session's when not given (an embedded frame gives its own).
    #[prop(optional)]
    role: Option<crate::model::Role>,
    done: Callback<()>,
) -> impl IntoView {
    let role = role.unwrap_or_else(|| use_inbox().session.with_value(|s| s.role));
    let may_approve = role.can_write() && rank(role) >= rank(d.reviewer_role);
    let open = d.state.is_open();
    let text = RwSignal::new(d.text.clone());
    let original = StoredValue::new(d.text.clone());
    let rejecting = RwSignal::new(false);
    let comment = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let approve = Action::new(move |(id, t): &(String, Option<String>)| {
        let (id, t) = (id.clone(), t.clone());
        async move { approve_draft(id, t).await }
    });
    let reject = Action::new(move |(id, c): &(String, String)| {
        let (id, c) = (id.clone(), c.clone());
        async move { reject_draft(id, c).await }
    });
    Effect::new(move |_| match approve.value().get() {
        Some(Ok(_)) => done.run(()),
        Some(Err(e)) => error.set(Some(e.to_string())),
        None => {}
    });
    Effect::new(move |_| match reject.value().get() {
        Some(Ok(())) => done.run(()),
        Some(Err(e)) => error.set(Some(e.to_string())),
        None => {}
    });
    let busy = move || approve.pending().get() || reject.pending().get();
    let id = d.id.clone();
    let id_reject = d.id.clone();
    let id_check = d.id.clone();
    let topics: Vec<&'static str> = d.topics.iter().map(|t| t.label()).collect();
    let reviewer = reviewer_line(&d);
    let outcome = outcome_line(&d);
    view! {
        <article class="draft-card" class:draft-open=open data-testid="draft" data-draft-id=d.id.clone() data-state=d.state.as_str()>
            <header class="draft-head">
                {selected.filter(|_| open && may_approve).map(|sel| view! { <SelectBox sel id=id_check.clone()/> })}
                {if show_thread {
                    view! {
                        <A href=format!("/t/{}", d.thread_id) attr:class="draft-who">
                            <strong>{d.creator_name.clone()}</strong>" · "{d.campaign_name.clone()}
                        </A>
                    }.into_any()
                } else {
                    view! { <span class="draft-who"><strong>"Draft reply"</strong></span> }.into_any()
                }}
                <span class=state_class(d.state)>{d.state.label()}</span>
                <span class="draft-time"><RelTime at=d.created_at/></span>
            </header>
            {show_thread.then(|| view! { <blockquote class="draft-trigger">{d.trigger_text.clone()}</blockquote> })}
            <div class="draft-meta">
                {(!topics.is_empty()).then(|| view! {
                    <ul class="draft-topics" aria-label="Sensitive topics">
                        {topics.into_iter().map(|t| view! { <li class="intent-chip sensitive">{t}</li> }).collect_view()}
                    </ul>
                })}
                <span class="draft-reason" title=format!("Rule {}", d.rule)>{d.reason.clone()}</span>
                {(!reviewer.is_empty()).then(|| view! { <span class="draft-reviewer">{reviewer}</span> })}
            </div>
            {if open && may_approve {
                view! {
                    <textarea class="draft-text" aria-label="Draft reply" rows="4"
                        prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                }.into_any()
            } else {
                view! { <p class="draft-body">{d.text.clone()}</p> }.into_any()
            }}
            <p class="draft-source">{match &d.author_name {
                Some(a) => format!("Written by {a}{}", d.channel.map(|c| format!(" · to go by {}", c.label())).unwrap_or_default()),
                None => format!("From {}", d.source.replace("library:", "approved language: ").replace("model:", "model: ")),
            }}</p>
            {outcome.map(|o| view! { <p class="draft-outcome">{o}</p> })}
            {(open && may_approve).then(|| view! {
                <div class="draft-actions">
                    <button type="button" class="btn btn-primary" disabled=busy
                        on:click={
                            let id = id.clone();
                            move |_| {
                                error.set(None);
                                let t = text.get_untracked();
                                let edited = (t != original.get_value()).then_some(t);
                                approve.dispatch((id.clone(), edited));
                            }
                        }>
                        {move || if approve.pending().get() {
                            "Sending…"
                        } else if text.get() != original.get_value() {
                            "Approve edited & send"
                        } else {
                            "Approve & send"
                        }}
                    </button>
                    {move || if rejecting.get() {
                        let id = id_reject.clone();
                        view! {
                            <input type="text" class="draft-comment" aria-label="Why reject?" placeholder="Why? (the team sees this)"
                                prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))/>
                            <button type="button" class="btn btn-danger" disabled=move || busy() || comment.get().trim().is_empty()
                                on:click=move |_| { error.set(None); reject.dispatch((id.clone(), comment.get_untracked())); }>
                                "Reject"
                            </button>
                        }.into_any()
                    } else {
                        view! {
                            <button type="button" class="btn" disabled=busy on:click=move |_| rejecting.set(true)>"Reject…"</button>
                        }.into_any()
                    }}
                </div>
            })}
            {(open && !may_approve).then(|| view! {
                <p class="draft-locked">{format!("Only {} or above can approve this draft.", d.reviewer_role.with_article())}</p>
            })}
            {(open && role == crate::model::Role::Manager && d.reviewer_role != crate::model::Role::Owner)
                .then(|| view! { <Escalate id=d.id.clone() done/> })}
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </article>
    }
}

/// A manager passes the draft up to an owner, saying why.
#[component]
fn Escalate(id: String, done: Callback<()>) -> impl IntoView {
    let asking = RwSignal::new(false);
    let comment = RwSignal::new(String::new());
    let escalate = Action::new(move |(id, c): &(String, String)| {
        let (id, c) = (id.clone(), c.clone());
        async move { escalate_draft(id, c).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = escalate.value().get() {
            done.run(());
        }
    });
    view! {
        <div class="draft-escalate">
            {move || if asking.get() {
                let id = id.clone();
                view! {
                    <input type="text" class="draft-comment" aria-label="Why an owner?" placeholder="Why does an owner need to decide?"
                        prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))/>
                    <button type="button" class="btn" disabled=move || escalate.pending().get() || comment.get().trim().is_empty()
                        on:click=move |_| { escalate.dispatch((id.clone(), comment.get_untracked())); }>"Pass up to an owner"</button>
                }.into_any()
            } else {
                view! { <button type="button" class="btn btn-ghost" on:click=move |_| asking.set(true)>"Escalate to an owner…"</button> }.into_any()
            }}
            {move || escalate.value().get().and_then(Result::err).map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
        </div>
    }
}

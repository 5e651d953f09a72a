//! The content card under a creator's message that hands in content (a link or a file): approve
//! it, or ask for changes with feedback that goes to the creator as a reply (held for review
//! like any reply when the thread needs it).

use crate::api::decide_content;
use crate::domain::content::ContentDecision;
use crate::model::{ComposeOutcome, Stage};
use crate::ui::pages::inbox::use_inbox;
use leptos::prelude::*;

#[component]
pub fn ContentCard(thread_id: String, message_id: String, stage: Stage) -> impl IntoView {
    let ctx = use_inbox();
    let asking = RwSignal::new(false);
    let feedback = RwSignal::new(String::new());
    let ids = StoredValue::new((thread_id, message_id));
    let decide = Action::new(move |(decision, words): &(ContentDecision, String)| {
        let ((t, m), decision, words) = (ids.get_value(), *decision, words.clone());
        async move { decide_content(t, m, decision, words, None).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = decide.value().get() {
            ctx.refresh.update(|n| *n += 1);
        }
    });
    let approved = matches!(stage, Stage::ContentApproved);
    view! {
        <div class="content-card" data-testid="content-card">
            <span class="content-title">{if approved { "Content approved — waiting for the post" } else { "Content handed in" }}</span>
            {(!approved).then(|| view! {
                <button type="button" class="btn btn-small btn-primary" disabled=move || decide.pending().get()
                    on:click=move |_| { decide.dispatch((ContentDecision::Approve, String::new())); }>"Approve content"</button>
            })}
            {move || if asking.get() {
                view! {
                    <textarea rows="2" class="content-feedback" aria-label="What should change?"
                        placeholder="What should change? The creator gets this as a reply."
                        prop:value=move || feedback.get() on:input=move |ev| feedback.set(event_target_value(&ev))></textarea>
                    <button type="button" class="btn btn-small" disabled=move || decide.pending().get() || feedback.get().trim().is_empty()
                        on:click=move |_| { decide.dispatch((ContentDecision::RequestChanges, feedback.get_untracked())); }>"Send feedback"</button>
                }.into_any()
            } else {
                view! { <button type="button" class="btn btn-small" on:click=move |_| asking.set(true)>"Request changes…"</button> }.into_any()
            }}
            {move || match decide.value().get() {
                Some(Err(e)) => Some(view! { <span class="form-error" role="alert">{e.to_string()}</span> }.into_any()),
                Some(Ok(Some(ComposeOutcome::Submitted { notice, .. }))) => Some(view! { <span class="form-ok" role="status">{notice}". Submitted for review."</span> }.into_any()),
                _ => None,
            }}
        </div>
    }
}

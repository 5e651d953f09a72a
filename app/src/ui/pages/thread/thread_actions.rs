//! Under the timeline: the thread's latest follow-up (a scheduled one can be canceled by hand)
//! and escalating the thread to its owners and managers with a note.

use crate::api::{cancel_followup, escalate_thread};
use crate::model::FollowupView;
use crate::ui::pages::inbox::use_inbox;
use leptos::prelude::*;

#[component]
pub fn ThreadActions(thread_id: String, followup: Option<FollowupView>) -> impl IntoView {
    let ctx = use_inbox();
    let can_write = ctx.session.with_value(|s| s.role.can_write());
    let cancel = Action::new(move |id: &String| {
        let id = id.clone();
        async move { cancel_followup(id).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = cancel.value().get() {
            ctx.refresh.update(|n| *n += 1);
        }
    });
    let asking = RwSignal::new(false);
    let note = RwSignal::new(String::new());
    let tid = StoredValue::new(thread_id);
    let escalate = Action::new(move |n: &String| {
        let (t, n) = (tid.get_value(), n.clone());
        async move { escalate_thread(t, n).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = escalate.value().get() {
            asking.set(false);
            note.set(String::new());
        }
    });
    view! {
        <div class="thread-actions">
            {followup.map(|f| {
                let text = super::followup_line(&f);
                let scheduled = f.state == "scheduled";
                let id = f.id.clone();
                view! {
                    <p class="followup-line" data-testid="followup" data-state=f.state.clone()>{text}
                        {(can_write && scheduled).then(|| view! {
                            <button type="button" class="btn btn-small btn-ghost" disabled=move || cancel.pending().get()
                                on:click=move |_| { cancel.dispatch(id.clone()); }>"Cancel follow-up"</button>
                        })}
                    </p>
                }
            })}
            {can_write.then(|| view! {
                <span class="escalate-thread">
                    {move || if asking.get() {
                        view! {
                            <input type="text" aria-label="Why escalate?" placeholder="What should a manager look at?"
                                prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))/>
                            <button type="button" class="btn btn-small" disabled=move || escalate.pending().get() || note.get().trim().is_empty()
                                on:click=move |_| { escalate.dispatch(note.get_untracked()); }>"Escalate"</button>
                        }.into_any()
                    } else {
                        view! { <button type="button" class="btn btn-small btn-ghost" on:click=move |_| asking.set(true)>"Escalate to a manager…"</button> }.into_any()
                    }}
                    {move || match escalate.value().get() {
                        Some(Ok(())) => Some(view! { <span class="form-ok" role="status">"Owners and managers were notified."</span> }.into_any()),
                        Some(Err(e)) => Some(view! { <span class="form-error" role="alert">{e.to_string()}</span> }.into_any()),
                        None => None,
                    }}
                </span>
            })}
            {move || cancel.value().get().and_then(Result::err).map(|e| view! { <span class="form-error" role="alert">{e.to_string()}</span> })}
        </div>
    }
}

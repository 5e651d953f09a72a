//! The workspace's reply-timer setting on the Policies page: after how many hours of waiting an
//! overdue thread is escalated to the owners and managers (the bell), or never.

use crate::api::set_escalation;
use crate::model::PolicySettings;
use leptos::prelude::*;

#[component]
pub fn ReplyTimer(
    hours: Option<u32>,
    can_edit: bool,
    saved: RwSignal<Option<PolicySettings>>,
) -> impl IntoView {
    let value = RwSignal::new(hours.map(|h| h.to_string()).unwrap_or_default());
    let note = RwSignal::new(None::<Result<String, String>>);
    let save = Action::new(move |h: &Option<u32>| set_escalation(*h));
    Effect::new(move |_| match save.value().get() {
        Some(Ok(s)) => {
            note.set(Some(Ok("Saved.".into())));
            saved.set(Some(s));
        }
        Some(Err(e)) => note.set(Some(Err(e.to_string()))),
        None => {}
    });
    let submit = move |_| {
        note.set(None);
        let v = value.get_untracked();
        let v = v.trim();
        if v.is_empty() || v == "0" {
            save.dispatch(None);
        } else {
            match v.parse::<u32>() {
                Ok(h) => {
                    save.dispatch(Some(h));
                }
                Err(_) => note.set(Some(Err("hours are a whole number".into()))),
            }
        }
    };
    view! {
        <section class="policy-editor reply-timer" aria-label="Reply timer" data-testid="reply-timer">
            <h3>"Reply timer"</h3>
            <p class="policy-help">"Threads where the creator spoke last count toward the 24-hour reply goal (Needs reply, then Overdue). Escalate a wait to the owners and managers after:"</p>
            <div class="policy-limits">
                <label class="followup-days">
                    <input type="number" min="0" max="720" disabled=!can_edit aria-label="Escalate after hours"
                        prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/>
                    " hours (empty or 0: never)"
                </label>
                {can_edit.then(|| view! {
                    <button type="button" class="btn btn-primary btn-small" disabled=move || save.pending().get() on:click=submit>"Save"</button>
                })}
                {move || note.get().map(|n| match n {
                    Ok(m) => view! { <span class="save-note" role="status">{m}</span> }.into_any(),
                    Err(e) => view! { <span class="form-error" role="alert">{e}</span> }.into_any(),
                })}
            </div>
        </section>
    }
}

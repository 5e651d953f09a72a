//! What a creator's message was understood to say: one chip per intent with its confidence, the
//! words that carried it on hover (and for screen readers), sensitive topics marked, the shipping
//! address or decline reason found, why automation left it to a person — and, for writers, a
//! way to correct the intents (audited; exported to grow the classifier's corpus). A message
//! nothing was recognized in says so: "Not understood — needs a person".

use crate::api::correct_intents;
use crate::domain::classify::safety::{automation_verdict, Hold};
use crate::domain::classify::{Classification, Detected, Intent};
use crate::ui::pages::inbox::use_inbox;
use leptos::prelude::*;

fn evidence(text: &str, d: &Detected) -> String {
    let quotes: Vec<String> = d
        .evidence
        .iter()
        .filter_map(|s| text.get(s.start..s.end))
        .map(|q| format!("“{q}”"))
        .collect();
    if quotes.is_empty() {
        format!("{}%", d.confidence)
    } else {
        format!("{}% — because of {}", d.confidence, quotes.join(", "))
    }
}

fn chips(text: &str, c: &Classification) -> AnyView {
    if c.intents.is_empty() {
        return view! {
            <li class="intent-chip unknown" title="No intent was recognized: a teammate reads it">
                "Not understood — needs a person"
            </li>
        }
        .into_any();
    }
    c.intents
        .iter()
        .map(|d| {
            let class = if d.intent.is_sensitive() {
                "intent-chip sensitive"
            } else {
                "intent-chip"
            };
            let why = evidence(text, d);
            view! {
                <li class=class title=why.clone()>
                    {d.intent.label()}
                    {d.intent.is_sensitive().then(|| view! { <span class="intent-flag">" · needs care"</span> })}
                    <span class="sr-only">{format!(" ({why})")}</span>
                </li>
            }
        })
        .collect_view()
        .into_any()
}

/// Why automation would not act alone, for a message the classifier read (not a person).
fn held_note(c: &Classification) -> Option<String> {
    if c.source.starts_with("corrected by") {
        return None;
    }
    // A sensitive topic is said by its chip and the policy's decision; a hedge, a doubt or a
    // decline is what a teammate would not otherwise see.
    match automation_verdict(c) {
        Err(h @ (Hold::Caution(_) | Hold::Unsure { .. } | Hold::Topic(Intent::Declined))) => {
            Some(format!("Automation left this to a person: {}", h.reason()))
        }
        _ => None,
    }
}

#[component]
pub fn IntentChips(
    text: String,
    classification: Classification,
    /// The message, when a writer may correct its intents.
    #[prop(optional)]
    message_id: Option<String>,
) -> impl IntoView {
    let ctx = use_inbox();
    // Fixed for this drawing: a correction redraws the entry (`thread::Timeline`).
    let ticked = classification.intent_set();
    let timeline = use_context::<super::Timeline>();
    let correcting = timeline.map_or_else(|| RwSignal::new(None), |t| t.correcting);
    let editing = {
        let id = message_id.clone();
        Memo::new(move |_| {
            correcting.with(|c| c.as_ref().is_some_and(|(m, _)| Some(m) == id.as_ref()))
        })
    };
    let can_correct = message_id.is_some() && ctx.session.with_value(|s| s.role.can_write());
    let c = &classification;
    let detail = c
        .address
        .as_ref()
        .map(|a| format!("Address: {}", a.text))
        .or_else(|| {
            c.decline_reason
                .map(|r| format!("Decline reason: {}", r.label()))
        });
    let note = c
        .source
        .strip_prefix("corrected by ")
        .map(|by| format!("Corrected by {by}"))
        .or_else(|| held_note(c));
    view! {
        <div class="entry-intents">
            <ul aria-label="Understood as">{chips(&text, c)}</ul>
            {detail.map(|d| view! { <p class="intent-detail">{d}</p> })}
            {note.map(|n| view! { <p class="intent-detail intent-source">{n}</p> })}
            {can_correct.then(|| {
                let id = message_id.clone().unwrap_or_default();
                let open = id.clone();
                view! {
                    <Show when=move || editing.get() fallback=move || {
                        let (open, ticked) = (open.clone(), ticked.clone());
                        view! {
                            <button type="button" class="link-button intent-correct"
                                on:click=move |_| correcting.set(Some((open.clone(), ticked.clone())))>
                                "Correct intents"
                            </button>
                        }
                    }>
                        <IntentEditor message_id=id.clone() correcting/>
                    </Show>
                }
            })}
        </div>
    }
}

/// The checklist a writer corrects the intents with.
#[component]
fn IntentEditor(
    message_id: String,
    correcting: RwSignal<Option<(String, Vec<Intent>)>>,
) -> impl IntoView {
    let chosen =
        move || correcting.with(|c| c.as_ref().map(|(_, v)| v.clone()).unwrap_or_default());
    let timeline = use_context::<super::Timeline>();
    let save = Action::new(move |(id, intents): &(String, Vec<Intent>)| {
        let (id, intents) = (id.clone(), intents.clone());
        async move {
            let saved = correct_intents(id.clone(), intents).await;
            // Into the thread's timeline, whose redraw of the entry shows it (the live push of
            // the change may come before or after this answer).
            if let (Ok(c), Some(t)) = (&saved, timeline) {
                t.messages.update(|ms| {
                    if let Some(m) = ms.iter_mut().find(|m| m.id == id) {
                        m.classification = Some(c.clone());
                    }
                });
            }
            if saved.is_ok() {
                correcting.set(None);
            }
            saved
        }
    });
    let error = move || {
        save.value()
            .get()
            .and_then(|r| r.err())
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    };
    let boxes = Intent::ALL
        .iter()
        .map(|intent| {
            let intent = *intent;
            view! {
                <label class="intent-option">
                    <input type="checkbox"
                        prop:checked=move || chosen().contains(&intent)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            correcting.update(|c| {
                                if let Some((_, v)) = c {
                                    v.retain(|i| *i != intent);
                                    if on { v.push(intent); }
                                }
                            });
                        }/>
                    {intent.label()}
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="intent-editor">
            <legend>"What does this message say?"</legend>
            <div class="intent-options">{boxes}</div>
            {error}
            <div class="intent-editor-actions">
                <button type="button" class="btn btn-small btn-primary" disabled=move || save.pending().get()
                    on:click=move |_| { save.dispatch((message_id.clone(), chosen())); }>
                    "Save correction"
                </button>
                <button type="button" class="btn btn-small" on:click=move |_| correcting.set(None)>"Cancel"</button>
            </div>
        </fieldset>
    }
}

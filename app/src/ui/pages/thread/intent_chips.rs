//! What a creator's message was understood to say: one chip per intent with its confidence, the
//! words that triggered it on hover (and for screen readers), sensitive topics marked, and the
//! shipping address or decline reason found.

use crate::domain::classify::{Classification, Detected};
use leptos::prelude::*;

fn evidence(text: &str, d: &Detected) -> String {
    let quotes: Vec<String> = d
        .evidence
        .iter()
        .filter_map(|s| text.get(s.start..s.end))
        .map(|q| format!("“{q}”"))
        .collect();
    format!("{}% — because of {}", d.confidence, quotes.join(", "))
}

#[component]
pub fn IntentChips(text: String, classification: Classification) -> impl IntoView {
    if classification.intents.is_empty() {
        return None;
    }
    let chips = classification
        .intents
        .iter()
        .map(|d| {
            let class = if d.intent.is_sensitive() {
                "intent-chip sensitive"
            } else {
                "intent-chip"
            };
            let why = evidence(&text, d);
            view! {
                <li class=class title=why.clone()>
                    {d.intent.label()}
                    {d.intent.is_sensitive().then(|| view! { <span class="intent-flag">" · needs care"</span> })}
                    <span class="sr-only">{format!(" ({why})")}</span>
                </li>
            }
        })
        .collect_view();
    let detail = classification
        .address
        .as_ref()
        .map(|a| format!("Address: {}", a.text))
        .or_else(|| {
            classification
                .decline_reason
                .map(|r| format!("Decline reason: {}", r.label()))
        });
    Some(view! {
        <div class="entry-intents">
            <ul aria-label="Understood as">{chips}</ul>
            {detail.map(|d| view! { <p class="intent-detail">{d}</p> })}
        </div>
    })
}

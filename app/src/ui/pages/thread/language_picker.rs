//! Approved language in the composer: the campaign's library filled for this creator, searched
//! by name and topic; a pick goes into the reply, and what it could not fill stays marked
//! (`{{address}}`) and blocks sending until a person fills it. And "Suggest a reply" on a
//! creator's message: a draft to review, never sent.

use crate::api::{load_composer_language, suggest_reply};
use crate::domain::language::Scope;
use crate::model::FilledSnippet;
use crate::ui::pages::inbox::use_inbox;
use leptos::prelude::*;

fn scope_label(s: Scope) -> &'static str {
    match s {
        Scope::Campaign => "This campaign",
        Scope::Workspace => "Workspace",
        Scope::BuiltIn => "Built-in",
    }
}

/// Whether an entry matches what was typed in the search (title, topic or key).
fn matches(s: &FilledSnippet, q: &str) -> bool {
    let q = q.trim().to_lowercase();
    q.is_empty()
        || [&s.title, &s.category, &s.key]
            .iter()
            .any(|f| f.to_lowercase().contains(&q))
}

/// The "Approved language" button and its searchable list; `text` is the composer's words.
#[component]
pub(super) fn LanguagePicker(thread_id: String, text: RwSignal<String>) -> impl IntoView {
    let open = RwSignal::new(false);
    let query = RwSignal::new(String::new());
    let id = StoredValue::new(thread_id);
    let entries = LocalResource::new(move || {
        let wanted = open.get();
        let id = id.get_value();
        async move {
            if wanted {
                load_composer_language(id).await.map(Some)
            } else {
                Ok(None)
            }
        }
    });
    let insert = move |words: String| {
        text.update(|t| {
            if t.trim().is_empty() {
                *t = words;
            } else {
                t.push_str("\n\n");
                t.push_str(&words);
            }
        });
        open.set(false);
    };
    view! {
        <span class="language-picker">
            <button type="button" class="btn btn-small" aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>"Approved language"</button>
            {move || open.get().then(|| view! {
                <div class="language-pop" role="dialog" aria-label="Approved language">
                    <input type="search" placeholder="Search by name or topic" aria-label="Search approved language"
                        prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
                    <Suspense fallback=|| view! { <p class="settings-note">"Loading…"</p> }>
                        {move || entries.get().map(|r| match r {
                            Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                            Ok(None) => view! { <p></p> }.into_any(),
                            Ok(Some(list)) => view! {
                                <ul class="language-list">
                                    {move || list.iter().filter(|s| matches(s, &query.get())).map(|s| {
                                        let words = s.text.clone();
                                        view! {
                                            <li>
                                                <button type="button" class="language-item" on:click=move |_| insert(words.clone())>
                                                    <span class="language-title">{s.title.clone()}</span>
                                                    <span class="chip">{scope_label(s.scope)}</span>
                                                    <span class="language-topic">{s.category.clone()}</span>
                                                    {(!s.missing.is_empty()).then(|| view! {
                                                        <span class="language-missing">{format!("to fill: {}", s.missing.join(", "))}</span>
                                                    })}
                                                    <span class="language-preview">{s.text.chars().take(140).collect::<String>()}</span>
                                                </button>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any(),
                        })}
                    </Suspense>
                </div>
            })}
        </span>
    }
}

/// "Suggest a reply" under a creator's message: writes a draft from the approved language and
/// the brief (or the model provider), shown in the thread's drafts for review.
#[component]
pub fn SuggestReply(message_id: String) -> impl IntoView {
    let ctx = use_inbox();
    let suggest = Action::new(move |id: &String| {
        let id = id.clone();
        async move { suggest_reply(id).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = suggest.value().get() {
            ctx.refresh.update(|n| *n += 1);
        }
    });
    view! {
        <span class="suggest-reply">
            <button type="button" class="btn btn-small btn-ghost" disabled=move || suggest.pending().get()
                on:click=move |_| { suggest.dispatch(message_id.clone()); }>
                {move || if suggest.pending().get() { "Suggesting…" } else { "Suggest a reply" }}
            </button>
            {move || suggest.value().get().and_then(Result::err).map(|e| view! { <span class="form-error" role="alert">{e.to_string()}</span> })}
        </span>
    }
}

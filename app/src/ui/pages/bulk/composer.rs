//! The bulk composer (`/bulk-new`): the recipients (picked threads, or every thread matching
//! the inbox filter — both kept in the URL so a reload keeps them), the message with merge
//! fields, a live preview (per recipient: the channel, or why they are skipped; the message as
//! one recipient will read it; whether the batch needs an approval), then send now or schedule.

use crate::api::{create_bulk, preview_bulk_message};
use crate::domain::bulk::MERGE_FIELDS;
use crate::model::bulk::{BulkCompose, BulkPreview, BulkSelection};
use crate::ui::live::Debounce;
use crate::ui::pages::inbox::use_inbox;
use crate::ui::widgets::ChannelIcon;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

/// The selection the URL names: `all=1` (the filter's matches) or `threads=a,b,…`.
fn selection_from_query(
    all: bool,
    threads: Option<String>,
    filter: crate::domain::filter::InboxFilter,
) -> Option<BulkSelection> {
    if all {
        return Some(BulkSelection::Filter(filter));
    }
    let ids: Vec<String> = threads?
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    (!ids.is_empty()).then_some(BulkSelection::Threads(ids))
}

/// A `datetime-local` value as Unix ms in the browser's time zone.
#[cfg(feature = "hydrate")]
fn local_ms(v: &str) -> Option<i64> {
    let t = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(v)).get_time();
    (!t.is_nan()).then_some(t as i64)
}
#[cfg(not(feature = "hydrate"))]
fn local_ms(_: &str) -> Option<i64> {
    None
}

#[component]
pub fn BulkComposer() -> impl IntoView {
    let ctx = use_inbox();
    let query = use_query_map();
    let selection = Memo::new(move |_| {
        let (all, threads) =
            query.with(|q| (q.get("all").as_deref() == Some("1"), q.get("threads")));
        selection_from_query(all, threads, ctx.filter.get())
    });
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new("Hi {{first_name}},\n\n".to_string());
    let settled = settled_words(subject, body);
    let sample = RwSignal::new(None::<String>);
    let shown = preview_of(selection, settled, sample);
    // The preview says nobody can be reached: there is nothing to send.
    let nobody_reached = move || {
        shown.with(|p| matches!(p, Some(Some(Ok(p))) if p.by_channel.iter().all(|(_, n)| *n == 0)))
    };
    let schedule = RwSignal::new(false);
    let when = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let send = Action::new(
        move |(sel, compose, at): &(BulkSelection, BulkCompose, Option<i64>)| {
            create_bulk(sel.clone(), compose.clone(), *at)
        },
    );
    Effect::new(move |_| {
        if let Some(r) = send.value().get() {
            match r {
                Ok(id) => {
                    ctx.picked.set(Vec::new());
                    ctx.all_matching.set(false);
                    navigate(&format!("/bulk/{id}"), Default::default());
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let Some(sel) = selection.get_untracked() else {
            return;
        };
        let at = if schedule.get_untracked() {
            match local_ms(&when.get_untracked()) {
                Some(t) => Some(t),
                None => {
                    error.set(Some("pick a date and time to send at".into()));
                    return;
                }
            }
        } else {
            None
        };
        let compose = BulkCompose {
            subject: subject.get_untracked(),
            body: body.get_untracked(),
        };
        send.dispatch((sel, compose, at));
    };
    view! {
        <Title text="Bulk message"/>
        <div class="settings-pane bulk-pane">
            <header class="settings-head">
                <A href="/bulk" attr:class="back-link">"‹ Bulk messages"</A>
                <h2>"New bulk message"</h2>
                <p>{move || selection.with(|s| recipients_line(s.as_ref()))}</p>
            </header>
            <form class="bulk-form settings-card" on:submit=submit>
                <label class="field">
                    <span>"Email subject"</span>
                    <input type="text" maxlength="200" placeholder="Defaults to the campaign's name"
                        prop:value=subject on:input=move |ev| subject.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span>"Message"</span>
                    <textarea rows="7" aria-label="Bulk message text" prop:value=body
                        on:input=move |ev| body.set(event_target_value(&ev))></textarea>
                </label>
                <MergeFieldButtons body/>
                <LanguageInsert body/>
                <fieldset class="bulk-when">
                    <label><input type="radio" name="when" prop:checked=move || !schedule.get() on:change=move |_| schedule.set(false)/>" Send now"</label>
                    <label><input type="radio" name="when" prop:checked=schedule on:change=move |_| schedule.set(true)/>" Schedule"</label>
                    <input type="datetime-local" aria-label="Send at" disabled=move || !schedule.get()
                        prop:value=when on:input=move |ev| when.set(event_target_value(&ev))/>
                </fieldset>
                {move || error.get().map(|e| view! { <p class="list-error" role="alert">{e}</p> })}
                <div class="bulk-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || send.pending().get() || selection.with(Option::is_none) || nobody_reached()>
                        {move || preview_button(shown.get().flatten().and_then(Result::ok).as_ref(), schedule.get())}
                    </button>
                </div>
            </form>
            <section class="settings-card bulk-preview" aria-label="Preview" data-testid="bulk-preview">
                <h3>"Preview"</h3>
                {move || match shown.get() {
                    None => view! { <p class="settings-note">"Working out who gets it…"</p> }.into_any(),
                    Some(None) => view! { <p class="settings-note">"Nothing selected."</p> }.into_any(),
                    Some(Some(Err(e))) => view! { <p class="list-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Some(Some(Ok(p))) => view! { <PreviewBody p sample/> }.into_any(),
                }}
            </section>
        </div>
    }
}

/// What the preview reads: the words, a moment after typing stops.
fn settled_words(subject: RwSignal<String>, body: RwSignal<String>) -> RwSignal<BulkCompose> {
    let settled = RwSignal::new(BulkCompose {
        subject: String::new(),
        body: body.get_untracked(),
    });
    let settle = Debounce::new(400);
    Effect::new(move |_| {
        let c = BulkCompose {
            subject: subject.get(),
            body: body.get(),
        };
        settle.call(move || settled.set(c));
    });
    settled
}

type Preview = Option<Option<Result<BulkPreview, crate::api::AppError>>>;

/// The preview of the selection with the settled words, as `sample` reads it; `None` until the
/// first answer. Copied by an effect (see `BulkBar`): the view never reads the resource itself.
fn preview_of(
    selection: Memo<Option<BulkSelection>>,
    settled: RwSignal<BulkCompose>,
    sample: RwSignal<Option<String>>,
) -> RwSignal<Preview> {
    let preview = LocalResource::new(move || {
        let sel = selection.get();
        let compose = settled.get();
        let sample = sample.get();
        async move {
            match sel {
                None => None,
                Some(sel) => Some(preview_bulk_message(sel, compose, sample).await),
            }
        }
    });
    let shown = RwSignal::new(None);
    Effect::new(move |_| {
        if let Some(p) = preview.get() {
            shown.set(Some(p));
        }
    });
    shown
}

/// Who the bulk message goes to, in words.
fn recipients_line(selection: Option<&BulkSelection>) -> String {
    match selection {
        Some(BulkSelection::Filter(_)) => {
            "To every thread matching the inbox filter on the left, as it is when you send.".into()
        }
        Some(BulkSelection::Threads(ids)) => format!("To the {} threads you picked.", ids.len()),
        None => "Pick threads in the list, or select all matching a filter, first.".into(),
    }
}

/// One button per merge field; a click adds the field to the message.
#[component]
fn MergeFieldButtons(body: RwSignal<String>) -> impl IntoView {
    let insert = move |field: &'static str| {
        move |_| body.update(|b| b.push_str(&format!("{{{{{field}}}}}")))
    };
    view! {
        <div class="merge-fields" role="group" aria-label="Insert a merge field">
            {MERGE_FIELDS.iter().map(|(f, what)| view! {
                <button type="button" class="chip-btn" title=*what on:click=insert(f)>{format!("{{{{{f}}}}}")}</button>
            }).collect_view()}
        </div>
    }
}

/// Approved language for a bulk message: the workspace's library with its merge fields kept, so
/// each recipient's are filled (a field a recipient lacks skips them, with the reason, in the
/// preview).
#[component]
fn LanguageInsert(body: RwSignal<String>) -> impl IntoView {
    let library = LocalResource::new(crate::api::load_policy_settings);
    view! {
        <label class="language-insert">
            <span>"Approved language"</span>
            <select aria-label="Insert approved language" on:change=move |ev| {
                let key = event_target_value(&ev);
                let words = library.get().and_then(|r| r.ok()).and_then(|s| {
                    s.library.into_iter().find(|x| x.key == key && x.campaign.is_none()).map(|x| x.body)
                });
                if let Some(w) = words {
                    body.update(|b| {
                        if b.trim().is_empty() || b.trim() == "Hi {{first_name}}," {
                            *b = w;
                        } else {
                            b.push_str("\n\n");
                            b.push_str(&w);
                        }
                    });
                }
            }>
                <option value="">"Insert…"</option>
                {move || library.get().and_then(|r| r.ok()).map(|s| s.library.into_iter()
                    .filter(|x| x.campaign.is_none())
                    .map(|x| view! { <option value=x.key.clone()>{format!("{} · {}", x.title, x.category)}</option> })
                    .collect_view())}
            </select>
        </label>
    }
}

fn preview_button(p: Option<&BulkPreview>, scheduled: bool) -> String {
    let n: u32 = p
        .map(|p| p.by_channel.iter().map(|(_, n)| n).sum())
        .unwrap_or(0);
    let verb = match (p.is_some_and(|p| p.approval.is_some()), scheduled) {
        (true, _) => "Ask for approval",
        (false, true) => "Schedule",
        (false, false) => "Send now",
    };
    if p.is_some() {
        format!(
            "{verb} · {n} {}",
            if n == 1 { "creator" } else { "creators" }
        )
    } else {
        verb.to_string()
    }
}

#[component]
fn PreviewBody(p: BulkPreview, sample: RwSignal<Option<String>>) -> impl IntoView {
    let sending: u32 = p.by_channel.iter().map(|(_, n)| n).sum();
    let skipped: u32 = p.skipped.iter().map(|(_, n)| n).sum();
    let current = p.sample_thread.clone();
    view! {
        <div class="bulk-summary">
            <span class="bulk-total" data-testid="bulk-total">{format!("{} selected", p.total)}</span>
            <span class="bulk-ok">{format!("{sending} will get it")}</span>
            {p.by_channel.iter().map(|(c, n)| view! {
                <span class="bulk-channel"><ChannelIcon channel=*c/>{format!(" {n}")}</span>
            }).collect_view()}
            {(skipped > 0).then(|| view! { <span class="bulk-skip">{format!("{skipped} skipped")}</span> })}
        </div>
        {p.approval.clone().map(|a| view! { <p class="settings-warn">{a}". It goes out once someone with that role approves it."</p> })}
        {p.problem.clone().map(|e| view! { <p class="list-error" role="alert">{e}</p> })}
        {(!p.skipped.is_empty()).then(|| view! {
            <ul class="skip-reasons">
                {p.skipped.iter().map(|(why, n)| view! { <li><strong>{*n}</strong>" "{why.clone()}</li> }).collect_view()}
            </ul>
        })}
        {p.sample.clone().map(|s| view! {
            <div class="bulk-sample">
                <div class="bulk-sample-head">{format!("As {} will read it", p.recipients.iter()
                    .find(|r| Some(&r.thread_id) == current.as_ref()).map(|r| r.creator_name.clone()).unwrap_or_default())}</div>
                <p class="bulk-sample-text" data-testid="bulk-sample">{s}</p>
            </div>
        })}
        <table class="bulk-recipients">
            <thead><tr><th>"Creator"</th><th>"Campaign"</th><th>"Channel"</th><th></th></tr></thead>
            <tbody>
                {p.recipients.into_iter().map(|r| {
                    let id = r.thread_id.clone();
                    let is_sample = Some(&r.thread_id) == current.as_ref();
                    let can_sample = r.skip.is_none();
                    let skipped = r.skip.is_some();
                    view! {
                        <tr class:skipped=skipped class:sample=is_sample>
                            <td>{r.creator_name}</td>
                            <td class="muted">{r.campaign_name}</td>
                            <td>{match (r.channel, r.skip) {
                                (Some(c), _) => view! { <span><ChannelIcon channel=c/>" "{c.label()}</span> }.into_any(),
                                (None, why) => view! { <span class="skip-why">"Skipped: "{why.unwrap_or_default()}</span> }.into_any(),
                            }}</td>
                            <td>{can_sample.then(|| view! {
                                <button type="button" class="link-btn" on:click=move |_| sample.set(Some(id.clone()))>"Preview"</button>
                            })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

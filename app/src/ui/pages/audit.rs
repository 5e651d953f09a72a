//! The audit trail: the workspace's (owners and managers), filtered by kind of event and period,
//! with a CSV export of the same selection; and one thread's history in its context panel.

use crate::api::audit_log;
use crate::domain::filter::encode_component;
use crate::domain::time_fmt;
use crate::model::{AuditQuery, AuditView};
use crate::ui::pages::login::is_signed_out;
use crate::ui::widgets::RelTime;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};

const KINDS: &[(&str, &str)] = &[
    ("", "Every event"),
    ("policy.", "Policy decisions"),
    ("draft.", "Drafts and approvals"),
    ("enrollment.", "Stage moves and addresses"),
    ("thread.assigned", "Assignments"),
    ("message.", "Replies, notes and sends"),
    ("creator.", "Creators created and merged"),
    ("portal.", "Portal links"),
    ("unmatched.", "Unmatched senders linked"),
];

const PERIODS: &[(i64, &str)] = &[
    (1, "Last 24 hours"),
    (7, "Last 7 days"),
    (30, "Last 30 days"),
    (0, "All time"),
];

/// "draft.approved" → "Draft approved".
pub fn action_label(action: &str) -> String {
    let words = action.replace(['.', '_'], " ");
    let mut c = words.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// An event's detail as "key: value" pairs, strings unquoted and empty values left out.
pub fn detail_summary(detail: &str) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(detail)
    else {
        return detail.to_string();
    };
    map.iter()
        .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
        .map(|(k, v)| {
            let v = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Object(o) if o.contains_key("kind") => {
                    o["kind"].as_str().unwrap_or_default().replace('_', " ")
                }
                other => other.to_string(),
            };
            format!("{}: {v}", k.replace('_', " "))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

#[component]
fn AuditRows(events: Vec<AuditView>, #[prop(optional)] link_threads: bool) -> impl IntoView {
    view! {
        <table class="audit-table">
            <thead><tr><th>"When"</th><th>"Who"</th><th>"What"</th><th>"Details"</th></tr></thead>
            <tbody>
                {events.into_iter().map(|e| {
                    let who = e.actor_name.clone().unwrap_or_else(|| match e.actor_kind.as_str() {
                        "automation" => "Automation".to_string(),
                        "creator" => "Creator".to_string(),
                        other => other.to_string(),
                    });
                    view! {
                        <tr data-action=e.action.clone()>
                            <td title=time_fmt::exact(e.at)><RelTime at=e.at/></td>
                            <td>{who}</td>
                            <td>
                                {action_label(&e.action)}
                                {(link_threads).then(|| e.thread_id.clone().map(|t| view! { " · " <A href=format!("/t/{t}")>"thread"</A> }))}
                            </td>
                            <td class="audit-detail" title=e.detail.clone()>{detail_summary(&e.detail)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn AuditPane() -> impl IntoView {
    let kind = RwSignal::new(String::new());
    let days = RwSignal::new(7i64);
    // The period is counted from when the page was opened.
    let opened = js_now();
    let query = Memo::new(move |_| AuditQuery {
        action: Some(kind.get()).filter(|k| !k.is_empty()),
        thread: None,
        from: (days.get() > 0).then(|| opened - days.get() * 86_400_000),
        to: None,
    });
    let events = Resource::new(move || query.get(), audit_log);
    let export = move || {
        let q = query.get();
        let mut params = Vec::new();
        if let Some(a) = q.action {
            params.push(format!("action={}", encode_component(&a)));
        }
        if let Some(f) = q.from {
            params.push(format!("from={f}"));
        }
        format!("/audit.csv?{}", params.join("&"))
    };
    view! {
        <Title text="Audit trail"/>
        <div class="audit-pane">
            <header class="unmatched-head">
                <A href="/" attr:class="back-link" attr:aria-label="Back to inbox">"‹ Inbox"</A>
                <h2>"Audit trail"</h2>
                <p>"Every policy decision, approval, rejection, stage move, assignment and merge, as it happened. The database refuses changes to these records."</p>
            </header>
            <div class="approvals-filters" role="group" aria-label="Filter events">
                <select aria-label="Kind of event" on:change=move |ev| kind.set(event_target_value(&ev))>
                    {KINDS.iter().map(|(v, l)| view! { <option value=*v>{*l}</option> }).collect_view()}
                </select>
                <select aria-label="Period" on:change=move |ev| days.set(event_target_value(&ev).parse().unwrap_or(7))>
                    {PERIODS.iter().map(|(d, l)| view! { <option value=d.to_string() selected=*d == 7>{*l}</option> }).collect_view()}
                </select>
                <a class="btn" href=export download="audit.csv" rel="external">"Export CSV"</a>
            </div>
            <Transition fallback=|| view! { <div class="thread-loading">"Loading…"</div> }>
                {move || events.get().map(|r| match r {
                    Err(e) if is_signed_out(&e) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e) => view! { <p class="list-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <div class="list-empty"><p class="empty-title">"No events"</p><p>"Nothing of this kind in this period."</p></div> }.into_any(),
                    Ok(list) => view! { <AuditRows events=list link_threads=true/> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

/// A thread's own history, read when asked for.
#[component]
pub fn ThreadHistory(thread_id: String) -> impl IntoView {
    let shown = RwSignal::new(false);
    let events = Resource::new(
        move || shown.get(),
        move |on| {
            let thread_id = thread_id.clone();
            async move {
                if on {
                    audit_log(AuditQuery {
                        thread: Some(thread_id),
                        ..Default::default()
                    })
                    .await
                    .map(Some)
                } else {
                    Ok(None)
                }
            }
        },
    );
    view! {
        <section class="ctx-section thread-history">
            <h3>"History"</h3>
            {move || (!shown.get()).then(|| view! {
                <button type="button" class="btn btn-small" on:click=move |_| shown.set(true)>"Show history"</button>
            })}
            <Transition fallback=|| ()>
                {move || events.get().map(|r| match r {
                    Ok(Some(list)) if list.is_empty() => view! { <p class="muted">"Nothing recorded yet."</p> }.into_any(),
                    Ok(Some(list)) => view! { <AuditRows events=list/> }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(e) => view! { <p class="form-error">{e.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

fn js_now() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_read_as_pairs() {
        let cases = [
            (r#"{"rule":"auto:x","to":null,"topics":[]}"#, "rule: auto:x"),
            (
                r#"{"action":{"kind":"auto_send","template":"t"},"n":2}"#,
                "action: auto send · n: 2",
            ),
            (
                r#"{"from":"accepted","to":"info_collected"}"#,
                "from: accepted · to: info_collected",
            ),
            ("not json", "not json"),
        ];
        for (input, want) in cases {
            assert_eq!(detail_summary(input), want, "{input}");
        }
    }
}

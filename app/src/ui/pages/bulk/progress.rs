//! A bulk message's page (`/bulk/:id`): a progress bar (sent / failed / skipped / canceled /
//! waiting) read from the server every second while anything is left to happen — so it
//! survives a reload — with approve / reject, cancel, retry of failures, and who was skipped or
//! failed and why. And the list of recent bulk messages (`/bulk`).

use crate::api::{cancel_bulk, decide_bulk, load_bulk, load_bulk_list, retry_bulk};
use crate::domain::time_fmt;
use crate::model::bulk::{BulkCounts, BulkState, BulkView};
use crate::ui::pages::inbox::use_inbox;
use crate::ui::pages::login::is_signed_out;
use crate::ui::widgets::{ChannelIcon, RelTime};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_params_map;

fn pct(n: u32, total: u32) -> f64 {
    if total == 0 {
        0.0
    } else {
        n as f64 * 100.0 / total as f64
    }
}

/// The bar: one segment per outcome, in a fixed order.
#[component]
pub fn ProgressBar(counts: BulkCounts) -> impl IntoView {
    let c = counts;
    let done = c.sent + c.failed + c.skipped + c.canceled;
    let seg = |class: &'static str, n: u32| {
        (n > 0).then(|| view! { <span class=format!("seg {class}") style=format!("width:{:.2}%", pct(n, c.total))></span> })
    };
    view! {
        <div class="progress" role="progressbar" aria-label="Bulk message progress"
            aria-valuemin="0" aria-valuemax=c.total aria-valuenow=done>
            {seg("seg-sent", c.sent)}
            {seg("seg-failed", c.failed)}
            {seg("seg-skipped", c.skipped)}
            {seg("seg-canceled", c.canceled)}
        </div>
    }
}

fn legend(c: &BulkCounts) -> impl IntoView {
    let item = |class: &'static str, label: &'static str, n: u32| {
        view! { <span class="legend-item" data-kind=label><span class=format!("swatch {class}")></span>{format!("{n} {label}")}</span> }
    };
    view! {
        <div class="progress-legend" data-testid="bulk-counts">
            {item("seg-sent", "sent", c.sent)}
            {item("seg-queued", "queued", c.queued + c.waiting)}
            {item("seg-failed", "failed", c.failed)}
            {item("seg-skipped", "skipped", c.skipped)}
            {item("seg-canceled", "canceled", c.canceled)}
        </div>
    }
}

/// What a bulk message is called: its email subject, else the start of its text.
fn title(b: &BulkView) -> String {
    if b.subject.is_empty() {
        crate::domain::text::snippet(&b.body, 70)
    } else {
        b.subject.clone()
    }
}

fn is_over(b: &BulkView) -> bool {
    matches!(b.state, BulkState::Canceled | BulkState::Rejected)
        || (b.state == BulkState::Sending && b.counts.finished())
}

fn status_line(b: &BulkView) -> String {
    match b.state {
        BulkState::Sending if b.counts.finished() => "Done".into(),
        BulkState::Scheduled => format!("Scheduled for {}", time_fmt::exact(b.scheduled_at)),
        s => s.label().into(),
    }
}

#[component]
pub fn BulkPage() -> impl IntoView {
    let ctx = use_inbox();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let tick = RwSignal::new(0u32);
    let data = LocalResource::new(move || {
        let id = id.get();
        tick.track();
        load_bulk(id)
    });
    // Copied by an effect: reading a local resource in the view would suspend the whole inbox
    // each second.
    let shown = RwSignal::new(None::<Result<BulkView, crate::api::AppError>>);
    let over = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(r) = data.get() {
            if let Ok(b) = &r {
                over.set(is_over(b));
            }
            shown.set(Some(r));
        }
    });
    // Read again every second while something is left to happen (stops when the page goes).
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        loop {
            gloo_timers::future::TimeoutFuture::new(1_000).await;
            match over.try_get_untracked() {
                None => break,
                Some(true) => {}
                Some(false) => tick.update(|n| *n += 1),
            }
        }
    });
    let note = RwSignal::new(None::<String>);
    let act = Action::new(move |what: &&'static str| {
        let id = id.get_untracked();
        let what = *what;
        async move {
            match what {
                "approve" => decide_bulk(id, true).await,
                "reject" => decide_bulk(id, false).await,
                "cancel" => cancel_bulk(id).await,
                _ => retry_bulk(id).await,
            }
        }
    });
    Effect::new(move |_| {
        if let Some(r) = act.value().get() {
            note.set(r.err().map(|e| e.to_string()));
            over.set(false);
            tick.update(|n| *n += 1);
            ctx.refresh.update(|n| *n += 1);
        }
    });
    let can_write = ctx.session.with_value(|s| s.role.can_write());
    view! {
        <Title text="Bulk message"/>
        <div class="settings-pane bulk-pane">
            {move || match shown.get() {
                None => view! { <p class="settings-note">"Loading…"</p> }.into_any(),
                Some(Err(e)) if is_signed_out(&e) => view! { <Redirect path="/login"/> }.into_any(),
                Some(Err(e)) => view! { <p class="list-error" role="alert">{e.to_string()}</p> }.into_any(),
                Some(Ok(b)) => {
                    let active = !matches!(b.state, BulkState::Canceled | BulkState::Rejected) && !is_over(&b);
                    let problems = b.problems.clone();
                    view! {
                        <header class="settings-head">
                            <A href="/bulk" attr:class="back-link">"‹ Bulk messages"</A>
                            <h2>{title(&b)}</h2>
                            <p>{format!("{} · by {} · ", b.selection, b.created_by_name)}<RelTime at=b.created_at/></p>
                        </header>
                        <section class="settings-card bulk-status">
                            <div class="bulk-state" data-testid="bulk-state" data-state=format!("{:?}", b.state)>{status_line(&b)}</div>
                            <ProgressBar counts=b.counts.clone()/>
                            {legend(&b.counts)}
                            {b.approval.clone().filter(|_| b.state == BulkState::PendingApproval).map(|a| view! { <p class="settings-warn">{a}"."</p> })}
                            {b.decided_by_name.clone().map(|n| view! { <p class="settings-note">{format!("{} by {n}.", if b.state == BulkState::Rejected { "Rejected" } else { "Approved" })}</p> })}
                            {b.canceled_by_name.clone().map(|n| view! { <p class="settings-note">{format!("Canceled by {n}.")}</p> })}
                            {move || note.get().map(|n| view! { <p class="list-error" role="alert">{n}</p> })}
                            <div class="bulk-actions">
                                {b.can_approve.then(|| view! {
                                    <button type="button" class="btn btn-primary" on:click=move |_| { act.dispatch("approve"); }>"Approve and send"</button>
                                    <button type="button" class="btn" on:click=move |_| { act.dispatch("reject"); }>"Reject"</button>
                                })}
                                {(can_write && active).then(|| view! {
                                    <button type="button" class="btn btn-danger" on:click=move |_| { act.dispatch("cancel"); }>"Cancel the rest"</button>
                                })}
                                {(can_write && b.counts.failed > 0).then(|| view! {
                                    <button type="button" class="btn" on:click=move |_| { act.dispatch("retry"); }>{format!("Retry {} failed", b.counts.failed)}</button>
                                })}
                            </div>
                        </section>
                        <section class="settings-card">
                            <h3>"Message"</h3>
                            <p class="bulk-sample-text">{b.body.clone()}</p>
                        </section>
                        {(!problems.is_empty()).then(|| view! {
                            <section class="settings-card">
                                <h3>"Skipped and failed"</h3>
                                <table class="bulk-recipients">
                                    <thead><tr><th>"Creator"</th><th>"Campaign"</th><th>"Why"</th></tr></thead>
                                    <tbody>
                                        {problems.into_iter().map(|r| view! {
                                            <tr>
                                                <td><A href=format!("/t/{}", r.thread_id)>{r.creator_name}</A></td>
                                                <td class="muted">{r.campaign_name}</td>
                                                <td>{r.channel.map(|c| view! { <ChannelIcon channel=c/> })}" "{r.skip.unwrap_or_default()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </section>
                        })}
                    }.into_any()
                }
            }}
        </div>
    }
}

#[component]
pub fn BulkList() -> impl IntoView {
    let ctx = use_inbox();
    let list = LocalResource::new(move || {
        ctx.refresh.track();
        load_bulk_list()
    });
    let shown = RwSignal::new(None::<Result<Vec<BulkView>, crate::api::AppError>>);
    Effect::new(move |_| {
        if let Some(r) = list.get() {
            shown.set(Some(r));
        }
    });
    view! {
        <Title text="Bulk messages"/>
        <div class="settings-pane bulk-pane">
            <header class="settings-head">
                <A href="/" attr:class="back-link">"‹ Inbox"</A>
                <h2>"Bulk messages"</h2>
                <p>"To send one, filter the inbox (a campaign, a stage…), tick threads or “Select all matching”, then “Send bulk message”. Each creator gets their own message in their own thread, on the channel that reaches them; who is skipped, and why, is shown before you send."</p>
            </header>
            {move || match shown.get() {
                None => view! { <p class="settings-note">"Loading…"</p> }.into_any(),
                Some(Err(e)) if is_signed_out(&e) => view! { <Redirect path="/login"/> }.into_any(),
                Some(Err(e)) => view! { <p class="list-error" role="alert">{e.to_string()}</p> }.into_any(),
                Some(Ok(items)) if items.is_empty() => view! {
                    <div class="list-empty"><p class="empty-title">"No bulk messages yet"</p></div>
                }.into_any(),
                Some(Ok(items)) => view! {
                    <ul class="bulk-list">
                        {items.into_iter().map(|b| view! {
                            <li class="settings-card bulk-item">
                                <A href=format!("/bulk/{}", b.id) attr:class="bulk-item-link">
                                    <div class="bulk-item-top">
                                        <strong>{title(&b)}</strong>
                                        <span class="bulk-state-chip">{status_line(&b)}</span>
                                    </div>
                                    <div class="muted">{format!("{} · by {} · {} creators · ", b.selection, b.created_by_name, b.counts.total)}<RelTime at=b.created_at/></div>
                                    <ProgressBar counts=b.counts.clone()/>
                                </A>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </div>
    }
}

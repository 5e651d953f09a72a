//! The embedded frame's other views: the client's drafts waiting for approval (a member decides
//! those a member may), and the client's campaign report. Both are read through the frame's
//! scope on the server (`store::drafts`' scope clause, `domain::embed::confined_report`).

use crate::api::{load_approval_queue, load_filter_options, load_report};
use crate::model::{DraftQuery, EmbedSession, ReportQuery, REPORT_DAYS};
use crate::ui::pages::reports::{percent, Funnel, Tiles};
use crate::ui::widgets::drafts::DraftCard;
use leptos::prelude::*;

/// Drafts of the client's conversations still waiting for a person.
#[component]
pub fn EmbedApprovals(session: EmbedSession, refresh: RwSignal<u32>) -> impl IntoView {
    let queue = Resource::new(
        move || refresh.get(),
        |_| load_approval_queue(DraftQuery::default()),
    );
    let role = session.role;
    let done = Callback::new(move |_| refresh.update(|n| *n += 1));
    view! {
        <section class="embed-pane" data-testid="embed-approvals" aria-label="Approvals">
            <h2>"Waiting for approval"</h2>
            <p class="embed-note">"Replies held for a person: anything about money, rights, exclusivity, legal or a complaint. Nothing here reaches a creator until someone with the right role approves it."</p>
            <Transition fallback=|| view! { <p class="embed-note">"Loading…"</p> }>
                {move || queue.get().map(|r| match r {
                    Ok(q) if q.drafts.is_empty() => view! { <p class="embed-note">"Nothing is waiting."</p> }.into_any(),
                    Ok(q) => view! {
                        <div class="draft-list">
                            {q.drafts.into_iter().map(|d| view! { <DraftCard d role done/> }).collect_view()}
                        </div>
                    }.into_any(),
                    Err(e) => view! { <p class="embed-note form-error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

/// The client's figures over a period: replies, reply times, acceptance and the funnel; for one
/// campaign when picked (a frame limited to several campaigns reads one at a time).
#[component]
pub fn EmbedReports(session: EmbedSession, refresh: RwSignal<u32>) -> impl IntoView {
    let days = RwSignal::new(30u32);
    let several = session.campaigns.len() > 1;
    let campaign = RwSignal::new(several.then(|| session.campaigns[0].clone()));
    let options = Resource::new(|| (), |_| load_filter_options());
    let report = Resource::new(
        move || (days.get(), campaign.get(), refresh.get()),
        |(days, campaign, _)| {
            load_report(ReportQuery {
                campaign,
                client: None,
                channel: None,
                teammate: None,
                days,
            })
        },
    );
    // The frame has no inbox to open a figure's threads in: picking does nothing here.
    let (_, pick) = signal(None);
    view! {
        <section class="embed-pane embed-reports" data-testid="embed-reports" aria-label="Reports">
            <div class="embed-pane-head">
                <h2>"Campaign report"</h2>
                <Transition fallback=|| ()>
                    {move || options.get().and_then(Result::ok).filter(|o| o.campaigns.len() > 1).map(|o| view! {
                        <select aria-label="Campaign" on:change=move |ev| campaign.set(Some(event_target_value(&ev)).filter(|c| !c.is_empty()))>
                            {(!several).then(|| view! { <option value="">"All campaigns"</option> })}
                            {o.campaigns.into_iter().map(|c| {
                                let selected = campaign.get_untracked().as_deref() == Some(c.id.as_str());
                                view! { <option value=c.id selected=selected>{c.name}</option> }
                            }).collect_view()}
                        </select>
                    })}
                </Transition>
                <select aria-label="Period" on:change=move |ev| days.set(event_target_value(&ev).parse().unwrap_or(30))>
                    {REPORT_DAYS.iter().map(|d| view! { <option value=d.to_string() selected=*d == 30>{format!("Last {d} days")}</option> }).collect_view()}
                </select>
            </div>
            <Transition fallback=|| view! { <p class="embed-note">"Loading…"</p> }>
                {move || report.get().map(|r| match r {
                    Ok(v) => view! {
                        <p class="embed-note">{format!("Acceptance of contacted creators: {}", percent(v.report.acceptance_of_contacted))}</p>
                        <Tiles view=v.clone() pick/>
                        <Funnel report=v.report pick/>
                    }.into_any(),
                    Err(e) => view! { <p class="embed-note form-error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

//! The Reports page: the campaign figures (`domain::metrics`) for a campaign or client over 7, 30
//! or 90 days, each tile against the period before; SVG charts drawn here (brand reply times,
//! the funnel, messages per day); every tile, bar and count opens the inbox on exactly the
//! threads behind it (`InboxFilter::threads`), asked for when picked (`load_report_threads`).

use crate::api::{load_filter_options, load_report, load_report_threads};
use crate::domain::filter::{encode_component, InboxFilter, MAX_PICKED_THREADS};
use crate::domain::metrics::{Figure, Figures, Summary};
use crate::live::LiveEvent;
use crate::model::{Channel, ReportPick, ReportQuery, ReportView, REPORT_DAYS};
use crate::ui::live::{use_live, Throttle};
use crate::ui::pages::login::is_signed_out;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_navigate;

/// "3 h 20 m", "45 m", "2 d 4 h"; "—" when nothing was measured.
pub fn duration(ms: Option<i64>) -> String {
    let Some(ms) = ms else {
        return "—".into();
    };
    let m = ms / 60_000;
    match (m / 1440, (m % 1440) / 60, m % 60) {
        (0, 0, m) => format!("{m} m"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} m"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

pub fn percent(share: Option<f64>) -> String {
    share.map_or("—".into(), |s| format!("{:.0}%", s * 100.0))
}

/// The change against the previous period, in points for shares: "+12 pts", "−3 pts", "".
pub fn change_in_points(now: Option<f64>, before: Option<f64>) -> String {
    match (now, before) {
        (Some(a), Some(b)) => {
            let d = ((a - b) * 100.0).round() as i64;
            match d {
                0 => "same as before".into(),
                d if d > 0 => format!("+{d} pts vs before"),
                d => format!("−{} pts vs before", -d),
            }
        }
        _ => String::new(),
    }
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// How a count moved over the period: "+3 since the period began", "none since…".
fn change_since_start(now: usize, at_start: usize) -> String {
    match now as i64 - at_start as i64 {
        0 => "unchanged since the period began".into(),
        d => format!("{d:+} since the period began"),
    }
}

/// "79 of 91 contacted · +4 pts vs before", or without the change when there is none.
fn with_change(note: String, change: String) -> String {
    if change.is_empty() {
        note
    } else {
        format!("{note} · {change}")
    }
}

/// The figure a person picked.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Picked {
    title: String,
    figure: Figure,
}

fn picked(title: impl Into<String>, figure: Figure) -> Option<Picked> {
    Some(Picked {
        title: title.into(),
        figure,
    })
}

#[component]
fn Tile(
    label: &'static str,
    value: String,
    #[prop(optional)] note: String,
    figure: Figure,
    pick: WriteSignal<Option<Picked>>,
) -> impl IntoView {
    view! {
        <button type="button" class="report-tile" title="Open the threads behind this figure in the inbox"
            on:click=move |_| pick.set(picked(label, figure.clone()))>
            <span class="tile-label">{label}</span>
            <span class="tile-value">{value}</span>
            <span class="tile-note">{note}</span>
        </button>
    }
}

fn summary_note(s: &Summary) -> String {
    format!(
        "p90 {} · mean {} · {} measured",
        duration(s.p90_ms),
        duration(s.mean_ms),
        s.count
    )
}

#[component]
pub(crate) fn Tiles(view: ReportView, pick: WriteSignal<Option<Picked>>) -> impl IntoView {
    let (r, p) = (&view.report, &view.previous);
    let stuck: usize = r.funnel.iter().map(|f| f.stuck).sum();
    let working = r
        .brand_reply
        .working
        .as_ref()
        .map(|w| format!("working hours: {}", duration(w.median_ms)));
    view! {
        <div class="report-tiles">
            <Tile label="Response rate" value=percent(r.response_rate)
                note=with_change(format!("{} of {} contacted", r.responded, r.contacted), change_in_points(r.response_rate, p.response_rate))
                figure=Figure::Responded pick/>
            <Tile label="Time to first reply" value=duration(r.first_reply.median_ms) note=summary_note(&r.first_reply)
                figure=Figure::Responded pick/>
            <Tile label="Time to brand reply" value=duration(r.brand_reply.calendar.median_ms)
                note=working.unwrap_or_else(|| summary_note(&r.brand_reply.calendar))
                figure=Figure::BrandReplies pick/>
            <Tile label="Answered within 24 h" value=percent(r.brand_reply.within_24h)
                note=change_in_points(r.brand_reply.within_24h, p.brand_reply.within_24h)
                figure=Figure::WithinGoal pick/>
            <Tile label="Acceptance" value=percent(r.acceptance_rate)
                note=format!("{} accepted · {} declined · {} of contacted", r.accepted, r.declined, percent(r.acceptance_of_contacted))
                figure=Figure::Accepted pick/>
            <Tile label="Follow-ups answered" value=percent(r.followup_success)
                note=format!("{} of {} within 7 days", r.followups_answered, r.followups_sent) figure=Figure::FollowedUp pick/>
            <Tile label="Stuck in a stage" value=stuck.to_string() note="longer than the stage's limit".into() figure=Figure::Stuck pick/>
            <Tile label="Stale now" value=r.stale.to_string()
                note=format!("{} · no answer after the last follow-up", change_since_start(r.stale, r.stale_at_start))
                figure=Figure::Stale pick/>
        </div>
    }
}

/// Vertical bars with labels under them, each bar a button.
#[component]
fn Bars(
    title: &'static str,
    /// Label, count, and the figure behind the bar.
    bars: Vec<(String, usize, Figure)>,
    pick: WriteSignal<Option<Picked>>,
) -> impl IntoView {
    let max = bars.iter().map(|(_, n, _)| *n).max().unwrap_or(0).max(1);
    let w = 100.0 / bars.len().max(1) as f64;
    view! {
        <figure class="report-chart">
            <figcaption>{title}</figcaption>
            <svg viewBox="0 0 100 60" preserveAspectRatio="none" role="group" aria-label=title class="bars">
                {bars.iter().enumerate().map(|(i, (label, n, figure))| {
                    let h = 50.0 * *n as f64 / max as f64;
                    let (label, n, figure) = (label.clone(), *n, figure.clone());
                    let name = format!("{title}: {label}");
                    view! {
                        <rect x=format!("{:.2}", i as f64 * w + w * 0.15) y=format!("{:.2}", 52.0 - h) width=format!("{:.2}", w * 0.7)
                            height=format!("{h:.2}") class="bar" tabindex="0" role="button"
                            aria-label=format!("{label}: {n}")
                            on:click=move |_| pick.set(picked(name.clone(), figure.clone()))>
                            <title>{format!("{label}: {n}")}</title>
                        </rect>
                    }
                }).collect_view()}
            </svg>
            <div class="bar-labels">
                {bars.into_iter().map(|(l, n, _)| view! { <span><b>{n}</b>" "{l}</span> }).collect_view()}
            </div>
        </figure>
    }
}

#[component]
pub(crate) fn Funnel(report: Figures, pick: WriteSignal<Option<Picked>>) -> impl IntoView {
    let max = report
        .funnel
        .iter()
        .map(|f| f.reached)
        .max()
        .unwrap_or(0)
        .max(1);
    view! {
        <section class="report-section">
            <h3>"Funnel"</h3>
            <table class="report-table report-funnel">
                <thead><tr><th>"Stage"</th><th>"Reached"</th><th>"Next"</th><th>"Median stay"</th><th>"Now"</th><th>"Stuck"</th></tr></thead>
                <tbody>
                    {report.funnel.into_iter().map(|f| {
                        let width = format!("width:{:.0}%", 100.0 * f.reached as f64 / max as f64);
                        let (stage, label) = (f.stage, f.stage.label());
                        view! {
                            <tr>
                                <td>{label}</td>
                                <td class="funnel-bar"><span style=width></span><b>{f.reached}</b></td>
                                <td>{percent(f.conversion)}</td>
                                <td>{duration(f.median_stay_ms)}</td>
                                <td><button type="button" class="link" on:click=move |_| pick.set(picked(format!("{label} now"), Figure::StageNow(stage)))>{f.now}</button></td>
                                <td><button type="button" class="link" class:warn={f.stuck > 0} on:click=move |_| pick.set(picked(format!("Stuck in {label}"), Figure::StuckIn(stage)))>{f.stuck}</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn Lists(view: ReportView, pick: WriteSignal<Option<Picked>>) -> impl IntoView {
    let r = view.report;
    let name = |id: &str| {
        view.names
            .iter()
            .find(|(u, _)| u == id)
            .map_or(id.to_string(), |(_, n)| n.clone())
    };
    view! {
        <div class="report-columns">
            <Bars title="Decline reasons" pick bars=r.decline_reasons.iter().map(|d| {
                (d.reason.map_or("Not given".into(), |x| x.label().to_string()), d.count, Figure::DeclineReason(d.reason))
            }).collect()/>
            <Bars title="Blocked conversations" pick bars=r.blocked.iter().map(|(b, n)| (b.label().to_string(), *n, Figure::Blocked(*b))).collect()/>
        </div>
        <section class="report-section">
            <h3>"Teammates"</h3>
            <table class="report-table">
                <thead><tr><th>"Teammate"</th><th>"Replies sent"</th><th>"Median time to reply"</th><th>"Drafts approved"</th><th>"Drafts rejected"</th></tr></thead>
                <tbody>
                    {r.teammates.iter().map(|t| view! {
                        <tr><td>{name(&t.user)}</td><td>{t.replies}</td><td>{duration(t.median_reply_ms)}</td><td>{t.drafts_approved}</td><td>{t.drafts_rejected}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// Asks for the threads behind the figure picked and opens the inbox on them; says so when there
/// are none or too many to name in a link.
#[component]
fn Behind(picked: ReadSignal<Option<Picked>>, query: Memo<ReportQuery>) -> impl IntoView {
    let navigate = use_navigate();
    // The answer for the figure picked: asked from an effect (browser only), never a resource, so
    // the server's render of the page never waits on it.
    let answer = RwSignal::new(None::<(Picked, Result<Vec<String>, crate::api::AppError>)>);
    Effect::new(move |_| {
        let Some(p) = picked.get() else {
            answer.set(None);
            return;
        };
        let query = query.get_untracked();
        leptos::task::spawn_local(async move {
            let pick = ReportPick {
                query,
                figure: p.figure.clone(),
            };
            let found = load_report_threads(pick).await;
            // A later pick replaced this one: its answer is not wanted.
            if picked.get_untracked().as_ref() == Some(&p) {
                answer.set(Some((p, found)));
            }
        });
    });
    Effect::new(move |_| {
        if let Some((_, Ok(ids))) = answer.get() {
            if !ids.is_empty() && ids.len() <= MAX_PICKED_THREADS {
                let filter = InboxFilter {
                    threads: ids,
                    ..Default::default()
                };
                navigate(
                    &format!("/{}", filter.to_query_string()),
                    Default::default(),
                );
            }
        }
    });
    move || {
        let current = picked.get()?;
        let Some((_, found)) = answer.get().filter(|(p, _)| *p == current) else {
            // Asked, not answered yet: the threads of a large scope take a moment to find.
            let title = current.title;
            return Some(
                view! { <p class="report-notice" role="status">{format!("{title}: finding the threads…")}</p> },
            );
        };
        let title = current.title;
        let why = match found {
            Err(e) => format!("{title}: {e}"),
            Ok(ids) if ids.is_empty() => format!("{title}: no threads behind this figure."),
            Ok(ids) if ids.len() > MAX_PICKED_THREADS => format!(
                "{title}: {} threads, more than one link can name ({MAX_PICKED_THREADS}). Pick a campaign or a shorter period.",
                ids.len()
            ),
            Ok(_) => return None,
        };
        Some(view! { <p class="report-notice" role="status">{why}</p> })
    }
}

#[component]
pub fn ReportsPane() -> impl IntoView {
    let campaign = RwSignal::new(String::new());
    let client = RwSignal::new(String::new());
    let channel = RwSignal::new(String::new());
    let teammate = RwSignal::new(String::new());
    let days = RwSignal::new(30u32);
    let (picked, pick) = signal(None::<Picked>);
    let query = Memo::new(move |_| ReportQuery {
        campaign: Some(campaign.get()).filter(|c| !c.is_empty()),
        client: Some(client.get()).filter(|c| !c.is_empty()),
        channel: Channel::parse(&channel.get()),
        teammate: Some(teammate.get()).filter(|t| !t.is_empty()),
        days: days.get(),
    });
    // New messages and moves change the figures: read them again, at most every 5 s.
    let changed = RwSignal::new(0u32);
    let throttle = Throttle::new(5_000);
    use_live().on_event(move |e| {
        if matches!(e, LiveEvent::Message { .. } | LiveEvent::Thread { .. }) {
            throttle.call(move || changed.update(|n| *n += 1));
        }
    });
    let data = Resource::new(
        move || (query.get(), changed.get()),
        |(q, _)| load_report(q),
    );
    let options = Resource::new(|| (), |_| load_filter_options());
    view! {
        <Title text="Reports"/>
        <div class="reports-pane">
            <header class="unmatched-head">
                <A href="/" attr:class="back-link" attr:aria-label="Back to inbox">"‹ Inbox"</A>
                <h2>"Reports"</h2>
                <p>"Replies, reply times and the funnel, computed from every message and stage move. Pick any figure to open the threads behind it in the inbox."</p>
            </header>
            <div class="approvals-filters" role="group" aria-label="Report filters">
                <Transition fallback=|| ()>
                    {move || options.get().and_then(Result::ok).map(|o| view! {
                        <select aria-label="Client" on:change=move |ev| { client.set(event_target_value(&ev)); pick.set(None); }>
                            <option value="">"Every client"</option>
                            {o.clients.into_iter().map(|c| view! { <option value=c.id>{c.name}</option> }).collect_view()}
                        </select>
                        <select aria-label="Campaign" on:change=move |ev| { campaign.set(event_target_value(&ev)); pick.set(None); }>
                            <option value="">"Every campaign"</option>
                            {o.campaigns.into_iter().map(|c| view! { <option value=c.id>{c.name}</option> }).collect_view()}
                        </select>
                        <select aria-label="Teammate" on:change=move |ev| { teammate.set(event_target_value(&ev)); pick.set(None); }>
                            <option value="">"Every teammate"</option>
                            {o.teammates.into_iter().map(|t| view! { <option value=t.id>{format!("Assigned to {}", t.name)}</option> }).collect_view()}
                        </select>
                    })}
                </Transition>
                <select aria-label="Channel" on:change=move |ev| { channel.set(event_target_value(&ev)); pick.set(None); }>
                    <option value="">"Every channel"</option>
                    {Channel::ALL.into_iter().filter(|c| *c != Channel::Note).map(|c| view! { <option value=c.as_str()>{c.label()}</option> }).collect_view()}
                </select>
                <select aria-label="Period" on:change=move |ev| { days.set(event_target_value(&ev).parse().unwrap_or(30)); pick.set(None); }>
                    {REPORT_DAYS.iter().map(|d| view! { <option value=d.to_string() selected=*d == 30>{format!("Last {d} days")}</option> }).collect_view()}
                </select>
            </div>
            <Transition fallback=|| view! { <div class="thread-loading">"Loading…"</div> }>
                {move || data.get().map(|r| match r {
                    Err(e) if is_signed_out(&e) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e) => view! { <p class="list-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(v) => {
                        let buckets = v.report.brand_reply.buckets.iter()
                            .map(|b| (b.label.clone(), b.count, Figure::Bucket(b.key.clone()))).collect();
                        view! {
                            <Tiles view=v.clone() pick/>
                            <Behind picked query/>
                            <div class="report-columns">
                                <Bars title="Time to brand reply" bars=buckets pick/>
                                <Days report=v.report.clone()/>
                            </div>
                            <Funnel report=v.report.clone() pick/>
                            <Lists view=v.clone() pick/>
                            <Exports view=v/>
                        }.into_any()
                    }
                })}
            </Transition>
        </div>
    }
}

/// One CSV download per table, built here from the figures on screen.
#[component]
fn Exports(view: ReportView) -> impl IntoView {
    let tables = crate::domain::metrics::export::tables(&view.report, &view.previous, &view.names);
    view! {
        <nav class="report-exports" aria-label="Export CSV">
            <span>"Export CSV:"</span>
            {tables.into_iter().map(|(name, csv)| {
                let href = format!("data:text/csv;charset=utf-8,{}", encode_component(&csv));
                view! { <a href=href download=format!("report-{name}.csv") rel="external">{name.replace('-', " ")}</a> }
            }).collect_view()}
        </nav>
    }
}

/// Messages in and out per day, and threads overdue at each day's end, as lines.
#[component]
fn Days(report: Figures) -> impl IntoView {
    let days = report.days;
    let max = days
        .iter()
        .map(|d| d.inbound.max(d.outbound).max(d.overdue).max(d.stale))
        .max()
        .unwrap_or(0)
        .max(1);
    let step = 100.0 / (days.len().max(2) - 1) as f64;
    let line = |f: &dyn Fn(&crate::domain::metrics::Day) -> usize| {
        days.iter()
            .enumerate()
            .map(|(i, d)| {
                format!(
                    "{:.2},{:.2}",
                    i as f64 * step,
                    52.0 - 50.0 * f(d) as f64 / max as f64
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (inbound, outbound, overdue, stale) = (
        line(&|d| d.inbound),
        line(&|d| d.outbound),
        line(&|d| d.overdue),
        line(&|d| d.stale),
    );
    let totals = (
        days.iter().map(|d| d.inbound).sum::<usize>(),
        days.iter().map(|d| d.outbound).sum::<usize>(),
    );
    view! {
        <figure class="report-chart">
            <figcaption>"Messages per day"</figcaption>
            <svg viewBox="0 0 100 60" preserveAspectRatio="none" role="img"
                aria-label=format!("{} messages in and {} out over {} days", totals.0, totals.1, days.len())>
                <polyline points=inbound class="line-in" fill="none"/>
                <polyline points=outbound class="line-out" fill="none"/>
                <polyline points=overdue class="line-overdue" fill="none"/>
                <polyline points=stale class="line-stale" fill="none"/>
            </svg>
            <div class="axis">
                <span>{days.first().map(|d| crate::domain::time_fmt::short_date(d.date * DAY_MS))}</span>
                <span>{days.last().map(|d| crate::domain::time_fmt::short_date(d.date * DAY_MS))}</span>
            </div>
            <div class="bar-labels legend">
                <span class="in">{format!("{} in", totals.0)}</span>
                <span class="out">{format!("{} out", totals.1)}</span>
                <span class="overdue">"overdue at day's end"</span>
                <span class="stale">"stale at day's end"</span>
            </div>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_people_say_them() {
        let cases = [
            (None, "—"),
            (Some(45 * 60_000), "45 m"),
            (Some(3 * 3_600_000), "3 h"),
            (Some(3 * 3_600_000 + 20 * 60_000), "3 h 20 m"),
            (Some(2 * 86_400_000), "2 d"),
            (Some(2 * 86_400_000 + 4 * 3_600_000), "2 d 4 h"),
        ];
        for (ms, want) in cases {
            assert_eq!(duration(ms), want, "{ms:?}");
        }
        assert_eq!(percent(Some(2.0 / 3.0)), "67%");
        assert_eq!(change_in_points(Some(0.5), Some(0.38)), "+12 pts vs before");
        assert_eq!(change_in_points(Some(0.5), Some(0.53)), "−3 pts vs before");
        assert_eq!(change_in_points(Some(0.5), None), "");
    }
}

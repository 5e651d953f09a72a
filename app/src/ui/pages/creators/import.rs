//! The CSV import panel: upload a file, map its columns, pick the phone country, whether existing
//! creators are updated and the campaign to enroll into, preview every row's problems and
//! matches, then import — a job on the server whose progress this panel follows.

use super::upload::upload_chosen;
use crate::api::{load_import_status, preview_import, start_import};
use crate::domain::import::Column;
use crate::model::{ImportPreview, ImportSettings, ImportStatus, ImportUpload, NamedRef};
use leptos::prelude::*;

const COUNTRIES: [(&str, &str); 12] = [
    ("US", "United States"),
    ("CA", "Canada"),
    ("GB", "United Kingdom"),
    ("AU", "Australia"),
    ("DE", "Germany"),
    ("FR", "France"),
    ("ES", "Spain"),
    ("IT", "Italy"),
    ("NL", "Netherlands"),
    ("MX", "Mexico"),
    ("BR", "Brazil"),
    ("IN", "India"),
];

fn column_key(c: &Column) -> &'static str {
    match c {
        Column::Name => "name",
        Column::Handle => "handle",
        Column::Email => "email",
        Column::Phone => "phone",
        Column::Instagram => "instagram",
        Column::Tags => "tags",
        Column::Rate => "rate",
        Column::Notes => "notes",
        Column::Custom(_) => "custom",
        Column::Ignore => "ignore",
    }
}

fn column_of(key: &str, header: &str) -> Column {
    match key {
        "name" => Column::Name,
        "handle" => Column::Handle,
        "email" => Column::Email,
        "phone" => Column::Phone,
        "instagram" => Column::Instagram,
        "tags" => Column::Tags,
        "rate" => Column::Rate,
        "notes" => Column::Notes,
        "custom" => Column::Custom(header.to_string()),
        _ => Column::Ignore,
    }
}

const CHOICES: [(&str, &str); 10] = [
    ("name", "Name"),
    ("handle", "Handle"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("instagram", "Instagram"),
    ("tags", "Tags"),
    ("rate", "Rate"),
    ("notes", "Notes"),
    ("custom", "Custom field"),
    ("ignore", "Skip column"),
];

#[component]
pub fn ImportPanel(campaigns: Vec<NamedRef>, done: RwSignal<u32>) -> impl IntoView {
    let upload = RwSignal::new(None::<ImportUpload>);
    let mapping = RwSignal::new(Vec::<Column>::new());
    let country = RwSignal::new("US".to_string());
    let update = RwSignal::new(false);
    let campaign = RwSignal::new(String::new());
    let preview = RwSignal::new(None::<ImportPreview>);
    let status = RwSignal::new(None::<ImportStatus>);
    let error = RwSignal::new(None::<String>);
    let settings = move || ImportSettings {
        mapping: mapping.get_untracked(),
        country: country.get_untracked(),
        update_existing: update.get_untracked(),
        campaign_id: Some(campaign.get_untracked()).filter(|c| !c.is_empty()),
    };
    let send = Action::new_local(move |_: &()| async move { upload_chosen("import-file").await });
    Effect::new(move |_| match send.value().get() {
        Some(Ok(u)) => {
            mapping.set(u.mapping.clone());
            upload.set(Some(u));
            preview.set(None);
            status.set(None);
            error.set(None);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let check = Action::new(move |(job, s): &(String, ImportSettings)| {
        preview_import(job.clone(), s.clone())
    });
    Effect::new(move |_| match check.value().get() {
        Some(Ok(p)) => {
            preview.set(Some(p));
            error.set(None);
        }
        Some(Err(e)) => error.set(Some(e.to_string())),
        None => {}
    });
    let start = Action::new(move |(job, s): &(String, ImportSettings)| {
        start_import(job.clone(), s.clone())
    });
    Effect::new(move |_| match start.value().get() {
        Some(Ok(s)) => {
            follow(s.id.clone(), status, done);
            status.set(Some(s));
        }
        Some(Err(e)) => error.set(Some(e.to_string())),
        None => {}
    });
    let campaigns = StoredValue::new(campaigns);
    view! {
        <section class="settings-card import-form" aria-label="Import creators from CSV">
            <h3>"Import creators from a CSV file"</h3>
            <p class="settings-note">"UTF-8 (with or without BOM), comma, semicolon or tab separated, up to 10 MB and 50,000 rows. Existing creators are matched by email, phone or Instagram and never duplicated."</p>
            <div class="row-form">
                <input id="import-file" type="file" accept=".csv,text/csv,.tsv,.txt" aria-label="CSV file"/>
                <button class="btn" type="button" on:click=move |_| { send.dispatch(()); }>"Upload"</button>
                {move || send.pending().get().then(|| view! { <span class="muted">"Reading the file…"</span> })}
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            {move || upload.get().map(|u| {
                let job = u.job_id.clone();
                let job2 = job.clone();
                view! {
                    <p class="import-steps"><span class="on">{format!("{} · {} rows", u.file_name, u.rows)}</span></p>
                    <div class="mapping-grid" role="group" aria-label="Columns">
                        {u.headers.iter().enumerate().map(|(i, h)| {
                            let header = h.clone();
                            let sample = u.sample.first().and_then(|r| r.get(i)).cloned().unwrap_or_default();
                            view! {
                                <label>{h.clone()}
                                    <select aria-label=format!("Column {h}") on:change=move |ev| {
                                        let v = event_target_value(&ev);
                                        mapping.update(|m| if let Some(c) = m.get_mut(i) { *c = column_of(&v, &header); });
                                        preview.set(None);
                                    }>
                                        {CHOICES.iter().map(|(k, l)| {
                                            let k = *k;
                                            view! { <option value=k selected=move || mapping.with(|m| m.get(i).map(column_key) == Some(k))>{*l}</option> }
                                        }).collect_view()}
                                    </select>
                                    <span class="muted">{sample}</span>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                    <div class="form-grid">
                        <label>"Phone numbers without a country code are in"
                            <select on:change=move |ev| { country.set(event_target_value(&ev)); preview.set(None); }>
                                {COUNTRIES.iter().map(|(c, n)| view! { <option value=*c selected=move || country.get() == *c>{*n}</option> }).collect_view()}
                            </select>
                        </label>
                        <label>"Add every imported creator to"
                            <select aria-label="Enroll in campaign" on:change=move |ev| { campaign.set(event_target_value(&ev)); preview.set(None); }>
                                <option value="">"No campaign"</option>
                                {campaigns.get_value().into_iter().map(|c| view! { <option value=c.id.clone()>{c.name.clone()}</option> }).collect_view()}
                            </select>
                        </label>
                        <label class="check"><input type="checkbox" prop:checked=update on:change=move |ev| { update.set(event_target_checked(&ev)); preview.set(None); }/>
                            "Update creators who already exist with this file's values"</label>
                    </div>
                    <div class="settings-actions">
                        <button class="btn" type="button" on:click=move |_| { check.dispatch((job.clone(), settings())); }>"Preview"</button>
                        {move || preview.get().map(|p| {
                            let job = job2.clone();
                            let label = format!("Import {} creator{}", p.new + p.matched, if p.new + p.matched == 1 { "" } else { "s" });
                            view! { <button class="btn btn-primary" type="button" disabled=move || status.get().is_some()
                                on:click=move |_| { start.dispatch((job.clone(), settings())); }>{label}</button> }
                        })}
                    </div>
                }
            })}
            {move || preview.get().map(|p| view! { <Preview p/> })}
            {move || status.get().map(|s| view! { <Progress s/> })}
        </section>
    }
}

/// Reads the job again every 700 ms until it is over; then bumps `done` (the list reloads).
fn follow(job: String, status: RwSignal<Option<ImportStatus>>, done: RwSignal<u32>) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        loop {
            gloo_timers::future::TimeoutFuture::new(700).await;
            if status.try_get_untracked().is_none() {
                break;
            }
            if let Ok(s) = load_import_status(job.clone()).await {
                let over = s.state == "done" || s.state == "failed";
                status.set(Some(s));
                if over {
                    done.update(|n| *n += 1);
                    break;
                }
            }
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (job, status, done, load_import_status);
}

#[component]
fn Preview(p: ImportPreview) -> impl IntoView {
    view! {
        <div class="import-summary" role="status">
            <div><strong>{p.new}</strong>{if p.new == 1 { "new creator" } else { "new creators" }}</div>
            <div><strong>{p.matched}</strong>"already in the workspace"</div>
            <div><strong>{p.skipped}</strong>{if p.skipped == 1 { "row skipped" } else { "rows skipped" }}</div>
        </div>
        <div class="creator-table-wrap">
            <table class="preview-table">
                <thead><tr><th>"Line"</th><th>"Name"</th><th>"Contacts"</th><th>"Result"</th></tr></thead>
                <tbody>
                    {p.rows.into_iter().map(|r| {
                        let class = if !r.problems.is_empty() { "bad" } else if r.matches.is_some() { "match" } else { "" };
                        view! {
                            <tr class=class>
                                <td>{r.line}</td>
                                <td>{r.name.clone()}</td>
                                <td>{r.contacts.join(" · ")}</td>
                                <td>{if r.problems.is_empty() {
                                    match r.matches { Some(m) => format!("matches {m}"), None => "new".into() }.into_any()
                                } else {
                                    view! { <span class="problem">{r.problems.join("; ")}</span> }.into_any()
                                }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn Progress(s: ImportStatus) -> impl IntoView {
    let ready = s.rows.saturating_sub(s.skipped).max(1);
    let pct = (s.done as f32 * 100.0 / ready as f32).min(100.0);
    let over = s.state == "done";
    view! {
        <div class="import-progress" role="status" data-testid="import-status" data-state=s.state.clone()>
            <div class="progress"><span class="seg seg-sent" style=format!("width:{pct:.0}%")></span></div>
            <p>{if over { "Imported: ".to_string() } else if s.state == "failed" { "Stopped: ".to_string() } else { format!("Importing… {} of {} · ", s.done, ready) }}
                {format!("{} created, {} updated, {} unchanged", s.created, s.updated, s.unchanged)}
                {s.campaign_name.clone().map(|c| format!(", {} added to {c}", s.enrolled))}
                {format!(", {} skipped", s.skipped)}
            </p>
            {s.error.clone().map(|e| view! { <p class="form-error">{e}</p> })}
            {(over && s.skipped > 0).then(|| view! {
                <a class="link-btn" href=format!("/imports/{}/skipped.csv", s.id) download="skipped-rows.csv">"Download the skipped rows (CSV)"</a>
            })}
        </div>
    }
}

//! The workspace's reply timer on the Policies page: the working hours the 24-hour reply goal
//! counts (or the clock's hours), and after how many hours of waiting a thread is escalated to
//! the owners and managers (the bell), or never.

use crate::api::set_reply_timer;
use crate::domain::reply_clock::BusinessHours;
use crate::model::PolicySettings;
use crate::ui::widgets::SaveNote;
use leptos::prelude::*;

/// Offsets offered, in hours from UTC.
const OFFSETS: std::ops::RangeInclusive<i32> = -12..=14;

/// Sets the hours' zone from the select's value: `UTC+2` is a fixed offset, anything else an
/// IANA name (checked by the server when saved).
fn choose_zone(h: &mut BusinessHours, value: &str) {
    match value.strip_prefix("UTC").map(str::parse::<i32>) {
        Some(Ok(hours)) => {
            h.time_zone = None;
            h.utc_offset_minutes = hours * 60;
        }
        _ => h.time_zone = Some(value.to_string()),
    }
    h.offset_changes.clear();
}

#[component]
pub fn ReplyTimer(
    escalate_after_hours: Option<u32>,
    business_hours: Option<BusinessHours>,
    /// IANA names offered (the server's database).
    time_zones: Vec<String>,
    can_edit: bool,
    saved: RwSignal<Option<PolicySettings>>,
) -> impl IntoView {
    let escalate = RwSignal::new(
        escalate_after_hours
            .map(|h| h.to_string())
            .unwrap_or_default(),
    );
    let working = RwSignal::new(business_hours.is_some());
    let hours = RwSignal::new(business_hours.unwrap_or(BusinessHours {
        start: 9,
        end: 18,
        weekdays: true,
        utc_offset_minutes: 0,
        time_zone: None,
        offset_changes: Vec::new(),
    }));
    let note = RwSignal::new(None::<Result<String, String>>);
    let save = Action::new(move |(e, b): &(Option<u32>, Option<BusinessHours>)| {
        set_reply_timer(*e, b.clone())
    });
    crate::ui::pages::policies::on_saved(
        save,
        "Reply timer saved: the inbox counts it from the next page load.",
        saved,
        note,
    );
    let flash = expect_context::<crate::ui::pages::policies::Flash>().0;
    let submit = move |_| {
        note.set(None);
        flash.set(None);
        let v = escalate.get_untracked();
        let e = match v.trim() {
            "" | "0" => None,
            t => match t.parse::<u32>() {
                Ok(h) => Some(h),
                Err(_) => {
                    note.set(Some(Err("hours are a whole number".into())));
                    return;
                }
            },
        };
        let b = working.get_untracked().then(|| hours.get_untracked());
        save.dispatch((e, b));
    };
    let disabled = !can_edit;
    let hour_options = move |current: u8, range: std::ops::RangeInclusive<u8>| {
        range
            .map(|h| view! { <option value=h.to_string() selected=h == current>{format!("{h:02}:00")}</option> })
            .collect_view()
    };
    view! {
        <section class="policy-editor reply-timer" aria-label="Reply timer" data-testid="reply-timer">
            <h3>"Reply timer"</h3>
            <p class="policy-help">"A creator who wrote last should hear back within 24 hours (Needs reply, then Overdue)."</p>
            <div class="policy-limits">
                <label class="policy-check">
                    <input type="checkbox" disabled=disabled prop:checked=working
                        on:change=move |ev| working.set(event_target_checked(&ev))/>
                    "Count only working hours"
                </label>
                <span class="policy-hours" class:muted=move || !working.get()>
                    <select aria-label="Working hours start" disabled=move || disabled || !working.get()
                        on:change=move |ev| { let v = event_target_value(&ev).parse().unwrap_or(9); hours.update(|h| h.start = v); }>
                        {move || hour_options(hours.get().start, 0..=23)}
                    </select>
                    "–"
                    <select aria-label="Working hours end" disabled=move || disabled || !working.get()
                        on:change=move |ev| { let v = event_target_value(&ev).parse().unwrap_or(18); hours.update(|h| h.end = v); }>
                        {move || hour_options(hours.get().end, 1..=24)}
                    </select>
                </span>
                <label class="policy-check">
                    <input type="checkbox" disabled=move || disabled || !working.get() prop:checked=move || hours.get().weekdays
                        on:change=move |ev| { let on = event_target_checked(&ev); hours.update(|h| h.weekdays = on); }/>
                    "Monday to Friday"
                </label>
                <select aria-label="Time zone" disabled=move || disabled || !working.get()
                    title="A named zone follows its daylight-saving changes; a UTC offset never moves"
                    on:change=move |ev| { let v = event_target_value(&ev); hours.update(|h| choose_zone(h, &v)); }>
                    {move || {
                        let h = hours.get();
                        let offset = h.utc_offset_minutes / 60;
                        let named = h.time_zone.clone();
                        let fixed = OFFSETS.map(|o| {
                            let selected = named.is_none() && o == offset;
                            view! { <option value=format!("UTC{o:+}") selected=selected>{format!("UTC{o:+03}:00 (fixed)")}</option> }
                        }).collect_view();
                        let zones = time_zones.iter().map(|z| {
                            let selected = named.as_deref() == Some(z.as_str());
                            view! { <option value=z.clone() selected=selected>{z.replace('_', " ")}</option> }
                        }).collect_view();
                        view! {
                            <optgroup label="Time zones (daylight saving)">{zones}</optgroup>
                            <optgroup label="Fixed offsets">{fixed}</optgroup>
                        }
                    }}
                </select>
            </div>
            <div class="policy-limits">
                <label class="followup-days">
                    "Escalate to owners and managers after "
                    <input type="number" min="0" max="720" disabled=disabled aria-label="Escalate after hours"
                        prop:value=escalate on:input=move |ev| escalate.set(event_target_value(&ev))/>
                    " hours of waiting (empty: never)"
                </label>
            </div>
            {can_edit.then(|| view! {
                <div class="draft-actions">
                    <button type="button" class="btn btn-primary" disabled=move || save.pending().get() on:click=submit>"Save reply timer"</button>
                    <SaveNote note=note/>
                </div>
            })}
        </section>
    }
}

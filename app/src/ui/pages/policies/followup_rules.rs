//! A campaign's follow-up rules on the Policies page: each default rule on or off, how many
//! days it waits, and for a nudge the approved wording it sends.

use crate::api::set_campaign_followups;
use crate::domain::followup::{
    defaults, describe, FollowupAction, RuleSetting, CUSTOM_PREFIX, MAX_CUSTOM, MAX_DAYS,
};
use crate::model::{Channel, PolicySettings, Stage};
use crate::ui::widgets::SaveNote;
use leptos::prelude::*;

/// What a rule's days count from, in words.
fn anchor_words(key: &str) -> &'static str {
    match key {
        "no_reply_1" => "days after our last message",
        "no_reply_2" => "days after follow-up 1",
        "no_reply_stale" => "days after follow-up 2",
        "posting_deadline" => "days before the posting deadline",
        "posting_overdue" => "days after the posting deadline",
        "rate_confirmation" => "days after our last message",
        k if k.starts_with(CUSTOM_PREFIX) => "days without a reply from the creator",
        _ => "days in the stage",
    }
}

#[component]
pub fn FollowupRules(
    campaign_id: String,
    rules: Vec<RuleSetting>,
    customized: bool,
    can_edit: bool,
    templates: Vec<(String, String)>,
    saved: RwSignal<Option<PolicySettings>>,
) -> impl IntoView {
    let edited = RwSignal::new(rules);
    let note = RwSignal::new(None::<Result<String, String>>);
    let save = Action::new(move |(id, r): &(String, Option<Vec<RuleSetting>>)| {
        let (id, r) = (id.clone(), r.clone());
        async move { set_campaign_followups(id, r).await }
    });
    crate::ui::pages::policies::on_saved(
        save,
        "Follow-up rules saved: they apply to follow-ups from now on.",
        saved,
        note,
    );
    let templates = StoredValue::new(templates);
    let disabled = !can_edit;
    let nudges: Vec<String> = defaults()
        .into_iter()
        .filter(|r| matches!(r.action, FollowupAction::Nudge { .. }))
        .map(|r| r.key)
        .collect();
    let (id_save, id_reset) = (campaign_id.clone(), campaign_id);
    view! {
        <section class="policy-editor" aria-label="Follow-up rules" data-testid="followup-rules">
            <h3>"Follow-ups"</h3>
            <p class="policy-help">"Sent through this campaign's policy when the creator stays silent; canceled when they reply, the stage changes, the campaign closes or they opt out."</p>
            <ul class="policy-rules followup-rules">
                {move || edited.get().into_iter().enumerate().map(|(i, r)| {
                    let is_nudge = nudges.contains(&r.key) || r.is_custom();
                    let key = r.key.clone();
                    let custom = r.is_custom().then(|| view! { <OwnRule edited i r=r.clone() disabled/> });
                    view! {
                        <li class="followup-rule">
                            <label class="policy-check">
                                <input type="checkbox" disabled=disabled prop:checked=r.enabled
                                    on:change=move |ev| { let on = event_target_checked(&ev); edited.update(|e| e[i].enabled = on); }/>
                                {if r.is_custom() { "Your own follow-up".to_string() } else { describe(&key).to_string() }}
                            </label>
                            {custom}
                            <span class="followup-days">
                                <input type="number" min="1" max=MAX_DAYS disabled=disabled aria-label=format!("Days for {}", describe(&key))
                                    prop:value=r.days.to_string()
                                    on:change=move |ev| {
                                        let v = event_target_value(&ev).parse::<u32>().unwrap_or(0);
                                        edited.update(|e| e[i].days = v);
                                    }/>
                                " "{anchor_words(&key)}
                            </span>
                            {is_nudge.then(|| {
                                let current = r.template.clone().unwrap_or_default();
                                view! {
                                    <select disabled=disabled aria-label=format!("Wording for {}", describe(&key))
                                        on:change=move |ev| { let v = event_target_value(&ev); edited.update(|e| e[i].template = Some(v)); }>
                                        {templates.get_value().into_iter().map(|(k, title)| {
                                            let sel = k == current;
                                            view! { <option value=k selected=sel>{title}</option> }
                                        }).collect_view()}
                                    </select>
                                }
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {can_edit.then(|| view! {
                <button type="button" class="btn btn-small" disabled=move || edited.with(|e| e.iter().filter(|r| r.is_custom()).count() >= MAX_CUSTOM)
                    on:click=move |_| edited.update(|e| {
                        let n = (1..).find(|n| !e.iter().any(|r| r.key == format!("{CUSTOM_PREFIX}{n}"))).unwrap_or(1);
                        let template = templates.get_value().first().map(|(k, _)| k.clone());
                        e.push(RuleSetting { key: format!("{CUSTOM_PREFIX}{n}"), enabled: true, days: 3, template,
                            stage: Some(Stage::Replied), channel: None });
                    })>"Add your own follow-up"</button>
            })}
            {can_edit.then(|| view! {
                <div class="draft-actions">
                    <button type="button" class="btn btn-primary" disabled=move || save.pending().get()
                        on:click=move |_| { note.set(None); save.dispatch((id_save.clone(), Some(edited.get_untracked()))); }>"Save follow-ups"</button>
                    {customized.then(|| view! {
                        <button type="button" class="btn" disabled=move || save.pending().get()
                            on:click=move |_| { note.set(None); save.dispatch((id_reset.clone(), None)); }>"Reset to defaults"</button>
                    })}
                    <SaveNote note=note/>
                </div>
            })}
        </section>
    }
}

/// The stage and channel of a team's own follow-up, and removing it.
#[component]
fn OwnRule(
    edited: RwSignal<Vec<RuleSetting>>,
    i: usize,
    r: RuleSetting,
    disabled: bool,
) -> impl IntoView {
    let stages: Vec<Stage> = Stage::ALL
        .into_iter()
        .filter(|s| !s.is_closed() && *s != Stage::Prospect)
        .collect();
    view! {
        <select disabled=disabled aria-label="In stage" on:change=move |ev| {
            let v = event_target_value(&ev);
            edited.update(|e| e[i].stage = Stage::parse(&v));
        }>
            {stages.into_iter().map(|s| view! { <option value=s.as_str() selected=r.stage == Some(s)>{format!("in {}", s.label())}</option> }).collect_view()}
        </select>
        <select disabled=disabled aria-label="Channel" on:change=move |ev| {
            let v = event_target_value(&ev);
            edited.update(|e| e[i].channel = [Channel::Email, Channel::Sms, Channel::InApp].into_iter().find(|c| c.as_str() == v));
        }>
            <option value="" selected=r.channel.is_none()>"on the usual channel"</option>
            {[Channel::Email, Channel::Sms, Channel::InApp].into_iter().map(|c| view! {
                <option value=c.as_str() selected=r.channel == Some(c)>{format!("by {}", c.label())}</option>
            }).collect_view()}
        </select>
        {(!disabled).then(|| view! {
            <button type="button" class="btn btn-small btn-ghost" on:click=move |_| edited.update(|e| { e.remove(i); })>"Remove"</button>
        })}
    }
}

//! The campaign's approval rules: which sensitive topics need which role, per channel where it
//! differs, and the table they add up to — who must approve a reply (from automation or from a
//! teammate below that role) on each channel.

use super::ROLES;
use crate::domain::classify::Intent;
use crate::domain::policy::{ResponsePolicy, ReviewRule};
use crate::model::{Channel, Role};
use leptos::prelude::*;

/// The channels a reply can go out on, as the table's columns.
const REPLY_CHANNELS: [Channel; 5] = [
    Channel::Email,
    Channel::Sms,
    Channel::Instagram,
    Channel::InApp,
    Channel::Api,
];

/// The topics that need approval, each with the least senior role that may approve, on every
/// channel or one.
#[component]
pub(super) fn ReviewRules(p: RwSignal<ResponsePolicy>, can_edit: bool) -> impl IntoView {
    let disabled = !can_edit;
    view! {
            <h3>"Needs approval"</h3>
            <p class="policy-help">"A reply about these — drafted by automation or written by a teammate without the role — waits for someone with this role or above. A rule for one channel takes the place of the general rule there (for example: SMS replies to rate questions always reviewed by an owner)."</p>
            <ul class="policy-rules">
                {move || p.get().review.into_iter().enumerate().map(|(i, r)| view! {
                    <li>
                        <select aria-label="Topic" disabled=disabled on:change=move |ev| {
                            if let Some(x) = Intent::parse(&event_target_value(&ev)) { p.update(|p| p.review[i].intent = x); }
                        }>
                            {Intent::ALL.into_iter().map(|x| view! { <option value=x.as_str() selected=x == r.intent>{x.label()}</option> }).collect_view()}
                        </select>
                        <select aria-label="On channel" disabled=disabled on:change=move |ev| {
                            let v = event_target_value(&ev);
                            p.update(|p| p.review[i].channel = REPLY_CHANNELS.into_iter().find(|c| c.as_str() == v));
                        }>
                            <option value="" selected=r.channel.is_none()>"on every channel"</option>
                            {REPLY_CHANNELS.into_iter().map(|c| view! { <option value=c.as_str() selected=r.channel == Some(c)>{format!("by {}", c.label())}</option> }).collect_view()}
                        </select>
                        <span>"→ approved by"</span>
                        <select aria-label="Approved by" disabled=disabled on:change=move |ev| {
                            if let Some(x) = Role::parse(&event_target_value(&ev)) { p.update(|p| p.review[i].role = x); }
                        }>
                            {ROLES.into_iter().map(|x| view! { <option value=x.as_str() selected=x == r.role>{x.with_article()}</option> }).collect_view()}
                        </select>
                        {can_edit.then(|| view! { <button type="button" class="btn btn-small btn-ghost" on:click=move |_| p.update(|p| { p.review.remove(i); })>"Remove"</button> })}
                    </li>
                }).collect_view()}
            </ul>
            {can_edit.then(|| view! {
                <button type="button" class="btn btn-small" on:click=move |_| p.update(|p| p.review.push(ReviewRule { intent: Intent::Question, role: Role::Member, channel: None }))>"Add approval rule"</button>
            })}
            <ApprovalTable p/>
    }
}

/// Who must approve a reply on each sensitive topic, channel by channel, as the rules add up.
#[component]
fn ApprovalTable(p: RwSignal<ResponsePolicy>) -> impl IntoView {
    let topics: Vec<Intent> = Intent::ALL
        .into_iter()
        .filter(|i| i.is_sensitive())
        .collect();
    view! {
        <table class="approval-table" data-testid="approval-table">
            <caption>"Who approves a reply"</caption>
            <thead>
                <tr>
                    <th scope="col">"Topic"</th>
                    {REPLY_CHANNELS.into_iter().map(|c| view! { <th scope="col">{c.label()}</th> }).collect_view()}
                </tr>
            </thead>
            <tbody>
                {move || {
                    let policy = p.get();
                    topics.iter().map(|t| {
                        let t = *t;
                        view! {
                            <tr>
                                <th scope="row">{t.label()}</th>
                                {REPLY_CHANNELS.into_iter().map(|c| {
                                    let role = policy.review_role(t, c);
                                    let special = policy.review.iter().any(|r| r.intent == t && r.channel == Some(c));
                                    view! {
                                        <td class:approval-special=special class:approval-none=role.is_none()>
                                            {role.map_or("anyone".to_string(), |r| r.as_str().to_string())}
                                        </td>
                                    }
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()
                }}
            </tbody>
        </table>
    }
}

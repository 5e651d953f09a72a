//! The filter bar. Every change rewrites the URL query, so filters are shareable and Back works;
//! the list reads its filter from the URL, never from local state.

use crate::api::load_filter_options;
use crate::domain::blocked::Blocked;
use crate::domain::classify::Intent;
use crate::domain::filter::{part_label, AssigneeFilter, InboxFilter};
use crate::domain::shortcuts::{key_of, Shortcut};
use crate::model::{Channel, DeclineReason, FilterOptions, Stage};
use crate::ui::pages::inbox::use_inbox;
use crate::ui::widgets::shortcuts::with_key;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

/// One edit of the filter.
type FilterChange = Box<dyn FnOnce(&mut InboxFilter)>;

/// Applies a change to the current filter by navigating to the new URL.
fn use_apply_filter() -> impl Fn(FilterChange) + Clone {
    let ctx = use_inbox();
    let navigate = use_navigate();
    let location = use_location();
    move |change: FilterChange| {
        let mut f = ctx.filter.get_untracked();
        change(&mut f);
        let path = location.pathname.get_untracked();
        navigate(
            &format!("{path}{}", f.to_query_string()),
            NavigateOptions {
                scroll: false,
                ..Default::default()
            },
        );
    }
}

fn non_empty(v: String) -> Option<String> {
    (!v.is_empty()).then_some(v)
}

/// A select's change handler: sets one field of the filter from the value chosen.
fn setter(
    apply: impl Fn(FilterChange) + Clone + 'static,
    set: fn(&mut InboxFilter, String),
) -> impl Fn(leptos::ev::Event) + Clone + 'static {
    move |ev| {
        let v = event_target_value(&ev);
        apply(Box::new(move |f| set(f, v)))
    }
}

#[component]
pub fn FilterBar() -> impl IntoView {
    let ctx = use_inbox();
    let options = Resource::new(|| (), |_| load_filter_options());
    let apply = use_apply_filter();
    let filter = ctx.filter;

    let on_campaign = setter(apply.clone(), |f, v| f.campaign = non_empty(v));
    let on_client = setter(apply.clone(), |f, v| f.client = non_empty(v));
    let on_stage = setter(apply.clone(), |f, v| f.stage = Stage::parse(&v));
    let on_channel = setter(apply.clone(), |f, v| f.channel = Channel::parse(&v));
    let on_assignee = setter(apply.clone(), |f, v| {
        f.assignee = match v.as_str() {
            "" => None,
            "me" => Some(AssigneeFilter::Me),
            "none" => Some(AssigneeFilter::Nobody),
            id => Some(AssigneeFilter::User(id.to_string())),
        }
    });
    let toggle_needs = {
        let apply = apply.clone();
        move |_| apply(Box::new(|f| f.needs_reply = !f.needs_reply))
    };
    let toggle_overdue = {
        let apply = apply.clone();
        move |_| apply(Box::new(|f| f.overdue = !f.overdue))
    };
    let toggle_stale = {
        let apply = apply.clone();
        move |_| apply(Box::new(|f| f.stale = !f.stale))
    };
    let clear_picked = {
        let apply = apply.clone();
        move |_| apply(Box::new(|f| f.threads.clear()))
    };
    let clear = {
        let apply = apply.clone();
        move |_| apply(Box::new(|f| *f = InboxFilter::default()))
    };
    let assignee_value = move || match filter.get().assignee {
        None => String::new(),
        Some(AssigneeFilter::Me) => "me".into(),
        Some(AssigneeFilter::Nobody) => "none".into(),
        Some(AssigneeFilter::User(id)) => id,
    };

    // On a phone the filters wait behind one button, in a sheet; the ones on show as chips.
    let sheet = RwSignal::new(false);
    let on_count = move || filter.get().active_parts().len();
    let chips_apply = apply.clone();
    view! {
        <div class="filter-bar" class:sheet-open=move || sheet.get()>
            <div class="search-row">
                <SearchBox apply=apply.clone()/>
                <button type="button" class="btn filters-button" data-testid="filters-button"
                    aria-expanded=move || sheet.get().to_string() aria-controls="filter-sheet"
                    on:click=move |_| sheet.update(|open| *open = !*open)>
                    "Filters"
                    <Show when=move || { on_count() > 0 }>
                        <span class="count">{on_count}</span>
                    </Show>
                </button>
            </div>
            <Transition fallback=|| ()>
                {move || options.get().map(|o| view! { <ActiveChips options=o.unwrap_or_default() apply=chips_apply.clone()/> })}
            </Transition>
            <div class="filter-sheet" id="filter-sheet" role="group" aria-label="Filters">
                <div class="sheet-head">
                    <strong>"Filters"</strong>
                    <button type="button" class="btn btn-primary" on:click=move |_| sheet.set(false)>"Done"</button>
                </div>
                <div class="filter-row">
                    <Transition fallback=|| ()>
                        {move || options.get().map(|o| {
                            let o = o.unwrap_or_default();
                            let campaigns = o.campaigns.clone();
                            let clients = o.clients.clone();
                            let teammates = o.teammates.clone();
                            view! {
                                <select aria-label="Campaign" name="campaign" on:change=on_campaign.clone()
                                    prop:value=move || filter.get().campaign.unwrap_or_default()>
                                    <option value="">"All campaigns"</option>
                                    {campaigns.into_iter().map(|c| {
                                        let selected = filter.get_untracked().campaign.as_deref() == Some(c.id.as_str());
                                        view! { <option value=c.id selected=selected>{c.name}</option> }
                                    }).collect_view()}
                                </select>
                                <select aria-label="Client" name="client" on:change=on_client.clone()
                                    prop:value=move || filter.get().client.unwrap_or_default()>
                                    <option value="">"All clients"</option>
                                    {clients.into_iter().map(|c| {
                                        let selected = filter.get_untracked().client.as_deref() == Some(c.id.as_str());
                                        view! { <option value=c.id selected=selected>{c.name}</option> }
                                    }).collect_view()}
                                </select>
                                <select aria-label="Assignee" name="assignee" on:change=on_assignee.clone() prop:value=assignee_value>
                                    <option value="">"Anyone"</option>
                                    <option value="me" selected=assignee_value() == "me">"Assigned to me"</option>
                                    <option value="none" selected=assignee_value() == "none">"Unassigned"</option>
                                    {teammates.into_iter().map(|t| {
                                        let selected = assignee_value() == t.id;
                                        view! { <option value=t.id selected=selected>{t.name}</option> }
                                    }).collect_view()}
                                </select>
                            }
                        })}
                    </Transition>
                    <select aria-label="Stage" name="stage" on:change=on_stage
                        prop:value=move || filter.get().stage.map(|s| s.as_str()).unwrap_or_default()>
                        <option value="">"Any stage"</option>
                        {Stage::ALL.into_iter().map(|s| {
                            let selected = filter.get_untracked().stage == Some(s);
                            view! { <option value=s.as_str() selected=selected>{s.label()}</option> }
                        }).collect_view()}
                    </select>
                    <select aria-label="Channel" name="channel" on:change=on_channel
                        prop:value=move || filter.get().channel.map(|c| c.as_str()).unwrap_or_default()>
                        <option value="">"Any channel"</option>
                        {Channel::ALL.into_iter().filter(|c| *c != Channel::Note).map(|c| {
                            let selected = filter.get_untracked().channel == Some(c);
                            view! { <option value=c.as_str() selected=selected>{c.label()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="filter-row toggles">
                    <button type="button" class="toggle" aria-pressed=move || filter.get().needs_reply.to_string()
                        class:on=move || filter.get().needs_reply on:click=toggle_needs>"Needs reply"</button>
                    <button type="button" class="toggle" aria-pressed=move || filter.get().overdue.to_string()
                        class:on=move || filter.get().overdue on:click=toggle_overdue>"Overdue > 24 h"</button>
                    <button type="button" class="toggle" aria-pressed=move || filter.get().stale.to_string()
                        title="No answer after the last follow-up"
                        class:on=move || filter.get().stale on:click=toggle_stale>"Stale"</button>
                    <MoreFilters apply=apply.clone()/>
                    <Show when=move || !filter.get().threads.is_empty()>
                        <span class="chip picked-chip">
                            {move || format!("{} threads picked in Reports", filter.get().threads.len())}
                            <button type="button" aria-label="Show every thread" on:click=clear_picked.clone()>"×"</button>
                        </span>
                    </Show>
                    <Show when=move || !filter.get().is_empty()>
                        <button type="button" class="link-button" on:click=clear.clone()>"Clear filters"</button>
                    </Show>
                </div>
            </div>
        </div>
    }
}

/// The filters that are on, each a chip that turns it off (shown on a phone, where the
/// controls wait in the sheet).
#[component]
fn ActiveChips(
    options: FilterOptions,
    apply: impl Fn(FilterChange) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let filter = use_inbox().filter;
    let name_of = move |key: &str, id: &str| {
        let list = match key {
            "campaign" => &options.campaigns,
            "client" => &options.clients,
            _ => &options.teammates,
        };
        list.iter().find(|n| n.id == id).map(|n| n.name.clone())
    };
    move || {
        let parts = filter.get().active_parts();
        (!parts.is_empty()).then(|| {
            let chips = parts
                .into_iter()
                .map(|part| {
                    let label = part_label(&part, &name_of);
                    let apply = apply.clone();
                    let off = move |_| {
                        let part = part.clone();
                        apply(Box::new(move |f| *f = f.without(&part)))
                    };
                    view! {
                        <li class="chip active-chip">
                            {label.clone()}
                            <button type="button" aria-label=format!("Remove filter: {label}") on:click=off>"×"</button>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="active-chips" aria-label="Filters on" data-testid="active-chips">{chips}</ul> }
        })
    }
}

/// Flips one value in a multi-value filter.
fn flip<T: PartialEq>(list: &mut Vec<T>, v: T) {
    match list.iter().position(|x| *x == v) {
        Some(i) => {
            list.remove(i);
        }
        None => list.push(v),
    }
}

/// One group of checkboxes of a multi-value filter.
#[component]
fn CheckGroup<T: Copy + PartialEq + Send + Sync + 'static>(
    legend: &'static str,
    name: &'static str,
    options: Vec<(T, &'static str, &'static str)>,
    chosen: Signal<Vec<T>>,
    on_flip: impl Fn(T) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <fieldset class="check-group">
            <legend>{legend}</legend>
            {options.into_iter().map(|(v, value, label)| {
                let on_flip = on_flip.clone();
                view! {
                    <label class="check">
                        <input type="checkbox" name=name value=value
                            prop:checked=move || chosen.get().contains(&v)
                            on:change=move |_| on_flip(v)/>
                        {label}
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// The triage filters beyond the first row: open topic, blocked category, decline reason (each
/// several values at once) and past deadline, folded behind one button that counts what is on.
#[component]
fn MoreFilters(apply: impl Fn(FilterChange) + Clone + Send + Sync + 'static) -> impl IntoView {
    let filter = use_inbox().filter;
    let active = move || {
        let f = filter.get();
        f.topics.len() + f.blocked.len() + f.declined_for.len() + usize::from(f.past_deadline)
    };
    let topics = Intent::ALL
        .into_iter()
        .filter(|i| i.is_sensitive())
        .map(|i| (i, i.as_str(), i.label()))
        .collect();
    let categories = Blocked::ALL
        .into_iter()
        .map(|b| (b, b.as_str(), b.label()))
        .collect();
    let reasons = DeclineReason::ALL
        .into_iter()
        .map(|r| (r, r.as_str(), r.label()))
        .collect();
    let flip_topic = {
        let apply = apply.clone();
        move |v: Intent| apply(Box::new(move |f| flip(&mut f.topics, v)))
    };
    let flip_blocked = {
        let apply = apply.clone();
        move |v: Blocked| apply(Box::new(move |f| flip(&mut f.blocked, v)))
    };
    let flip_reason = {
        let apply = apply.clone();
        move |v: DeclineReason| apply(Box::new(move |f| flip(&mut f.declined_for, v)))
    };
    let toggle_late = move |_| apply(Box::new(|f| f.past_deadline = !f.past_deadline));
    view! {
        <details class="more-filters">
            <summary class="toggle" class:on=move || { active() > 0 }>
                "More filters"
                <Show when=move || { active() > 0 }>
                    <span class="count">{active}</span>
                </Show>
            </summary>
            <div class="more-filters-panel">
                <CheckGroup legend="Open topic" name="topic" options=topics
                    chosen=Signal::derive(move || filter.get().topics) on_flip=flip_topic/>
                <CheckGroup legend="Blocked on" name="blocked" options=categories
                    chosen=Signal::derive(move || filter.get().blocked) on_flip=flip_blocked/>
                <CheckGroup legend="Declined for" name="decline" options=reasons
                    chosen=Signal::derive(move || filter.get().declined_for) on_flip=flip_reason/>
                <label class="check">
                    <input type="checkbox" name="past_deadline"
                        prop:checked=move || filter.get().past_deadline on:change=toggle_late/>
                    "Past the post-by date, not posted"
                </label>
            </div>
        </details>
    }
}

/// Creator search, debounced so typing does not fire a request per key.
#[component]
fn SearchBox(apply: impl Fn(FilterChange) + Clone + 'static) -> impl IntoView {
    let ctx = use_inbox();
    #[cfg(feature = "hydrate")]
    let pending = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    let on_input = move |ev| {
        let value = event_target_value(&ev);
        let apply = apply.clone();
        let run = move || {
            let v = non_empty(value.trim().to_string());
            apply(Box::new(move |f| f.creator = v))
        };
        #[cfg(feature = "hydrate")]
        pending.set_value(Some(gloo_timers::callback::Timeout::new(300, run)));
        #[cfg(not(feature = "hydrate"))]
        run();
    };
    view! {
        <input type="search" class="search" name="q" placeholder="Search creators by name, handle or email"
            aria-label="Search creators" data-shortcut="search"
            title=with_key("Search creators", Shortcut::Search) aria-keyshortcuts=key_of(Shortcut::Search)
            value=ctx.filter.get_untracked().creator.unwrap_or_default()
            on:input=on_input/>
    }
}

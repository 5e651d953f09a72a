//! Small presentational pieces used across pages.

pub mod bulk_bar;
pub mod drafts;
pub mod filters;
pub mod notifications;
pub mod shortcuts;
pub mod thread_list;

use crate::domain::{text, time_fmt};
use crate::model::{Channel, SenderKind, Stage};
use leptos::prelude::*;

/// A round avatar: the picture when there is one, else initials on a colour derived from the name.
#[component]
pub fn Avatar(name: String, url: Option<String>, #[prop(optional)] small: bool) -> impl IntoView {
    let hue = name
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32))
        % 360;
    let class = if small { "avatar avatar-sm" } else { "avatar" };
    match url {
        Some(url) => view! { <img class=class src=url alt=name.clone()/> }.into_any(),
        None => view! {
            <span class=class style=format!("background:hsl({hue} 55% 88%);color:hsl({hue} 45% 30%)") aria-hidden="true">
                {text::initials(&name)}
            </span>
        }
        .into_any(),
    }
}

#[component]
pub fn StageChip(stage: Stage) -> impl IntoView {
    view! { <span class=format!("chip stage-{}", stage.as_str())>{stage.label()}</span> }
}

/// A channel's icon with its name for screen readers and as a tooltip.
#[component]
pub fn ChannelIcon(channel: Channel) -> impl IntoView {
    let path = match channel {
        Channel::Email => "M3 6h18v12H3z M3 6l9 7 9-7",
        Channel::Sms => "M4 5h16v11H9l-5 4z",
        Channel::Instagram => "M5 4h14a1 1 0 0 1 1 1v14a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1z M12 8.5a3.5 3.5 0 1 0 0 7a3.5 3.5 0 1 0 0-7z M16.5 6.8v.1",
        Channel::InApp => "M7 3h10v18H7z M11 18h2",
        Channel::Api => "M8 7l-5 5 5 5 M16 7l5 5-5 5 M14 4l-4 16",
        Channel::Note => "M5 4h14v12l-4 4H5z M15 20v-4h4",
    };
    view! {
        <span class=format!("channel-icon ch-{}", channel.as_str()) title=channel.label()>
            <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true">
                <path d=path fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" stroke-linecap="round"/>
            </svg>
            <span class="sr-only">{channel.label()}</span>
        </span>
    }
}

pub fn sender_kind_label(kind: SenderKind) -> &'static str {
    match kind {
        SenderKind::Creator => "Creator",
        SenderKind::Teammate => "Team",
        SenderKind::Automation => "Automation",
    }
}

/// A relative time that stays current, with the exact time on hover.
#[component]
pub fn RelTime(at: i64) -> impl IntoView {
    let now = crate::ui::live::clock::use_now();
    view! {
        <time class="reltime" datetime=at.to_string() title=time_fmt::exact(at)>
            {move || time_fmt::relative(now.get(), at)}
        </time>
    }
}

/// The outcome of a settings save beside its button: what was saved, or why not.
#[component]
pub fn SaveNote(note: RwSignal<Option<Result<String, String>>>) -> impl IntoView {
    move || {
        note.get().map(|n| match n {
            Ok(m) => view! { <span class="save-note" role="status">{m}</span> }.into_any(),
            Err(e) => view! { <span class="form-error" role="alert">{e}</span> }.into_any(),
        })
    }
}

/// A read-only value to copy (into a provider's settings, or a link to hand to someone): focusing
/// it selects it.
#[component]
pub fn CopyField(label: &'static str, value: String) -> impl IntoView {
    view! {
        <label class="copy-field">
            <span>{label}</span>
            <input type="text" readonly=true value=value on:focus=move |ev| {
                #[cfg(feature = "hydrate")]
                {
                    use wasm_bindgen::JsCast;
                    if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                        el.select();
                    }
                }
                #[cfg(not(feature = "hydrate"))]
                let _ = ev;
            }/>
        </label>
    }
}

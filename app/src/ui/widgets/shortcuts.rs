//! Keyboard triage on desktop: listens for `domain::shortcuts` keys on the inbox and carries each
//! out on the page's own control, found by its `data-shortcut` mark (the list's rows and their
//! pick boxes, the composer's tabs and text, the thread's assign, snooze and stage controls, the
//! creator search), so a control does the same whether clicked or keyed. `?` shows the keys.

use crate::domain::shortcuts::{key_of, Shortcut, ALL};
use leptos::prelude::*;

/// A control's tooltip with its key: "Reply (r)".
pub fn with_key(label: &str, s: Shortcut) -> String {
    format!("{label} ({})", key_of(s))
}

#[component]
pub fn KeyboardShortcuts() -> impl IntoView {
    let help = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    {
        let keyboard_row = crate::ui::pages::inbox::use_inbox().keyboard_row;
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if browser::shortcut_of(&ev).is_some_and(|s| browser::carry_out(s, help, keyboard_row))
            {
                ev.prevent_default();
            }
        });
        on_cleanup(move || handle.remove());
    }
    view! {
        <button type="button" class="btn btn-ghost shortcut-toggle" title=with_key("Keyboard shortcuts", Shortcut::Help)
            aria-keyshortcuts=key_of(Shortcut::Help) on:click=move |_| help.update(|h| *h = !*h)>"Shortcuts"</button>
        <Show when=move || help.get()>
            <div class="shortcut-help" role="dialog" aria-modal="true" aria-labelledby="shortcut-title"
                on:click=move |_| help.set(false)>
                <div class="shortcut-card" on:click=|ev| ev.stop_propagation()>
                    <h2 id="shortcut-title">"Keyboard shortcuts"</h2>
                    <dl>
                        {ALL.iter().map(|(_, key, what)| view! { <dt><kbd>{*key}</kbd></dt><dd>{*what}</dd> }).collect_view()}
                    </dl>
                    <p class="hint">"Not while typing in a field. Ctrl+Enter sends from the composer."</p>
                    <button type="button" class="btn btn-small" on:click=move |_| help.set(false)>"Close"</button>
                </div>
            </div>
        </Show>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use crate::domain::shortcuts::{shortcut, step_to, Press, Shortcut};
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{Element, HtmlElement};

    fn document() -> Option<web_sys::Document> {
        web_sys::window()?.document()
    }

    /// What the key press means where it happened: typing in a field, or Enter on a link or a
    /// button (theirs to handle), is not a shortcut.
    pub fn shortcut_of(ev: &web_sys::KeyboardEvent) -> Option<Shortcut> {
        let target = ev.target().and_then(|t| t.dyn_into::<Element>().ok());
        let tag = target.as_ref().map(Element::tag_name).unwrap_or_default();
        let typing = match tag.as_str() {
            "TEXTAREA" | "SELECT" => true,
            "INPUT" => !matches!(
                target
                    .as_ref()
                    .and_then(|t| t.get_attribute("type"))
                    .as_deref(),
                Some("checkbox" | "radio" | "button" | "submit")
            ),
            _ => target
                .as_ref()
                .and_then(|t| t.closest("[contenteditable]").ok().flatten())
                .is_some(),
        };
        let key = ev.key();
        if key == "Enter" && matches!(tag.as_str(), "A" | "BUTTON") {
            return None;
        }
        shortcut(Press {
            key: &key,
            ctrl: ev.ctrl_key(),
            meta: ev.meta_key(),
            alt: ev.alt_key(),
            typing,
        })
    }

    fn marked(name: &str) -> Option<HtmlElement> {
        document()?
            .query_selector(&format!("[data-shortcut=\"{name}\"]"))
            .ok()
            .flatten()?
            .dyn_into()
            .ok()
    }

    fn rows() -> Vec<Element> {
        let Some(list) = document().and_then(|d| d.query_selector_all(".thread-row").ok()) else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
            .collect()
    }

    fn id_of(row: &Element) -> String {
        row.get_attribute("data-thread-id").unwrap_or_default()
    }

    /// The row the keyboard is on: the one `keyboard_row` names while it is listed, else the open
    /// thread's.
    fn current(rows: &[Element], keyboard_row: RwSignal<Option<String>>) -> Option<&Element> {
        keyboard_row
            .with_untracked(|k| {
                k.as_ref()
                    .and_then(|id| rows.iter().find(|r| id_of(r) == *id))
            })
            .or_else(|| rows.iter().find(|r| r.class_list().contains("selected")))
    }

    fn move_focus(step: i32, keyboard_row: RwSignal<Option<String>>) -> bool {
        let rows = rows();
        let ids: Vec<String> = rows.iter().map(id_of).collect();
        let now = current(&rows, keyboard_row).map(id_of);
        let Some(to) = step_to(&ids, now.as_deref(), step) else {
            return false;
        };
        keyboard_row.set(Some(ids[to].clone()));
        rows[to].scroll_into_view_with_bool(false);
        true
    }

    /// Clicks `selector` inside the row the keyboard is on.
    fn click_in_current(selector: &str, keyboard_row: RwSignal<Option<String>>) -> bool {
        let rows = rows();
        let Some(el) = current(&rows, keyboard_row)
            .and_then(|r| r.query_selector(selector).ok().flatten())
            .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        else {
            return false;
        };
        el.click();
        true
    }

    fn click(name: &str) -> bool {
        marked(name).map(|e| e.click()).is_some()
    }

    fn focus(name: &str) -> bool {
        marked(name).is_some_and(|e| e.focus().is_ok())
    }

    /// Does what `s` asks; false when there was nothing to do it on (the key is left alone).
    pub fn carry_out(
        s: Shortcut,
        help: RwSignal<bool>,
        keyboard_row: RwSignal<Option<String>>,
    ) -> bool {
        match s {
            Shortcut::Help => {
                help.update(|h| *h = !*h);
                true
            }
            Shortcut::Dismiss => {
                help.get_untracked() && {
                    help.set(false);
                    true
                }
            }
            Shortcut::Next => move_focus(1, keyboard_row),
            Shortcut::Previous => move_focus(-1, keyboard_row),
            Shortcut::Open => click_in_current(".thread-link", keyboard_row),
            Shortcut::Select => click_in_current(".row-pick input", keyboard_row),
            Shortcut::Reply => click("reply") && focus("composer"),
            Shortcut::Note => click("note") && focus("composer"),
            Shortcut::AssignToMe => click("assign-me"),
            Shortcut::Snooze => focus("snooze"),
            Shortcut::MoveStage => focus("stage"),
            Shortcut::Search => focus("search"),
        }
    }
}

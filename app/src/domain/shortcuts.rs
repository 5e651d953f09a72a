//! Keyboard triage on desktop: which key does what, and where `j` / `k` move in the list. Pure;
//! `ui::widgets::shortcuts` listens to the keyboard and carries the commands out.

/// What a shortcut asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    Next,
    Previous,
    Open,
    Reply,
    Note,
    AssignToMe,
    Snooze,
    MoveStage,
    Search,
    Select,
    Help,
    /// Closes the help overlay (Escape).
    Dismiss,
}

/// Every shortcut with its key and what it does, in the order the help overlay lists them.
pub const ALL: [(Shortcut, &str, &str); 12] = [
    (Shortcut::Next, "j", "Next thread"),
    (Shortcut::Previous, "k", "Previous thread"),
    (Shortcut::Open, "Enter", "Open the thread"),
    (Shortcut::Reply, "r", "Reply"),
    (Shortcut::Note, "n", "Internal note"),
    (Shortcut::AssignToMe, "a", "Assign to me"),
    (Shortcut::Snooze, "s", "Snooze"),
    (Shortcut::MoveStage, "m", "Move to another stage"),
    (Shortcut::Search, "/", "Search creators"),
    (Shortcut::Select, "x", "Select for a bulk message"),
    (Shortcut::Help, "?", "Show these shortcuts"),
    (Shortcut::Dismiss, "Escape", "Close this help"),
];

/// The key a shortcut is pressed with (for tooltips: "Reply (r)").
pub fn key_of(s: Shortcut) -> &'static str {
    ALL.iter()
        .find(|(x, _, _)| *x == s)
        .map_or("", |(_, k, _)| *k)
}

/// A key press as the page saw it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Press<'a> {
    /// `KeyboardEvent.key`.
    pub key: &'a str,
    pub ctrl: bool,
    pub meta: bool,
    pub alt: bool,
    /// Focus is in a text field, a select or an editable element: keys are the person's typing.
    pub typing: bool,
}

/// The shortcut a key press means, if any. Never while typing in a field, and never with Ctrl,
/// Cmd or Alt held (those are the browser's and the composer's: Ctrl+Enter sends).
pub fn shortcut(p: Press<'_>) -> Option<Shortcut> {
    if p.ctrl || p.meta || p.alt {
        return None;
    }
    if p.typing {
        // Escape still closes the help overlay from anywhere.
        return (p.key == "Escape").then_some(Shortcut::Dismiss);
    }
    ALL.iter().find(|(_, k, _)| *k == p.key).map(|(s, _, _)| *s)
}

/// The row `j` (`step` 1) or `k` (−1) moves to from `current` among `rows` (ids in list order):
/// the first row when none is current (or the current one left the list), and no further than
/// either end.
pub fn step_to(rows: &[String], current: Option<&str>, step: i32) -> Option<usize> {
    if rows.is_empty() {
        return None;
    }
    let Some(at) = current.and_then(|c| rows.iter().position(|r| r == c)) else {
        return Some(0);
    };
    let last = rows.len() as i64 - 1;
    Some((at as i64 + i64::from(step)).clamp(0, last) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(key: &str) -> Press<'_> {
        Press {
            key,
            ..Default::default()
        }
    }

    #[test]
    fn keys_mean_their_shortcut_only_outside_fields_and_without_modifiers() {
        let cases: [(Press, Option<Shortcut>); 12] = [
            (press("j"), Some(Shortcut::Next)),
            (press("k"), Some(Shortcut::Previous)),
            (press("Enter"), Some(Shortcut::Open)),
            (press("r"), Some(Shortcut::Reply)),
            (press("/"), Some(Shortcut::Search)),
            (press("?"), Some(Shortcut::Help)),
            (press("J"), None),
            (press("q"), None),
            (
                Press {
                    typing: true,
                    ..press("j")
                },
                None,
            ),
            (
                Press {
                    typing: true,
                    ..press("Escape")
                },
                Some(Shortcut::Dismiss),
            ),
            (
                Press {
                    ctrl: true,
                    ..press("Enter")
                },
                None,
            ),
            (
                Press {
                    meta: true,
                    ..press("r")
                },
                None,
            ),
        ];
        for (p, want) in cases {
            assert_eq!(shortcut(p), want, "{p:?}");
        }
        // Every listed key comes back as its own shortcut.
        for (s, key, _) in ALL {
            assert_eq!(shortcut(press(key)), Some(s));
            assert_eq!(key_of(s), key);
        }
    }

    #[test]
    fn j_and_k_move_within_the_list() {
        let rows: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let cases = [
            (None, 1, Some(0)),
            (None, -1, Some(0)),
            (Some("a"), 1, Some(1)),
            (Some("b"), -1, Some(0)),
            (Some("c"), 1, Some(2)),
            (Some("a"), -1, Some(0)),
            (Some("gone"), 1, Some(0)),
        ];
        for (current, step, want) in cases {
            assert_eq!(step_to(&rows, current, step), want, "{current:?} {step}");
        }
        assert_eq!(step_to(&[], Some("a"), 1), None);
    }
}

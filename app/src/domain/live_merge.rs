//! Applying live changes to what a tab shows: the thread list of a filtered view and the
//! messages of an open thread. Pure and idempotent: the same change applied twice, or an older
//! copy arriving after a newer one, leaves the view as it was — which is what lets a reconnect
//! replay an overlapping window without showing anything twice.

use crate::domain::filter::InboxFilter;
use crate::model::{Cursor, MessageView, PortalMessage, ThreadSummary};
use std::cmp::Ordering;

/// What a live change did to a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListChange {
    Unchanged,
    Inserted,
    Updated,
    Removed,
}

/// A view's order: newest activity first, then id (the server's `ORDER BY inbox_rank, id`); the
/// Overdue view lists the longest-waiting first (`ORDER BY awaiting_since, id`).
pub fn inbox_order(filter: &InboxFilter, a: &ThreadSummary, b: &ThreadSummary) -> Ordering {
    if filter.overdue {
        let since = |t: &ThreadSummary| t.awaiting_since.unwrap_or(i64::MAX);
        since(a).cmp(&since(b)).then_with(|| a.id.cmp(&b.id))
    } else {
        b.last_at.cmp(&a.last_at).then_with(|| a.id.cmp(&b.id))
    }
}

/// The cursor of the page that ends at `last`: its key in the view's order (`inbox_order`).
pub fn cursor_after(filter: &InboxFilter, last: &ThreadSummary) -> Cursor {
    Cursor {
        key: if filter.overdue {
            last.awaiting_since.unwrap_or(0)
        } else {
            last.last_at
        },
        id: last.id.clone(),
    }
}

/// Where a live thread row goes in a view. `loaded_all` says whether the list holds the view's
/// last page: if not, a row older than the last shown one is left for "Load older threads" to
/// fetch, so the list never shows a gap.
pub struct ListView<'a> {
    pub filter: &'a InboxFilter,
    pub me: &'a str,
    /// Waits that began before this are overdue (`reply_clock::overdue_before`).
    pub overdue_before: i64,
    /// The viewer's clock (past deadline).
    pub now: i64,
    pub loaded_all: bool,
}

/// Merges a changed thread into a list kept in inbox order.
pub fn merge_thread(
    rows: &mut Vec<ThreadSummary>,
    view: &ListView<'_>,
    thread: &ThreadSummary,
    search: &str,
) -> ListChange {
    let existing = rows.iter().position(|r| r.id == thread.id);
    if let Some(i) = existing {
        if rows[i].version > thread.version {
            return ListChange::Unchanged;
        }
        if rows[i] == *thread {
            return ListChange::Unchanged;
        }
    }
    let belongs = view
        .filter
        .matches(thread, search, view.me, view.overdue_before, view.now);
    match (existing, belongs) {
        (None, false) => ListChange::Unchanged,
        (Some(i), false) => {
            rows.remove(i);
            ListChange::Removed
        }
        (existing, true) => {
            if let Some(i) = existing {
                rows.remove(i);
            }
            let at =
                rows.partition_point(|r| inbox_order(view.filter, r, thread) == Ordering::Less);
            if existing.is_none() && at == rows.len() && !view.loaded_all {
                return ListChange::Unchanged;
            }
            rows.insert(at, thread.clone());
            if existing.is_some() {
                ListChange::Updated
            } else {
                ListChange::Inserted
            }
        }
    }
}

/// Removes a deleted thread from a list.
pub fn remove_thread(rows: &mut Vec<ThreadSummary>, id: &str) -> ListChange {
    match rows.iter().position(|r| r.id == id) {
        Some(i) => {
            rows.remove(i);
            ListChange::Removed
        }
        None => ListChange::Unchanged,
    }
}

/// Merges a new or changed message into a thread's messages, kept oldest first.
/// Returns whether anything changed.
pub fn merge_message(messages: &mut Vec<MessageView>, message: &MessageView) -> bool {
    let mut message = message.clone();
    if let Some(old) = messages.iter().find(|m| m.id == message.id) {
        // A push without a classification (an entry not classified yet) keeps the one the thread
        // loaded.
        if message.classification.is_none() {
            message.classification = old.classification.clone();
        }
        if message.decision.is_none() {
            message.decision = old.decision.clone();
        }
    }
    merge_ordered(messages, message, |m| (m.at, &m.id, m.version))
}

/// `merge_message` for the creator portal's messages.
pub fn merge_portal_message(messages: &mut Vec<PortalMessage>, message: &PortalMessage) -> bool {
    merge_ordered(messages, message.clone(), |m| (m.at, &m.id, m.version))
}

/// Puts `item` in time order (then id), replacing an older copy of it; false when nothing
/// changed (the list has this copy or a newer one).
fn merge_ordered<T: PartialEq>(
    list: &mut Vec<T>,
    item: T,
    key: impl Fn(&T) -> (i64, &String, i64),
) -> bool {
    let (at, id, version) = {
        let (at, id, version) = key(&item);
        (at, id.clone(), version)
    };
    if let Some(i) = list.iter().position(|m| *key(m).1 == id) {
        if key(&list[i]).2 > version || list[i] == item {
            return false;
        }
        list.remove(i);
    }
    let pos = list.partition_point(|m| {
        let (m_at, m_id, _) = key(m);
        (m_at, m_id) < (at, &id)
    });
    list.insert(pos, item);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::filter::AssigneeFilter;
    use crate::model::*;

    fn thread(id: &str, last_at: i64, version: i64) -> ThreadSummary {
        ThreadSummary {
            id: id.into(),
            creator_id: "cr".into(),
            creator_name: "Maya".into(),
            creator_handle: "@maya".into(),
            creator_avatar: None,
            campaign_id: "c1".into(),
            campaign_name: "Spring".into(),
            client_id: "k1".into(),
            client_name: "Acme".into(),
            stage: Stage::Replied,
            assignee_id: None,
            assignee_name: None,
            last_at,
            last_channel: Channel::Email,
            last_sender_kind: SenderKind::Creator,
            last_sender_name: "Maya".into(),
            last_snippet: "hi".into(),
            awaiting_since: None,
            unread: false,
            channels: vec![Channel::Email],
            snoozed_until: None,
            snooze_until_reply: None,
            stale: None,
            decline_reason: None,
            open_topics: Vec::new(),
            post_by: None,
            version,
        }
    }

    fn ids(rows: &[ThreadSummary]) -> Vec<&str> {
        rows.iter().map(|r| r.id.as_str()).collect()
    }

    #[test]
    fn the_overdue_view_lists_the_longest_waiting_first_and_pages_on_it() {
        let goal = crate::domain::reply_clock::REPLY_GOAL_MS;
        let overdue = InboxFilter {
            overdue: true,
            ..Default::default()
        };
        let waiting = |id: &str, since: i64, last_at: i64| ThreadSummary {
            awaiting_since: Some(since),
            ..thread(id, last_at, 1)
        };
        let now = 10 * goal;
        let view = ListView {
            filter: &overdue,
            me: "u1",
            overdue_before: now - goal,
            now,
            loaded_all: true,
        };
        let mut rows = vec![waiting("a", 100, 9_000), waiting("b", 300, 500)];
        // Waiting since between the two, with the newest activity of all: in the middle.
        let c = waiting("c", 200, 9_999);
        assert_eq!(
            merge_thread(&mut rows, &view, &c, "maya"),
            ListChange::Inserted
        );
        assert_eq!(ids(&rows), ["a", "c", "b"]);
        // The same wait start: by id.
        let aa = waiting("aa", 100, 1);
        assert_eq!(
            merge_thread(&mut rows, &view, &aa, "maya"),
            ListChange::Inserted
        );
        assert_eq!(ids(&rows), ["a", "aa", "c", "b"]);
        // A page ending at c resumes after its wait start; the inbox, after its activity.
        assert_eq!(
            cursor_after(&overdue, &c),
            Cursor {
                key: 200,
                id: "c".into()
            }
        );
        assert_eq!(cursor_after(&InboxFilter::default(), &c).key, 9_999);
    }

    #[test]
    fn thread_merge_table() {
        let all = InboxFilter::default();
        let waiting = InboxFilter {
            needs_reply: true,
            ..Default::default()
        };
        let mine = InboxFilter {
            assignee: Some(AssigneeFilter::Me),
            ..Default::default()
        };
        let base = || {
            vec![
                thread("a", 300, 3),
                thread("b", 200, 2),
                thread("c", 100, 1),
            ]
        };
        let newer_b = ThreadSummary {
            last_at: 400,
            version: 9,
            awaiting_since: Some(400),
            ..thread("b", 400, 9)
        };
        let stale_b = ThreadSummary {
            last_snippet: "old".into(),
            ..thread("b", 500, 1)
        };
        let mine_d = ThreadSummary {
            assignee_id: Some("u1".into()),
            ..thread("d", 150, 5)
        };
        type Case<'a> = (
            &'a str,
            &'a InboxFilter,
            bool,
            ThreadSummary,
            ListChange,
            Vec<&'a str>,
        );
        let cases: Vec<Case> = vec![
            (
                "new reply moves to top",
                &all,
                true,
                newer_b.clone(),
                ListChange::Updated,
                vec!["b", "a", "c"],
            ),
            (
                "older copy is ignored",
                &all,
                true,
                stale_b,
                ListChange::Unchanged,
                vec!["a", "b", "c"],
            ),
            (
                "same copy twice is a no-op",
                &all,
                true,
                thread("a", 300, 3),
                ListChange::Unchanged,
                vec!["a", "b", "c"],
            ),
            (
                "new thread lands in order",
                &all,
                true,
                thread("d", 250, 4),
                ListChange::Inserted,
                vec!["a", "d", "b", "c"],
            ),
            (
                "tie on time orders by id",
                &all,
                true,
                thread("aa", 300, 4),
                ListChange::Inserted,
                vec!["a", "aa", "b", "c"],
            ),
            (
                "older than the loaded page waits for paging",
                &all,
                false,
                thread("z", 50, 4),
                ListChange::Unchanged,
                vec!["a", "b", "c"],
            ),
            (
                "older but the whole view is loaded",
                &all,
                true,
                thread("z", 50, 4),
                ListChange::Inserted,
                vec!["a", "b", "c", "z"],
            ),
            (
                "a row that stops matching leaves",
                &mine,
                true,
                thread("a", 300, 4),
                ListChange::Removed,
                vec!["b", "c"],
            ),
            (
                "a row that starts matching joins",
                &mine,
                true,
                mine_d,
                ListChange::Inserted,
                vec!["a", "b", "d", "c"],
            ),
            (
                "needs-reply view gains the waiting thread",
                &waiting,
                true,
                newer_b,
                ListChange::Updated,
                vec!["b", "a", "c"],
            ),
        ];
        for (name, filter, loaded_all, incoming, want_change, want_ids) in cases {
            let mut rows = base();
            if filter.assignee.is_some() {
                for r in rows.iter_mut() {
                    r.assignee_id = Some("u1".into());
                }
            }
            if filter.needs_reply {
                rows[0].awaiting_since = Some(1);
                rows[2].awaiting_since = Some(1);
            }
            let view = ListView {
                filter,
                me: "u1",
                overdue_before: 1_000 - crate::domain::reply_clock::REPLY_GOAL_MS,
                now: 1_000,
                loaded_all,
            };
            let change = merge_thread(&mut rows, &view, &incoming, "maya");
            assert_eq!(change, want_change, "{name}");
            assert_eq!(ids(&rows), want_ids, "{name}");
        }
    }

    #[test]
    fn removal() {
        let mut rows = vec![thread("a", 3, 1), thread("b", 2, 1)];
        assert_eq!(remove_thread(&mut rows, "a"), ListChange::Removed);
        assert_eq!(remove_thread(&mut rows, "a"), ListChange::Unchanged);
        assert_eq!(ids(&rows), vec!["b"]);
    }

    fn msg(id: &str, at: i64, version: i64, status: DeliveryStatus) -> MessageView {
        MessageView {
            id: id.into(),
            direction: Direction::Outbound,
            channel: Channel::Email,
            sender_kind: SenderKind::Teammate,
            sender_name: "Dana".into(),
            subject: None,
            text: "hello".into(),
            at,
            status,
            failure_reason: None,
            classification: None,
            decision: None,
            via: None,
            reaction: None,
            html: None,
            attachments: None,
            check_campaign: None,
            quoted_trimmed: None,
            unverified_sender: None,
            version,
        }
    }

    #[test]
    fn message_merge_table() {
        use DeliveryStatus::*;
        let base = || vec![msg("m1", 10, 1, Delivered), msg("m2", 20, 2, Queued)];
        let cases: Vec<(&str, MessageView, bool, Vec<(&str, DeliveryStatus)>)> = vec![
            (
                "append",
                msg("m3", 30, 3, Delivered),
                true,
                vec![("m1", Delivered), ("m2", Queued), ("m3", Delivered)],
            ),
            (
                "replay of a known message",
                msg("m2", 20, 2, Queued),
                false,
                vec![("m1", Delivered), ("m2", Queued)],
            ),
            (
                "status change replaces",
                msg("m2", 20, 5, Sent),
                true,
                vec![("m1", Delivered), ("m2", Sent)],
            ),
            (
                "older status is ignored",
                msg("m2", 20, 1, Failed),
                false,
                vec![("m1", Delivered), ("m2", Queued)],
            ),
            (
                "late arrival sorts by time",
                msg("m0", 5, 6, Delivered),
                true,
                vec![("m0", Delivered), ("m1", Delivered), ("m2", Queued)],
            ),
        ];
        for (name, incoming, want_changed, want) in cases {
            let mut messages = base();
            assert_eq!(
                merge_message(&mut messages, &incoming),
                want_changed,
                "{name}"
            );
            let got: Vec<(&str, DeliveryStatus)> =
                messages.iter().map(|m| (m.id.as_str(), m.status)).collect();
            assert_eq!(got, want, "{name}");
        }
    }
}

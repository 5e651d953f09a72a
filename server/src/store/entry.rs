//! The statements that store one thread entry and move the thread's inbox fields along. Shared by
//! the single-entry write (`thread_write::append_message`) and the batched inbound write
//! (`inbound_batch`), which runs many of them in one transaction: each entry reads its values from
//! its own object variable (`$e`, `$e0`, `$e1`…).

use super::thread_write::{enum_str, NewMessage, SNIPPET_CHARS};
use app::domain::classify::classify;
use app::domain::classify::Classification;
use app::domain::reply_clock::{next_awaiting_since, ClockEffect};
use app::domain::reply_gate::TopicsEffect;
use app::domain::stage::default_next_action;
use app::domain::text::snippet;
use app::model::{Channel, Direction, SenderKind, Stage, ThreadSummary};
use serde_json::{json, Value};

/// The thread's read/awaiting state once the entry is written.
#[derive(Clone)]
pub struct Advance {
    awaiting: Option<i64>,
    unread: bool,
    topics: TopicsEffect,
}

/// How the entry moves its thread's open topics (`app::domain::reply_gate::TopicsEffect`).
fn topics_effect(msg: &NewMessage, classification: Option<&Classification>) -> TopicsEffect {
    match (msg.direction, msg.sender_kind, classification) {
        (Direction::Inbound, _, Some(c)) => {
            let intents: Vec<_> = c.intents.iter().map(|d| d.intent).collect();
            TopicsEffect::of_creator(&intents)
        }
        (Direction::Outbound, SenderKind::Teammate, _) if msg.bulk.is_none() => {
            TopicsEffect::of_reply()
        }
        _ => TopicsEffect::default(),
    }
}

/// The variable object for `msg` on `thread`, and how the thread moves along. Absent optional
/// values are left out of the object, so they read as NONE.
pub fn bind(workspace: &str, thread: &ThreadSummary, msg: &NewMessage) -> (Value, Advance) {
    let clock = ClockEffect::of(msg.direction, msg.channel, msg.at);
    // Every creator message is classified as it is stored (`app::domain::classify`).
    let classification = (msg.direction == Direction::Inbound
        && msg.sender_kind == SenderKind::Creator)
        .then(|| classify(&msg.text));
    let topics = topics_effect(msg, classification.as_ref());
    let advance = Advance {
        awaiting: next_awaiting_since(thread.awaiting_since, msg.direction, msg.channel, msg.at),
        unread: unread_after(msg.direction).unwrap_or(thread.unread),
        topics: topics.clone(),
    };
    let dkey = match (&msg.external_id, msg.direction) {
        (Some(eid), Direction::Inbound) => {
            Some(crate::db::inbound_key(workspace, msg.channel.as_str(), eid))
        }
        _ => None,
    };
    let first_contact = msg.direction == Direction::Outbound && thread.stage == Stage::Prospect;
    let vars = json!({
        "ws": workspace,
        "tid": thread.id,
        "mid": msg.id,
        "direction": enum_str(msg.direction),
        "channel": enum_str(msg.channel),
        "sender_kind": enum_str(msg.sender_kind),
        "sender_id": msg.sender_id,
        "sender_name": msg.sender_name,
        "subject": msg.subject,
        "text": msg.text,
        "at": msg.at,
        "sent_at": (msg.direction == Direction::Outbound).then_some(msg.at),
        "received_at": (msg.direction == Direction::Inbound).then_some(msg.at),
        "status": enum_str(msg.status),
        "external_id": msg.external_id,
        "to_address": msg.to_address,
        "check": msg.check_campaign.then_some(true),
        "snippet": snippet(&msg.text, SNIPPET_CHARS),
        // What the entry does to the stored waiting clock and unread flag (applied to the stored
        // values by `thread_move_statement`; `advance` is the same from the `thread` read).
        "clock_reset": clock.reset.then_some(true),
        "clock_from": clock.from,
        "unread": unread_after(msg.direction),
        "new_channels": if msg.channel == Channel::Note { json!([]) } else { json!([enum_str(msg.channel)]) },
        "dkey": dkey,
        "classification": classification,
        "topics_reset": topics.reset.then_some(true),
        "topics_add": (!topics.add.is_empty()).then_some(&topics.add),
        "bulk": msg.bulk,
        "via": msg.via.as_ref().map(super::senders::via_value),
        "pending": (msg.automate && msg.direction == Direction::Inbound && msg.sender_kind == SenderKind::Creator)
            .then_some(true),
        // How the thread moves (`thread_move_statement`); an entry moves its thread by itself.
        "inbound_at": (msg.direction == Direction::Inbound).then_some(msg.at),
        "inbound_channel": (msg.direction == Direction::Inbound).then(|| enum_str(msg.channel)),
        "outbound": (msg.direction == Direction::Outbound).then(|| json!({ msg.channel.as_str(): msg.at })),
        // Our first message to a prospect moves the enrollment to Contacted (`FIRST_CONTACT`).
        "first_contact": first_contact.then_some(true),
        "next_from": first_contact.then(|| default_next_action(Stage::Prospect)),
        "next_to": first_contact.then(|| default_next_action(Stage::Contacted)),
    });
    (crate::db::without_nulls(vars), advance)
}

/// Whether the thread is unread after an entry: a creator's message makes it so, ours clears it, an
/// internal one leaves it as it was (none).
fn unread_after(direction: Direction) -> Option<bool> {
    match direction {
        Direction::Inbound => Some(true),
        Direction::Outbound => Some(false),
        Direction::Internal => None,
    }
}

/// Whether the entry carries an inbound dedupe key (see `crate::db::inbound_key`).
pub fn has_dedupe_key(vars: &Value) -> bool {
    vars.get("dkey").is_some()
}

/// The statements for one entry bound as `$<var>`: its dedupe key (inbound messages with a
/// provider id: a second delivery fails on it), the message, the thread's inbox fields, and the
/// first message to a prospect moving it to Contacted.
pub fn statements(var: &str, dedupe: bool) -> String {
    format!(
        "{}\n{}\n{}",
        message_statements(var, dedupe),
        thread_move_statement(var),
        FIRST_CONTACT.replace("$e.", &format!("${var}."))
    )
}

/// The enrollment's next action after a stage move, the one rule for every move: the new
/// stage's default (`$to`) unless a teammate wrote their own — anything but the old stage's
/// default (`$from`). Both are `domain::stage::default_next_action`, bound by the caller.
macro_rules! next_action_follows {
    ($from:literal, $to:literal) => {
        concat!(
            "next_action = IF string::trim(next_action) = '' OR next_action = ",
            $from,
            " THEN ",
            $to,
            " ELSE next_action END"
        )
    };
}
pub(crate) use next_action_follows;

/// A prospect's enrollment and thread move to Contacted with our first message to them (the
/// next action follows, `next_action_follows`), with its audit event; a thread that is past
/// Prospect by the time this runs is left alone.
const FIRST_CONTACT: &str = concat!(
    "IF $e.first_contact = true {
    LET $first_eid = (SELECT VALUE enrollment FROM ONLY type::record('thread', $e.tid));
    LET $moved = UPDATE $first_eid SET stage = 'contacted', updated_at = $e.at, stage_at = $e.at, followups_fired = 0,
        ",
    next_action_follows!("$e.next_from", "$e.next_to"),
    "
        WHERE stage = 'prospect' RETURN id;
    IF $moved != [] {
        UPDATE type::record('thread', $e.tid) SET stage = 'contacted';
        CREATE audit_event SET workspace = type::record('workspace', $e.ws), at = $e.at,
            actor_kind = IF $e.sender_kind = 'teammate' THEN 'user' ELSE 'automation' END,
            actor_id = IF $e.sender_kind = 'teammate' THEN $e.sender_id ELSE NONE END,
            action = 'enrollment.stage_changed', subject = 'enrollment:' + record::id($first_eid),
            detail = { from: 'prospect', to: 'contacted', reason: NONE, cause: 'first_message', message: $e.mid };
    };
};"
);

/// The entry's dedupe key (if `dedupe`) and its message, bound as `$<var>`, without moving its
/// thread: a group of entries moves each thread once (`thread_move_statement`).
pub fn message_statements(var: &str, dedupe: bool) -> String {
    let dedupe = if dedupe {
        "CREATE type::record('inbound_key', $e.dkey) SET at = $e.at, message = $e.mid;"
    } else {
        ""
    };
    format!(
        "{dedupe}
         CREATE type::record('message', $e.mid) SET workspace = type::record('workspace', $e.ws), thread = type::record('thread', $e.tid),
             direction = $e.direction, channel = $e.channel, sender_kind = $e.sender_kind, sender_id = $e.sender_id,
             sender_name = $e.sender_name, subject = $e.subject, text = $e.text, at = $e.at,
             sent_at = $e.sent_at, received_at = $e.received_at,
             status = $e.status, external_id = $e.external_id, to_address = $e.to_address,
             check_campaign = $e.check, classification = $e.classification, policy_pending = $e.pending,
             bulk = IF $e.bulk != NONE THEN type::record('bulk_send', $e.bulk) END, via = $e.via;"
    )
    .replace("$e.", &format!("${var}."))
}

/// Moves a thread's inbox fields along, bound as `$<var>`: an entry's own values (`bind`), or a
/// group's for one thread (`Moves`). Its newest entry (`at`, `channel`, `sender_kind`,
/// `sender_name`, `snippet`) replaces the last one if it is not older; its newest creator entry
/// (`inbound_at`, `inbound_channel`; none if it has none) moves the last inbound one and ends any
/// snooze or staleness; `clock_reset`, `clock_from` (a `ClockEffect`) move the stored waiting
/// clock and `unread` (none: unchanged) sets the unread flag — from the stored values, so a write
/// committed since the caller read the thread is built on, not undone; `new_channels` join
/// the thread's channels; `outbound` (`{ channel: at }`, none for no message of ours) is when we
/// last wrote on each channel; `topics_reset`, `topics_add` (a `TopicsEffect`) move the stored
/// open topics.
pub fn thread_move_statement(var: &str) -> String {
    "UPDATE type::record('thread', $e.tid) SET
         last_at = math::max([last_at, $e.at]),
         last_channel = IF $e.at >= last_at THEN $e.channel ELSE last_channel END,
         last_sender_kind = IF $e.at >= last_at THEN $e.sender_kind ELSE last_sender_kind END,
         last_sender_name = IF $e.at >= last_at THEN $e.sender_name ELSE last_sender_name END,
         last_snippet = IF $e.at >= last_at THEN $e.snippet ELSE last_snippet END,
         last_inbound_channel = IF $e.inbound_at != NONE AND $e.inbound_at >= (last_inbound_at ?? 0) THEN $e.inbound_channel ELSE last_inbound_channel END,
         last_inbound_at = IF $e.inbound_at != NONE THEN math::max([last_inbound_at ?? 0, $e.inbound_at]) ELSE last_inbound_at END,
         awaiting_since = IF $e.clock_reset = true THEN $e.clock_from
             ELSE IF $e.clock_from != NONE THEN math::min([awaiting_since ?? $e.clock_from, $e.clock_from])
             ELSE awaiting_since END,
         unread = $e.unread ?? unread, channels = array::union(channels, $e.new_channels),
         snoozed_until = IF $e.inbound_at != NONE THEN NONE ELSE snoozed_until END,
         snooze_until_reply = IF $e.inbound_at != NONE THEN NONE ELSE snooze_until_reply END,
         snoozed_awaiting = IF $e.inbound_at != NONE THEN NONE ELSE snoozed_awaiting END,
         stale = IF $e.inbound_at != NONE THEN NONE ELSE stale END,
         last_outbound = IF $e.outbound != NONE THEN object::extend(last_outbound ?? {}, $e.outbound) ELSE last_outbound END,
         open_topics = IF $e.topics_reset = true THEN $e.topics_add ?? []
             ELSE IF $e.topics_add != NONE THEN array::union(open_topics ?? [], $e.topics_add)
             ELSE open_topics END
         WHERE workspace = type::record('workspace', $e.ws);"
        .replace("$e.", &format!("${var}."))
}

/// The thread moves of a group of entries: one per thread, however many entries it got.
#[derive(Default)]
pub struct Moves {
    order: Vec<String>,
    by_thread: std::collections::HashMap<String, Value>,
}

impl Moves {
    /// Adds an entry (bound by `bind`), written after the ones added before it.
    pub fn add(&mut self, entry: &Value) {
        let Some(tid) = entry["tid"].as_str() else {
            return;
        };
        let Some(seen) = self.by_thread.get_mut(tid) else {
            self.order.push(tid.to_string());
            self.by_thread.insert(tid.to_string(), move_of(entry));
            return;
        };
        let at = |v: &Value, k: &str| v[k].as_i64();
        // The newest entry (a later one on a tie) is the thread's last.
        if at(entry, "at") >= at(seen, "at") {
            for k in ["at", "channel", "sender_kind", "sender_name", "snippet"] {
                seen[k] = entry[k].clone();
            }
        }
        if let Some(inbound) = at(entry, "inbound_at") {
            if at(seen, "inbound_at").is_none_or(|s| inbound >= s) {
                seen["inbound_at"] = json!(inbound);
                seen["inbound_channel"] = entry["inbound_channel"].clone();
            }
        }
        // The clock moves as the entries would, one after another; the last entry that sets the
        // unread flag sets it.
        let clock = clock_of(seen).then(clock_of(entry));
        seen["clock_reset"] = json!(clock.reset);
        seen["clock_from"] = json!(clock.from);
        if let Some(unread) = entry.get("unread").filter(|u| u.is_boolean()) {
            seen["unread"] = unread.clone();
        }
        // When we last wrote on each channel: the newest per channel.
        if let Some(sent) = entry["outbound"].as_object() {
            if !seen["outbound"].is_object() {
                seen["outbound"] = json!({});
            }
            if let Some(kept) = seen["outbound"].as_object_mut() {
                for (channel, at) in sent {
                    if kept.get(channel).and_then(Value::as_i64) < at.as_i64() {
                        kept.insert(channel.clone(), at.clone());
                    }
                }
            }
        }
        let topics = topics_of(seen).then(topics_of(entry));
        seen["topics_reset"] = json!(topics.reset.then_some(true));
        seen["topics_add"] = json!((!topics.add.is_empty()).then_some(&topics.add));
        if let (Some(all), Some(new)) = (
            seen["new_channels"].as_array_mut(),
            entry["new_channels"].as_array(),
        ) {
            for c in new {
                if !all.contains(c) {
                    all.push(c.clone());
                }
            }
        }
    }

    /// The moves, in the order their threads first appeared.
    pub fn into_values(mut self) -> Vec<Value> {
        self.order
            .iter()
            .filter_map(|t| self.by_thread.remove(t))
            .map(crate::db::without_nulls)
            .collect()
    }
}

/// The clock effect a bound entry or move carries.
fn clock_of(v: &Value) -> ClockEffect {
    ClockEffect {
        reset: v["clock_reset"].as_bool().unwrap_or(false),
        from: v["clock_from"].as_i64(),
    }
}

/// The open-topics effect a bound entry or move carries.
fn topics_of(v: &Value) -> TopicsEffect {
    TopicsEffect {
        reset: v["topics_reset"].as_bool().unwrap_or(false),
        add: serde_json::from_value(v["topics_add"].clone()).unwrap_or_default(),
    }
}

/// The part of a bound entry that moves its thread.
fn move_of(entry: &Value) -> Value {
    let mut m = serde_json::Map::new();
    for k in [
        "ws",
        "tid",
        "at",
        "channel",
        "sender_kind",
        "sender_name",
        "snippet",
        "inbound_at",
        "inbound_channel",
        "clock_reset",
        "clock_from",
        "unread",
        "new_channels",
        "outbound",
        "topics_reset",
        "topics_add",
    ] {
        if let Some(v) = entry.get(k) {
            m.insert(k.to_string(), v.clone());
        }
    }
    Value::Object(m)
}

/// The entry's send job, bound as `$<var>` like its statements: due at `$e.due` (else at once),
/// to `$e.job_to`, with `$e.job_options` (else none), from the message's identity (`$e.via`), in
/// its bulk message if it has one.
pub fn job_statement(var: &str) -> String {
    "CREATE type::record('outbound_job', $e.mid) SET workspace = type::record('workspace', $e.ws),
         message = type::record('message', $e.mid), channel = $e.channel, status = 'queued', attempts = 0,
         next_at = $e.due ?? $e.at, to_address = $e.job_to, text = $e.text, options = $e.job_options ?? {},
         created_at = $e.at, updated_at = $e.at, via = $e.via.key,
         bulk = IF $e.bulk != NONE THEN type::record('bulk_send', $e.bulk) END;"
        .replace("$e.", &format!("${var}."))
}

/// Moves the in-memory `thread` to the state the entry's statements wrote.
pub fn apply(thread: &mut ThreadSummary, msg: &NewMessage, advance: Advance) {
    thread.awaiting_since = advance.awaiting;
    thread.unread = advance.unread;
    thread.open_topics = advance.topics.apply(&thread.open_topics);
    if msg.direction == app::model::Direction::Inbound {
        thread.snoozed_until = None;
        thread.snooze_until_reply = None;
    }
    if msg.channel != Channel::Note && !thread.channels.contains(&msg.channel) {
        thread.channels.push(msg.channel);
    }
    if msg.direction == Direction::Outbound && thread.stage == Stage::Prospect {
        thread.stage = Stage::Contacted;
    }
    if msg.at >= thread.last_at {
        thread.last_at = msg.at;
        thread.last_channel = msg.channel;
        thread.last_sender_kind = msg.sender_kind;
        thread.last_sender_name = msg.sender_name.clone();
        thread.last_snippet = snippet(&msg.text, SNIPPET_CHARS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(tid: &str, direction: &str, at: i64) -> Value {
        let (reset, from, unread) = match direction {
            "in" => (None, Some(at), Some(true)),
            "out" => (Some(true), None, Some(false)),
            _ => (None, None, None),
        };
        crate::db::without_nulls(json!({
            "ws": "w", "tid": tid, "at": at, "channel": "sms", "sender_kind": "creator",
            "sender_name": "A", "snippet": "s", "new_channels": ["sms"],
            "clock_reset": reset, "clock_from": from, "unread": unread,
        }))
    }

    #[test]
    fn a_group_moves_each_thread_once_as_its_entries_would_one_by_one() {
        // (entries of one thread, in order) → (clock_reset, clock_from, unread) of its move.
        type Entries<'a> = &'a [(&'a str, i64)];
        type Move = (bool, Option<i64>, Option<bool>);
        let cases: [(Entries, Move); 5] = [
            (&[("in", 10), ("in", 5)], (false, Some(5), Some(true))),
            (&[("in", 10), ("out", 20)], (true, None, Some(false))),
            (
                &[("out", 20), ("in", 30), ("in", 40)],
                (true, Some(30), Some(true)),
            ),
            (&[("in", 10), ("note", 20)], (false, Some(10), Some(true))),
            (&[("note", 20)], (false, None, None)),
        ];
        for (entries, (reset, from, unread)) in cases {
            let mut moves = Moves::default();
            for (d, at) in entries {
                moves.add(&entry("t1", d, *at));
            }
            moves.add(&entry("t2", "in", 1));
            let values = moves.into_values();
            assert_eq!(values.len(), 2, "{entries:?}");
            let m = &values[0];
            assert_eq!(
                m["clock_reset"].as_bool().unwrap_or(false),
                reset,
                "{entries:?}"
            );
            assert_eq!(m["clock_from"].as_i64(), from, "{entries:?}");
            assert_eq!(m["unread"].as_bool(), unread, "{entries:?}");
        }
    }
}

//! A thread's inbox fields (last entry, channels used, who is waiting since when) computed from
//! its entries — for when entries move between threads (a message moved to the right campaign,
//! two creators merged) and the incremental updates no longer apply.

use crate::domain::reply_clock::next_awaiting_since;
use crate::domain::text::snippet;
use crate::model::{Channel, Direction, SenderKind};
use serde::{Deserialize, Serialize};

/// What the fold needs of an entry.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Entry {
    pub at: i64,
    pub direction: Direction,
    pub channel: Channel,
    pub sender_kind: SenderKind,
    pub sender_name: String,
    pub text: String,
}

/// The thread fields the inbox list shows, as stored on the thread.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tail {
    pub last_at: i64,
    pub last_channel: Channel,
    pub last_sender_kind: SenderKind,
    pub last_sender_name: String,
    pub last_snippet: String,
    pub awaiting_since: Option<i64>,
    pub channels: Vec<Channel>,
}

/// The tail of a thread holding `entries` (any order); `None` for an empty thread.
pub fn tail(entries: &[Entry], snippet_chars: usize) -> Option<Tail> {
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by_key(|e| e.at);
    let last = *sorted.last()?;
    let mut awaiting = None;
    let mut channels: Vec<Channel> = Vec::new();
    for e in &sorted {
        awaiting = next_awaiting_since(awaiting, e.direction, e.channel, e.at);
        if e.channel != Channel::Note && !channels.contains(&e.channel) {
            channels.push(e.channel);
        }
    }
    Some(Tail {
        last_at: last.at,
        last_channel: last.channel,
        last_sender_kind: last.sender_kind,
        last_sender_name: last.sender_name.clone(),
        last_snippet: snippet(&last.text, snippet_chars),
        awaiting_since: awaiting,
        channels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(at: i64, direction: Direction, channel: Channel) -> Entry {
        let sender_kind = match direction {
            Direction::Inbound => SenderKind::Creator,
            _ => SenderKind::Teammate,
        };
        Entry {
            at,
            direction,
            channel,
            sender_kind,
            sender_name: format!("s{at}"),
            text: format!("text {at}"),
        }
    }

    #[test]
    fn tail_table() {
        use Channel::*;
        use Direction::*;
        let cases: Vec<(Vec<Entry>, Option<(i64, Option<i64>, Vec<Channel>)>)> = vec![
            (vec![], None),
            (vec![e(5, Inbound, Email)], Some((5, Some(5), vec![Email]))),
            (
                vec![e(9, Outbound, Sms), e(5, Inbound, Email)],
                Some((9, None, vec![Email, Sms])),
            ),
            (
                vec![
                    e(5, Inbound, Email),
                    e(7, Outbound, Email),
                    e(8, Inbound, Sms),
                    e(9, Inbound, Email),
                ],
                Some((9, Some(8), vec![Email, Sms])),
            ),
            (
                vec![e(5, Inbound, Email), e(6, Internal, Note)],
                Some((6, Some(5), vec![Email])),
            ),
        ];
        for (entries, want) in cases {
            let got = tail(&entries, 140).map(|t| (t.last_at, t.awaiting_since, t.channels));
            assert_eq!(got, want, "{entries:?}");
        }
        let t = tail(&[e(3, Inbound, Instagram)], 140).unwrap();
        assert_eq!(
            (t.last_sender_name.as_str(), t.last_snippet.as_str()),
            ("s3", "text 3")
        );
    }
}

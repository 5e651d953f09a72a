//! Stores a group of inbound messages with two round trips and a fixed number of statements
//! whatever its size: the dedupe keys, the sender identities and the senders' threads (with when
//! we last wrote on each of their channels) in one query; then one transaction writing every
//! message and moving each thread once.
//! Messages are attributed in arrival order against the threads' in-memory state, so two messages
//! for one thread in one group move it along exactly as two separate writes would.

use super::attribution::choose_thread;
use super::entry;
use super::inbound::{Arrival, Pick, Received};
use super::thread_write::NewMessage;
use super::unmatched::{park, Parked};
use super::THREAD_FIELDS;
use crate::db::{exec, inbound_key, rows, Db, DbError};
use app::domain::attribution::{attribute, CandidateThread};
use app::model::{Channel, ThreadSummary};
use serde_json::{json, Value};
use std::collections::HashMap;

/// How far back our last message on a channel counts as what a reply answers.
const ANSWERS_WITHIN_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// What the reads found for one arrival.
enum Found {
    /// A repeat of an earlier delivery (in the database, or earlier in this group).
    Repeat(Option<String>),
    /// The sender's creator id, if an identity matched.
    New(Option<String>),
}

pub async fn store_batch(db: &Db, arrivals: &[Arrival]) -> Result<Vec<Received>, DbError> {
    let Read {
        found,
        threads,
        answered,
    } = read_group(db, arrivals).await?;

    let mut outcomes: Vec<Option<Received>> = vec![None; arrivals.len()];
    let mut parked = Vec::new();
    let mut entries = Vec::new();
    let mut moves = entry::Moves::default();
    let mut current: HashMap<String, ThreadSummary> = HashMap::new();
    for (i, (a, f)) in arrivals.iter().zip(found).enumerate() {
        let creator = match f {
            Found::Repeat(message) => {
                outcomes[i] = Some(Received::Duplicate { message });
                continue;
            }
            Found::New(None) => {
                parked.push(i);
                continue;
            }
            Found::New(Some(c)) => c,
        };
        // Earlier arrivals of this group may have moved these threads along.
        let candidates: Vec<ThreadSummary> = threads
            .get(&(a.workspace.clone(), creator.clone()))
            .into_iter()
            .flatten()
            .map(|t| current.get(&t.id).unwrap_or(t).clone())
            .collect();
        let Some((mut thread, check_campaign)) = pick(a, candidates, &answered) else {
            match a.pick {
                Pick::Answered => parked.push(i),
                Pick::Campaign(_) => outcomes[i] = Some(Received::NoThread),
            }
            continue;
        };
        let mut msg = NewMessage::from_creator(
            a.channel,
            creator.clone(),
            thread.creator_name.clone(),
            a.subject.clone(),
            a.text.clone(),
            a.at,
            a.external_id.clone(),
        )
        .received_on(a.via.clone());
        msg.check_campaign = check_campaign;
        let (bound, advance) = entry::bind(&a.workspace, &thread, &msg);
        moves.add(&bound);
        entries.push(bound);
        entry::apply(&mut thread, &msg, advance);
        outcomes[i] = Some(Received::Stored {
            creator,
            thread: thread.id.clone(),
            message: msg.id,
        });
        current.insert(thread.id.clone(), thread);
    }
    if !entries.is_empty() {
        // Every arrival has a provider id, so every entry has a dedupe key.
        let sql = format!(
            "BEGIN TRANSACTION;
             FOR $e IN $entries {{ {} }};
             FOR $t IN $moves {{ {} }};
             COMMIT TRANSACTION;",
            entry::message_statements("e", true),
            entry::thread_move_statement("t"),
        );
        let vars = json!({ "entries": entries, "moves": moves.into_values() });
        // Not run again here on a write conflict: which thread each message joins came from the
        // reads, which the conflicting write may have made stale; the caller reads again
        // (`inbound::store_group`).
        exec(db, &sql, vars).await?;
    }
    for i in parked {
        let a = &arrivals[i];
        let kept = Parked {
            channel: a.channel,
            address: &a.keys[0].1,
            text: &a.text,
            external_id: Some(&a.external_id),
            at: a.at,
        };
        outcomes[i] = Some(match park(db, &a.workspace, kept).await {
            Ok(()) => Received::Unmatched,
            // A concurrent delivery of the same message won the race.
            Err(e) if crate::db::is_duplicate(&e) => Received::Duplicate { message: None },
            Err(e) => return Err(e),
        });
    }
    Ok(outcomes
        .into_iter()
        .map(|o| o.unwrap_or(Received::Duplicate { message: None }))
        .collect())
}

/// The thread an arrival joins, and whether a person should check the campaign.
fn pick(
    a: &Arrival,
    threads: Vec<ThreadSummary>,
    answered: &HashMap<(String, Channel), i64>,
) -> Option<(ThreadSummary, bool)> {
    match &a.pick {
        Pick::Campaign(campaign) => {
            let named: Vec<ThreadSummary> = threads
                .into_iter()
                .filter(|t| campaign.as_ref().is_none_or(|c| t.campaign_id == *c))
                .collect();
            choose_thread(named).map(|t| (t, false))
        }
        Pick::Answered => {
            let last = threads
                .iter()
                .filter_map(|t| answered.get(&(t.id.clone(), a.channel)).map(|at| (*at, t)))
                .filter(|(at, _)| *at > a.at - ANSWERS_WITHIN_MS)
                .max_by_key(|(at, _)| *at)
                .map(|(_, t)| t.id.clone());
            let candidates: Vec<CandidateThread> = threads
                .iter()
                .map(|t| CandidateThread {
                    id: t.id.clone(),
                    subjects: Vec::new(),
                    open: !t.stage.is_closed(),
                    last_at: t.last_at,
                })
                .collect();
            let choice = attribute(last.as_deref(), "", &candidates)?;
            threads
                .into_iter()
                .find(|t| t.id == choice.thread)
                .map(|t| (t, choice.check_campaign))
        }
    }
}

/// What the group's first round trip found.
struct Read {
    found: Vec<Found>,
    threads: HashMap<(String, String), Vec<ThreadSummary>>,
    /// When we last wrote on each (thread, channel) of those threads.
    answered: HashMap<(String, Channel), i64>,
}

/// One round trip of three statements: the group's dedupe keys and sender identities (point
/// reads of their records), and the threads of every creator found (the creator index, one
/// branch per creator). Threads are checked against the arrival's workspace on the rows.
async fn read_group(db: &Db, arrivals: &[Arrival]) -> Result<Read, DbError> {
    let mut keys: Vec<String> = Vec::new();
    let mut key_of: Vec<Option<usize>> = Vec::new();
    let mut idents: Vec<(String, Channel, String)> = Vec::new();
    for a in arrivals {
        let key = inbound_key(&a.workspace, a.channel.as_str(), &a.external_id);
        if keys.contains(&key) {
            // A repeat within the group: the first one is stored, this one is a duplicate.
            key_of.push(None);
            continue;
        }
        key_of.push(Some(keys.len()));
        keys.push(key);
        for (channel, address) in &a.keys {
            let ident = (a.workspace.clone(), *channel, address.clone());
            if !idents.contains(&ident) {
                idents.push(ident);
            }
        }
    }
    let ident_ids: Vec<Value> = idents
        .iter()
        .map(|(w, c, a)| json!([w, c.as_str(), a]))
        .collect();
    let mut resp = exec(
        db,
        &format!(
            "SELECT record::id(id) AS key, message FROM $keys.map(|$k| type::record('inbound_key', $k));
             LET $found = SELECT record::id(id) AS ident, creator FROM $idents.map(|$i| type::record('creator_identity', $i))
                 WHERE creator != NONE;
             RETURN $found.map(|$f| {{ ident: $f.ident, creator: record::id($f.creator) }});
             LET $creators = $found.map(|$f| $f.creator);
             SELECT {THREAD_FIELDS}, record::id(workspace) AS ws, record::id(creator) AS cid, last_outbound FROM thread
                 WHERE creator IN $creators;"
        ),
        json!({ "keys": keys, "idents": ident_ids }),
    )
    .await?;
    #[derive(serde::Deserialize)]
    struct KeyRow {
        key: String,
        message: Option<String>,
    }
    #[derive(serde::Deserialize)]
    struct IdentRow {
        ident: (String, String, String),
        creator: String,
    }
    let seen: HashMap<String, Option<String>> = rows::<KeyRow>(&mut resp, 0)?
        .into_iter()
        .map(|r| (r.key, r.message))
        .collect();
    let creators: HashMap<(String, String, String), String> = rows::<IdentRow>(&mut resp, 2)?
        .into_iter()
        .map(|r| (r.ident, r.creator))
        .collect();
    let mut threads: HashMap<(String, String), Vec<ThreadSummary>> = HashMap::new();
    let mut answered = HashMap::new();
    for row in rows::<Value>(&mut resp, 4)? {
        let (Some(ws), Some(creator), Some(id)) =
            (row["ws"].as_str(), row["cid"].as_str(), row["id"].as_str())
        else {
            continue;
        };
        for (channel, at) in row["last_outbound"].as_object().into_iter().flatten() {
            if let (Some(channel), Some(at)) = (Channel::parse(channel), at.as_i64()) {
                answered.insert((id.to_string(), channel), at);
            }
        }
        let key = (ws.to_string(), creator.to_string());
        threads
            .entry(key)
            .or_default()
            .push(serde_json::from_value(row)?);
    }
    let found = arrivals
        .iter()
        .zip(key_of)
        .map(|(a, k)| {
            let Some(k) = k else {
                return Found::Repeat(None);
            };
            if let Some(message) = seen.get(&keys[k]) {
                return Found::Repeat(message.clone());
            }
            Found::New(a.keys.iter().find_map(|(channel, address)| {
                creators
                    .get(&(
                        a.workspace.clone(),
                        channel.as_str().to_string(),
                        address.clone(),
                    ))
                    .cloned()
            }))
        })
        .collect();
    Ok(Read {
        found,
        threads,
        answered,
    })
}

//! Stores a group of inbound messages with four round trips whatever its size: dedupe keys and
//! sender identities (point reads), the senders' threads, our latest message per thread and
//! channel (what an SMS or DM answers), then one transaction writing every message. Messages are
//! attributed in arrival order against the threads' in-memory state, so two messages for one
//! thread in one group move it along exactly as two separate writes would.

use super::attribution::choose_thread;
use super::entry;
use super::inbound::{Arrival, Pick, Received};
use super::thread_write::NewMessage;
use super::unmatched::{park, Parked};
use super::THREAD_FIELDS;
use crate::db::{exec, exec_transaction, inbound_key, rows, Db, DbError};
use app::domain::attribution::{attribute, CandidateThread};
use app::model::{Channel, ThreadSummary};
use serde_json::{json, Map, Value};
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
    let found = dedupe_and_identify(db, arrivals).await?;
    let creators: Vec<(String, String)> = {
        let mut seen = Vec::new();
        for (a, f) in arrivals.iter().zip(&found) {
            if let Found::New(Some(c)) = f {
                let key = (a.workspace.clone(), c.clone());
                if !seen.contains(&key) {
                    seen.push(key);
                }
            }
        }
        seen
    };
    let threads = threads_of(db, &creators).await?;
    let answered = latest_outbound(db, arrivals, &found, &threads).await?;

    let mut outcomes: Vec<Option<Received>> = vec![None; arrivals.len()];
    let mut parked = Vec::new();
    let mut sql = String::from("BEGIN TRANSACTION;\n");
    let mut vars = Map::new();
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
        );
        msg.check_campaign = check_campaign;
        let (bound, advance) = entry::bind(&a.workspace, &thread, &msg);
        let var = format!("e{i}");
        sql.push_str(&entry::statements(&var, entry::has_dedupe_key(&bound)));
        sql.push('\n');
        vars.insert(var, bound);
        entry::apply(&mut thread, &msg, advance);
        outcomes[i] = Some(Received::Stored {
            creator,
            thread: thread.id.clone(),
            message: msg.id,
        });
        current.insert(thread.id.clone(), thread);
    }
    if !vars.is_empty() {
        sql.push_str("COMMIT TRANSACTION;");
        exec_transaction(db, &sql, Value::Object(vars)).await?;
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

/// One round trip: each arrival's dedupe key (a point read) and each sender address's creator.
async fn dedupe_and_identify(db: &Db, arrivals: &[Arrival]) -> Result<Vec<Found>, DbError> {
    let mut sql = String::new();
    let mut vars = Map::new();
    let mut key_stmt: Vec<Option<usize>> = Vec::new();
    let mut first_of_key: HashMap<String, usize> = HashMap::new();
    let mut lookups: HashMap<(String, Channel, String), usize> = HashMap::new();
    let mut n = 0;
    for (i, a) in arrivals.iter().enumerate() {
        let key = inbound_key(&a.workspace, a.channel.as_str(), &a.external_id);
        if first_of_key.contains_key(&key) {
            key_stmt.push(None);
            continue;
        }
        first_of_key.insert(key.clone(), i);
        sql.push_str(&format!(
            "SELECT VALUE message FROM type::record('inbound_key', $k{i});\n"
        ));
        vars.insert(format!("k{i}"), json!(key));
        key_stmt.push(Some(n));
        n += 1;
        for (channel, address) in &a.keys {
            let lookup = (a.workspace.clone(), *channel, address.clone());
            if lookups.contains_key(&lookup) {
                continue;
            }
            let j = lookups.len();
            sql.push_str(&format!(
                "SELECT VALUE record::id(creator) FROM type::record('creator_identity', [$iw{j}, $ic{j}, $ia{j}])
                     WHERE creator != NONE;\n"
            ));
            vars.insert(format!("iw{j}"), json!(a.workspace));
            vars.insert(format!("ic{j}"), json!(channel.as_str()));
            vars.insert(format!("ia{j}"), json!(address));
            lookups.insert(lookup, n);
            n += 1;
        }
    }
    let mut resp = exec(db, &sql, Value::Object(vars)).await?;
    // Each statement's rows, taken once: several arrivals may share an address lookup.
    let mut results: Vec<Vec<Value>> = Vec::with_capacity(n);
    for stmt in 0..n {
        results.push(resp.take(stmt)?);
    }
    let mut found = Vec::with_capacity(arrivals.len());
    for (a, stmt) in arrivals.iter().zip(key_stmt) {
        let Some(stmt) = stmt else {
            found.push(Found::Repeat(None));
            continue;
        };
        if let Some(message) = results[stmt].first() {
            found.push(Found::Repeat(message.as_str().map(String::from)));
            continue;
        }
        let creator = a.keys.iter().find_map(|(channel, address)| {
            let stmt = lookups[&(a.workspace.clone(), *channel, address.clone())];
            results[stmt]
                .first()
                .and_then(|c| c.as_str())
                .map(String::from)
        });
        found.push(Found::New(creator));
    }
    Ok(found)
}

/// One round trip: the threads of each (workspace, creator). Read by the creator index alone
/// (see `attribution::creator_threads`); the workspace is checked on the rows.
async fn threads_of(
    db: &Db,
    creators: &[(String, String)],
) -> Result<HashMap<(String, String), Vec<ThreadSummary>>, DbError> {
    let mut out = HashMap::new();
    if creators.is_empty() {
        return Ok(out);
    }
    let mut sql = String::new();
    let mut vars = Map::new();
    for (n, (_, creator)) in creators.iter().enumerate() {
        sql.push_str(&format!(
            "SELECT {THREAD_FIELDS}, record::id(workspace) AS ws FROM thread
                 WHERE creator = type::record('creator', $c{n});\n"
        ));
        vars.insert(format!("c{n}"), json!(creator));
    }
    let mut resp = exec(db, &sql, Value::Object(vars)).await?;
    for (n, (workspace, creator)) in creators.iter().enumerate() {
        let raw: Vec<Value> = rows(&mut resp, n)?;
        let own = raw
            .into_iter()
            .filter(|r| r["ws"].as_str() == Some(workspace))
            .map(serde_json::from_value)
            .collect::<Result<Vec<ThreadSummary>, _>>()?;
        out.insert((workspace.clone(), creator.clone()), own);
    }
    Ok(out)
}

/// One round trip: for each (thread, channel) an `Answered` arrival may join, when we last wrote
/// on that channel there (within `ANSWERS_WITHIN_MS`). Each statement reads its thread's own
/// index range.
async fn latest_outbound(
    db: &Db,
    arrivals: &[Arrival],
    found: &[Found],
    threads: &HashMap<(String, String), Vec<ThreadSummary>>,
) -> Result<HashMap<(String, Channel), i64>, DbError> {
    let mut wanted: Vec<(String, Channel, i64)> = Vec::new();
    for (a, f) in arrivals.iter().zip(found) {
        let (Pick::Answered, Found::New(Some(c))) = (&a.pick, f) else {
            continue;
        };
        let own = threads.get(&(a.workspace.clone(), c.clone()));
        // One open thread is the answer whatever we last wrote.
        let only_open = |own: &&Vec<ThreadSummary>| own.len() == 1 && !own[0].stage.is_closed();
        for t in own.filter(|own| !only_open(own)).into_iter().flatten() {
            if !wanted
                .iter()
                .any(|(id, ch, _)| *id == t.id && *ch == a.channel)
            {
                wanted.push((t.id.clone(), a.channel, a.at - ANSWERS_WITHIN_MS));
            }
        }
    }
    let mut out = HashMap::new();
    if wanted.is_empty() {
        return Ok(out);
    }
    let mut sql = String::new();
    let mut vars = Map::new();
    for (n, (thread, channel, since)) in wanted.iter().enumerate() {
        sql.push_str(&format!(
            "RETURN math::max((SELECT VALUE at FROM message WHERE thread = type::record('thread', $t{n})
                 AND channel = $h{n} AND direction = 'outbound' AND at > $s{n}));\n"
        ));
        vars.insert(format!("t{n}"), json!(thread));
        vars.insert(format!("h{n}"), json!(channel.as_str()));
        vars.insert(format!("s{n}"), json!(since));
    }
    let mut resp = exec(db, &sql, Value::Object(vars)).await?;
    for (n, (thread, channel, _)) in wanted.into_iter().enumerate() {
        // math::max answers a number (or NONE for no entries).
        let at = resp
            .take::<Option<Value>>(n)?
            .and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)));
        if let Some(at) = at {
            out.insert((thread, channel), at);
        }
    }
    Ok(out)
}

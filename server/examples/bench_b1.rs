//! Benchmark B1: inbound ingest over HTTP on loopback — a mix of Twilio SMS, Instagram and
//! API-channel webhooks, each signed and checked, deduplicated (5% are provider redeliveries),
//! matched to a creator and a thread, stored, and pushed live to an open socket — against a raw
//! SurrealDB insert of the same records on the same engine (embedded SurrealKV), in one run: the
//! message records the webhooks stored, read back and created again one by one in a plain table
//! of another database. It also stores the same mix again straight through the store, without
//! HTTP, to show what the database work alone allows. Each phase also reports the CPU time it
//! took per message (the whole process: server, database and the sending client).
//! Prints figures and, last, `BENCH B1 msgs_per_s=<x> raw_per_s=<r> ratio=<x/r>`.
//!
//! With `--costs N` it then breaks the store's CPU time per message down by part, over N SMS
//! messages each: the whole write, its messages (with dedupe keys) and its thread moves alone,
//! and those two on copies of the tables without their indexes and without their schema — what
//! slimming the schema could at most save.
//!
//! Usage: bench_b1 [--messages N] [--concurrency N] [--creators N] [--costs N]
//! (an example, not a bin, so it can use the dev-only websocket client)

use app::live::LiveEvent;
use app::model::Channel;
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use server::bench_args::arg;
use server::bench_rig::{self, Request, Via};
use server::clock::Clock;
use server::db::{self, exec};
use server::state::AppState;
use server::store::inbound::{store_group, Arrival, Pick, Received};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() {
    let total = arg("--messages", 6000);
    let concurrency = arg("--concurrency", 48);
    let creators = arg("--creators", 400);
    let dir = std::env::temp_dir().join(format!("bench-b1-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let config = bench_rig::config(&dir, &base, &[]);
    let db = db::connect(&config).await.unwrap();
    let now = Clock::System.now_ms();
    db::migrations::migrate(&db, now).await.unwrap();
    let spec = server::seed::SeedSpec {
        name: "Bench Brand",
        email_domain: "bench.example",
        password: bench_rig::PASSWORD,
        creators,
        campaigns: 6,
        rng_seed: 7,
    };
    let ws = server::seed::seed_workspace(&db, &spec, now).await.unwrap();
    println!(
        "seeded {} creators, {} threads",
        ws.creator_ids.len(),
        ws.thread_ids.len()
    );
    // Every creator reachable on each channel, every provider connected.
    let senders = bench_rig::connect(&db, &config, &ws, true, now).await;
    let state = AppState::new(db.clone(), Clock::System, config.clone());
    let options = leptos::config::LeptosOptions::builder()
        .output_name("creator-inbox")
        .build();
    let app = server::http::router(state, options);
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();

    // One open browser: its live socket must see every new message.
    let cookie = bench_rig::sign_in(&http, &base, &ws.users[0].email)
        .await
        .unwrap();
    let mut req = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
        format!("ws://{addr}/api/live"),
    )
    .unwrap();
    req.headers_mut().insert("cookie", cookie.parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    // Until the socket says it is live (`synced`, or `resync` after a large seed).
    loop {
        match socket.next().await {
            Some(Ok(tokio_tungstenite::tungstenite::Message::Text(t))) => {
                if let Ok(LiveEvent::Synced { .. } | LiveEvent::Resync { .. }) =
                    serde_json::from_str::<LiveEvent>(&t)
                {
                    break;
                }
            }
            Some(Ok(_)) => {}
            _ => panic!("the live socket closed before it was live"),
        }
    }
    let pushed = Arc::new(AtomicUsize::new(0));
    let run = format!("b1{}", std::process::id());
    let pushed_counter = pushed.clone();
    let run_tag = run.clone();
    let listener_task = tokio::spawn(async move {
        while let Some(Ok(msg)) = socket.next().await {
            if let tokio_tungstenite::tungstenite::Message::Text(t) = msg {
                if let Ok(LiveEvent::Message { message, .. }) =
                    serde_json::from_str::<LiveEvent>(&t)
                {
                    if message.text.starts_with(&run_tag) {
                        pushed_counter.fetch_add(1, Ordering::SeqCst);
                    }
                }
            } else if let tokio_tungstenite::tungstenite::Message::Ping(p) = msg {
                let _ = socket
                    .send(tokio_tungstenite::tungstenite::Message::Pong(p))
                    .await;
            }
        }
    });

    // The requests, signed ahead of time (signing is the provider's cost, not ours).
    let unique = total - total / 20;
    let mut requests: Vec<Request> = Vec::with_capacity(total);
    for i in 0..unique {
        let text = format!("{run} message {i}: loving the product, posting Friday");
        let via = [Via::Sms, Via::Instagram, Via::Api][i % 3];
        let id = format!("{run}-{i}");
        let from = &senders[(i * 7919) % senders.len()];
        requests.push(bench_rig::inbound(
            &base,
            &ws.workspace_id,
            via,
            from,
            &id,
            &text,
            now,
        ));
    }
    // Provider redeliveries of earlier messages, mixed in.
    for k in 0..(total - unique) {
        let original = &requests[(k * 13) % unique];
        let copy = original.clone();
        let at = (k * 20 + 10).min(requests.len());
        requests.insert(at, copy);
    }
    let retries = Arc::new(AtomicUsize::new(0));
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    let results: Vec<u16> = futures::stream::iter(requests.into_iter())
        .map(|r| {
            let (http, base, retries) = (http.clone(), base.clone(), retries.clone());
            async move {
                loop {
                    let mut b = http.post(format!("{base}{}", r.path)).body(r.body.clone());
                    for (k, v) in &r.headers {
                        b = b.header(*k, v);
                    }
                    match b.send().await {
                        Ok(resp) if resp.status().is_server_error() => {
                            retries.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(resp) => return resp.status().as_u16(),
                        Err(_) => {
                            retries.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let acked = started.elapsed();
    while pushed.load(Ordering::SeqCst) < unique
        && started.elapsed() < acked + Duration::from_secs(30)
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let all_pushed = started.elapsed();
    let webhook_cpu = cpu_seconds() - cpu_before;
    listener_task.abort();
    let refused = results.iter().filter(|s| !(200..300).contains(*s)).count();
    // The message records the webhooks stored, as the database holds them: counted, then
    // inserted raw on the same engine (another database of it).
    let mut resp = exec(
        &db,
        "SELECT * OMIT id FROM message WHERE string::starts_with(text, $run);",
        json!({ "run": run }),
    )
    .await
    .unwrap();
    let raws: Vec<Value> = resp.take(0).unwrap();
    let stored = raws.len();
    // A session of its own: `Db` shares one session, and switching its namespace would move the
    // server's own writes too.
    let raw_db: db::Db = std::sync::Arc::new((*db).clone());
    raw_db.use_ns("bench_raw").use_db("raw").await.unwrap();
    exec(
        &raw_db,
        "DEFINE TABLE message SCHEMALESS; DEFINE INDEX message_external ON message FIELDS external_id;",
        json!({}),
    )
    .await
    .unwrap();
    let cpu_before = cpu_seconds();
    let raw_started = Instant::now();
    let _: Vec<()> = futures::stream::iter(raws.into_iter())
        .map(|r| {
            let db = raw_db.clone();
            async move {
                exec(&db, "CREATE message CONTENT $r;", json!({ "r": r }))
                    .await
                    .unwrap();
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let raw_elapsed = raw_started.elapsed();
    let raw_cpu = cpu_seconds() - cpu_before;

    // The same mix stored without HTTP: groups handed straight to the store as the ingester
    // hands them (`store_group`, which reads a group again if it loses a write conflict), with
    // new provider ids, so nothing is a duplicate. Shows what the database work alone allows.
    let direct_group = 24;
    let arrivals: Vec<Arrival> = (0..unique)
        .map(|i| {
            let from = &senders[(i * 7919) % senders.len()];
            let (channel, key, pick) = match i % 3 {
                0 => (
                    Channel::Sms,
                    (Channel::Sms, from.phone.clone()),
                    Pick::Answered,
                ),
                1 => (
                    Channel::Instagram,
                    (Channel::Instagram, from.instagram.clone()),
                    Pick::Answered,
                ),
                _ => (
                    Channel::Api,
                    (Channel::Email, from.email.clone()),
                    Pick::Campaign(None),
                ),
            };
            Arrival {
                workspace: ws.workspace_id.clone(),
                channel,
                keys: vec![key],
                subject: None,
                text: format!("direct message {i}: loving the product, posting Friday"),
                external_id: format!("{run}-direct-{i}"),
                at: now + (unique + i) as i64,
                pick,
                via: None,
            }
        })
        .collect();
    let cpu_before = cpu_seconds();
    let direct_started = Instant::now();
    let direct: Vec<usize> = futures::stream::iter(arrivals.chunks(direct_group))
        .map(|group| {
            let db = db.clone();
            async move {
                store_group(&db, group)
                    .await
                    .iter()
                    .filter(|o| matches!(o, Ok(Received::Stored { .. })))
                    .count()
            }
        })
        .buffer_unordered(2)
        .collect()
        .await;
    let direct_elapsed = direct_started.elapsed();
    let direct_cpu = cpu_seconds() - cpu_before;
    assert_eq!(
        direct.iter().sum::<usize>(),
        unique,
        "every direct arrival stored"
    );

    // Ingest ends when every message is acknowledged, stored and pushed to the open socket.
    let msgs_per_s = unique as f64 / all_pushed.as_secs_f64();
    let raw_per_s = unique as f64 / raw_elapsed.as_secs_f64();
    println!(
        "webhooks {total} ({unique} new, {} redeliveries), concurrency {concurrency}: all acknowledged in {:.2} s, \
         {retries} retried after a 5xx, {refused} refused; stored {stored}; live socket saw {} of {unique} (all by {:.2} s)",
        total - unique,
        acked.as_secs_f64(),
        pushed.load(Ordering::SeqCst),
        all_pushed.as_secs_f64(),
        retries = retries.load(Ordering::Relaxed),
    );
    let per_msg = |cpu: f64| cpu * 1000.0 / unique as f64;
    println!(
        "CPU per message: webhooks {:.2} ms, without HTTP {:.2} ms, raw insert {:.2} ms ({} cores)",
        per_msg(webhook_cpu),
        per_msg(direct_cpu),
        per_msg(raw_cpu),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );
    println!(
        "the same mix stored without HTTP ({unique} in groups of {direct_group}, two at a time): {:.2} s, {:.0} msg/s",
        direct_elapsed.as_secs_f64(),
        unique as f64 / direct_elapsed.as_secs_f64()
    );
    println!(
        "raw SurrealDB CREATE of the same {unique} message records: {:.2} s",
        raw_elapsed.as_secs_f64()
    );
    assert_eq!(stored, unique, "every message stored exactly once");
    assert_eq!(
        pushed.load(Ordering::SeqCst),
        unique,
        "every message pushed live"
    );
    let costs = arg("--costs", 0);
    if costs > 0 {
        print_costs(&db, &ws.workspace_id, &ws.creator_ids, now, costs).await;
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "BENCH B1 msgs_per_s={msgs_per_s:.0} raw_per_s={raw_per_s:.0} ratio={:.2}",
        msgs_per_s / raw_per_s
    );
}

/// CPU time this process has used (user and system), in seconds (Linux: `/proc/self/stat`).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the parenthesized command name: state is field 3, utime and stime fields 14 and 15.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // The kernel reports in clock ticks, 100 per second on Linux.
    (ticks(11) + ticks(12)) / 100.0
}

/// The store's CPU time per message, part by part (`--costs N`): N SMS messages per line, one to
/// each creator in turn, written in groups of 24, two groups at a time, as the ingester writes.
async fn print_costs(db: &db::Db, ws: &str, creators: &[String], now: i64, n: usize) {
    use server::store::entry;
    use server::store::thread_write::NewMessage;
    let mut resp = exec(
        db,
        &format!(
            "SELECT {}, record::id(creator) AS cid FROM thread;",
            server::store::THREAD_FIELDS
        ),
        json!({}),
    )
    .await
    .unwrap();
    let mut thread_of: HashMap<String, app::model::ThreadSummary> = HashMap::new();
    for row in resp.take::<Vec<Value>>(0).unwrap() {
        let creator = row["cid"].as_str().unwrap_or_default().to_string();
        if let Ok(t) = serde_json::from_value(row) {
            thread_of.entry(creator).or_insert(t);
        }
    }
    // Bound as the inbound group binds them (`entry::bind`), with fresh provider ids per line.
    let entries = |line: usize| -> Vec<Value> {
        (0..n)
            .map(|i| {
                let creator = &creators[(i * 7919) % creators.len()];
                let t = &thread_of[creator];
                let msg = NewMessage::from_creator(
                    Channel::Sms,
                    creator.clone(),
                    t.creator_name.clone(),
                    None,
                    format!("cost line {line} message {i}: loving the product, posting Friday"),
                    now + i as i64,
                    format!("cost-{line}-{i}"),
                );
                entry::bind(ws, t, &msg).0
            })
            .collect()
    };
    let write = |sql: String, line: usize| {
        let db = db.clone();
        let groups: Vec<Vec<Value>> = entries(line).chunks(24).map(<[Value]>::to_vec).collect();
        async move {
            let (started, cpu) = (Instant::now(), cpu_seconds());
            futures::stream::iter(groups)
                .map(|g| {
                    let (db, sql) = (db.clone(), sql.clone());
                    async move {
                        let mut moves = entry::Moves::default();
                        g.iter().for_each(|e| moves.add(e));
                        exec(
                            &db,
                            &sql,
                            json!({ "entries": g, "moves": moves.into_values() }),
                        )
                        .await
                        .unwrap();
                    }
                })
                .buffer_unordered(2)
                .collect::<Vec<()>>()
                .await;
            (cpu_seconds() - cpu, started.elapsed())
        }
    };
    let tx = |body: String| format!("BEGIN TRANSACTION; {body} COMMIT TRANSACTION;");
    // The group's statements, writing table `of` into `table` instead.
    let retarget = |sql: String, of: &str, table: &str| {
        sql.replace(
            &format!("type::record('{of}',"),
            &format!("type::record('{table}',"),
        )
    };
    let messages = |table: &str| {
        let sql = format!(
            "FOR $e IN $entries {{ {} }};",
            entry::message_statements("e", true)
        );
        retarget(sql, "message", table)
    };
    let moves = |table: &str| {
        let sql = format!(
            "FOR $t IN $moves {{ {} }};",
            entry::thread_move_statement("t")
        );
        retarget(sql, "thread", table)
    };
    // Copies of `message` and `thread` under other names: without their indexes, and schemaless.
    let mut info = exec(
        db,
        "INFO FOR TABLE message; INFO FOR TABLE thread;",
        json!({}),
    )
    .await
    .unwrap();
    let definitions = |info: Option<Value>| -> Vec<String> {
        let info = info.unwrap_or_default();
        let mut fields: Vec<(String, String)> = info["fields"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect();
        // Parents before their `.*` children.
        fields.sort_by_key(|(k, _)| (k.matches('.').count(), k.clone()));
        fields.into_iter().map(|(_, d)| d).collect()
    };
    let message_fields = definitions(info.take(0).unwrap());
    let thread_fields = definitions(info.take(1).unwrap());
    for (copy, of, fields, schemafull) in [
        ("message_unindexed", "message", &message_fields, true),
        ("message_schemaless", "message", &message_fields, false),
        ("thread_unindexed", "thread", &thread_fields, true),
        ("thread_schemaless", "thread", &thread_fields, false),
    ] {
        let mut sql = format!(
            "DEFINE TABLE {copy} {};",
            if schemafull {
                "SCHEMAFULL"
            } else {
                "SCHEMALESS"
            }
        );
        for d in fields.iter().filter(|_| schemafull) {
            // A field of type `array<object>` defines its `.*` child itself.
            sql += &d
                .replacen("DEFINE FIELD ", "DEFINE FIELD OVERWRITE ", 1)
                .replace(&format!(" ON {of} "), &format!(" ON {copy} "))
                .replace(&format!(" ON TABLE {of} "), &format!(" ON TABLE {copy} "));
            sql += ";";
        }
        if of == "thread" {
            sql += &format!("INSERT INTO {copy} (SELECT * FROM thread);");
        }
        exec(db, &sql, json!({})).await.unwrap();
    }
    println!("the store's CPU time per message, by part ({n} SMS messages each, in groups of 24):");
    let lines = [
        (
            "the whole write: dedupe keys, messages, thread moves",
            tx(format!("{} {}", messages("message"), moves("thread"))),
        ),
        ("dedupe keys and messages", tx(messages("message"))),
        ("thread moves", tx(moves("thread"))),
        (
            "dedupe keys and messages, message table without indexes",
            tx(messages("message_unindexed")),
        ),
        (
            "dedupe keys and messages, message table schemaless",
            tx(messages("message_schemaless")),
        ),
        (
            "thread moves, thread table without indexes",
            tx(moves("thread_unindexed")),
        ),
        (
            "thread moves, thread table schemaless",
            tx(moves("thread_schemaless")),
        ),
    ];
    for (line, (what, sql)) in lines.into_iter().enumerate() {
        let (cpu, wall) = write(sql, line).await;
        println!(
            "  {what}: {:.2} ms CPU per message ({:.0} msg/s)",
            cpu * 1000.0 / n as f64,
            n as f64 / wall.as_secs_f64()
        );
    }
}

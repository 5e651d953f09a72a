//! Benchmark B3: the first inbox page (50 rows) at 10k threads / 100k messages and at
//! 100k threads / 1M messages, in embedded SurrealDB (SurrealKV), for several filter combinations.
//! Prints per-filter figures and, last, `BENCH B3 p50_ms=… p99_ms=… growth=…`.
//!
//! Usage: bench_b3 [--small N] [--large N] [--runs N] [--dir PATH] [--explain] [--probe]
//! (`--explain` prints each filter's query plan, `--probe` times raw query shapes, both at the small size)

use app::api::backend::{Caller, Scope};
use app::domain::filter::{AssigneeFilter, InboxFilter};
use app::model::{Channel, Role, Stage};
use serde_json::json;
use server::bench_args::{arg, dir_arg, fresh_db, percentile, time_runs};
use server::db::{exec, Db};
use std::time::Instant;

const MESSAGES_PER_THREAD: usize = 10;
const BATCH: usize = 500;
const CAMPAIGNS: usize = 20;
const USERS: usize = 5;

struct Scale {
    threads: usize,
    db: Db,
    caller: Caller,
    campaign: String,
    client: String,
}

async fn build(dir: &str, threads: usize, now: i64) -> Scale {
    let (db, _) = fresh_db(dir, now).await;
    let ws = "benchws".to_string();
    exec(
        &db,
        "CREATE workspace:benchws SET name = 'Bench', created_at = $now;",
        json!({ "now": now }),
    )
    .await
    .unwrap();
    let started = Instant::now();
    let stages = Stage::ALL;
    let channels = [
        Channel::Email,
        Channel::Sms,
        Channel::Instagram,
        Channel::InApp,
    ];
    let mut t = 0;
    while t < threads {
        let n = BATCH.min(threads - t);
        let rows: Vec<serde_json::Value> = (t..t + n)
            .map(|i| {
                // Spread activity over 90 days; every 7th thread waits for a reply.
                let last_at = now - ((i * 7_919) % (90 * 24 * 3600)) as i64 * 1000;
                let mut row = json!({
                    "id": format!("t{i:07}"),
                    "campaign": format!("c{}", i % CAMPAIGNS),
                    "client": format!("k{}", (i % CAMPAIGNS) % 2),
                    "creator": format!("cr{}", i / 2),
                    "name": format!("Creator {i}"),
                    "search": format!("creator {i} @creator{i} creator{i}@mail.example"),
                    "stage": stages[i % stages.len()].as_str(),
                    "assignee": if i % 3 == 0 { serde_json::Value::Null } else { json!(format!("u{}", i % USERS)) },
                    "channel": channels[i % channels.len()].as_str(),
                    "last_at": last_at,
                    "awaiting": if i % 7 == 0 { json!(last_at) } else { serde_json::Value::Null },
                });
                // Absent, not null: SurrealDB's NONE is what optional fields accept.
                row.as_object_mut().expect("object").retain(|_, v| !v.is_null());
                row
            })
            .collect();
        exec(
            &db,
            "BEGIN TRANSACTION;
             FOR $r IN $rows {
                CREATE type::record('thread', $r.id) SET workspace = workspace:benchws,
                    enrollment = type::record('enrollment', $r.id), creator = type::record('creator', $r.creator),
                    campaign = type::record('campaign', $r.campaign), client = type::record('client', $r.client),
                    creator_name = $r.name, creator_handle = '@' + $r.name, creator_avatar = NONE, creator_search = $r.search,
                    campaign_name = 'Campaign ' + $r.campaign, client_name = 'Client ' + $r.client, stage = $r.stage,
                    assignee = IF $r.assignee != NONE THEN type::record('user', $r.assignee) ELSE NONE END,
                    assignee_name = $r.assignee, channels = [$r.channel], last_at = $r.last_at, last_channel = $r.channel,
                    last_sender_kind = 'creator', last_sender_name = $r.name, last_snippet = 'Hi! Quick question about the brief',
                    awaiting_since = $r.awaiting, unread = $r.awaiting != NONE;
                FOR $m IN 0..10 {
                    CREATE message SET workspace = workspace:benchws, thread = type::record('thread', $r.id),
                        direction = IF $m % 2 = 0 THEN 'inbound' ELSE 'outbound' END, channel = $r.channel,
                        sender_kind = IF $m % 2 = 0 THEN 'creator' ELSE 'teammate' END, sender_name = $r.name,
                        text = 'Message body for the benchmark, about the length of a short creator reply.',
                        at = $r.last_at - (10 - $m) * 3600000, status = 'delivered';
                };
             };
             COMMIT TRANSACTION;",
            json!({ "rows": rows }),
        )
        .await
        .expect("insert batch");
        t += n;
    }
    eprintln!(
        "generated {threads} threads / {} messages in {:.1}s",
        threads * MESSAGES_PER_THREAD,
        started.elapsed().as_secs_f64()
    );
    let caller = Caller {
        user_id: "u1".into(),
        workspace_id: ws,
        role: Role::Owner,
        scope: Scope::Workspace,
    };
    Scale {
        threads,
        db,
        caller,
        campaign: "c3".into(),
        client: "k1".into(),
    }
}

fn filters(s: &Scale) -> Vec<(&'static str, InboxFilter)> {
    vec![
        ("all", InboxFilter::default()),
        (
            "campaign",
            InboxFilter {
                campaign: Some(s.campaign.clone()),
                ..Default::default()
            },
        ),
        (
            "client",
            InboxFilter {
                client: Some(s.client.clone()),
                ..Default::default()
            },
        ),
        (
            "needs_reply",
            InboxFilter {
                needs_reply: true,
                ..Default::default()
            },
        ),
        (
            "overdue",
            InboxFilter {
                overdue: true,
                ..Default::default()
            },
        ),
        (
            "stage",
            InboxFilter {
                stage: Some(Stage::Negotiating),
                ..Default::default()
            },
        ),
        (
            "mine",
            InboxFilter {
                assignee: Some(AssigneeFilter::Me),
                ..Default::default()
            },
        ),
        (
            "channel",
            InboxFilter {
                channel: Some(Channel::Sms),
                ..Default::default()
            },
        ),
        (
            "campaign+needs_reply",
            InboxFilter {
                campaign: Some(s.campaign.clone()),
                needs_reply: true,
                ..Default::default()
            },
        ),
        // A person looking for one creator: a name that matches a single thread.
        (
            "search",
            InboxFilter {
                creator: Some(format!("creator {}", s.threads * 7 / 9)),
                ..Default::default()
            },
        ),
    ]
}

async fn measure(s: &Scale, runs: usize, now: i64) -> Vec<f64> {
    // Steady state, not the bulk load's aftermath: let the engine finish flushing what was just
    // written, then read every view once.
    tokio::time::sleep(std::time::Duration::from_secs(10)).await;
    for (_, f) in filters(s) {
        server::store::inbox::list_threads(&s.db, &s.caller, &f, None, now)
            .await
            .expect("warm-up page");
    }
    let mut all = Vec::new();
    for (name, f) in filters(s) {
        let times = time_runs(3, runs, || async {
            let page = server::store::inbox::list_threads(&s.db, &s.caller, &f, None, now)
                .await
                .expect("page");
            assert!(!page.threads.is_empty(), "{name} returned nothing");
        })
        .await;
        println!(
            "threads={:>7} filter={:<22} p50_ms={:>8.2} p99_ms={:>8.2}",
            s.threads,
            name,
            percentile(&times, 0.5),
            percentile(&times, 0.99)
        );
        all.extend(times);
    }
    all.sort_by(|a, b| a.total_cmp(b));
    all
}

async fn probe(s: &Scale, _now: i64) {
    let probes = [
        ("return1", "RETURN 1;"),
        ("one_by_id", "SELECT * FROM thread:t0000001;"),
        ("ids51", "SELECT id FROM thread WHERE workspace = workspace:benchws ORDER BY inbox_rank LIMIT 51;"),
        ("star51", "SELECT * FROM thread WHERE workspace = workspace:benchws ORDER BY inbox_rank LIMIT 51;"),
        ("star1", "SELECT * FROM thread WHERE workspace = workspace:benchws ORDER BY inbox_rank LIMIT 1;"),
        ("star51_noorder", "SELECT * FROM thread WHERE workspace = workspace:benchws LIMIT 51;"),
        ("star51_table", "SELECT * FROM thread LIMIT 51;"),
        ("last_at51", "SELECT last_at FROM thread WHERE workspace = workspace:benchws ORDER BY inbox_rank LIMIT 51;"),
        ("range51", "SELECT * FROM thread:t0000000..t0000051;"),
        ("list51", "SELECT * FROM [thread:t0000001,thread:t0000002,thread:t0000003,thread:t0000004,thread:t0000005,thread:t0000006,thread:t0000007,thread:t0000008,thread:t0000009,thread:t0000010];"),
    ];
    for (name, sql) in probes {
        let mut times = Vec::new();
        for i in 0..40 {
            let start = Instant::now();
            let mut resp = exec(&s.db, sql, json!({})).await.expect(name);
            let v: Vec<serde_json::Value> = resp.take(0).unwrap_or_default();
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            if i == 0 {
                eprintln!("{name}: {} rows", v.len());
                if sql.starts_with("SELECT") {
                    let e = sql.trim_end_matches(';').to_string() + " EXPLAIN;";
                    let mut r = exec(&s.db, &e, json!({})).await.expect("explain");
                    let plan: Vec<serde_json::Value> = r.take(0).unwrap_or_default();
                    eprintln!("  {}", serde_json::to_string(&plan).unwrap_or_default());
                }
            }
            if i >= 5 {
                times.push(ms);
            }
        }
        times.sort_by(|a, b| a.total_cmp(b));
        println!("probe {name:<16} p50_ms={:.3}", percentile(&times, 0.5));
    }
}

fn main() {
    let small = arg("--small", 10_000);
    let large = arg("--large", 100_000);
    let runs = arg("--runs", 100);
    let dir = dir_arg("creator-inbox-bench-b3");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let now = server::clock::Clock::System.now_ms();
        let small_scale = build(&format!("{dir}/small"), small, now).await;
        if std::env::args().any(|a| a == "--probe") {
            probe(&small_scale, now).await;
            return;
        }
        if std::env::args().any(|a| a == "--explain") {
            for (name, f) in filters(&small_scale) {
                let q = server::store::inbox_query::page_query(
                    &small_scale.caller,
                    &f,
                    None,
                    server::store::inbox_query::InboxClock {
                        now,
                        overdue_before: now - app::domain::reply_clock::REPLY_GOAL_MS,
                    },
                    50,
                );
                let sql = q.sql.trim_end_matches(';').to_string() + " EXPLAIN FULL;";
                let mut resp = exec(&small_scale.db, &sql, serde_json::Value::Object(q.vars))
                    .await
                    .expect("explain");
                let plan: Vec<serde_json::Value> = resp.take(0).expect("plan");
                println!(
                    "{name}: {}",
                    serde_json::to_string(&plan).unwrap_or_default()
                );
            }
            return;
        }
        let small_times = measure(&small_scale, runs, now).await;
        drop(small_scale);
        let large_scale = build(&format!("{dir}/large"), large, now).await;
        let large_times = measure(&large_scale, runs, now).await;
        let p50_small = percentile(&small_times, 0.5);
        let p50 = percentile(&large_times, 0.5);
        let p99 = percentile(&large_times, 0.99);
        println!(
            "small: {small} threads p50_ms={p50_small:.2}; large: {large} threads / {} messages",
            large * MESSAGES_PER_THREAD
        );
        println!(
            "BENCH B3 p50_ms={p50:.2} p99_ms={p99:.2} growth={:.2}",
            p50 / p50_small
        );
    });
    let _ = std::fs::remove_dir_all(&dir);
}

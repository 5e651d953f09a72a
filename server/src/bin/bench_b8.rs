//! Benchmark B8: the whole Reports page's data (`ReportsApi::report`: the period and the one
//! before) over 90 days, for one campaign and for the whole workspace, at 10k threads / 100k
//! messages and at 100k threads / 1M messages, in embedded SurrealDB (SurrealKV). Each thread has
//! ten messages alternating creator and teammate (some creator messages classified with a
//! sensitive intent or as an out-of-office reply), a stage move in the audit trail, and a stage.
//! Prints per-scope figures and, last, `BENCH B8 dashboard_p50_ms=… dashboard_p99_ms=… growth=…`
//! (p50 and p99 at the large size over both scopes; growth = large p50 ÷ small p50).
//!
//! Usage: bench_b8 [--small N] [--large N] [--runs N] [--dir PATH] [--probe]
//! (`--probe` also times the drill-down, which reads the timelines, at both sizes)

use app::api::backend::{Caller, Scope};
use app::api::ReportsApi;
use app::domain::metrics::Figure;
use app::model::{ReportPick, ReportQuery, Role, Stage};
use serde_json::json;
use server::bench_args::{arg, dir_arg, fresh_db, percentile, time_runs};
use server::db::exec;
use server::state::AppState;
use std::time::Instant;

const MESSAGES_PER_THREAD: usize = 10;
const BATCH: usize = 500;
const CAMPAIGNS: usize = 20;
const USERS: usize = 5;
const DAY_MS: i64 = 24 * 3_600_000;

struct Scale {
    threads: usize,
    state: AppState,
    caller: Caller,
}

async fn build(dir: &str, threads: usize, now: i64) -> Scale {
    let (db, config) = fresh_db(dir, now).await;
    exec(
        &db,
        "CREATE workspace:benchws SET name = 'Bench', created_at = $now;
         FOR $u IN $users {
            CREATE type::record('user', $u) SET email = $u + '@bench.example', name = 'Teammate ' + $u,
                password_hash = 'x', created_at = $now;
            CREATE membership SET workspace = workspace:benchws, user = type::record('user', $u), role = 'member',
                created_at = $now;
         };
         FOR $k IN 0..2 {
            CREATE type::record('client', 'k' + <string>$k) SET workspace = workspace:benchws,
                name = 'Client ' + <string>$k, created_at = $now;
         };
         FOR $c IN 0..$campaigns {
            CREATE type::record('campaign', 'c' + <string>$c) SET workspace = workspace:benchws,
                client = type::record('client', 'k' + <string>($c % 2)), name = 'Campaign ' + <string>$c,
                platform = 'Instagram', kind = 'paid', brief = '', creator_guidance = '', negotiation_language = '',
                compensation = '', deliverables = [], status = 'active', created_at = $now;
         };",
        json!({ "now": now, "campaigns": CAMPAIGNS, "users": (0..USERS).map(|u| format!("u{u}")).collect::<Vec<_>>() }),
    )
    .await
    .expect("workspace");
    let started = Instant::now();
    let stages = Stage::ALL;
    let mut t = 0;
    while t < threads {
        let n = BATCH.min(threads - t);
        let rows: Vec<serde_json::Value> = (t..t + n)
            .map(|i| {
                // Contacted over the last 120 days, so both periods hold threads.
                let first = now - ((i * 7_919) % (120 * 24 * 3600)) as i64 * 1000;
                json!({
                    "id": format!("t{i:07}"),
                    "campaign": format!("c{}", i % CAMPAIGNS),
                    "client": format!("k{}", (i % CAMPAIGNS) % 2),
                    "stage": stages[i % stages.len()].as_str(),
                    "user": format!("u{}", i % USERS),
                    "first": first,
                    "stale": i % 11 == 0,
                })
            })
            .collect();
        exec(
            &db,
            "BEGIN TRANSACTION;
             FOR $r IN $rows {
                CREATE type::record('enrollment', $r.id) SET workspace = workspace:benchws,
                    creator = type::record('creator', $r.id), campaign = type::record('campaign', $r.campaign),
                    stage = IF $r.stage = 'prospect' OR $r.stage = 'content_approved' THEN 'contacted' ELSE $r.stage END,
                    agreed_terms = '', next_action = '', created_at = $r.first, updated_at = $r.first,
                    stage_at = $r.first + 86400000;
                CREATE type::record('thread', $r.id) SET workspace = workspace:benchws,
                    enrollment = type::record('enrollment', $r.id), creator = type::record('creator', $r.id),
                    campaign = type::record('campaign', $r.campaign), client = type::record('client', $r.client),
                    creator_name = 'Creator ' + $r.id, creator_handle = '@' + $r.id, creator_avatar = NONE,
                    creator_search = $r.id, campaign_name = 'Campaign ' + $r.campaign, client_name = 'Client ' + $r.client,
                    stage = $r.stage, channels = ['email'], last_at = $r.first + 9 * 3600000, last_channel = 'email',
                    last_sender_kind = 'teammate', last_sender_name = 'Teammate', last_snippet = 'Thanks!',
                    unread = false, stale = IF $r.stale THEN true ELSE NONE END;
                FOR $m IN 0..10 {
                    CREATE message SET workspace = workspace:benchws, thread = type::record('thread', $r.id),
                        direction = IF $m % 2 = 1 THEN 'inbound' ELSE 'outbound' END, channel = 'email',
                        sender_kind = IF $m % 2 = 1 THEN 'creator' ELSE 'teammate' END,
                        sender_id = IF $m % 2 = 1 THEN NONE ELSE $r.user END, sender_name = 'Someone',
                        text = 'Message body for the benchmark, about the length of a short creator reply.',
                        at = $r.first + $m * 3600000, status = IF $m % 2 = 1 THEN 'received' ELSE 'delivered' END,
                        classification = IF $m = 3 THEN { intents: [{ intent: 'rate', confidence: 90, evidence: [] }] }
                            ELSE IF $m = 1 AND $r.stale THEN { intents: [{ intent: 'auto_reply', confidence: 95, evidence: [] }] }
                            ELSE NONE END;
                };
                CREATE audit_event SET workspace = workspace:benchws, at = $r.first + 86400000, actor_kind = 'user',
                    actor_id = $r.user, action = 'enrollment.stage_changed', subject = 'enrollment:' + $r.id,
                    detail = { from: 'contacted', to: 'replied', reason: NONE };
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
    // The metric events the generator's writes appended are rolled up, as the server's roll-up
    // task would have done while they arrived.
    let started = Instant::now();
    let commits = server::rollup::roll_up_all(&db, now)
        .await
        .expect("roll-up");
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "rolled up {commits} commits of metric events ({threads} threads) in {secs:.1}s ({:.0} threads/s)",
        threads as f64 / secs
    );
    let caller = Caller {
        user_id: "u1".into(),
        workspace_id: "benchws".into(),
        role: Role::Owner,
        scope: Scope::Workspace,
    };
    let state = AppState::new(db, server::clock::Clock::manual(now), config);
    Scale {
        threads,
        state,
        caller,
    }
}

fn queries() -> [(&'static str, ReportQuery); 2] {
    [
        (
            "campaign",
            ReportQuery {
                campaign: Some("c3".into()),
                days: 90,
                ..Default::default()
            },
        ),
        (
            "workspace",
            ReportQuery {
                days: 90,
                ..Default::default()
            },
        ),
    ]
}

/// The drill-down apart (`--probe`): the threads behind the "over 24 h" bar, read from the
/// timelines, once per scope.
async fn probe(s: &Scale) {
    for (name, query) in queries() {
        let pick = ReportPick {
            query,
            figure: Figure::Bucket("24h+".into()),
        };
        let start = Instant::now();
        let ids = s
            .state
            .report_threads(&s.caller, &pick)
            .await
            .expect("drill-down");
        println!(
            "probe threads={} scope={name:<10} drill_down_ms={:.1} threads_behind={}",
            s.threads,
            start.elapsed().as_secs_f64() * 1000.0,
            ids.len()
        );
    }
}

async fn measure(s: &Scale, runs: usize) -> Vec<f64> {
    tokio::time::sleep(std::time::Duration::from_secs(10)).await;
    let mut all = Vec::new();
    for (name, q) in queries() {
        let times = time_runs(1, runs, || async {
            let view = s.state.report(&s.caller, &q).await.expect("report");
            assert!(view.report.contacted > 0, "{name}: nothing contacted");
        })
        .await;
        println!(
            "threads={:>7} scope={:<10} p50_ms={:>9.1} p99_ms={:>9.1}",
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

fn main() {
    let small = arg("--small", 10_000);
    let large = arg("--large", 100_000);
    let runs = arg("--runs", 10);
    let dir = dir_arg("creator-inbox-bench-b8");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let now = server::clock::Clock::System.now_ms() / DAY_MS * DAY_MS;
        let probing = std::env::args().any(|a| a == "--probe");
        let small_scale = build(&format!("{dir}/small"), small, now).await;
        let small_times = measure(&small_scale, runs).await;
        if probing {
            probe(&small_scale).await;
        }
        drop(small_scale);
        let large_scale = build(&format!("{dir}/large"), large, now).await;
        let large_times = measure(&large_scale, runs).await;
        if probing {
            probe(&large_scale).await;
        }
        let p50_small = percentile(&small_times, 0.5);
        let p50 = percentile(&large_times, 0.5);
        let p99 = percentile(&large_times, 0.99);
        println!(
            "small: {small} threads p50_ms={p50_small:.1}; large: {large} threads / {} messages",
            large * MESSAGES_PER_THREAD
        );
        println!(
            "BENCH B8 dashboard_p50_ms={p50:.1} dashboard_p99_ms={p99:.1} growth={:.2}",
            p50 / p50_small
        );
    });
    let _ = std::fs::remove_dir_all(&dir);
}

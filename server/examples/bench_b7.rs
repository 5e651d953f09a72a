//! Benchmark B7: a team's own data in. Imports 10,000 creators from a CSV file through the real
//! path — read and check the file (`app::domain::import`), keep it as a job, check every row
//! under the mapping (E.164 phones, emails, duplicates), then the import worker's chunks
//! (identity lookups, creator writes, the job's cursor) — `import_10k_s`; enrolls all of them in
//! one campaign at Prospect with their threads (`enroll_10k_s`); then opens the profile of a
//! creator in 20 campaigns with 2,000 messages, `--opens` times (`profile_p50_ms`,
//! `profile_p99_ms`). Embedded SurrealKV, release build.
//! Last line: `BENCH B7 import_10k_s=<s> enroll_10k_s=<s> profile_p99_ms=<ms> …`.
//!
//! Import and enrollment run `--runs` times (3), each in a fresh database; the figures are the
//! median, with every run's figure beside it.
//!
//! Usage: bench_b7 [--creators N] [--opens N] [--runs N]

use app::api::backend::{Caller, Scope};
use app::api::{CreatorsApi, ImportsApi};
use app::domain::import::{guess_mapping, read};
use app::model::{CreatorQuery, CreatorSelection, ImportSettings, Role};
use serde_json::json;
use server::bench_args::{arg, percentile};
use server::clock::Clock;
use server::db::{self, exec};
use server::state::AppState;
use std::time::Instant;

fn csv(creators: usize) -> String {
    let mut s = String::from("Name,Email,Phone,Instagram,Tags,Rate\n");
    for k in 0..creators {
        s.push_str(&format!(
            "Bench Creator {k},bench{k}@mail.test,(512) {:03}-{:04},@bench{k},bench7;food,\"$1,{:03}\"\n",
            200 + k / 10_000,
            k % 10_000,
            k % 1000
        ));
    }
    s
}

async fn seed(db: &db::Db, now: i64) {
    let campaigns: Vec<String> = (0..21).map(|i| format!("k{i:02}")).collect();
    exec(
        db,
        "CREATE workspace:bench SET name = 'Bench', created_at = $now;
         CREATE user:owner SET email = 'owner@bench.example', name = 'Olive Owner', password_hash = 'x', created_at = $now;
         CREATE membership SET workspace = workspace:bench, user = user:owner, role = 'owner', created_at = $now;
         CREATE client:brand SET workspace = workspace:bench, name = 'Brand', created_at = $now;
         FOR $k IN $campaigns {
             CREATE type::record('campaign', $k) SET workspace = workspace:bench, client = client:brand, name = 'Campaign ' + $k,
                 platform = 'Instagram', kind = 'gifting', brief = 'b', creator_guidance = 'g', negotiation_language = 'n',
                 compensation = 'Product', deliverables = ['1 Reel'], status = 'active', created_at = $now;
         };",
        json!({ "now": now, "campaigns": campaigns }),
    )
    .await
    .unwrap();
}

/// One creator in 20 campaigns (`k01`…`k20`) with `per_thread` messages in each thread.
async fn busy_creator(state: &AppState, caller: &Caller, per_thread: usize) -> String {
    let id = "busy".to_string();
    exec(
        &state.db,
        "CREATE creator:busy SET workspace = workspace:bench, name = 'Busy Creator', handle = '@busy', notes = '',
             identities = [{ channel: 'email', address: 'busy@mail.test', consent: 'granted' }], search = 'busy', created_at = $now;",
        json!({ "now": 1 }),
    )
    .await
    .unwrap();
    for k in 1..=20 {
        state
            .enroll_creators(
                caller,
                &CreatorSelection::Ids(vec![id.clone()]),
                &format!("k{k:02}"),
            )
            .await
            .unwrap();
    }
    let threads: Vec<String> = {
        let mut r = exec(
            &state.db,
            "SELECT VALUE record::id(id) FROM thread WHERE creator = creator:busy;",
            json!({}),
        )
        .await
        .unwrap();
        r.take(0).unwrap()
    };
    for (t, tid) in threads.iter().enumerate() {
        let rows: Vec<serde_json::Value> = (0..per_thread)
            .map(|m| {
                let text = format!("My rate is $1,500 for a Reel, here is the draft https://drive.example/d/m{t:02}x{m:04}");
                let inbound = m % 2 == 0;
                json!({ "id": format!("m{t:02}x{m:04}"), "at": 1_000_000 + (m * 20 + t) as i64, "inbound": inbound, "text": text,
                        "c": inbound.then(|| app::domain::classify::classify(&text)) })
            })
            .collect();
        exec(
            &state.db,
            "FOR $r IN $rows {
                 CREATE type::record('message', $r.id) SET workspace = workspace:bench, thread = type::record('thread', $tid),
                     direction = IF $r.inbound THEN 'inbound' ELSE 'outbound' END, channel = 'email',
                     sender_kind = IF $r.inbound THEN 'creator' ELSE 'teammate' END, sender_name = 'Someone',
                     text = $r.text, at = $r.at, status = 'delivered', classification = $r.c ?? NONE;
             };",
            json!({ "rows": rows, "tid": tid }),
        )
        .await
        .unwrap();
    }
    id
}

/// A fresh database at `dir`, migrated and seeded, and its owner.
async fn fresh_state(dir: &std::path::Path, now: i64) -> (AppState, Caller) {
    let (db, config) = server::bench_args::fresh_db(&dir.to_string_lossy(), now).await;
    seed(&db, now).await;
    let caller = Caller {
        user_id: "owner".into(),
        workspace_id: "bench".into(),
        role: Role::Owner,
        scope: Scope::Workspace,
    };
    (AppState::new(db, Clock::System, config), caller)
}

/// Imports `creators` from a CSV file, then enrolls them all in one campaign: (import s, enroll s).
async fn import_and_enroll(
    state: &AppState,
    caller: &Caller,
    creators: usize,
    now: i64,
) -> (f64, f64) {
    // Import: the file read and checked, kept as a job, every row checked, the worker's chunks.
    let file = csv(creators);
    let t = Instant::now();
    let table = read(file.as_bytes()).expect("a readable file");
    let mapping = guess_mapping(&table.headers);
    let job = server::store::imports::create(&state.db, caller, "bench.csv", "sha", &table, now)
        .await
        .unwrap();
    let settings = ImportSettings {
        mapping,
        country: "US".into(),
        update_existing: false,
        campaign_id: None,
    };
    let uploaded_s = t.elapsed().as_secs_f64();
    state.start_import(caller, &job, &settings).await.unwrap();
    let started_s = t.elapsed().as_secs_f64();
    while server::imports::run_once(state).await.unwrap() {}
    let import_s = t.elapsed().as_secs_f64();
    eprintln!(
        "  upload (read, keep) {uploaded_s:.2}s, start (check every row, keep) {:.2}s, worker {:.2}s",
        started_s - uploaded_s,
        import_s - started_s
    );
    let status = state.import_status(caller, &job).await.unwrap();
    assert_eq!(status.created as usize, creators, "{status:?}");
    eprintln!(
        "imported {} creators in {import_s:.2}s ({} skipped)",
        status.created, status.skipped
    );

    // Enroll every imported creator in one campaign, at Prospect, with their threads.
    let t = Instant::now();
    let all = CreatorSelection::Matching(CreatorQuery {
        tag: Some("bench7".into()),
        ..Default::default()
    });
    let out = state.enroll_creators(caller, &all, "k00").await.unwrap();
    let enroll_s = t.elapsed().as_secs_f64();
    assert_eq!(out.enrolled as usize, creators);
    eprintln!("enrolled {} creators in {enroll_s:.2}s", out.enrolled);
    (import_s, enroll_s)
}

#[tokio::main]
async fn main() {
    let creators = arg("--creators", 10_000);
    let opens = arg("--opens", 200);
    // Import and enrollment run this many times, each in a fresh database; the median counts
    // (this machine is noisy).
    let runs = arg("--runs", 3).max(1);
    let now = 1_795_442_700_000;
    let base = std::env::temp_dir().join(format!("bench-b7-{}", std::process::id()));
    let (mut imports, mut enrolls) = (Vec::new(), Vec::new());
    let mut last = None;
    for run in 0..runs {
        let (state, caller) = fresh_state(&base.join(run.to_string()), now).await;
        let (import_s, enroll_s) = import_and_enroll(&state, &caller, creators, now).await;
        imports.push(import_s);
        enrolls.push(enroll_s);
        last = Some((state, caller));
    }
    let (state, caller) = last.expect("one run at least");
    let dir = base;

    // The profile of a creator in 20 campaigns with 2,000 messages.
    let busy = busy_creator(&state, &caller, 100).await;
    let first = state.creator_profile(&caller, &busy).await.unwrap();
    assert_eq!(first.campaigns.len(), 20);
    let mut times = Vec::with_capacity(opens);
    for _ in 0..opens {
        let t = Instant::now();
        let p = state.creator_profile(&caller, &busy).await.unwrap();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(p.timeline.len(), server::store::profile::PROFILE_ENTRIES);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let (p50, p99) = (percentile(&times, 0.5), percentile(&times, 0.99));
    eprintln!("profile with 20 campaigns / 2,000 messages: p50 {p50:.1} ms, p99 {p99:.1} ms over {opens} opens");
    let _ = std::fs::remove_dir_all(&dir);
    let each = |v: &[f64]| {
        v.iter()
            .map(|s| format!("{s:.2}"))
            .collect::<Vec<_>>()
            .join("/")
    };
    let (import_each, enroll_each) = (each(&imports), each(&enrolls));
    let median = |mut v: Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        percentile(&v, 0.5)
    };
    let (import_s, enroll_s) = (median(imports), median(enrolls));
    println!(
        "BENCH B7 import_10k_s={import_s:.2} enroll_10k_s={enroll_s:.2} profile_p99_ms={p99:.1} profile_p50_ms={p50:.1} creators={creators} runs={runs} import_runs_s={import_each} enroll_runs_s={enroll_each}"
    );
}

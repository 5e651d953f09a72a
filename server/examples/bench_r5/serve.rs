//! The server process of R5: seeds the workspaces, connects their channels, runs the router and
//! the background workers as `server serve` does, and answers the load process on stdin:
//! `count TAG` → how many messages carry TAG, how many distinct provider ids they have. Every
//! provider it sends to (Twilio, Graph, the platforms' webhooks) is the load process's sink.

use serde_json::json;
use server::bench_rig;
use server::db::{exec, rows};
use std::io::{BufRead, Write};

/// Creators per workspace.
const CREATORS: usize = 60;

pub async fn serve(dir: String, workspaces: usize, sink: String) {
    // The server's warnings and errors go to stderr, as `server serve` writes them.
    let _ = tracing_subscriber::fmt()
        .with_env_filter("warn")
        .with_writer(std::io::stderr)
        .try_init();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let dir = std::path::PathBuf::from(dir);
    let _ = std::fs::remove_dir_all(&dir);
    let config = bench_rig::config(&dir, &base, &[("INBOX_OUTBOUND_ALLOW_HOSTS", "127.0.0.1")]);
    let db = server::db::connect(&config).await.expect("connect");
    let now = server::clock::Clock::System.now_ms();
    server::db::migrations::migrate(&db, now)
        .await
        .expect("migrate");
    let mut seeded = Vec::new();
    for w in 0..workspaces {
        // The seed takes names for the life of the program.
        let name: &'static str = Box::leak(format!("Bench Agency {w}").into_boxed_str());
        let domain: &'static str = Box::leak(format!("b{w}.example").into_boxed_str());
        let spec = server::seed::SeedSpec {
            name,
            email_domain: domain,
            password: bench_rig::PASSWORD,
            creators: CREATORS,
            campaigns: 3,
            rng_seed: 7 + w as u64,
        };
        let ws = server::seed::seed_workspace(&db, &spec, now)
            .await
            .expect("seed");
        bench_rig::connect(&db, &config, &ws, w == 0, now).await;
        server::store::api_channel::set_outbound_url(
            &db,
            &ws.workspace_id,
            Some(&format!("{sink}/platform")),
        )
        .await
        .expect("platform webhook");
        let owner = ws.user(app::model::Role::Owner).email.clone();
        let users: Vec<String> = ws.users.iter().map(|u| u.email.clone()).collect();
        seeded.push(
            json!({ "id": ws.workspace_id, "owner": owner, "users": users,
            "creators": CREATORS, "providers": w == 0 }),
        );
    }
    let state = server::state::AppState::new(db.clone(), server::clock::Clock::System, config);
    server::outbound::dispatcher::Dispatcher::new(state.clone()).spawn();
    server::automation::Automation::new(state.clone()).spawn();
    server::rollup::spawn(state.clone());
    server::imports::spawn(state.clone());
    let options = leptos::config::LeptosOptions::builder()
        .output_name("creator-inbox")
        .build();
    let (app, live) = server::http::router_with_live(state, options);
    assert!(
        live.wait_live(std::time::Duration::from_secs(10)).await,
        "live feed"
    );
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    println!(
        "{}",
        json!({ "port": port, "pid": std::process::id(), "workspaces": seeded })
    );
    std::io::stdout().flush().ok();
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap_or_default();
        let mut parts = line.split_whitespace();
        match (parts.next(), parts.next()) {
            (Some("count"), Some(tag)) => {
                let mut resp = exec(
                    &db,
                    "SELECT count() AS n, array::len(array::distinct(array::group(external_id))) AS ids
                        FROM message WHERE string::starts_with(text, $tag) GROUP ALL;",
                    json!({ "tag": tag }),
                )
                .await
                .expect("count");
                let found: Vec<serde_json::Value> = rows(&mut resp, 0).expect("count rows");
                let first = found
                    .first()
                    .cloned()
                    .unwrap_or(json!({ "n": 0, "ids": 0 }));
                println!("{first}");
                std::io::stdout().flush().ok();
            }
            _ => break,
        }
    }
}

//! `server` — the creator inbox's binary. See `server --help`.

use server::{clock::Clock, config::Config, db, http, seed, state::AppState};
use std::process::ExitCode;

const USAGE: &str = "\
Creator Inbox server

Usage: server [--config FILE] <command>

Commands:
  serve       migrate, seed the demo workspace if asked and the database is empty, then serve the app
  migrate     apply pending schema migrations and exit
  seed-demo   add the demo workspace (refuses if it already exists) and print its sign-in
  create-workspace --name NAME --owner-email EMAIL
              add a workspace and print its owner's one-time setup link (valid 24 hours)
  train-classifier [--train FILE]... [--out FILE]
              train the intent model from labeled JSON lines (default: the corpus's train split and
              the fixture set; add exported corrections with more --train) and write its weights
              (default app/data/intent_model.txt); run from the repository's root
  rebuild-metrics
              recount every thread's contribution to the Reports page's figures from its messages
              and audit trail, and the sums from them (run with the server stopped)
  rotate-secret
              seal every stored secret again under INBOX_SECRET (the new one), opening each with it
              or with INBOX_OLD_SECRET (the one before); run with the server stopped, then start it
              with the new secret
  export-labels [--workspace ID] [--out FILE]
              write the messages teammates corrected as labeled JSON lines (to stdout by default)
  help        show this help
";

fn leptos_options(config: &Config) -> leptos::config::LeptosOptions {
    let env = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_string());
    let site_root = env("LEPTOS_SITE_ROOT", "target/site");
    // A release build's hashed names, listed in the hash file it left in the site root.
    let hash_file = server::site_assets::hash_file(&site_root);
    leptos::config::LeptosOptions::builder()
        .output_name(env("LEPTOS_OUTPUT_NAME", "creator-inbox"))
        .site_pkg_dir(env("LEPTOS_SITE_PKG_DIR", "pkg"))
        .site_root(site_root)
        .hash_files(hash_file.is_some())
        .hash_file(
            hash_file
                .map_or("hash.txt".to_string(), |p| p.display().to_string())
                .into(),
        )
        .site_addr(config.bind)
        .build()
}

async fn open(config: &Config) -> Result<db::Db, String> {
    let db = db::connect(config)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    db::migrations::migrate(&db, Clock::System.now_ms())
        .await
        .map_err(|e| e.to_string())?;
    let sealed = server::store::api_channel::seal_plain_keys(&db, &config.server_secret)
        .await
        .map_err(|e| e.to_string())?;
    if sealed > 0 {
        println!("Sealed {sealed} API-channel key(s) kept in plain text before.");
    }
    Ok(db)
}

/// `train-classifier`: needs neither the database nor the configuration.
fn train_classifier(options: &[(String, String)]) -> Result<String, String> {
    let all = |name: &str| -> Vec<String> {
        options
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let mut files = all("--train");
    if files.is_empty() {
        files = server::labels::DEFAULT_TRAIN.map(String::from).to_vec();
    }
    let out = all("--out")
        .pop()
        .unwrap_or_else(|| server::labels::DEFAULT_MODEL.into());
    server::labels::train_files(&files, &out)
}

async fn run(command: &str, options: &[(String, String)], config: Config) -> Result<(), String> {
    let option = |name: &str| {
        options
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| format!("{command} needs {name}\n\n{USAGE}"))
    };
    match command {
        "export-labels" => {
            let db = open(&config).await?;
            let ws = option("--workspace").ok();
            let lines = server::store::labels::export(&db, ws.as_deref())
                .await
                .map_err(|e| e.to_string())?;
            match option("--out") {
                Ok(out) => {
                    std::fs::write(&out, lines.concat())
                        .map_err(|e| format!("cannot write {out}: {e}"))?;
                    println!("{} corrected message(s) written to {out}", lines.len());
                }
                Err(_) => print!("{}", lines.concat()),
            }
            Ok(())
        }
        "rotate-secret" => {
            let old = std::env::var("INBOX_OLD_SECRET")
                .ok()
                .filter(|s| !s.is_empty())
                .ok_or("rotate-secret needs INBOX_OLD_SECRET (the secret the values are sealed with now)")?;
            let db = open(&config).await?;
            let r = server::secret_rotation::rotate(&db, &old, &config.server_secret)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "Sealed {} value(s) again under the new secret; {} already were.",
                r.resealed, r.current
            );
            if !r.unopened.is_empty() {
                return Err(format!(
                    "{} value(s) open with neither secret (their connections must be entered again): {}",
                    r.unopened.len(),
                    r.unopened.join(", ")
                ));
            }
            Ok(())
        }
        "rebuild-metrics" => {
            let db = open(&config).await?;
            let now = Clock::System.now_ms();
            let threads = server::rollup::rebuild(&db, now)
                .await
                .map_err(|e| e.to_string())?;
            let commits = server::rollup::roll_up_all(&db, now)
                .await
                .map_err(|e| e.to_string())?;
            println!("recounted {threads} thread(s); {commits} waiting commit(s) of metric events rolled up");
            Ok(())
        }
        "create-workspace" => {
            let (name, email) = (option("--name")?, option("--owner-email")?);
            let db = open(&config).await?;
            let state = AppState::new(db, Clock::System, config);
            let link = state.create_workspace(&name, &email).await?;
            println!("Created the workspace {name:?}.");
            println!("Its owner ({email}) sets a name and password here (valid 24 hours, once):");
            println!("{}", link.url);
            Ok(())
        }
        "migrate" => {
            let db = db::connect(&config)
                .await
                .map_err(|e| format!("cannot open the database: {e}"))?;
            let applied = db::migrations::migrate(&db, Clock::System.now_ms())
                .await
                .map_err(|e| e.to_string())?;
            println!("migrations applied: {applied:?}");
            Ok(())
        }
        "seed-demo" => {
            let db = open(&config).await?;
            let demo = seed::seed_demo(&db, Clock::System.now_ms())
                .await
                .map_err(|e| e.to_string())?;
            println!("{}", demo.sign_in_banner());
            Ok(())
        }
        "serve" => {
            let db = open(&config).await?;
            if config.seed_demo && seed::is_empty(&db).await.map_err(|e| e.to_string())? {
                let demo = seed::seed_demo(&db, Clock::System.now_ms())
                    .await
                    .map_err(|e| e.to_string())?;
                println!("Seeded the demo workspace.");
                println!("{}", demo.sign_in_banner());
            } else if config.seed_demo {
                println!("{}", seed::DemoWorkspace::existing_banner());
            }
            let options = leptos_options(&config);
            let bind = config.bind;
            let public_url = config.public_url.clone();
            let state = AppState::new(db, Clock::System, config);
            server::outbound::dispatcher::Dispatcher::new(state.clone()).spawn();
            server::automation::Automation::new(state.clone()).spawn();
            server::rollup::spawn(state.clone());
            server::imports::spawn(state.clone());
            server::channels::email_imap::watch(state.clone());
            let app = http::router(state, options);
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .map_err(|e| format!("cannot listen on {bind}: {e}"))?;
            println!("Creator Inbox is running on {public_url}");
            let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await
                .map_err(|e| e.to_string())
        }
        other => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut config_file = None;
    let mut command = None;
    let mut options = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--config" => config_file = it.next().cloned(),
            "--name" | "--owner-email" | "--train" | "--out" | "--workspace" => match it.next() {
                Some(v) => options.push((a.clone(), v.clone())),
                None => {
                    eprintln!("{a} needs a value\n\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "-h" | "--help" | "help" => {
                println!("{USAGE}\n{}", server::config::HELP_VARS);
                return ExitCode::SUCCESS;
            }
            c if command.is_none() => command = Some(c.to_string()),
            extra => {
                eprintln!("unexpected argument {extra:?}\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    if command.as_deref() == Some("train-classifier") {
        return match train_classifier(&options) {
            Ok(summary) => {
                println!("{summary}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,surrealdb=warn,surrealkv=warn".into()),
        )
        .init();
    let config = match Config::load(config_file.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("configuration error: {e}\n\n{}", server::config::HELP_VARS);
            return ExitCode::from(2);
        }
    };
    if let Ok(path) = std::env::var("INBOX_INTENT_MODEL") {
        if let Err(e) = server::labels::install_model(&path) {
            eprintln!("configuration error: {e}");
            return ExitCode::from(2);
        }
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(command.as_deref().unwrap_or("serve"), &options, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

//! What the benchmark programs share: their numeric options (`--messages 6000`…), the folder
//! they work in, a fresh embedded database, timing a call many times, percentiles of their
//! figures, the wall clock and a process's resident memory.

use crate::config::{Config, DbTarget};
use crate::db::{self, Db};

/// The value after `name` on the command line (`--messages 6000`), else `default`.
pub fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The folder after `--dir`, else `name` in the temporary directory.
pub fn dir_arg(name: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--dir")
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| {
            std::env::temp_dir()
                .join(name)
                .to_string_lossy()
                .to_string()
        })
}

/// A fresh embedded SurrealKV database in `dir` (whatever was there is removed), migrated at
/// `now`, and the development configuration that opened it.
pub async fn fresh_db(dir: &str, now: i64) -> (Db, Config) {
    let _ = std::fs::remove_dir_all(dir);
    let vars = [
        (
            "INBOX_DATABASE".to_string(),
            format!("surrealkv://{dir}/db"),
        ),
        ("INBOX_DEV".to_string(), "1".to_string()),
    ]
    .into_iter()
    .collect();
    let config = Config::from_vars(&vars).expect("config");
    assert!(matches!(config.db, DbTarget::SurrealKv(_)));
    let db = db::connect(&config).await.expect("connect");
    db::migrations::migrate(&db, now).await.expect("migrate");
    (db, config)
}

/// The milliseconds `runs` calls of `call` took, sorted, after `warmup` calls that are not timed.
pub async fn time_runs<F, Fut>(warmup: usize, runs: usize, mut call: F) -> Vec<f64>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut times = Vec::with_capacity(runs);
    for i in 0..warmup + runs {
        let start = std::time::Instant::now();
        call().await;
        if i >= warmup {
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    times
}

/// The figure at fraction `p` of `sorted` (the nearest index).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

/// The wall clock in microseconds (two processes on one machine compare instants with it).
pub fn wall_us() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64)
}

/// The resident memory of process `pid`, in MB (Linux: `/proc/<pid>/status`); 0 if unreadable.
/// A process's resident kB per memory mapping (`/proc/PID/smaps`), keyed by its address range and
/// name: to see which mapping grew (the heap, an allocator arena, a database arena…).
pub fn rss_by_mapping(pid: u32) -> std::collections::HashMap<String, u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap_or_default();
    let mut out = std::collections::HashMap::new();
    let mut current = String::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let first = words.next().unwrap_or_default();
        if first.contains('-') && first.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            let name = line.split_whitespace().nth(5).unwrap_or("[anon]");
            current = format!("{first} {name}");
        } else if first == "Rss:" {
            let kb = words.next().and_then(|k| k.parse().ok()).unwrap_or(0);
            out.insert(current.clone(), kb);
        }
    }
    out
}

/// The mappings that grew most between two `rss_by_mapping` readings: (mapping, grown kB).
pub fn grown_mappings(
    before: &std::collections::HashMap<String, u64>,
    after: &std::collections::HashMap<String, u64>,
    top: usize,
) -> Vec<(String, i64)> {
    let mut grown: Vec<(String, i64)> = after
        .iter()
        .map(|(k, a)| {
            (
                k.clone(),
                *a as i64 - before.get(k).copied().unwrap_or(0) as i64,
            )
        })
        .filter(|(_, d)| *d > 0)
        .collect();
    grown.sort_by_key(|g| std::cmp::Reverse(g.1));
    grown.truncate(top);
    grown
}

pub fn rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

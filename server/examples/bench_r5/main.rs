//! Benchmark R5: the server under a steady mixed load for minutes. This program re-runs itself
//! with `--serve` as the server (embedded SurrealKV, the real router, live feed, dispatcher,
//! automation and roll-up, as `server serve` runs them), so the server's memory is its own.
//!
//! The load, from this process, over loopback: `--sessions` live websocket sessions spread over
//! `--workspaces` workspaces (several teammates signed in to each); inbound messages at `--rate`
//! a second, open loop (each sent on its tick whether or not earlier ones were answered: Twilio
//! SMS, Instagram and API-channel webhooks, signed as each provider signs; 1% are provider
//! redeliveries); and, mixed in, inbox pages, replies (sent to providers this process plays) and
//! sign-ins. Each inbound text carries its send time; every socket of its workspace records when
//! the message first arrived. A socket the server closes (it fell behind) reconnects a second
//! later from its cursor and gets what it missed replayed, as the browser does.
//!
//! Counted at the end: each message stored once (none lost, none doubled), each socket given
//! each message of its workspace once. Memory is read from /proc every ten seconds.
//!
//! Usage: bench_r5 [--minutes M] [--quick] [--rate R] [--sessions N] [--workspaces W]
//! Last line: `BENCH R5 minutes=… inbound_per_s=… live_sessions=… errors=… ack_p99_ms=…
//! push_p99_ms=… rss_mb=…` and the counts behind them.

mod load;
mod serve;
mod sessions;

use server::bench_args::{arg, percentile};
use std::time::Duration;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if let Some(i) = args.iter().position(|a| a == "--serve") {
        let at = |k: usize| {
            args.get(i + k)
                .cloned()
                .expect("--serve DIR WORKSPACES SINK")
        };
        rt.block_on(serve::serve(
            at(1),
            at(2).parse().expect("workspaces"),
            at(3),
        ));
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let plan = load::Plan {
        run: Duration::from_secs(60 * arg("--minutes", if quick { 2 } else { 10 }) as u64),
        rate: arg("--rate", 300),
        sessions: arg("--sessions", 200),
        workspaces: arg("--workspaces", 10),
    };
    let r = rt.block_on(load::run(&plan));
    let mut ack = r.ack_ms.clone();
    let mut push = r.push_ms.clone();
    ack.sort_by(|a, b| a.total_cmp(b));
    push.sort_by(|a, b| a.total_cmp(b));
    let pct = |v: &[f64], p: f64| {
        if v.is_empty() {
            f64::NAN
        } else {
            percentile(v, p)
        }
    };
    let (ack_p50, ack_p99) = (pct(&ack, 0.5), pct(&ack, 0.99));
    let (push_p50, push_p99) = (pct(&push, 0.5), pct(&push, 0.99));
    println!(
        "inbound: {} sent ({} redeliveries), {} acknowledged, ack p50 {ack_p50:.1} ms p99 {ack_p99:.1} ms, {} turned away while busy (sent again after Retry-After)",
        r.sent, r.redelivered, r.acked, r.turned_away
    );
    println!(
        "live: {} of {} sessions never dropped, {} deliveries, push p50 {push_p50:.1} ms p99 {push_p99:.1} ms, {} missed, {} reconnects after the server closed a socket that fell behind, {} resyncs",
        r.live_sessions,
        plan.sessions,
        push.len(),
        r.missed_deliveries,
        r.reconnects,
        r.resyncs
    );
    println!(
        "mixed in: {} inbox pages, {} replies, {} sign-ins; {} sends reached the providers",
        r.pages, r.replies, r.sign_ins, r.provider_posts
    );
    println!(
        "stored {} of {} distinct messages ({} lost, {} doubled); errors: {:?}",
        r.stored, r.unique, r.lost, r.doubled, r.error_kinds
    );
    println!(
        "server rss: after warm-up {:.1} MB, at the end {:.1} MB, highest {:.1} MB",
        r.rss_warm_mb, r.rss_end_mb, r.rss_max_mb
    );
    println!(
        "BENCH R5 minutes={:.1} inbound_per_s={:.0} live_sessions={} errors={} ack_p99_ms={ack_p99:.1} push_p99_ms={push_p99:.1} rss_mb={:.1} rss_warm_mb={:.1} lost={} doubled={} missed_pushes={} turned_away={}",
        plan.run.as_secs_f64() / 60.0,
        r.acked as f64 / plan.run.as_secs_f64(),
        r.live_sessions,
        r.errors,
        r.rss_end_mb,
        r.rss_warm_mb,
        r.lost,
        r.doubled,
        r.missed_deliveries,
        r.turned_away,
    );
}

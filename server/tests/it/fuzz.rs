//! Fuzzing in the README test command (issue 21): every target's corpus is replayed, a bounded
//! property-based pass feeds each one random and mutated inputs (`server::fuzz`), and the HTTP
//! hooks are sent random bodies — signed, so they reach the parsers — and must answer each with
//! a clear 2xx or 4xx, never a 5xx, writing nothing for a refused one. `bash .ci/fuzz.sh` runs
//! the long, coverage-guided fuzzing of the same targets.

use crate::common;

use app::model::{ApiChannelSettings, Role};
use common::Harness;
use hmac::{Hmac, Mac};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use serde_json::json;
use sha2::Sha256;
use std::path::PathBuf;

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|f| std::fs::read(f).unwrap())
        .collect()
}

/// Inputs near the corpus: a seed with bytes changed, cut or repeated, or random bytes.
fn inputs(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    let seed = proptest::sample::select(seeds);
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..512),
        (
            seed.clone(),
            proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16)
        )
            .prop_map(|(mut s, edits)| {
                for (at, b) in edits {
                    if !s.is_empty() {
                        let i = at.index(s.len());
                        s[i] = b;
                    }
                }
                s
            }),
        (seed.clone(), any::<prop::sample::Index>()).prop_map(|(s, at)| {
            let cut = if s.is_empty() { 0 } else { at.index(s.len()) };
            s[..cut].to_vec()
        }),
        (seed, 1usize..40).prop_map(|(s, n)| s.repeat(n)),
    ]
}

#[test]
fn every_target_takes_its_corpus_and_random_inputs_without_panicking() {
    for (name, target) in server::fuzz::TARGETS {
        let seeds = corpus(name);
        assert!(!seeds.is_empty(), "{name} has a corpus");
        for s in &seeds {
            target(s);
        }
        let mut runner = TestRunner::new(Config {
            cases: 300,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&inputs(seeds), |input| {
                target(&input);
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

const META_SECRET: &str = "fuzz-meta-app-secret";

#[tokio::test]
async fn the_hooks_answer_random_bodies_with_a_clear_refusal_and_write_nothing() {
    let h = Harness::with_config(
        3,
        1,
        &[
            ("INBOX_META_APP_SECRET", META_SECRET),
            ("INBOX_META_VERIFY_TOKEN", "v"),
        ],
    )
    .await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let settings: ApiChannelSettings = h
        .call("api_channel_settings", Some(&owner), json!({}))
        .await
        .unwrap();
    let count = || async {
        h.query("SELECT count() FROM message GROUP ALL;", json!({}))
            .await
    };
    let before = count().await;
    let mut runner = TestRunner::new(Config {
        cases: 1,
        failure_persistence: None,
        ..Config::default()
    });
    let mut bodies: Vec<(&str, Vec<u8>)> = Vec::new();
    for (target, n) in [("api_hook", 40), ("instagram", 40), ("twilio", 40)] {
        let strategy = inputs(corpus(target));
        for _ in 0..n {
            let value = strategy.new_tree(&mut runner).unwrap().current();
            bodies.push((target, value));
        }
    }
    let ts = (h.state.clock.now_ms() / 1000).to_string();
    let api_path = format!("/hooks/api/{}", h.a.workspace_id);
    for (target, body) in bodies {
        let (status, _) = match target {
            "api_hook" => {
                let sig = server::channels::signature::sign(&settings.secret, &ts, &body);
                h.request(
                    "POST",
                    &api_path,
                    &[
                        ("content-type", "application/json"),
                        ("x-inbox-timestamp", &ts),
                        ("x-inbox-signature", &sig),
                    ],
                    body.clone(),
                )
                .await
            }
            "instagram" => {
                let mut mac = Hmac::<Sha256>::new_from_slice(META_SECRET.as_bytes()).unwrap();
                mac.update(&body);
                let sig = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
                h.request(
                    "POST",
                    "/hooks/instagram",
                    &[
                        ("content-type", "application/json"),
                        ("x-hub-signature-256", &sig),
                    ],
                    body.clone(),
                )
                .await
            }
            _ => {
                h.request(
                    "POST",
                    "/hooks/twilio/sms",
                    &[("content-type", "application/x-www-form-urlencoded")],
                    body.clone(),
                )
                .await
            }
        };
        let code = status.as_u16();
        assert!(
            (200..500).contains(&code),
            "{target} answered {code} to {:?}",
            String::from_utf8_lossy(&body)
        );
    }
    // Random bodies name no creator of the workspace: nothing lands in a thread.
    assert_eq!(count().await, before);
}

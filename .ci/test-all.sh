#!/usr/bin/env bash
# Every check the project has: formatting, clippy (warnings denied) for the server and the wasm
# graphs, the wasm graph's invariants, unit and integration tests, and Playwright in Chromium.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_build_tools
install_test_tools

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy: server graph (app with ssr)"
cargo clippy -p server --all-targets -- -D warnings

step "clippy: browser graph (app with hydrate, wasm32)"
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "invariant: the wasm graph links no server-only crate"
forbidden='^(surrealdb|surrealdb-core|tokio|axum|hyper|lettre|argon2|tower-http)$'
found="$(cargo tree -p frontend --target wasm32-unknown-unknown -e normal --prefix none --format '{p}' | awk '{print $1}' | sort -u | grep -E "$forbidden" || true)"
if [ -n "$found" ]; then
  echo "server-only crates in the wasm graph: $found" >&2
  exit 1
fi
echo "ok: no server-only crates in the wasm graph"

step "unit and integration tests"
cargo test -p app -p server

step "two server instances on one real SurrealDB server (the surreal binary from tools/surreal)"
cargo build -p surreal-server
SURREAL_BIN="$CARGO_TARGET_DIR/debug/surreal" cargo test -p server --test multi_instance -- --ignored

step "building the app for the browser tests"
cargo leptos build

step "Playwright in Chromium"
export INBOX_SERVER_BIN="$CARGO_TARGET_DIR/debug/server"
(cd end2end && npx playwright test)

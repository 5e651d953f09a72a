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

step "invariant: SurrealQL only in server/src/store (and db, seed)"
bash .ci/sql-placement.sh

step "a real SurrealDB server for the multi-instance test (the surreal binary from tools/surreal)"
cargo build -p surreal-server

step "unit and integration tests (including two server instances on that SurrealDB server)"
# One invocation, so the test builds share one feature set; --include-ignored runs the slower
# multi-instance test that plain `cargo test` skips.
SURREAL_BIN="$CARGO_TARGET_DIR/debug/surreal" cargo test -p app -p server -- --include-ignored

step "building the browser bundle as users get it (release wasm, hashed, precompressed) for the browser tests"
build_release_site --frontend-only

step "Playwright in Chromium"
export INBOX_SERVER_BIN="$CARGO_TARGET_DIR/debug/server"
# As CI: the suite starts its own servers and retries a failed spec once (playwright.config.ts
# says which specs have failed once in many runs, and why a retry is allowed).
(cd end2end && CI=1 npx playwright test)

#!/usr/bin/env bash
# Coverage-guided fuzzing of one target of `server::fuzz` (needs a nightly toolchain; installs
# cargo-fuzz once): `bash .ci/fuzz.sh <target> [seconds]` (default 600). Targets: email,
# instagram, twilio, api_hook, inbox_query, csv_import. New inputs that find new coverage are added
# to `server/fuzz/corpus/<target>/` (commit the useful ones: the README test command replays them).
# A crash leaves its input in `server/fuzz/artifacts/` and fails the run.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
target="${1:?usage: bash .ci/fuzz.sh <email|instagram|twilio|api_hook|inbox_query|csv_import> [seconds]}"
seconds="${2:-600}"
if ! rustup toolchain list | grep -q '^nightly'; then
  echo "coverage-guided fuzzing needs a nightly toolchain (rustup toolchain install nightly);" >&2
  echo "the README test command's bounded pass (tests/it/fuzz.rs) runs on stable" >&2
  exit 2
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  step "installing cargo-fuzz (once)"
  cargo install cargo-fuzz --locked
fi
cd "$ROOT/server"
export INBOX_FUZZ_TARGET="$target"
# Its own target dir: a sanitizer build shares nothing with the others.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR%/}-fuzz"
cargo +nightly fuzz run fuzz "fuzz/corpus/$target" -- -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10

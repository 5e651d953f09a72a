#!/usr/bin/env bash
# Runs a benchmark program in a release build: `bash .ci/bench.sh B1`, `… B2`, `… B3`, `… B4`, `… B5`, `… B7`, `… B8`, `… R5` or `… C1`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# B2 opens a thousand sockets in each of its two processes.
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
case "${1:-}" in
  B1) shift; cargo run --release -p server --example bench_b1 -- "$@" ;;
  B2) shift; cargo run --release -p server --example bench_b2 -- "$@" ;;
  B3) shift; cargo run --release -p server --bin bench_b3 -- "$@" ;;
  B5) shift; bash "$ROOT/.ci/bench-b5.sh" "$@" ;;
  B4) shift; cargo run --release -p server --example bench_b4 -- "$@" ;;
  B7) shift; cargo run --release -p server --example bench_b7 -- "$@" ;;
  B8) shift; cargo run --release -p server --bin bench_b8 -- "$@" ;;
  R5) shift; cargo run --release -p server --example bench_r5 -- "$@" ;;
  C1) shift; cargo run --release -p app --example bench_c1 -- "$@" ;;
  *) echo "usage: bash .ci/bench.sh B1 [--messages N] [--concurrency N] [--costs N] | B2 [--events N] [--subscribers N] | B3 [--small N] [--large N] [--runs N] | B4 [--creators N] [--dispatch N] | B5 | B7 [--creators N] [--opens N] [--runs N] | B8 [--small N] [--large N] [--runs N] | R5 [--quick] [--minutes M] [--rate R] [--sessions N] [--workspaces W] | C1 [--test FILE] [--misses] | C1 --cv K" >&2; exit 2 ;;
esac

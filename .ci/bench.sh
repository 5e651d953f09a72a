#!/usr/bin/env bash
# Runs a benchmark program in a release build: `bash .ci/bench.sh B3`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
case "${1:-}" in
  B3) shift; cargo run --release -p server --bin bench_b3 -- "$@" ;;
  *) echo "usage: bash .ci/bench.sh B3 [--small N] [--large N] [--runs N]" >&2; exit 2 ;;
esac

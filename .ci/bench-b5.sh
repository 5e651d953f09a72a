#!/usr/bin/env bash
# Benchmark B5 (`bash .ci/bench.sh B5`): builds what the run command serves (the `serve` server
# profile and the release browser bundle), then measures its load in Chromium: end2end/bench-b5.mjs.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_build_tools
install_test_tools
build_release_site
cd end2end
INBOX_SERVER_BIN="$CARGO_TARGET_DIR/serve/server" node bench-b5.mjs "$@"

#!/usr/bin/env bash
# Builds and serves the creator inbox on http://127.0.0.1:3000 with an embedded SurrealDB
# (SurrealKV files under ./data, or INBOX_DATABASE). Seeds the demo workspace on first start.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_build_tools
step "building (first time about 20 minutes; afterwards about 3)"
build_release_site
mkdir -p data
# A server secret generated once per checkout and kept with the data.
if [ -z "${INBOX_SECRET:-}" ]; then
  [ -s data/.server-secret ] || (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > data/.server-secret)
  INBOX_SECRET="$(cat data/.server-secret)"
  export INBOX_SECRET
fi
export INBOX_DATABASE="${INBOX_DATABASE:-surrealkv://data/inbox.db}"
export INBOX_SEED_DEMO="${INBOX_SEED_DEMO:-1}"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
step "starting"
exec "$CARGO_TARGET_DIR/serve/server" serve

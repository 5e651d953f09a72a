#!/usr/bin/env bash
# Adds a workspace of your own to the run command's database and prints its owner's one-time
# setup link: `bash .ci/create-workspace.sh --name "Northwind Agency" --owner-email you@agency.example`.
# The embedded database is opened by one process at a time: stop the app first (with a SurrealDB
# server, `INBOX_DATABASE=ws://…`, it can keep running).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ -x "$CARGO_TARGET_DIR/serve/server" ] || cargo build --profile serve -p server
if [ -z "${INBOX_SECRET:-}" ] && [ -s data/.server-secret ]; then
  INBOX_SECRET="$(cat data/.server-secret)"
  export INBOX_SECRET
fi
export INBOX_DATABASE="${INBOX_DATABASE:-surrealkv://data/inbox.db}"
exec "$CARGO_TARGET_DIR/serve/server" create-workspace "$@"

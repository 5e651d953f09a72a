#!/usr/bin/env bash
# Invariant: SurrealQL lives in server/src/store/ (and migrations in db/, the demo data in seed/,
# the benchmark programs and their helpers `bench_args.rs`, `bench_rig.rs`). Fails, naming each line, when a SurrealQL statement keyword appears in
# any other server source outside a comment.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
keywords='\b(SELECT|UPSERT|INSERT INTO|DELETE|UPDATE|CREATE|RELATE|DEFINE|REMOVE|KILL|BEGIN TRANSACTION|COMMIT TRANSACTION|WHERE|FROM|ORDER BY|GROUP BY)\b'
found="$(find server/src -name '*.rs' \
  -not -path 'server/src/store/*' -not -path 'server/src/db/*' -not -path 'server/src/seed/*' \
  -not -path 'server/src/bin/bench_*' -not -name 'bench_args.rs' -not -name 'bench_rig.rs' -print0 \
  | xargs -0 grep -nE "$keywords" \
  | grep -vE '^[^:]+:[0-9]+:\s*//' || true)"
if [ -n "$found" ]; then
  echo "SurrealQL outside server/src/store (move it into a store module):" >&2
  echo "$found" >&2
  exit 1
fi
echo "ok: SurrealQL only in server/src/store, db and seed"

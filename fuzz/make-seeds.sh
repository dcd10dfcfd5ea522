#!/usr/bin/env bash
# Seeds the fuzz corpora from real bundles: demo data exported with `zoufang export`, and their
# records documents (prefixed with the byte that selects their kind in the `records` target).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p fuzz/corpus/bundle fuzz/corpus/records
for seed in 1 2 3; do
  db="$tmp/seed-$seed.sqlite"
  target/debug/zoufang --db "$db" --lang en demo --visits $((seed * 4)) --seed "$seed" >/dev/null
  # A version-2 bundle: one visit with a small attached file.
  visit=$(target/debug/zoufang --db "$db" --json list visits | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
  printf 'seed %s\n' "$seed" >"$tmp/note-$seed.txt"
  target/debug/zoufang --db "$db" --lang en attach "$visit" "$tmp/note-$seed.txt" >/dev/null
  target/debug/zoufang --db "$db" --lang en export --all --out "fuzz/corpus/bundle/demo-$seed.zfb" >/dev/null
  # The first byte picks the kind: 0 topic, 1 subject, 2 visit, 3 finding, 4 attachment.
  i=0
  for kind in topic subject visit finding attachment; do
    python3 - "$i" "fuzz/corpus/bundle/demo-$seed.zfb" "records/$kind.json" \
      "fuzz/corpus/records/$kind-$seed.json" <<'PY'
import sys, zipfile
index, bundle, entry, out = sys.argv[1:]
with zipfile.ZipFile(bundle) as z, open(out, "wb") as f:
    f.write(bytes([int(index)]))
    f.write(z.read(entry))
PY
    i=$((i + 1))
  done
done
ls fuzz/corpus/bundle fuzz/corpus/records

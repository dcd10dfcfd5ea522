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
  target/debug/zoufang --db "$db" --lang en export --all --force --out "fuzz/corpus/bundle/demo-$seed.zfb" >/dev/null
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
# The hostile corpus of issue 19, made from the first demo bundle: each file is what an
# attacker would send (tests/hostile_bundles.rs refuses each), a starting point for mutations.
python3 - fuzz/corpus/bundle/demo-1.zfb fuzz/corpus/bundle fuzz/corpus/records <<'PY'
import hashlib, json, sys, zipfile
src, bundles, records = sys.argv[1:]
KINDS = ["topic", "subject", "visit", "finding", "attachment"]

def load():
    with zipfile.ZipFile(src) as z:
        return {n: z.read(n) for n in z.namelist()}

def save(name, entries):
    manifest = json.loads(entries["manifest.json"])
    manifest["entries"] = {
        n: {"size": len(b), "sha256": hashlib.sha256(b).hexdigest()}
        for n, b in entries.items() if n != "manifest.json"
    }
    entries["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(f"{bundles}/hostile-{name}.zfb", "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in entries.items():
            z.writestr(n, b)
    for kind in KINDS:
        doc = entries.get(f"records/{kind}.json")
        if doc is not None and name.startswith(kind[:3]):
            with open(f"{records}/hostile-{name}.json", "wb") as f:
                f.write(bytes([KINDS.index(kind)]) + doc)

def hostile(name, kind, change):
    entries = load()
    doc = json.loads(entries[f"records/{kind}.json"])
    change(doc["records"])
    entries[f"records/{kind}.json"] = json.dumps(doc, ensure_ascii=False).encode()
    save(name, entries)

def tombstone(r):
    r[0]["deleted_at"] = "2026-05-01T00:00:00Z"
    r[0]["clocks"]["deleted_at"] = "001777777777777.000000.evil"

hostile("top-builtin-tombstone", "topic", tombstone)
hostile("fin-long-title", "finding", lambda r: r[0]["data"].update(title="长" * 50_000))
hostile("fin-huge-count", "finding", lambda r: r[0]["data"].update(people_affected=2**63 - 1))
hostile("vis-nil-id", "visit", lambda r: r[0].update(id="00000000-0000-0000-0000-000000000000"))
hostile("vis-year-1900", "visit", lambda r: r[0]["data"].update(date="1900-01-01"))
hostile("vis-year-9999", "visit", lambda r: r[0]["data"].update(date="9999-12-31"))
hostile("vis-zero-width-place", "visit", lambda r: r[0]["data"].update(place="\u200b\ufeff"))
hostile("vis-counter-overflow", "visit",
        lambda r: r[0]["clocks"].update(place="001780000000000.4294967295.evil"))
hostile("vis-far-future", "visit",
        lambda r: r[0]["clocks"].update(place="9000000000000000000.000000.evil"))
hostile("vis-escape-sequences", "visit",
        lambda r: r[0]["data"].update(place="\u001b]0;pwned\u0007\u001b[2J"))
hostile("att-size-mismatch", "attachment", lambda r: r[0]["data"].update(size_bytes=999_999))
entries = load()
del entries["records/subject.json"]
manifest = json.loads(entries["manifest.json"])
manifest["counts"]["subject"] = 5
entries["manifest.json"] = json.dumps(manifest).encode()
save("manifest-absent-kind", entries)
PY
ls fuzz/corpus/bundle fuzz/corpus/records

#!/usr/bin/env bash
# The long crash-consistency check: `zoufang import` of a large bundle killed with SIGKILL at
# 200 random moments (or $1), each followed by SQLite's integrity check and a comparison of the
# records with the states before and after the import. Prints the seed, to replay a failure with
# ZOUFANG_CRASH_SEED=<seed> scripts/crash-test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export ZOUFANG_KILLS="${1:-200}"
exec cargo test --test crash_import -- --nocapture

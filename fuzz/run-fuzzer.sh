#!/bin/sh
# run-fuzzer.sh FUZZER WORK_DIR DICT SEED_DIR...
# Runs a libFuzzer target of gluster-peer for $GP_FUZZ_SECONDS seconds
# (default 10), starting from the seed directories. New inputs go to
# WORK_DIR/corpus (never into the source tree), a crashing input to
# WORK_DIR/artifacts/. DICT is a libFuzzer dictionary, or "" for none.
# Exits non-zero when the fuzzer found a crash, a leak or a timeout: copy
# the artifact to tests/fuzz-regressions/<target>/ with the fix.
set -eu

fuzzer=$1
work=$2
dict=$3
shift 3
seconds=${GP_FUZZ_SECONDS:-10}

# GLib < 2.76 keeps g_slice memory in its own slabs, where LeakSanitizer
# cannot see a leak.
export G_SLICE=always-malloc

mkdir -p "$work/corpus" "$work/artifacts"
set -- -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" "$@"
if [ -n "$dict" ]; then
  set -- -dict="$dict" "$@"
fi
echo "run-fuzzer: $fuzzer $*" >&2
exec "$fuzzer" "$@"

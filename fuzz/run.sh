#!/usr/bin/env bash
# Runs every cargo-fuzz target for FUZZ_SECONDS each (default 30), or until FUZZ_RUNS executions when set,
# on a corpus seeded from the test vectors. Installs cargo-fuzz when missing; needs the nightly toolchain.
# A crash, panic, timeout or out-of-memory fails the run and leaves the input in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-30}"
runs="${FUZZ_RUNS:--1}"
targets="${FUZZ_TARGETS:-decode jwks verify policy_parse policy_eval check}"
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz: the nightly toolchain is required (rustup toolchain install nightly)" >&2; exit 1
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.2
python3 seed-corpus.py
mkdir -p logs
for t in $targets; do
  echo "fuzz: $t (${seconds}s, runs limit $runs)"
  # -timeout: one input taking over 10 s is a finding; -rss_limit_mb: so is 2 GiB of memory.
  if ! cargo +nightly fuzz run -O "$t" "corpus/$t" -- -max_total_time="$seconds" -runs="$runs" \
      -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"logs/$t.log" 2>&1; then
    tail -n 40 "logs/$t.log" >&2
    echo "fuzz: $t FAILED (input in fuzz/artifacts/$t/)" >&2
    exit 1
  fi
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|cov: ' "logs/$t.log" | tail -n 3
done
echo "fuzz: all targets ran clean"

#!/usr/bin/env bash
# `make bench` / `make bench-smoke`: cold start, warm overhead, artifact size and cost of the auth API.
#   bench/bench.sh          full run (15 cold starts, 10000 warm iterations per route) -> bench/results.md
#   bench/bench.sh --smoke  one short pass (3 cold starts, 200 iterations) -> target/bench/smoke.md
# Figures are printed, never asserted; the exit status is non-zero only if the harness breaks.
set -euo pipefail
cd "$(dirname "$0")/.."
T="${CARGO_TARGET_DIR:-target}"  # where cargo puts the binaries
mode="${1:-full}"
RUNS="${BENCH_RUNS:-15}" ITERS="${BENCH_ITERS:-10000}" OUT=bench/results.md TITLE="Performance (latest \`make bench\`)"
if [ "$mode" = "--smoke" ]; then RUNS=3 ITERS=200 OUT=target/bench/smoke.md TITLE="Performance (smoke run, figures not meaningful)"; fi

# One cargo invocation, niced (shared machine): the Lambda binary with the product's release profile,
# and the driver with the same profile so the router it measures is compiled as shipped.
nice cargo build --release --bin bootstrap --bin auth-bench

mkdir -p target/bench
rm -f target/bench/bootstrap.zip
# Lambda's custom runtime wants an executable named `bootstrap` at the zip's root.
# (python's zipfile rather than the `zip` command, which a fresh machine may not have)
python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z: z.write(sys.argv[1], "bootstrap")' \
  "$T"/release/bootstrap target/bench/bootstrap.zip

if ! "$T"/release/auth-bench --bootstrap "$T"/release/bootstrap --zip target/bench/bootstrap.zip \
      --runs "$RUNS" --iters "$ITERS" --out "$OUT" --title "$TITLE" 2>target/bench/auth-bench.log; then
  echo "--- last lines of target/bench/auth-bench.log" >&2
  grep -v '"target":"audit"' target/bench/auth-bench.log | tail -20 >&2 || true
  echo "--- last lines of target/bench/bootstrap.log" >&2
  tail -20 target/bench/bootstrap.log >&2 || true
  exit 1
fi
echo "(written to $OUT)"

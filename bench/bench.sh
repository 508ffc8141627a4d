#!/usr/bin/env bash
# `make bench` / `make bench-smoke`: cold start, warm overhead, artifact size and cost of the auth API.
#   bench/bench.sh          full run -> bench/results.md: cold starts over TLS at the CPU share of 128, 256
#                           and 1024 MB and unconfined (15 Rust, 5 Node each), 10000 warm rounds per route
#   bench/bench.sh --smoke  one short pass of the same paths (256 MB and unconfined, 2 Rust and 1 Node
#                           cold start each, 200 warm rounds) -> target/bench/smoke.md
# Figures are printed, never asserted; the exit status is non-zero only if the harness breaks.
set -euo pipefail
cd "$(dirname "$0")/.."
T="${CARGO_TARGET_DIR:-target}"  # where cargo puts the binaries
mode="${1:-full}"
RUNS="${BENCH_RUNS:-15}" NODE_RUNS="${BENCH_NODE_RUNS:-5}" MEMORY="${BENCH_MEMORY:-128,256,1024}" ITERS="${BENCH_ITERS:-10000}"
OUT=bench/results.md TITLE="Performance (latest \`make bench\`)"
if [ "$mode" = "--smoke" ]; then RUNS=2 NODE_RUNS=1 MEMORY=256 ITERS=200 OUT=target/bench/smoke.md TITLE="Performance (smoke run, figures not meaningful)"; fi

mkdir -p target/bench
if [ "$mode" = "--smoke" ]; then
  # The smoke run checks the harness and prints the shipped artifact's size, so it takes the binary the construct
  # ships: the same cargo-lambda command as cargo-lambda-cdk's bundling and bin/build-package.js, a cache hit after
  # `make synth-check` (make test runs that first) instead of a second fat-LTO release build. The driver is a dev
  # build: its in-process warm figures are not meaningful in a smoke run anyway (make bench builds it as shipped).
  PATH="$PWD/.venv/bin:$PATH" nice cargo lambda build --lambda-dir target/bench/lambda --release --x86-64 --bin bootstrap --flatten bootstrap
  BOOTSTRAP=target/bench/lambda/bootstrap
  nice cargo build -p auth-bench
  BENCH="$T"/debug/auth-bench
else
  # Niced (shared machine). The Lambda binary exactly as the construct ships it (cargo-lambda builds
  # the auth-api package alone, so its dependencies' features are auth-api's), then the driver with
  # the same profile so the router it measures in-process is compiled as shipped.
  nice cargo build --release -p auth-api --bin bootstrap
  nice cargo build --release -p auth-bench
  BOOTSTRAP="$T"/release/bootstrap
  BENCH="$T"/release/auth-bench
fi

rm -f target/bench/bootstrap.zip
# Lambda's custom runtime wants an executable named `bootstrap` at the zip's root.
# (python's zipfile rather than the `zip` command, which a fresh machine may not have)
python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z: z.write(sys.argv[1], "bootstrap")' \
  "$BOOTSTRAP" target/bench/bootstrap.zip

if ! "$BENCH" --bootstrap "$BOOTSTRAP" --zip target/bench/bootstrap.zip \
      --runs "$RUNS" --node-runs "$NODE_RUNS" --memory "$MEMORY" --iters "$ITERS" \
      --out "$OUT" --title "$TITLE" 2>target/bench/auth-bench.log; then
  echo "--- last lines of target/bench/auth-bench.log" >&2
  grep -v '"target":"audit"' target/bench/auth-bench.log | tail -20 >&2 || true
  echo "--- last lines of target/bench/cold.log (the functions' own output)" >&2
  tail -20 target/bench/cold.log >&2 || true
  exit 1
fi
echo "(written to $OUT)"

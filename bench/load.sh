#!/usr/bin/env bash
# `make load`: wrk against the local server (release `auth-local`, the same router as Lambda) in front
# of the local Cognito emulator, a 50/50 login + userinfo mix, LOAD_SECONDS (60) per connection count
# in LOAD_CONNS ("1 4 16"). Writes bench/load.md. Exits non-zero if any answer is neither 200 nor 429,
# or wrk saw a socket error or timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
T="${CARGO_TARGET_DIR:-target}"  # where cargo puts the binaries
CONNS="${LOAD_CONNS:-1 4 16}" SECS="${LOAD_SECONDS:-60}" OUT="${LOAD_OUT:-bench/load.md}"
PY=.venv/bin/python
test -x "$PY" || { echo "no $PY: run \`make venv\` first" >&2; exit 1; }
if ! command -v wrk >/dev/null; then
  apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }
fi
nice cargo build --release --bin auth-local
mkdir -p target/bench
export DEV_CONFIRMATION_CODE=123456

emu="" api=""
# Files from an earlier run would hand out a dead port: start clean.
rm -f target/bench/emulator.json target/bench/auth-local.out target/bench/wrk.log
cleanup() { [ -n "$api" ] && kill "$api" 2>/dev/null; [ -n "$emu" ] && kill "$emu" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT
"$PY" tests/local-cognito/local_cognito.py --port 0 --bootstrap >target/bench/emulator.json 2>target/bench/emulator.log &
emu=$!
for _ in $(seq 1 150); do [ -s target/bench/emulator.json ] && break; sleep 0.1; done
field() { "$PY" -c "import json; print(json.load(open('target/bench/emulator.json'))['$1'])"; }

AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_ENDPOINT_URL="$(field endpoint)" \
COGNITO_USER_POOL_ID="$(field userPoolId)" COGNITO_APP_CLIENT_ID="$(field clientId)" \
COGNITO_APP_CLIENT_SECRET="$(field clientSecret)" CORS_ORIGIN=http://localhost:5173 PORT=0 LOG_FORMAT=json \
  "$T"/release/auth-local >target/bench/auth-local.out 2>target/bench/auth-local.log &
api=$!
base=""
for _ in $(seq 1 100); do
  base="$(grep -o 'http://[0-9.:]*' target/bench/auth-local.out 2>/dev/null || true)"; [ -n "$base" ] && break; sleep 0.1
done
[ -n "$base" ] || { echo "auth-local did not start" >&2; cat target/bench/auth-local.log >&2; exit 1; }

export BENCH_EMAIL="load-$RANDOM@example.com" BENCH_PASSWORD='Corr3ct-Horse-Battery!'
post() { curl -sS -f -X POST "$base$1" -H 'content-type: application/json' -d "$2"; }
post /auth/register "{\"email\":\"$BENCH_EMAIL\",\"password\":\"$BENCH_PASSWORD\"}" >/dev/null
post /auth/verify "{\"email\":\"$BENCH_EMAIL\",\"code\":\"123456\"}" >/dev/null
BENCH_ACCESS_TOKEN="$(post /auth/login "{\"email\":\"$BENCH_EMAIL\",\"password\":\"$BENCH_PASSWORD\"}" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')"
export BENCH_ACCESS_TOKEN

rss() { awk '/^VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
hwm() { awk '/^VmHWM/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14+$15)/hz}' "/proc/$1/stat"; }

{
  echo "## Load (latest \`make load\`)"
  echo
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M') UTC; machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores; commit $(git rev-parse --short HEAD)"
  echo "- wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}') against release \`auth-local\` + the local Cognito emulator (moto, single-threaded, one global lock), ${SECS} s per row, 50/50 POST /auth/login + GET /auth/userinfo (bench/load.lua)"
  echo
  echo "| connections | requests/s | p50 | p99 | max | 200 | 429 | other errors | API RSS before -> after (peak) | CPU s used: API / emulator |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
} >"$OUT.tmp"

bad=0
for c in $CONNS; do
  t=$(( c < 2 ? c : 2 ))
  r0="$(rss $api)"; a0="$(cpu $api)"; e0="$(cpu $emu)"
  echo "wrk: $c connections, $SECS s ..." >&2
  line="$(wrk -t"$t" -c"$c" -d"${SECS}s" --timeout 10s -s bench/load.lua "$base" | tee -a target/bench/wrk.log | grep '^RESULT')"
  r1="$(rss $api)"; h1="$(hwm $api)"; a1="$(cpu $api)"; e1="$(cpu $emu)"
  get() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<" ${line#RESULT}"; }
  ok=$(get ok) r429=$(get r429) other=$(get other)
  sock=$(( $(get sock_connect) + $(get sock_read) + $(get sock_write) + $(get timeout) ))
  errs=$(( other + sock ))
  [ "$errs" -eq 0 ] || bad=1
  rps=$(awk -v n="$(get requests)" -v d="$(get duration_us)" 'BEGIN{printf "%.1f", n/(d/1e6)}')
  msf() { awk -v u="$1" 'BEGIN{printf "%.1f ms", u/1000}'; }
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s -> %s MiB (%s) | %s / %s |\n' "$c" "$rps" "$(msf "$(get p50_us)")" \
    "$(msf "$(get p99_us)")" "$(msf "$(get max_us)")" "$ok" "$r429" "$errs" "$r0" "$r1" "$h1" \
    "$(awk -v a="$a0" -v b="$a1" 'BEGIN{printf "%.1f", b-a}')" "$(awk -v a="$e0" -v b="$e1" 'BEGIN{printf "%.1f", b-a}')" >>"$OUT.tmp"
done
{
  echo
  echo "The emulator is the bottleneck: moto handles one Cognito call at a time under a global lock and"
  echo "spends several times the API's CPU per request (last column), so throughput levels off at the"
  echo "emulator's rate and added connections only add queueing latency. These rows measure the emulator,"
  echo "not the API's capacity; the API's own cost per request is the warm overhead table in bench/results.md."
  echo "\"other errors\" counts answers that are neither 200 nor 429, plus wrk socket errors and timeouts; it"
  echo "must be 0. RSS is the API process's (VmRSS before and after the row, VmHWM in brackets)."
} >>"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
cat "$OUT"
[ "$bad" -eq 0 ] || { echo "load: errors other than 429 (see target/bench/wrk.log)" >&2; exit 1; }

#!/usr/bin/env bash
# `make contract`: schemathesis against the local API (emulator + auth-local, started here on a
# free port by tests/local-cognito/dev.sh and stopped on exit) with the checked-in cdk/openapi.json,
# plus a tour of every route's real flows whose responses are checked against the same document.
# Fails on any server error, any response the document does not describe, or an error code the
# document does not list for that route and status.
# Env: MAX_EXAMPLES (per operation, default 50), SEED (default fixed; SEED=random for a new one),
#      CHECKS (default below), SPEC (default cdk/openapi.json). Extra arguments go to schemathesis.
set -euo pipefail
cd "$(dirname "$0")/../.."
SPEC="${SPEC:-cdk/openapi.json}"
MAX_EXAMPLES="${MAX_EXAMPLES:-50}"
SEED="${SEED:-5}"
CHECKS="${CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,negative_data_rejection,ignored_auth,missing_required_header,unsupported_method}"
[ -f "$SPEC" ] || { echo "$SPEC does not exist (yet): it is generated from the Rust types" >&2; exit 1; }
[ -x target/debug/auth-local ] || { echo "build the API first: cargo build --bin auth-local" >&2; exit 1; }
[ -x .venv/bin/schemathesis ] || { echo "schemathesis is missing: make venv" >&2; exit 1; }

port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p .dev
log=.dev/contract-stack.log
: >"$log" # emptied before the start: the readiness check must not read a previous run's banner
# Its own session and process group, so that stopping it stops the emulator and the API with it.
setsid env PORT="$port" DEMO_PORT=0 REFERENCE_PORT=0 tests/local-cognito/dev.sh >"$log" 2>&1 &
stack=$!
stop() {
  trap - EXIT
  # The group exists once setsid has run in the child: a stop right after the start retries.
  for _ in $(seq 1 50); do
    kill -TERM -- "-$stack" 2>/dev/null && break
    kill -0 "$stack" 2>/dev/null || break
    sleep 0.1
  done
  wait "$stack" 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT TERM
for _ in $(seq 1 300); do
  grep -q 'Ctrl-C stops everything.' "$log" 2>/dev/null && break
  kill -0 "$stack" 2>/dev/null || { echo "the local API did not start:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.1
done
grep -q 'Ctrl-C stops everything.' "$log" || { echo "the local API was not ready after 30 s:" >&2; cat "$log" >&2; exit 1; }
base="http://127.0.0.1:$port"

seed_args=(--seed "$SEED")
[ "$SEED" = random ] && seed_args=()
# One schemathesis run, with a fresh confirmed user's access token so that bearer routes answer
# more than 401s.
root=$PWD
spec_abs=$(realpath "$SPEC")
work=$root/.dev/contract  # schemathesis keeps its cache (.schemathesis/) in its working folder
mkdir -p "$work"
contract() {
  local name=$1; shift
  local token
  token=$(.venv/bin/python tests/contract/session.py "$base")
  echo "== schemathesis: $*"
  (cd "$work" && "$root/.venv/bin/schemathesis" run "$spec_abs" \
    --url "$base" \
    --checks "$CHECKS" \
    --max-examples "$MAX_EXAMPLES" \
    "${seed_args[@]}" \
    --workers 1 \
    --request-timeout 10 \
    --header "Authorization: Bearer $token" \
    --output-sanitize true \
    --report junit --report-dir "$work/report/$name" \
    "${EXTRA[@]}" "$@")
}
EXTRA=("$@")
failed=()
# 1. Every route along real flows (valid credentials, codes, sessions), each response checked
#    against the document: the success bodies random inputs never reach.
echo "== flows (tests/contract/test_flows.py)"
CONTRACT_BASE_URL="$base" SPEC="$SPEC" .venv/bin/python -m pytest -q -p no:cacheprovider tests/contract || failed+=(flows)
# 2. schemathesis: generated and mutated inputs on every operation.
# Logout and account deletion end the token they are sent with: each gets its own user, and the
# other routes run first with a token that stays valid.
contract main --exclude-operation-id logout --exclude-operation-id deleteUser || failed+=(main)
contract "logout" --include-operation-id logout || failed+=(logout)
contract "deleteUser" --include-operation-id deleteUser || failed+=(deleteUser)
if [ ${#failed[@]} -gt 0 ]; then
  echo "contract: failed in: ${failed[*]} (API log: $log; reports: .dev/contract/report)" >&2
  exit 1
fi
echo "contract: no server errors, every response matches $SPEC"

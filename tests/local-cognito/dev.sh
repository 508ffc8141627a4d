#!/usr/bin/env bash
# `make dev`: the local Cognito emulator plus the API's local server (the same router as Lambda).
# Env: PORT (default 3000), CORS_ORIGIN (default http://localhost:5173), DEV_CONFIRMATION_CODE
# (default 123456: the code for sign-up confirmation and password reset).
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEV_CONFIRMATION_CODE="${DEV_CONFIRMATION_CODE:-123456}"
PORT="${PORT:-3000}"
mkdir -p .dev
info=.dev/local-cognito.json

.venv/bin/python tests/local-cognito/local_cognito.py --port 0 --bootstrap >"$info" &
emu=$!
api=""
cleanup() {
  trap - INT TERM EXIT
  [ -n "$api" ] && kill "$api" 2>/dev/null || true
  kill "$emu" 2>/dev/null || true
  wait 2>/dev/null || true
  echo "stopped the API and the local Cognito"
}
trap cleanup INT TERM EXIT

for _ in $(seq 1 100); do [ -s "$info" ] && break; kill -0 "$emu" 2>/dev/null || { echo "local Cognito failed to start" >&2; exit 1; }; sleep 0.1; done
field() { .venv/bin/python -c "import json,sys; print(json.load(open('$info'))['$1'])"; }

export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local
export AWS_ENDPOINT_URL="$(field endpoint)"
export COGNITO_USER_POOL_ID="$(field userPoolId)" COGNITO_APP_CLIENT_ID="$(field clientId)"
export COGNITO_APP_CLIENT_SECRET="$(field clientSecret)"
export CORS_ORIGIN="${CORS_ORIGIN:-http://localhost:5173}"
export PORT

target/debug/auth-local &
api=$!
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  kill -0 "$api" 2>/dev/null || { echo "the API failed to start (is port $PORT free? set PORT=...)" >&2; exit 1; }
  sleep 0.1
done
cat <<MSG

  Auth API:        http://127.0.0.1:$PORT   (try: curl -s -XPOST localhost:$PORT/auth/register -H 'content-type: application/json' -d '{"email":"me@example.com","password":"Passw0rd!x"}')
  Local Cognito:   $AWS_ENDPOINT_URL   (pool $COGNITO_USER_POOL_ID)
  Codes:           every emailed code is $DEV_CONFIRMATION_CODE (DEV_CONFIRMATION_CODE); nothing is sent
  CORS origin:     $CORS_ORIGIN
  Ctrl-C stops both.

MSG
wait "$api"

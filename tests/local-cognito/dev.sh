#!/usr/bin/env bash
# `make dev`: the local Cognito emulator plus the API's local server (the same router as Lambda),
# and the demo page (examples/demo) served from another origin, so the browser does real CORS.
# Env: PORT (default 3000), DEMO_PORT (default 5173; DEMO_PORT=0: no demo page), CORS_ORIGIN
# (default http://localhost:$DEMO_PORT), DEV_CONFIRMATION_CODE (default 123456: the code for
# sign-up confirmation and password reset), SESSION_COOKIE (default off; on: the browser session
# mode, the refresh token in an HttpOnly cookie with Max-Age from cdk/user-pool.json, and the demo
# page linked with the API on localhost, the page's site), REFERENCE_PORT (default 5174; 0: no API
# reference page), EMAIL_OTP (default off; on: the local pool sends "through Amazon SES" (a made-up
# configuration; nothing is sent), so it offers sign-in with an emailed code, as a deployed pool
# does only with the email prop set to SES), SIGN_UP_EMAIL_DOMAINS (default unset; a comma list of
# domains: only their addresses may sign up, and the local pool runs the pre sign-up trigger, as the
# stack's signUpEmailDomains prop does), TRIGGER_PORT (default: a free port; where auth-local serves
# the Cognito triggers behind Lambda's Invoke API, which the local pool invokes), APP_PORT (default:
# the port of the first origin of the first app of cdk/apps.json that lists origins; 0: not served):
# that app's demo page, the same page served a second time as that app (X-App-Id, its own app
# client), so two apps share one local pool. The end-to-end and contract tests run this script too,
# on free ports.
# the Cognito triggers behind Lambda's Invoke API, which the local pool invokes), LEGACY_USERS (default
# unset; a comma list of address:password: a local legacy system (tests/legacy/legacy_server.py, Argon2id
# hashes) holds those users, and the local pool runs the user migration trigger against it, as the
# stack's userMigration prop does: the first login of such an address moves it in). The end-to-end and
# contract tests run this script too, on free ports. CUSTOM_MESSAGES (default unset; the customMessages prop's JSON,
# e.g. CUSTOM_MESSAGES='{"productName":"Acme Notes"}'): the local pool runs the custom message trigger, so every code
# goes out in its branded template, and sends "through Amazon SES" (as the prop needs: EMAIL_OTP on too); the emails
# are at GET <Local Cognito>/_local/messages.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEV_CONFIRMATION_CODE="${DEV_CONFIRMATION_CODE:-123456}"
PORT="${PORT:-3000}"
DEMO_PORT="${DEMO_PORT:-5173}"
mkdir -p .dev
info=.dev/local-cognito.json
[ "$PORT" = 3000 ] || info=".dev/local-cognito.$PORT.json"   # runs on other ports do not clash

EMAIL_OTP="${EMAIL_OTP:-off}"
# Branded emails need a pool that sends with SES (Cognito refuses a trigger's email from its default sender).
[ -n "${CUSTOM_MESSAGES:-}" ] && EMAIL_OTP=on
case "$EMAIL_OTP" in
  on) ses=(--ses) ;;
  off) ses=() ;;
  *) echo "EMAIL_OTP must be on or off (got $EMAIL_OTP)" >&2; exit 2 ;;
esac
# The Cognito triggers (cdk/triggers.json) the settings turn on, as the stack's props do; the pool
# invokes them on auth-local's trigger listener (this project's own handlers).
triggers=()
[ -n "${SIGN_UP_EMAIL_DOMAINS:-}" ] && triggers+=(preSignUp)
[ -n "${TOKEN_CLAIMS:-}" ] && triggers+=(preTokenGeneration)   # the tokenClaims prop's JSON, e.g. TOKEN_CLAIMS='{"groups":[{"group":"admins","roles":["admin"]}]}'
[ -n "${LEGACY_USERS:-}" ] && triggers+=(userMigration)
[ -n "${CUSTOM_MESSAGES:-}" ] && triggers+=(customMessage)
TRIGGER_PORT="${TRIGGER_PORT:-$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
trigger_args=()
if [ ${#triggers[@]} -gt 0 ]; then
  trigger_args=(--triggers "$(IFS=,; echo "${triggers[*]}")" --lambda-endpoint "http://127.0.0.1:$TRIGGER_PORT")
fi
.venv/bin/python tests/local-cognito/local_cognito.py --port 0 --bootstrap "${ses[@]}" "${trigger_args[@]}" >"$info" &
emu=$!
legacy=""
legacy_line="(none: LEGACY_USERS=me@example.com:Legacy-Passw0rd!9 starts one)"
if [ -n "${LEGACY_USERS:-}" ]; then
  # The shared secret of this run only; the trigger signs with it, the legacy server checks it.
  export LEGACY_AUTH_SECRET="$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(32))')"
  legacy_args=()
  IFS=, read -ra legacy_users <<<"$LEGACY_USERS"
  for u in "${legacy_users[@]}"; do legacy_args+=(--user "$u"); done
  .venv/bin/python tests/legacy/legacy_server.py --port 0 "${legacy_args[@]}" >.dev/legacy.url 2>.dev/legacy.log &
  legacy=$!
  for _ in $(seq 1 100); do [ -s .dev/legacy.url ] && break; sleep 0.1; done
  export LEGACY_AUTH_URL="$(head -1 .dev/legacy.url)/authenticate"
  legacy_line="$LEGACY_AUTH_URL   (users: ${LEGACY_USERS%%:*}...; requests seen: ${LEGACY_AUTH_URL%/authenticate}/_stats)"
fi
api=""
page=""
app_page=""
reference=""
cleanup() {
  trap - INT TERM EXIT
  [ -n "$reference" ] && kill "$reference" 2>/dev/null || true
  [ -n "$page" ] && kill "$page" 2>/dev/null || true
  [ -n "$app_page" ] && kill "$app_page" 2>/dev/null || true
  [ -n "$api" ] && kill "$api" 2>/dev/null || true
  [ -n "$legacy" ] && kill "$legacy" 2>/dev/null || true
  kill "$emu" 2>/dev/null || true
  wait 2>/dev/null || true
  [ "$PORT" = 3000 ] || rm -f "$info"
  echo "stopped the API and the local Cognito${page:+ and the demo page}${reference:+ and the API reference}"
}
# Waits until something listens on 127.0.0.1:$1; stops with $3 if process $2 dies first.
wait_for_port() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "$3" >&2; exit 1; }
    sleep 0.1
  done
}
trap cleanup INT TERM EXIT

for _ in $(seq 1 100); do [ -s "$info" ] && break; kill -0 "$emu" 2>/dev/null || { echo "local Cognito failed to start" >&2; exit 1; }; sleep 0.1; done
field() { .venv/bin/python -c "import json,sys; print(json.load(open('$info'))['$1'])"; }

export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local
export AWS_ENDPOINT_URL="$(field endpoint)"
export COGNITO_USER_POOL_ID="$(field userPoolId)" COGNITO_APP_CLIENT_ID="$(field clientId)"
export COGNITO_APP_CLIENT_SECRET="$(field clientSecret)"
export PASSWORD_POLICY="$(field passwordPolicy)"   # from cdk/user-pool.json, as the stack passes it
export FIRST_AUTH_FACTORS="$(field firstAuthFactors)"   # the local pool's first factors (EMAIL_OTP only with EMAIL_OTP=on)
# With EMAIL_OTP=on the emulator also serves the counter of emailed sign-in codes (DynamoDB, moto),
# as the stack creates it: at most cdk/email-code-limit.json's figure per address and hour.
export EMAIL_CODE_LIMIT_TABLE="$(.venv/bin/python -c "import json; print(json.load(open('$info')).get('emailCodeLimitTable', ''))")"
export PORT TRIGGER_PORT
export SIGN_UP_EMAIL_DOMAINS="${SIGN_UP_EMAIL_DOMAINS:-}"   # the register route checks it too, as deployed
# The API's own app (`default`) has the origins of CORS_ORIGIN; the apps of cdk/apps.json with origins
# have their own app clients (the emulator made them: the ready line's apps[].userClient), and
# AUTH_APPS lists them all as the stack does (default first). The first such app is served as a
# second demo page: on APP_PORT (when given, that app's one origin is http://localhost:$APP_PORT).
# CORS then answers every app's origins.
own_origins="${CORS_ORIGIN:-http://localhost:$DEMO_PORT}"
read -r AUTH_APPS CORS_ORIGIN app_id app_origin < <(APP_PORT="${APP_PORT:-}" OWN="$own_origins" .venv/bin/python - "$info" <<'PY'
import json, os, sys
ready = json.load(open(sys.argv[1]))
own = [o.strip() for o in os.environ["OWN"].split(",") if o.strip()]
apps = [{"id": "default", "clientId": ready["clientId"], "clientSecret": ready["clientSecret"], "origins": own}]
served = None
for a in ready.get("apps", []):
    if "userClient" not in a:
        continue
    origins = a["origins"]
    if served is None and origins:
        port = os.environ.get("APP_PORT") or origins[0].rsplit(":", 1)[-1]
        if os.environ.get("APP_PORT"):
            origins = [f"http://localhost:{port}"] if port != "0" else origins
        served = (a["id"], origins[0], port)
    apps.append({"id": a["id"], "clientId": a["userClient"]["clientId"], "clientSecret": a["userClient"]["clientSecret"], "origins": origins})
every = []
for a in apps:
    every += [o for o in a["origins"] if o not in every]
app_id, app_origin, port = served if served else ("-", "-", "0")
if port == "0":
    app_origin = "-"
print(json.dumps(apps, separators=(",", ":")) if len(apps) > 1 else "-", ",".join(every) or "-", app_id, app_origin)
PY
)
apps_line="every app's: default and the apps of cdk/apps.json with origins, in AUTH_APPS"
[ "$AUTH_APPS" = - ] && AUTH_APPS="" apps_line="one app, default"
[ "$CORS_ORIGIN" = - ] && CORS_ORIGIN=""
export AUTH_APPS CORS_ORIGIN
export PORT
export TOKEN_CLAIMS="${TOKEN_CLAIMS:-}"   # the pre token generation trigger's rules (tokenClaims)
export CUSTOM_MESSAGES="${CUSTOM_MESSAGES:-}"   # the custom message trigger's product name and links (customMessages)
# Browser session mode: what the stack passes with sessionCookie on (the cookie's Max-Age is the
# pool definition's refresh token validity). Cookies are sent only within one site, so the demo
# page (localhost:$DEMO_PORT) then calls the API as localhost:$PORT, not 127.0.0.1.
export SESSION_COOKIE="${SESSION_COOKIE:-off}"
api_host=127.0.0.1
if [ "$SESSION_COOKIE" = on ]; then
  export SESSION_COOKIE_MAX_AGE="$(.venv/bin/python -c "import json; print(json.load(open('cdk/user-pool.json'))['tokenValidity']['refreshTokenDays'] * 86400)")"
  api_host=localhost
fi

target/debug/auth-local &
api=$!
wait_for_port "$PORT" "$api" "the API failed to start (is port $PORT free? set PORT=...)"

# The demo page: a static folder served by Python's http.server on another origin than the API
# (localhost vs 127.0.0.1, and another port). Built here if needed; without Node it is skipped.
page_line="(not served: DEMO_PORT=0)"
if [ "$DEMO_PORT" != 0 ]; then
  demo=examples/demo
  if [ ! -f "$demo/dist/index.html" ] || [ -n "$(find "$demo/src" "$demo/static" client/dist -newer "$demo/dist/index.html" -type f 2>/dev/null | head -1)" ]; then
    echo "building the demo page ($demo)..."
    if ! { { [ -f "$demo/node_modules/.installed" ] || { (cd "$demo" && npm ci --no-audit --no-fund --loglevel=error) && touch "$demo/node_modules/.installed"; }; } \
          && (cd "$demo" && npm run --silent build); }; then
      echo "warning: could not build the demo page; serving the API only (try: make demo)" >&2
      DEMO_PORT=0
      page_line="(not served: the build failed; try make demo)"
    fi
  fi
fi
if [ "$DEMO_PORT" != 0 ]; then
  .venv/bin/python -m http.server "$DEMO_PORT" --bind 127.0.0.1 --directory examples/demo/dist >.dev/demo-page.log 2>&1 &
  page=$!
  wait_for_port "$DEMO_PORT" "$page" "the demo page server failed to start (is port $DEMO_PORT free? set DEMO_PORT=...)"
  page_query="api=http://$api_host:$PORT"
  [ "$SESSION_COOKIE" = on ] && page_query="$page_query&session=cookie"
  page_line="http://localhost:$DEMO_PORT/?$page_query   (its requests: .dev/demo-page.log)"
fi
# The same page as the app $app_id, on that app's origin (its own port: another origin, the same site).
app_line="(not served: no app of cdk/apps.json lists origins, APP_PORT=0 or DEMO_PORT=0)"
if [ "$DEMO_PORT" != 0 ] && [ "$app_origin" != - ]; then
  app_port="${app_origin##*:}"
  .venv/bin/python -m http.server "$app_port" --bind 127.0.0.1 --directory examples/demo/dist >.dev/demo-app-page.log 2>&1 &
  app_page=$!
  wait_for_port "$app_port" "$app_page" "the $app_id app's page server failed to start (is port $app_port free? set APP_PORT=...)"
  app_line="$app_origin/?$page_query&app=$app_id   (the app $app_id: X-App-Id, its own app client)"
fi

# The API reference: cdk/openapi.json in Swagger UI, every asset bundled into
# examples/api-reference/dist by `make api-reference` (which `make dev` runs first), so the page
# makes no request to the network. A static folder, like the demo page.
REFERENCE_PORT="${REFERENCE_PORT:-5174}"
reference_line="(not served: REFERENCE_PORT=0)"
if [ "$REFERENCE_PORT" != 0 ]; then
  ref=examples/api-reference/dist
  if [ ! -f "$ref/index.html" ]; then
    reference_line="(not built: make api-reference)"
  else
    [ "$ref/openapi.json" -nt cdk/openapi.json ] || echo "warning: $ref is older than cdk/openapi.json (make api-reference)" >&2
    .venv/bin/python -m http.server "$REFERENCE_PORT" --bind 127.0.0.1 --directory "$ref" >.dev/api-reference.log 2>&1 &
    reference=$!
    wait_for_port "$REFERENCE_PORT" "$reference" "the API reference server failed to start (is port $REFERENCE_PORT free? set REFERENCE_PORT=...)"
    reference_line="http://localhost:$REFERENCE_PORT/   (cdk/openapi.json, every route)"
  fi
fi

cat <<MSG

  Auth API:        http://127.0.0.1:$PORT   (try: curl -s -XPOST localhost:$PORT/auth/register -H 'content-type: application/json' -d '{"email":"me@example.com","password":"Corr3ct-Horse!9"}')
  OpenAPI:         http://127.0.0.1:$PORT/auth/openapi.json
  API reference:   $reference_line
  Demo page:       $page_line
  Second app:      $app_line
  Local Cognito:   $AWS_ENDPOINT_URL   (pool $COGNITO_USER_POOL_ID)
  Codes:           every emailed code is $DEV_CONFIRMATION_CODE (DEV_CONFIRMATION_CODE); nothing is sent
  Emails:          $AWS_ENDPOINT_URL/_local/messages   (CUSTOM_MESSAGES='{"productName":"Acme"}': branded by the custom message trigger)
  CORS origins:    $CORS_ORIGIN   ($apps_line)
  Session cookie:  $SESSION_COOKIE   (SESSION_COOKIE=on: refresh token in an HttpOnly cookie)
  First factors:   $FIRST_AUTH_FACTORS   (EMAIL_OTP=on: sign-in with an emailed code, as with SES)
  Triggers:        ${triggers[*]:-none}   on http://127.0.0.1:$TRIGGER_PORT   (SIGN_UP_EMAIL_DOMAINS=example.com: pre sign-up, only those addresses may sign up)
  Legacy system:   $legacy_line
  Ctrl-C stops everything.

MSG
wait "$api"

#!/usr/bin/env python3
"""Local Cognito emulator for `make dev` and the Rust integration tests.

Layout: LocalCognitoResponse (below) is composed of one mixin of operations per feature module
beside this file: codes.py (sign-up, reset codes), signin.py (auth flows, challenges; sessions.py),
tokens.py (minting, revocation), rotation.py (GetTokensFromRefreshToken, refresh-token rotation),
users.py (passwords, usernames, own account), mfa.py (TOTP), admin.py, triggers.py (Lambda triggers),
choice_signin.py (USER_AUTH and its challenges), passkeys.py (WebAuthn registration and credentials),
machine.py (resource-server scopes on clients, the token endpoint's client-credentials grant);
shared: core.py (errors, lookups), controls.py (/_local settings), wsgi_app.py (WSGI front), fidelity.py.
New operation: a method named as moto names it (e.g. get_tokens_from_refresh_token) on a mixin in a
new module beside this file, with its helpers; add the mixin to LocalCognitoResponse's bases.

Serves the Cognito user pools JSON protocol (the one the AWS SDKs speak) on
127.0.0.1, built on moto's cognito-idp backend (moto 5.2.5) with the gaps that
matter to this project filled in: SECRET_HASH everywhere, confirmation codes
that can be wrong or expired, PreventUserExistenceErrors, real TOTP, token
revocation, RevokeToken / DeleteUser / ResendConfirmationCode, GetTokensFromRefreshToken
with refresh-token rotation, choice-based sign-in (USER_AUTH: passkeys, email one-time
codes, password), the passkey operations, and a control endpoint for failure drills.

    .venv/bin/python tests/local-cognito/local_cognito.py [--host 127.0.0.1] [--port 0] [--bootstrap] [--relying-party-id ID]
        [--triggers preSignUp,...] [--lambda-endpoint http://127.0.0.1:PORT]

When ready it prints exactly one JSON line on stdout, e.g.
    {"endpoint": "http://127.0.0.1:PORT", "region": "us-east-1",
     "userPoolId": "...", "clientId": "...", "clientSecret": "..."}
(the last three with --bootstrap only), and "tokenEndpoint": the pool domain's /oauth2/token on the
same port (machine.py). With --bootstrap, "apps" lists each app of cdk/apps.json (or --apps FILE)
with its resource server and machine clients (clientId, clientSecret, scopes). Everything else goes
to stderr.
It runs until SIGTERM or SIGINT and then exits 0.

Environment: DEV_CONFIRMATION_CODE (default 123456) is the only code that
ConfirmSignUp and ConfirmForgotPassword accept, and the email one-time code of
USER_AUTH sign-in.

--bootstrap creates the pool and app client from cdk/user-pool.json, the file the
CDK construct reads too (see fidelity.py), and adds the functions' PASSWORD_POLICY
value to the ready line as "passwordPolicy". Its passkey relying-party id is
passkeys.relyingPartyId of that file (localhost), or --relying-party-id. It sends
with Cognito's default sender, so it does not offer EMAIL_OTP as a first factor
(firstAuthFactorsNeedingSes of that file), unless --ses gives it an Amazon SES
configuration (make dev EMAIL_OTP=on); the ready line's "firstAuthFactors" is
the list the functions get (FIRST_AUTH_FACTORS).

--triggers gives the bootstrap pool the LambdaConfig the stack gives a pool with those triggers of
cdk/triggers.json on (ready line: "triggers"); --lambda-endpoint is where the emulator invokes their
functions with Lambda's Invoke API (auth-local's TRIGGER_PORT listener; or later, POST /_local/lambda).
triggers.py says which operations run which trigger and what Cognito does with each answer.

Control endpoint (same port):
    GET    /_local/faults   current settings
    POST   /_local/faults   replace settings with the JSON body; {} resets. Keys:
             throttle (bool)                every Cognito call -> TooManyRequestsException
             delaySeconds (number)          every Cognito call sleeps first
             errors ({operation: exception}) every call of each named operation
                                            answers that exception (after it was
                                            received: it is in the call log), HTTP
                                            500 for InternalErrorException, else 400
             codeTtlSeconds (int|null)      confirmation/reset code lifetime
                                            (null: 86400 sign-up, 3600 reset)
             sessionTtlSeconds (int|null)   challenge session lifetime
                                            (null: the client's AuthSessionValidity, 3 min)
             accessTokenTtlSeconds (int|null) access/id token lifetime
                                            (null: the client's token validity, 1 h)
             lockoutUnitSeconds (number)    the sign-in lockout's 1-second unit (default 1)
             perUserLimits (object)         {"Operation": calls per user per hour} beyond which
                                            LimitExceededException (default {"ChangePassword": 5};
                                            also ConfirmSignUp, ConfirmForgotPassword,
                                            ResendConfirmationCode, ForgotPassword)
             failedAttemptLimits (object)   {"ConfirmSignUp" | "ConfirmForgotPassword": n}: after n
                                            wrong codes of a user within the hour,
                                            TooManyFailedAttemptsException (default {})
             omitUserAuthUsername (bool)    USER_AUTH challenges carry no USERNAME parameter, and
                                            their answers may name the user as typed (default false)
             sessionLength (int|null)       every new challenge session exactly this long, 20-2048
                                            (null: 128 characters)
             passkeyLimit (int)             passkeys a user may register (default 20)
             clockOffsetSeconds (number)    0-86400 (default 0): the clock of the refresh-token
                                            grace period and of TOTP time steps runs this far
                                            ahead (controls.now); other timers keep real time
    DELETE /_local/faults   reset
    GET    /_local/calls    Cognito operations received so far (names, statuses, error types)
    DELETE /_local/calls    forget them
    GET    /_local/messages the messages the pool has sent (to, triggerSource, subject, body, customMessage:
                            whether the custom message trigger's message was used; ignored: why not), oldest first
    DELETE /_local/messages forget them
    GET    /_local/lambda   the function endpoint, Cognito's trigger wait, and the invocations so far
    POST   /_local/lambda   {"endpoint": "http://127.0.0.1:PORT" | null, "timeoutSeconds": 0.1-5}
                            (default: --lambda-endpoint, 5 s); forgets the invocations
    DELETE /_local/lambda   the wait back to 5 s; forgets the invocations

Passwords, codes, tokens and secrets are never logged.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from typing import Any

REGION = "us-east-1"
RELYING_PARTY_ID: str | None = None  # --relying-party-id
TRIGGER_NAMES: list[str] = []  # --triggers
SENDS_WITH_SES = False  # --ses
APPS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "cdk", "apps.json")  # --apps

# Signals first: a SIGTERM that arrives while moto is still importing must
# still end the process with status 0.
class _StopFlag:
    """A plain flag, not a threading.Event: Python runs signal handlers on the main thread between
    bytecodes, and Event.set() takes the lock Event.wait() holds there, so a SIGTERM landing while
    the main thread is inside wait() deadlocks the process (seen in `make contract`; the same bug
    class as https://github.com/python/cpython/issues/126434). An attribute write takes no lock."""

    stopped = False

    def set(self) -> None:
        self.stopped = True

    def is_set(self) -> bool:
        return self.stopped


STOP = _StopFlag()


def _on_signal(signum: int, frame: Any) -> None:
    STOP.set()


signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)

log = logging.getLogger("local-cognito")

from moto.cognitoidp import models as cm  # noqa: E402
from moto.cognitoidp import urls as cognito_urls  # noqa: E402
from moto.cognitoidp.responses import CognitoIdpResponse  # noqa: E402
from moto.core import DEFAULT_ACCOUNT_ID  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

# The emulator's modules, beside this file (see Layout above).
import fidelity  # noqa: E402
import wsgi_app  # noqa: E402
from admin import AdminOperations  # noqa: E402
from federation import IdentityProviderOperations  # noqa: E402
import machine  # noqa: E402
import passkeys  # noqa: E402
from choice_signin import ChoiceSignInOperations  # noqa: E402
from codes import PasswordRecoveryOperations, SignUpOperations  # noqa: E402
from core import POOL_DEFINITION  # noqa: E402
from mfa import TotpOperations  # noqa: E402
from rotation import RotationOperations  # noqa: E402
from wsgi_app import LocalCognitoApp, QuietRequestHandler  # noqa: E402
from signin import SignInOperations  # noqa: E402
import tokens  # noqa: E402
import triggers  # noqa: E402
from tokens import TokenOperations, patched_log_user_in  # noqa: E402
from users import AccountOperations, pool_get_user, validate_password  # noqa: E402


# --------------------------------------------------------------------------
# The response class: overrides and additions to moto's CognitoIdpResponse
# --------------------------------------------------------------------------


class LocalCognitoResponse(
    machine.MachineClientOperations,
    SignUpOperations,
    PasswordRecoveryOperations,
    ChoiceSignInOperations,
    SignInOperations,
    TokenOperations,
    RotationOperations,
    passkeys.PasskeyOperations,
    AccountOperations,
    TotpOperations,
    AdminOperations,
    IdentityProviderOperations,
    CognitoIdpResponse,
):
    """moto's CognitoIdpResponse with the operations of each feature module's mixin."""


def install_patches() -> None:
    cm.CognitoIdpUserPool._get_user = pool_get_user
    cm.CognitoIdpBackend._validate_password = validate_password
    cm.CognitoIdpBackend._log_user_in = patched_log_user_in
    # moto builds its Flask routes from this table: serve our subclass, and each pool's own keys.
    for path, handler in list(cognito_urls.url_paths.items()):
        if getattr(handler, "__name__", "") == "dispatch":
            cognito_urls.url_paths[path] = LocalCognitoResponse.dispatch
        elif path.endswith("/.well-known/jwks.json$"):
            cognito_urls.url_paths[path] = tokens.serve_jwks


# --------------------------------------------------------------------------
# Bootstrap and main
# --------------------------------------------------------------------------


def create_email_code_limit_table(endpoint: str) -> str:
    """The table the API counts emailed sign-in codes in (cdk/email-code-limit.json), as the construct
    creates it: on-demand, the definition's partition key, time to live on its attribute."""
    import boto3  # moto's dependency

    definition = json.loads((fidelity.POOL_FILE.parent / "email-code-limit.json").read_text(encoding="utf-8"))
    ddb = boto3.client("dynamodb", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test")
    name = "local-email-code-limit"
    key = definition["partitionKey"]
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": key, "KeyType": "HASH"}], AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}])
    ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": definition["timeToLiveAttribute"]})
    return name


def bootstrap() -> dict[str, str]:
    """The pool and client of cdk/user-pool.json (the construct's defaults), as fidelity.py maps them."""
    backend = cm.cognitoidp_backends[DEFAULT_ACCOUNT_ID][REGION]
    settings = fidelity.pool_settings(POOL_DEFINITION, SENDS_WITH_SES)
    if TRIGGER_NAMES:
        settings["LambdaConfig"] = triggers.lambda_config_for(REGION, TRIGGER_NAMES)
    pool = backend.create_user_pool("local-auth-pool", settings)
    backend.set_user_pool_mfa_config(pool.id, None, {"Enabled": POOL_DEFINITION["mfaSecondFactor"]["otp"]}, settings["MfaConfiguration"])
    client = backend.create_user_pool_client(pool.id, True, fidelity.client_settings(POOL_DEFINITION))
    passkeys.configure_from_definition(pool, POOL_DEFINITION, RELYING_PARTY_ID)
    with open(APPS_FILE, encoding="utf-8") as f:
        apps = machine.create_apps(backend, pool, json.load(f)["apps"], fidelity.client_settings(POOL_DEFINITION))
    return {
        # Each app's resource server and machine clients (cdk/apps.json, or --apps FILE), with their secrets.
        "apps": apps,
        "userPoolId": pool.id,
        "clientId": client.id,
        "clientSecret": client.secret,
        "passwordPolicy": fidelity.password_policy_env(POOL_DEFINITION),
        # FIRST_AUTH_FACTORS for the functions, as the stack passes the pool's factors.
        "firstAuthFactors": ",".join(settings["Policies"]["SignInPolicy"]["AllowedFirstAuthFactors"]),
        "triggers": list(TRIGGER_NAMES),
    }


def watch_parent(original_ppid: int) -> None:
    while not STOP.is_set():
        if os.getppid() != original_ppid:
            log.info("parent process exited; stopping")
            STOP.set()
            return
        time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Local Cognito emulator (moto-based)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 (default) picks a free one")
    parser.add_argument("--bootstrap", action="store_true", help="create a user pool and app client at start")
    parser.add_argument("--verbose", action="store_true", help="log one line per request (operation and status only)")
    parser.add_argument("--exit-with-parent", action="store_true", help="also stop when the parent process exits")
    parser.add_argument("--relying-party-id", help="the bootstrap pool's passkey relying-party id (default: passkeys.relyingPartyId of cdk/user-pool.json)")
    parser.add_argument(
        "--ses",
        action="store_true",
        help="the bootstrap pool sends email through Amazon SES (a made-up DEVELOPER configuration), so it offers EMAIL_OTP "
        "(cdk/user-pool.json firstAuthFactorsNeedingSes); make dev EMAIL_OTP=on",
    )
    parser.add_argument("--apps", help="the bootstrap pool's apps definition (default: cdk/apps.json): resource servers and machine clients")
    parser.add_argument("--triggers", default="", help="comma list of cdk/triggers.json triggers the bootstrap pool runs (its LambdaConfig)")
    parser.add_argument("--lambda-endpoint", help="where the triggers' functions are invoked (Lambda's Invoke API), e.g. auth-local's TRIGGER_PORT listener")
    args = parser.parse_args(argv)
    global RELYING_PARTY_ID, SENDS_WITH_SES, APPS_FILE, TRIGGER_NAMES
    if args.apps:
        APPS_FILE = args.apps
    TRIGGER_NAMES = [t.strip() for t in args.triggers.split(",") if t.strip()]
    try:
        triggers.lambda_config_for(REGION, TRIGGER_NAMES)
        if args.lambda_endpoint:
            triggers.configure({"endpoint": args.lambda_endpoint})
    except ValueError as exc:
        parser.error(str(exc))
    RELYING_PARTY_ID = args.relying_party_id
    SENDS_WITH_SES = args.ses
    wsgi_app.VERBOSE = args.verbose

    logging.basicConfig(stream=sys.stderr, level=logging.INFO if args.verbose else logging.WARNING, format="local-cognito: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.INFO if args.verbose else logging.ERROR)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")

    install_patches()
    app = LocalCognitoApp(verbose=args.verbose)
    server = make_server(args.host, args.port, app, threaded=True, request_handler=QuietRequestHandler)
    port = server.socket.getsockname()[1]
    ready: dict[str, Any] = {}
    host_for_url = "127.0.0.1" if args.host in ("0.0.0.0", "", "::") else args.host
    if ":" in host_for_url:
        host_for_url = f"[{host_for_url}]"
    ready["endpoint"] = f"http://{host_for_url}:{port}"
    ready["region"] = REGION
    # The pool domain's token endpoint (client-credentials grant: machine.py), served on the same port.
    ready["tokenEndpoint"] = ready["endpoint"] + machine.TOKEN_PATH
    thread = threading.Thread(target=server.serve_forever, name="local-cognito-http", daemon=True)
    thread.start()
    if args.bootstrap:
        ready.update(bootstrap())
        # The counter of emailed sign-in codes, where the pool offers them (as the construct creates it).
        if "EMAIL_OTP" in ready["firstAuthFactors"].split(","):
            ready["emailCodeLimitTable"] = create_email_code_limit_table(ready["endpoint"])
    if args.exit_with_parent:
        threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()

    stdout = sys.stdout
    stdout.write(json.dumps(ready) + "\n")
    stdout.flush()
    sys.stdout = sys.stderr  # anything printed later must not disturb the one stdout line

    while not STOP.is_set():
        time.sleep(0.2)
    server.shutdown()
    server.server_close()
    sys.stderr.flush()
    return 0


if __name__ == "__main__":
    code = main()
    os._exit(code)

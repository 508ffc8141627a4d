"""The emulator's Lambda triggers (triggers.py): the events it sends, held to the ones the Developer
Guide documents (trigger_events/*.json), where it sends them, and what it does with each kind of answer,
against a stand-in function behind Lambda's Invoke API that records the events and answers as told.
(This project's own handlers run behind the same API in the Rust tests: lambda/auth-api/tests/triggers.rs.)

Run: .venv/bin/python -m pytest tests/local-cognito/test_triggers.py -q
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from test_local_cognito import Pool, expect_error, make_client, new_email, start_emulator, stop_emulator

EVENTS = Path(__file__).resolve().parent / "trigger_events"


class StandInFunction:
    """A function behind Lambda's Invoke API: records every invocation, answers per `mode`."""

    def __init__(self) -> None:
        self.invocations: list[tuple[str, dict[str, Any]]] = []
        self.mode = "echo"
        self.delay = 0.0
        self.during: Any = None  # called during the invocation (a trigger calling Cognito itself)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                event = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.invocations.append((self.path, event))
                if outer.during:
                    outer.during(event)
                if outer.delay:
                    time.sleep(outer.delay)
                headers = {"Content-Type": "application/json"}
                if outer.mode == "error":
                    headers["X-Amz-Function-Error"] = "Unhandled"
                    body = json.dumps({"errorType": "Error", "errorMessage": "nope"}).encode()
                elif outer.mode == "garbage":
                    body = b"this is not JSON"
                elif outer.mode == "bad-flag":
                    body = json.dumps({**event, "response": {"autoConfirmUser": "yes"}}).encode()
                elif callable(outer.mode):  # answers the event it is given (a test's own function)
                    body = json.dumps(outer.mode(event)).encode()
                elif outer.mode == "migrate":
                    # The documented example's answer: the user's attributes, confirmed, no welcome message.
                    response = {"userAttributes": {"email": event["userName"], "email_verified": "true"}, "messageAction": "SUPPRESS"}
                    if event["triggerSource"] == "UserMigration_Authentication":
                        response["finalUserStatus"] = "CONFIRMED"
                    body = json.dumps({**event, "response": response}).encode()
                elif outer.mode == "bad-status":
                    body = json.dumps({**event, "response": {"userAttributes": {"email": event["userName"]}, "finalUserStatus": "ENABLED"}}).encode()
                elif outer.mode == "auto-confirm":
                    body = json.dumps({**event, "response": {"autoConfirmUser": True, "autoVerifyEmail": True, "autoVerifyPhone": False}}).encode()
                else:
                    body = json.dumps(event).encode()
                try:
                    self.send_response(200)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the emulator stopped waiting

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self) -> None:
        self.invocations.clear()
        self.mode, self.delay, self.during = "echo", 0.0, None


@pytest.fixture(scope="module")
def function():
    f = StandInFunction()
    yield f
    f.server.shutdown()


@pytest.fixture(scope="module")
def emu(request, function):
    # The triggers turned on: the requesting module's TRIGGERS (test_pre_token_generation.py reuses
    # these fixtures), pre sign-up and user migration here.
    triggers = getattr(request.module, "TRIGGERS", "preSignUp,userMigration")
    options = getattr(request.module, "EMULATOR_OPTIONS", ())  # test_custom_message.py: --ses
    proc, ready = start_emulator("--bootstrap", "--triggers", triggers, "--lambda-endpoint", function.url, *options)
    yield ready
    rc, out, _ = stop_emulator(proc)
    assert rc == 0 and out == ""


@pytest.fixture(scope="module")
def idp(emu):
    return make_client(emu["endpoint"])


@pytest.fixture
def pool(emu, idp, function) -> Pool:
    function.reset()
    lambda_control(emu, "DELETE")
    lambda_control(emu, "POST", {"endpoint": function.url})
    return Pool(idp, emu["userPoolId"], emu["clientId"], emu["clientSecret"])


def lambda_control(emu: dict, method: str, body: Any = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{emu['endpoint']}/_local/lambda", data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def shape(value: Any, path: str, optional: list[str], nullable: list[str]) -> Any:
    """The JSON types of a document, key by key (values left out)."""
    if isinstance(value, dict) and path not in ("request.userAttributes", "request.validationData", "request.clientMetadata", "response.userAttributes"):
        return {k: shape(v, f"{path}.{k}".lstrip("."), optional, nullable) for k, v in value.items()}
    # A nullable key: null where Cognito sends no value (the user migration response, which the function
    # fills in, is sent with nulls), the documented type otherwise.
    if path in nullable:
        return "object-or-null"
    return type(value).__name__


def held_to_the_documented_event(event: dict, name: str) -> None:
    doc = json.loads((EVENTS / name).read_text())
    optional, nullable = doc["optional"], doc["nullable"]
    expected = shape(doc["example"], "", optional, nullable)
    got = shape(event, "", optional, nullable)
    for key in optional:
        head, _, leaf = key.rpartition(".")
        exp_parent, got_parent = expected, got
        for part in head.split("."):
            exp_parent, got_parent = exp_parent[part], got_parent[part]
        if leaf not in got_parent:
            exp_parent.pop(leaf)
    assert got == expected
    for k, v in (event["request"].get("userAttributes") or {}).items():
        assert isinstance(k, str) and isinstance(v, str)


def user_exists(pool: Pool, email: str) -> bool:
    try:
        pool.idp.admin_get_user(UserPoolId=pool.pool_id, Username=email)
        return True
    except pool.idp.exceptions.UserNotFoundException:
        return False


# --------------------------------------------------------------------------
# The events
# --------------------------------------------------------------------------


def test_sign_up_sends_the_documented_pre_sign_up_event(pool, function, emu):
    email = new_email()
    out = pool.idp.sign_up(
        ClientId=pool.client_id, Username=email, Password="Corr3ct-Horse-Battery!", **pool.h(email),
        ValidationData=[{"Name": "purpose", "Value": "test"}], ClientMetadata={"source": "test"},
    )
    [(path, event)] = function.invocations
    assert path == "/2015-03-31/functions/preSignUp/invocations"
    held_to_the_documented_event(event, "pre-sign-up.json")
    assert event["triggerSource"] == "PreSignUp_SignUp"
    assert (event["userPoolId"], event["region"]) == (emu["userPoolId"], "us-east-1")
    assert event["callerContext"]["clientId"] == emu["clientId"]
    # The pool signs in with email: the username is the generated id the user then has.
    assert event["userName"] == out["UserSub"]
    assert event["request"]["userAttributes"]["email"] == email
    assert event["request"]["validationData"] == {"purpose": "test"}
    assert event["request"]["clientMetadata"] == {"source": "test"}
    assert event["response"] == {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False}
    assert out["UserConfirmed"] is False and "CodeDeliveryDetails" in out
    assert lambda_control(emu, "GET")["invocations"] == [{"function": "preSignUp", "triggerSource": "PreSignUp_SignUp", "outcome": "answered", "attempts": 1}]


def test_without_validation_data_it_is_null_and_client_metadata_is_absent(pool, function):
    pool.sign_up(new_email())
    [(_, event)] = function.invocations
    held_to_the_documented_event(event, "pre-sign-up.json")
    assert event["request"]["validationData"] is None
    assert "clientMetadata" not in event["request"]


def test_admin_create_user_sends_its_source_without_an_app_client_and_ignores_the_flags(pool, function):
    function.mode = "auto-confirm"
    email = new_email()
    pool.idp.admin_create_user(UserPoolId=pool.pool_id, Username=email, UserAttributes=[{"Name": "email", "Value": email}], MessageAction="SUPPRESS")
    [(_, event)] = function.invocations
    held_to_the_documented_event(event, "pre-sign-up.json")
    assert event["triggerSource"] == "PreSignUp_AdminCreateUser"
    assert event["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"
    assert pool.idp.admin_get_user(UserPoolId=pool.pool_id, Username=email)["UserStatus"] == "FORCE_CHANGE_PASSWORD"


def test_the_response_flags_confirm_and_verify_on_sign_up(pool, function):
    function.mode = "auto-confirm"
    email = new_email()
    out = pool.sign_up(email)
    assert out["UserConfirmed"] is True and "CodeDeliveryDetails" not in out
    user = pool.idp.admin_get_user(UserPoolId=pool.pool_id, Username=email)
    assert user["UserStatus"] == "CONFIRMED"
    assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]


def test_a_pool_without_the_trigger_invokes_nothing(idp, function, pool):
    other = idp.create_user_pool(PoolName="no-triggers", UsernameAttributes=["email"], AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    client = idp.create_user_pool_client(UserPoolId=other, ClientName="c")["UserPoolClient"]["ClientId"]
    idp.sign_up(ClientId=client, Username=new_email(), Password="Corr3ct-Horse-Battery!")
    assert function.invocations == []


# --------------------------------------------------------------------------
# What Cognito does with the answer: each failure fails the operation, and no user is created
# --------------------------------------------------------------------------


def test_a_function_error_is_user_lambda_validation_and_no_user_is_created(pool, function):
    function.mode = "error"
    email = new_email()
    expect_error(pool.sign_up, "UserLambdaValidationException", "PreSignUp failed with error nope.", email=email)
    assert not user_exists(pool, email)


def test_the_trigger_runs_before_the_existence_check(pool, function):
    email, _ = pool.user()
    function.reset()
    function.mode = "error"
    # A refusing trigger answers an existing address with its refusal, not UsernameExistsException.
    expect_error(pool.sign_up, "UserLambdaValidationException", "PreSignUp failed with error nope.", email=email)
    function.mode = "echo"
    expect_error(pool.sign_up, "UsernameExistsException", email=email)


def test_no_answer_within_the_wait_is_retried_three_times_then_unexpected_lambda(pool, function, emu):
    lambda_control(emu, "POST", {"timeoutSeconds": 0.3})
    function.delay = 1.0
    email = new_email()
    expect_error(pool.sign_up, "UnexpectedLambdaException", "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function.", email=email)
    assert len(function.invocations) == 3  # "After 3 unsuccessful attempts, the function times out"
    assert lambda_control(emu, "GET")["invocations"][-1] == {"function": "preSignUp", "triggerSource": "PreSignUp_SignUp", "outcome": "UnexpectedLambdaException", "attempts": 3}
    time.sleep(1.2)  # the stand-in's late answers change nothing
    assert not user_exists(pool, email)


def test_an_answer_that_is_not_the_event_is_invalid_lambda_response(pool, function):
    for mode in ("garbage", "bad-flag"):
        function.mode = mode
        email = new_email()
        with pytest.raises(Exception) as info:
            pool.sign_up(email)
        assert info.value.response["Error"]["Code"] == "InvalidLambdaResponseException", mode
        assert not user_exists(pool, email)


def test_a_function_that_cannot_be_invoked_is_unexpected_lambda(pool, emu):
    lambda_control(emu, "POST", {"endpoint": "http://127.0.0.1:9"})  # nothing listens there
    expect_error(pool.sign_up, "UnexpectedLambdaException", "PreSignUp invocation failed due to error ResourceNotFoundException.", email=new_email())
    lambda_control(emu, "POST", {"endpoint": None})
    expect_error(pool.sign_up, "UnexpectedLambdaException", "PreSignUp invocation failed due to error AccessDeniedException.", email=new_email())


def test_a_trigger_may_call_cognito_while_it_runs(pool, function):
    """The state lock is released while the function runs (account linking calls ListUsers and
    AdminLinkProviderForUser from the pre sign-up trigger)."""
    seen = []
    function.during = lambda event: seen.append(len(pool.idp.list_users(UserPoolId=event["userPoolId"])["Users"]) >= 0)
    pool.sign_up(new_email())
    assert seen == [True]


def test_the_lambda_control_refuses_bad_settings(emu):
    for body in ({"endpoint": "ftp://x"}, {"endpoint": "http://127.0.0.1:1/path"}, {"timeoutSeconds": 6}, {"timeoutSeconds": 0}, {"nope": 1}):
        with pytest.raises(urllib.error.HTTPError) as info:
            lambda_control(emu, "POST", body)
        assert info.value.code == 400, body


# --------------------------------------------------------------------------
# User migration (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-migrate-user.html)
# --------------------------------------------------------------------------


def migrations(emu: dict) -> list[dict]:
    return lambda_control(emu, "GET")["migrations"]


def test_a_password_sign_in_of_an_unknown_user_sends_the_documented_migration_event_and_creates_the_user(pool, function, emu):
    function.mode = "migrate"
    email = new_email()
    out = pool.idp.admin_initiate_auth(
        UserPoolId=pool.pool_id, ClientId=pool.client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": "Legacy-Passw0rd!", **pool.ah(email)}, ClientMetadata={"purpose": "test"},
    )
    [(path, event)] = function.invocations
    assert path == "/2015-03-31/functions/userMigration/invocations"
    held_to_the_documented_event(event, "user-migration.json")
    assert event["triggerSource"] == "UserMigration_Authentication"
    # "userName: The username entered by the user" (not a generated id, as in pre sign-up).
    assert event["userName"] == email
    assert event["request"] == {"password": "Legacy-Passw0rd!", "validationData": {"purpose": "test"}}
    assert set(event["response"]) == {"userAttributes", "finalUserStatus", "messageAction", "desiredDeliveryMediums", "forceAliasCreation", "enableSMSMFA"}
    # Created confirmed, with the password just used, signed in at once.
    assert "AccessToken" in out["AuthenticationResult"]
    user = pool.idp.admin_get_user(UserPoolId=pool.pool_id, Username=email)
    assert user["UserStatus"] == "CONFIRMED"
    assert {a["Name"]: a["Value"] for a in user["UserAttributes"]}["email_verified"] == "true"
    assert user["Username"] != email  # the pool signs in with email: Cognito gives it an id
    assert migrations(emu) == [{"userName": email, "triggerSource": "UserMigration_Authentication", "outcome": "migrated", "status": "CONFIRMED", "welcomeMessage": "suppressed"}]
    # The second sign-in is the pool's own: the trigger is not invoked again.
    function.invocations.clear()
    assert "AccessToken" in pool.login(email, "Legacy-Passw0rd!")["AuthenticationResult"]
    assert function.invocations == []


def test_a_forgot_password_of_an_unknown_user_migrates_it_to_reset_required_and_sends_the_code(pool, function, emu):
    function.mode = "migrate"
    email = new_email()
    out = pool.idp.forgot_password(ClientId=pool.client_id, Username=email, ClientMetadata={"source": "test"}, **pool.h(email))
    [(_, event)] = function.invocations
    held_to_the_documented_event(event, "user-migration.json")
    assert event["triggerSource"] == "UserMigration_ForgotPassword"
    # "password ... is not set in the forgot-password flow"
    assert event["request"] == {"clientMetadata": {"source": "test"}}
    assert out["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert pool.idp.admin_get_user(UserPoolId=pool.pool_id, Username=email)["UserStatus"] == "RESET_REQUIRED"
    assert migrations(emu)[0]["status"] == "RESET_REQUIRED"


def test_a_failing_migration_is_user_not_found_and_creates_nobody(pool, function, emu):
    email = new_email()
    # The messages AWS's knowledge center lists (https://repost.aws/knowledge-center/cognito-migration-lambda-trigger-errors).
    for mode, message in (
        ("error", "UserMigration failed with error nope."),
        ("bad-status", "Error during migration: Invalid finalUserStatus"),
        ("garbage", f"Exception migrating user in app client {pool.client_id}"),
    ):
        function.mode = mode
        expect_error(lambda: pool.login(email, "Legacy-Passw0rd!"), "UserNotFoundException", message)
        assert not user_exists(pool, email)
    # Without the trigger's answer the user is as unknown as before: a reset migrates nobody either.
    function.mode = "error"
    expect_error(pool.idp.forgot_password, "UserNotFoundException", "UserMigration failed with error nope.", ClientId=pool.client_id, Username=email, **pool.h(email))
    assert not user_exists(pool, email)
    assert all(m["outcome"] != "migrated" for m in migrations(emu))


def test_a_known_user_never_runs_the_migration_trigger(pool, function):
    email = new_email()
    pool.sign_up(email)
    pool.confirm(email)
    function.invocations.clear()
    pool.login(email)
    expect_error(lambda: pool.login(email, "Wr0ng-Passw0rd!"), "NotAuthorizedException")
    assert [p for p, _ in function.invocations if "userMigration" in p] == []

"""Tests for the local Cognito emulator (local_cognito.py), driven with boto3.

Run: .venv/bin/python -m pytest tests/local-cognito -q
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import boto3
import pyotp
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from idp_browser import ready_line

SCRIPT = Path(__file__).with_name("local_cognito.py")
DEV_CODE = "123456"
PASSWORD = "Str0ng!Passw0rd"
NEW_PASSWORD = "N3w!Passw0rd-x"
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


# --------------------------------------------------------------------------
# Process helpers
# --------------------------------------------------------------------------


def start_emulator(*extra: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, dict]:
    full_env = dict(os.environ)
    full_env.pop("DEV_CONFIRMATION_CODE", None)
    full_env.update(env or {})
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--port", "0", *extra],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=full_env,
        text=True,
    )
    return proc, ready_line(proc, "emulator")


def stop_emulator(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> tuple[int, str, str]:
    started = time.monotonic()
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=10)
    assert time.monotonic() - started < 3, "emulator took too long to stop"
    return proc.returncode, out, err


@pytest.fixture(scope="module")
def emu(tmp_path_factory):
    proc, ready = start_emulator("--bootstrap", "--verbose")
    yield ready | {"proc": proc}
    if proc.poll() is None:
        rc, out, err = stop_emulator(proc)
        assert rc == 0
        assert out == "", "nothing but the ready line may go to stdout"


def make_client(endpoint: str):
    return boto3.client(
        "cognito-idp",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}),
    )


@pytest.fixture(scope="module")
def idp(emu):
    return make_client(emu["endpoint"])


# --------------------------------------------------------------------------
# Cognito helpers
# --------------------------------------------------------------------------


def shash(client_id: str, secret: str, username: str) -> str:
    digest = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def new_email() -> str:
    return f"jane.{uuid.uuid4().hex[:10]}@example.com"


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def expect_error(call, error_type: str, message: str | None = None, **kwargs) -> ClientError:
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    error = info.value.response["Error"]
    assert error["Code"] == error_type, error
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    if message is not None:
        assert error["Message"] == message
    return info.value


class Pool:
    """The bootstrap pool (or any pool/client pair) plus helpers bound to it."""

    def __init__(self, idp, pool_id: str, client_id: str, secret: str | None):
        self.idp, self.pool_id, self.client_id, self.secret = idp, pool_id, client_id, secret

    def h(self, username: str) -> dict:
        return {"SecretHash": shash(self.client_id, self.secret, username)} if self.secret else {}

    def ah(self, username: str) -> dict:
        return {"SECRET_HASH": shash(self.client_id, self.secret, username)} if self.secret else {}

    def sign_up(self, email: str, password: str = PASSWORD) -> dict:
        return self.idp.sign_up(ClientId=self.client_id, Username=email, Password=password, **self.h(email))

    def confirm(self, email: str, code: str = DEV_CODE) -> None:
        self.idp.confirm_sign_up(ClientId=self.client_id, Username=email, ConfirmationCode=code, **self.h(email))

    def login(self, username: str, password: str = PASSWORD) -> dict:
        return self.idp.admin_initiate_auth(
            UserPoolId=self.pool_id,
            ClientId=self.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password, **self.ah(username)},
        )

    def refresh(self, refresh_token: str, hash_username: str | None, flow: str = "REFRESH_TOKEN_AUTH") -> dict:
        params = {"REFRESH_TOKEN": refresh_token}
        if hash_username is not None:
            params.update(self.ah(hash_username))
        return self.idp.admin_initiate_auth(UserPoolId=self.pool_id, ClientId=self.client_id, AuthFlow=flow, AuthParameters=params)

    def user(self, password: str = PASSWORD) -> tuple[str, str]:
        """A confirmed user: (email, sub)."""
        email = new_email()
        sub = self.sign_up(email, password)["UserSub"]
        self.confirm(email)
        return email, sub


@pytest.fixture(scope="module")
def pool(emu, idp) -> Pool:
    return Pool(idp, emu["userPoolId"], emu["clientId"], emu["clientSecret"])


@pytest.fixture(scope="module")
def legacy_pool(emu, idp) -> Pool:
    """A client of the bootstrap pool without refresh-token rotation (REFRESH_TOKEN_AUTH allowed),
    for the REFRESH_TOKEN_AUTH tests; rotation and GetTokensFromRefreshToken: test_rotation.py."""
    settings = {k: v for k, v in idp.describe_user_pool_client(UserPoolId=emu["userPoolId"], ClientId=emu["clientId"])["UserPoolClient"].items()
                if k in ("PreventUserExistenceErrors", "EnableTokenRevocation", "AccessTokenValidity", "IdTokenValidity", "RefreshTokenValidity", "TokenValidityUnits", "AuthSessionValidity")}
    client = idp.create_user_pool_client(UserPoolId=emu["userPoolId"], ClientName="legacy", GenerateSecret=True,
                                         ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"], **settings)["UserPoolClient"]
    return Pool(idp, emu["userPoolId"], client["ClientId"], client["ClientSecret"])


@pytest.fixture
def faults(emu):
    url = emu["endpoint"] + "/_local/faults"

    def set_faults(body: dict) -> dict:
        req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req) as resp:
            return json.loads(resp.read())

    yield set_faults
    urllib.request.urlopen(urllib.request.Request(url, method="DELETE")).read()


# --------------------------------------------------------------------------
# Interface
# --------------------------------------------------------------------------


POOL_FILE = Path(__file__).resolve().parents[2] / "cdk" / "user-pool.json"


def test_ready_line_and_bootstrap_configuration(emu, idp):
    """The bootstrap pool is the one cdk/user-pool.json defines (the construct reads the same file)."""
    definition = json.loads(POOL_FILE.read_text())
    assert set(emu) - {"proc"} == {"endpoint", "region", "userPoolId", "clientId", "clientSecret", "passwordPolicy", "firstAuthFactors", "apps", "tokenEndpoint", "triggers"}
    assert emu["triggers"] == []  # no --triggers: the pool has no LambdaConfig, as the stack's by default
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", emu["endpoint"])
    assert emu["region"] == "us-east-1"
    rules = {k: v for k, v in definition["passwordPolicy"].items() if k != "tempPasswordValidityDays"}
    assert json.loads(emu["passwordPolicy"]) == rules

    described = idp.describe_user_pool(UserPoolId=emu["userPoolId"])["UserPool"]
    assert described["UsernameAttributes"] == ["email"]
    assert described["AutoVerifiedAttributes"] == ["email"]
    assert described["UsernameConfiguration"] == {"CaseSensitive": definition["signInCaseSensitive"]}
    policy = described["Policies"]["PasswordPolicy"]
    expected = definition["passwordPolicy"]
    assert (policy["MinimumLength"], policy["RequireLowercase"], policy["RequireUppercase"], policy["RequireNumbers"], policy["RequireSymbols"], policy["TemporaryPasswordValidityDays"]) == (
        expected["minLength"], expected["requireLowercase"], expected["requireUppercase"], expected["requireDigits"], expected["requireSymbols"], expected["tempPasswordValidityDays"])
    assert described["AccountRecoverySetting"]["RecoveryMechanisms"] == [{"Priority": 1, "Name": "verified_email"}]
    assert definition["accountRecovery"] == "EMAIL_ONLY"
    mfa = idp.get_user_pool_mfa_config(UserPoolId=emu["userPoolId"])
    assert mfa["MfaConfiguration"] == {"OFF": "OFF", "OPTIONAL": "OPTIONAL", "REQUIRED": "ON"}[definition["mfa"]]
    assert mfa["SoftwareTokenMfaConfiguration"] == {"Enabled": definition["mfaSecondFactor"]["otp"]}

    client = idp.describe_user_pool_client(UserPoolId=emu["userPoolId"], ClientId=emu["clientId"])["UserPoolClient"]
    assert client["ClientSecret"] == emu["clientSecret"]
    # Refresh-token rotation on, REFRESH_TOKEN_AUTH off (it is refused with rotation), the grace period the file's.
    assert client["ExplicitAuthFlows"] == ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_AUTH"]
    assert client["RefreshTokenRotation"] == {"Feature": "ENABLED", "RetryGracePeriodSeconds": definition["refreshTokenRotation"]["retryGracePeriodSeconds"]}
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert client["EnableTokenRevocation"] is True
    t = definition["tokenValidity"]
    assert (client["AccessTokenValidity"], client["IdTokenValidity"], client["RefreshTokenValidity"]) == (t["accessTokenMinutes"], t["idTokenMinutes"], t["refreshTokenDays"])
    assert client["TokenValidityUnits"] == {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"}
    assert client["AuthSessionValidity"] == definition["authSessionValidityMinutes"]


def test_plain_start_is_quiet_and_stops_on_sigterm_and_sigint():
    proc, ready = start_emulator()
    assert set(ready) == {"endpoint", "region", "tokenEndpoint"}
    idp = make_client(ready["endpoint"])
    assert idp.list_user_pools(MaxResults=10)["UserPools"] == []
    rc, out, err = stop_emulator(proc, signal.SIGTERM)
    assert (rc, out, err) == (0, "", "")

    proc, _ = start_emulator()
    rc, out, _ = stop_emulator(proc, signal.SIGINT)
    assert (rc, out) == (0, "")


def test_errors_use_cognito_json_protocol(emu):
    body = json.dumps({"ClientId": emu["clientId"], "Username": "nobody@example.com", "ConfirmationCode": DEV_CODE}).encode()
    req = urllib.request.Request(
        emu["endpoint"] + "/",
        data=body,
        method="POST",
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.ConfirmSignUp"},
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req)
    assert info.value.code == 400
    payload = json.loads(info.value.read())
    assert payload == {
        "__type": "NotAuthorizedException",
        "message": f"Client {emu['clientId']} is configured with secret but SECRET_HASH was not received",
    }


def test_unemulated_operation_is_a_json_error_not_a_crash(idp, pool):
    email, _ = pool.user()
    access = pool.login(email)["AuthenticationResult"]["AccessToken"]
    with pytest.raises(ClientError) as info:
        idp.list_devices(AccessToken=access)
    assert info.value.response["Error"]["Code"] == "InternalErrorException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501


# --------------------------------------------------------------------------
# Sign-up, usernames, codes
# --------------------------------------------------------------------------


def test_sign_up_creates_uuid_username_and_accepts_email_everywhere(idp, pool):
    email = new_email()
    result = pool.sign_up(email)
    sub = result["UserSub"]
    assert UUID_RE.match(sub)
    assert result["UserConfirmed"] is False
    assert result["CodeDeliveryDetails"] == {"Destination": "j***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}

    by_email = idp.admin_get_user(UserPoolId=pool.pool_id, Username=email)
    by_sub = idp.admin_get_user(UserPoolId=pool.pool_id, Username=sub)
    assert by_email["Username"] == by_sub["Username"] == sub
    attrs = {a["Name"]: a["Value"] for a in by_email["UserAttributes"]}
    assert attrs["email"] == email and attrs["sub"] == sub
    assert by_email["UserStatus"] == "UNCONFIRMED"

    expect_error(pool.sign_up, "UsernameExistsException", "An account with the given email already exists.", email=email)


def test_secret_hash_is_required_and_checked(idp, pool):
    email = new_email()
    missing = f"Client {pool.client_id} is configured with secret but SECRET_HASH was not received"
    wrong = f"Unable to verify secret hash for client {pool.client_id}"
    base = {"ClientId": pool.client_id, "Username": email}
    expect_error(idp.sign_up, "NotAuthorizedException", missing, Password=PASSWORD, **base)
    expect_error(idp.sign_up, "NotAuthorizedException", wrong, Password=PASSWORD, SecretHash=shash(pool.client_id, "nope", email), **base)
    pool.sign_up(email)

    bad = {"SecretHash": shash(pool.client_id, pool.secret, email.upper())}
    expect_error(idp.confirm_sign_up, "NotAuthorizedException", missing, ConfirmationCode=DEV_CODE, **base)
    expect_error(idp.confirm_sign_up, "NotAuthorizedException", wrong, ConfirmationCode=DEV_CODE, **bad, **base)
    expect_error(idp.resend_confirmation_code, "NotAuthorizedException", missing, **base)
    expect_error(idp.resend_confirmation_code, "NotAuthorizedException", wrong, **bad, **base)
    pool.confirm(email)
    expect_error(idp.forgot_password, "NotAuthorizedException", missing, **base)
    expect_error(idp.forgot_password, "NotAuthorizedException", wrong, **bad, **base)
    expect_error(idp.confirm_forgot_password, "NotAuthorizedException", missing, ConfirmationCode=DEV_CODE, Password=NEW_PASSWORD, **base)
    expect_error(idp.confirm_forgot_password, "NotAuthorizedException", wrong, ConfirmationCode=DEV_CODE, Password=NEW_PASSWORD, **bad, **base)

    auth = {"UserPoolId": pool.pool_id, "ClientId": pool.client_id, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH"}
    expect_error(idp.admin_initiate_auth, "NotAuthorizedException", missing, AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD}, **auth)
    expect_error(idp.admin_initiate_auth, "NotAuthorizedException", wrong, AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD, "SECRET_HASH": "AAAA"}, **auth)
    # The hash may use the email or the sub, whichever the caller passed as USERNAME.
    sub = idp.admin_get_user(UserPoolId=pool.pool_id, Username=email)["Username"]
    assert "AuthenticationResult" in pool.login(email)
    assert "AuthenticationResult" in pool.login(sub)


def test_confirm_sign_up_accepts_only_the_dev_code(idp, pool):
    email = new_email()
    pool.sign_up(email)
    expect_error(pool.confirm, "CodeMismatchException", "Invalid verification code provided, please try again.", email=email, code="654321")
    pool.confirm(email)
    user = idp.admin_get_user(UserPoolId=pool.pool_id, Username=email)
    assert user["UserStatus"] == "CONFIRMED"
    assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]
    expect_error(pool.confirm, "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED", email=email)


def test_dev_confirmation_code_comes_from_the_environment():
    proc, ready = start_emulator("--bootstrap", env={"DEV_CONFIRMATION_CODE": "777777"})
    try:
        p = Pool(make_client(ready["endpoint"]), ready["userPoolId"], ready["clientId"], ready["clientSecret"])
        email = new_email()
        p.sign_up(email)
        expect_error(p.confirm, "CodeMismatchException", email=email, code=DEV_CODE)
        p.confirm(email, code="777777")
    finally:
        assert stop_emulator(proc)[0] == 0


def test_codes_expire(idp, pool, faults):
    email = new_email()
    pool.sign_up(email)
    assert faults({"codeTtlSeconds": 0})["codeTtlSeconds"] == 0
    expect_error(pool.confirm, "ExpiredCodeException", "Invalid code provided, please request a code again.", email=email)
    faults({})
    # The expired code stays expired; a resent one works.
    expect_error(pool.confirm, "ExpiredCodeException", email=email)
    sent = idp.resend_confirmation_code(ClientId=pool.client_id, Username=email, **pool.h(email))
    assert sent["CodeDeliveryDetails"] == {"Destination": "j***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    pool.confirm(email)
    expect_error(idp.resend_confirmation_code, "InvalidParameterException", "User is already confirmed.", ClientId=pool.client_id, Username=email, **pool.h(email))


def test_forgot_password_flow_codes_and_policy(idp, pool, faults):
    email, _ = pool.user()
    sent = idp.forgot_password(ClientId=pool.client_id, Username=email, **pool.h(email))
    assert sent["CodeDeliveryDetails"] == {"Destination": "j***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    assert not any(k.lower().startswith("x-moto") for k in sent["ResponseMetadata"]["HTTPHeaders"])

    def confirm(code: str, password: str):
        return idp.confirm_forgot_password(ClientId=pool.client_id, Username=email, ConfirmationCode=code, Password=password, **pool.h(email))

    expect_error(confirm, "CodeMismatchException", "Invalid verification code provided, please try again.", code="000000", password=NEW_PASSWORD)
    expect_error(confirm, "InvalidPasswordException", "Password did not conform with policy: Password must have symbol characters", code=DEV_CODE, password="N0symbolsHere")
    faults({"codeTtlSeconds": 0})
    expect_error(confirm, "ExpiredCodeException", "Invalid code provided, please request a code again.", code=DEV_CODE, password=NEW_PASSWORD)
    faults({})
    idp.forgot_password(ClientId=pool.client_id, Username=email, **pool.h(email))
    confirm(DEV_CODE, NEW_PASSWORD)
    expect_error(pool.login, "NotAuthorizedException", "Incorrect username or password.", username=email, password=PASSWORD)
    assert "AuthenticationResult" in pool.login(email, NEW_PASSWORD)
    # A code is single use; afterwards the user has no pending code: ExpiredCodeException.
    expect_error(confirm, "ExpiredCodeException", code=DEV_CODE, password=PASSWORD)


def test_sign_up_enforces_password_policy(pool):
    expect_error(pool.sign_up, "InvalidPasswordException", "Password did not conform with policy: Password not long enough", email=new_email(), password="Sh0rt!")
    expect_error(pool.sign_up, "InvalidPasswordException", "Password did not conform with policy: Password must have uppercase characters", email=new_email(), password="lowercase1!long")


# --------------------------------------------------------------------------
# User existence, login order
# --------------------------------------------------------------------------


def test_prevent_user_existence_errors_enabled(idp, pool):
    ghost = f"ghost.{uuid.uuid4().hex[:8]}@nowhere.org"
    expect_error(pool.login, "NotAuthorizedException", "Incorrect username or password.", username=ghost)
    email, _ = pool.user()
    expect_error(pool.login, "NotAuthorizedException", "Incorrect username or password.", username=email, password="Wr0ng!Password")

    sent = idp.forgot_password(ClientId=pool.client_id, Username=ghost, **pool.h(ghost))
    assert sent["CodeDeliveryDetails"] == {"Destination": "g***@n***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    sent = idp.resend_confirmation_code(ClientId=pool.client_id, Username=ghost, **pool.h(ghost))
    assert sent["CodeDeliveryDetails"] == {"Destination": "g***@n***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    expect_error(pool.confirm, "CodeMismatchException", "Invalid verification code provided, please try again.", email=ghost)
    expect_error(
        idp.confirm_forgot_password,
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
        ClientId=pool.client_id,
        Username=ghost,
        ConfirmationCode=DEV_CODE,
        Password=NEW_PASSWORD,
        **pool.h(ghost),
    )


def test_login_checks_password_before_confirmation(pool):
    email = new_email()
    pool.sign_up(email)
    expect_error(pool.login, "UserNotConfirmedException", "User is not confirmed.", username=email)
    expect_error(pool.login, "NotAuthorizedException", "Incorrect username or password.", username=email, password="Wr0ng!Password")


def test_api_created_pool_legacy_client_and_client_without_secret(idp):
    """Behaviour follows the pool/client configuration, not whether it was bootstrapped."""
    created = idp.create_user_pool(
        PoolName=f"api-{uuid.uuid4().hex[:6]}",
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        AccountRecoverySetting={"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]},
    )["UserPool"]["Id"]
    legacy = idp.create_user_pool_client(
        UserPoolId=created,
        ClientName="legacy",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        PreventUserExistenceErrors="LEGACY",
    )["UserPoolClient"]
    p = Pool(idp, created, legacy["ClientId"], legacy["ClientSecret"])
    ghost = "ghost@nowhere.org"
    expect_error(p.login, "UserNotFoundException", "User does not exist.", username=ghost)
    expect_error(idp.forgot_password, "UserNotFoundException", ClientId=p.client_id, Username=ghost, **p.h(ghost))
    expect_error(idp.resend_confirmation_code, "UserNotFoundException", ClientId=p.client_id, Username=ghost, **p.h(ghost))
    expect_error(p.confirm, "UserNotFoundException", email=ghost)
    expect_error(idp.sign_up, "NotAuthorizedException", ClientId=p.client_id, Username=ghost, Password=PASSWORD)
    email, sub = p.user()
    assert claims(p.login(email)["AuthenticationResult"]["AccessToken"])["username"] == sub

    public = idp.create_user_pool_client(
        UserPoolId=created,
        ClientName="public",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        PreventUserExistenceErrors="ENABLED",
    )["UserPoolClient"]
    assert "ClientSecret" not in public
    result = idp.initiate_auth(ClientId=public["ClientId"], AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD})
    tokens = result["AuthenticationResult"]
    refreshed = idp.initiate_auth(ClientId=public["ClientId"], AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
    assert "AccessToken" in refreshed["AuthenticationResult"]
    expect_error(
        idp.initiate_auth,
        "NotAuthorizedException",
        "Incorrect username or password.",
        ClientId=public["ClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": ghost, "PASSWORD": PASSWORD},
    )
    # The client's ExplicitAuthFlows are enforced.
    expect_error(
        p.idp.initiate_auth,
        "InvalidParameterException",
        "USER_PASSWORD_AUTH flow not enabled for this client",
        ClientId=p.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD, **p.ah(email)},
    )
    expect_error(
        idp.admin_initiate_auth,
        "InvalidParameterException",
        "Auth flow not enabled for this client",
        UserPoolId=created,
        ClientId=public["ClientId"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD},
    )


# --------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------


def test_tokens_carry_the_uuid_username_and_verify_against_jwks(emu, pool):
    from joserfc import jwk, jwt

    email, sub = pool.user()
    tokens = pool.login(email)["AuthenticationResult"]
    assert tokens["TokenType"] == "Bearer" and tokens["ExpiresIn"] == 3600
    access, id_token = claims(tokens["AccessToken"]), claims(tokens["IdToken"])
    issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{pool.pool_id}"
    assert access["username"] == access["sub"] == sub
    assert access["client_id"] == pool.client_id and access["token_use"] == "access" and access["iss"] == issuer
    assert id_token["cognito:username"] == id_token["sub"] == sub
    assert id_token["email"] == email and id_token["email_verified"] is True
    assert id_token["aud"] == pool.client_id and id_token["token_use"] == "id"
    assert access["origin_jti"] == id_token["origin_jti"]

    with urllib.request.urlopen(f"{emu['endpoint']}/{pool.pool_id}/.well-known/jwks.json") as resp:
        keys = jwk.KeySet.import_key_set(json.loads(resp.read()))
    assert jwt.decode(tokens["AccessToken"], keys).claims["sub"] == sub


def test_refresh_secret_hash_must_use_the_cognito_username_not_the_email(legacy_pool):
    email, sub = legacy_pool.user()
    refresh_token = legacy_pool.login(email)["AuthenticationResult"]["RefreshToken"]
    for flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        expect_error(legacy_pool.refresh, "NotAuthorizedException", f"Unable to verify secret hash for client {legacy_pool.client_id}", refresh_token=refresh_token, hash_username=email, flow=flow)
        expect_error(legacy_pool.refresh, "NotAuthorizedException", f"Client {legacy_pool.client_id} is configured with secret but SECRET_HASH was not received", refresh_token=refresh_token, hash_username=None, flow=flow)
        result = legacy_pool.refresh(refresh_token, sub, flow)["AuthenticationResult"]
        assert set(result) == {"AccessToken", "IdToken", "ExpiresIn", "TokenType"}
        assert claims(result["AccessToken"])["username"] == sub
    expect_error(legacy_pool.refresh, "NotAuthorizedException", "Invalid Refresh Token", refresh_token="not-a-token", hash_username=sub)


def test_global_sign_out_revokes_access_and_refresh_tokens(idp, legacy_pool):
    email, sub = legacy_pool.user()
    first = legacy_pool.login(email)["AuthenticationResult"]
    second = legacy_pool.login(email)["AuthenticationResult"]
    assert idp.get_user(AccessToken=first["AccessToken"])["Username"] == sub
    idp.global_sign_out(AccessToken=second["AccessToken"])
    for tokens in (first, second):
        expect_error(idp.get_user, "NotAuthorizedException", "Access Token has been revoked", AccessToken=tokens["AccessToken"])
        expect_error(legacy_pool.refresh, "NotAuthorizedException", "Refresh Token has been revoked", refresh_token=tokens["RefreshToken"], hash_username=sub)
    # Signing in again works; the admin variant accepts the email and does the same.
    third = legacy_pool.login(email)["AuthenticationResult"]
    idp.admin_user_global_sign_out(UserPoolId=legacy_pool.pool_id, Username=email)
    expect_error(idp.get_user, "NotAuthorizedException", "Access Token has been revoked", AccessToken=third["AccessToken"])
    expect_error(idp.get_user, "NotAuthorizedException", "Invalid Access Token", AccessToken="garbage")


def test_access_tokens_expire(idp, pool, faults):
    email, _ = pool.user()
    faults({"accessTokenTtlSeconds": 0})
    tokens = pool.login(email)["AuthenticationResult"]
    assert tokens["ExpiresIn"] == 0
    expect_error(idp.get_user, "NotAuthorizedException", "Access Token has expired", AccessToken=tokens["AccessToken"])


def test_revoke_token_kills_its_family_only(idp, legacy_pool):
    email, sub = legacy_pool.user()
    one = legacy_pool.login(email)["AuthenticationResult"]
    other = legacy_pool.login(email)["AuthenticationResult"]
    refreshed = legacy_pool.refresh(one["RefreshToken"], sub)["AuthenticationResult"]

    revoke = idp.revoke_token
    expect_error(revoke, "UnauthorizedException", f"Client {legacy_pool.client_id} is configured with secret but ClientSecret was not received", Token=one["RefreshToken"], ClientId=legacy_pool.client_id)
    expect_error(revoke, "UnauthorizedException", Token=one["RefreshToken"], ClientId=legacy_pool.client_id, ClientSecret="wrong-secret-but-long-enough-000")
    expect_error(revoke, "UnsupportedTokenTypeException", Token=one["AccessToken"], ClientId=legacy_pool.client_id, ClientSecret=legacy_pool.secret)
    # Not a refresh token this client issued: refused, not silently accepted.
    for unknown in (one["RefreshToken"] + "-X", "not-a-token"):
        expect_error(revoke, "UnauthorizedException", Token=unknown, ClientId=legacy_pool.client_id, ClientSecret=legacy_pool.secret)
    assert idp.get_user(AccessToken=one["AccessToken"])["Username"] == sub  # failed attempts revoked nothing

    revoke(Token=one["RefreshToken"], ClientId=legacy_pool.client_id, ClientSecret=legacy_pool.secret)
    expect_error(legacy_pool.refresh, "NotAuthorizedException", "Refresh Token has been revoked", refresh_token=one["RefreshToken"], hash_username=sub)
    for access in (one["AccessToken"], refreshed["AccessToken"]):
        expect_error(idp.get_user, "NotAuthorizedException", "Access Token has been revoked", AccessToken=access)
    assert idp.get_user(AccessToken=other["AccessToken"])["Username"] == sub
    assert "AccessToken" in legacy_pool.refresh(other["RefreshToken"], sub)["AuthenticationResult"]


def test_delete_user_removes_the_user_and_kills_its_tokens(idp, pool):
    email, sub = pool.user()
    tokens = pool.login(email)["AuthenticationResult"]
    idp.delete_user(AccessToken=tokens["AccessToken"])
    expect_error(idp.get_user, "NotAuthorizedException", "Access Token has been revoked", AccessToken=tokens["AccessToken"])
    expect_error(idp.get_tokens_from_refresh_token, "NotAuthorizedException", ClientId=pool.client_id, ClientSecret=pool.secret, RefreshToken=tokens["RefreshToken"])
    expect_error(idp.admin_get_user, "UserNotFoundException", "User does not exist.", UserPoolId=pool.pool_id, Username=email)
    expect_error(pool.login, "NotAuthorizedException", "Incorrect username or password.", username=email)
    # The email is free again.
    assert pool.sign_up(email)["UserSub"] != sub


def test_change_password_checks_previous_password_and_policy(idp, pool):
    email, _ = pool.user()
    access = pool.login(email)["AuthenticationResult"]["AccessToken"]
    expect_error(idp.change_password, "NotAuthorizedException", "Incorrect username or password.", AccessToken=access, PreviousPassword="Wr0ng!Password", ProposedPassword=NEW_PASSWORD)
    expect_error(idp.change_password, "InvalidPasswordException", "Password did not conform with policy: Password must have numeric characters", AccessToken=access, PreviousPassword=PASSWORD, ProposedPassword="NoNumbers!here")
    idp.change_password(AccessToken=access, PreviousPassword=PASSWORD, ProposedPassword=NEW_PASSWORD)
    expect_error(pool.login, "NotAuthorizedException", username=email, password=PASSWORD)
    assert "AuthenticationResult" in pool.login(email, NEW_PASSWORD)


def test_new_password_required_for_admin_created_users(idp, pool):
    email = new_email()
    expect_error(idp.admin_create_user, "InvalidPasswordException", UserPoolId=pool.pool_id, Username=email, TemporaryPassword="weak", MessageAction="SUPPRESS")
    created = idp.admin_create_user(
        UserPoolId=pool.pool_id,
        Username=email,
        TemporaryPassword="T3mp!Passw0rd",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
    )["User"]
    assert UUID_RE.match(created["Username"]) and created["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    expect_error(idp.admin_create_user, "UsernameExistsException", "User account already exists", UserPoolId=pool.pool_id, Username=email, TemporaryPassword="T3mp!Passw0rd")

    challenge = pool.login(email, "T3mp!Passw0rd")
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert challenge["ChallengeParameters"]["USER_ID_FOR_SRP"] == created["Username"]

    def answer(password: str, username: str = created["Username"]):
        return idp.admin_respond_to_auth_challenge(
            UserPoolId=pool.pool_id,
            ClientId=pool.client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": password, **pool.ah(username)},
        )

    # USERNAME must be the actual username, not the email alias (AdminRespondToAuthChallenge reference).
    expect_error(answer, "NotAuthorizedException", password=NEW_PASSWORD, username=email)
    expect_error(answer, "InvalidPasswordException", password="weakpass")
    tokens = answer(NEW_PASSWORD)["AuthenticationResult"]
    assert claims(tokens["AccessToken"])["username"] == created["Username"]
    assert "AuthenticationResult" in pool.login(email, NEW_PASSWORD)


# --------------------------------------------------------------------------
# TOTP MFA
# --------------------------------------------------------------------------


def enroll_totp(idp, pool: Pool, email: str) -> pyotp.TOTP:
    access = pool.login(email)["AuthenticationResult"]["AccessToken"]
    secret = idp.associate_software_token(AccessToken=access)["SecretCode"]
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    totp = pyotp.TOTP(secret)
    expect_error(
        idp.set_user_mfa_preference,
        "InvalidParameterException",
        "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA",
        AccessToken=access,
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    wrong = str((int(totp.now()) + 500000) % 1000000).zfill(6)
    expect_error(idp.verify_software_token, "EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA", AccessToken=access, UserCode=wrong)
    assert idp.verify_software_token(AccessToken=access, UserCode=totp.now())["Status"] == "SUCCESS"
    idp.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    return totp


def test_totp_enrolment_and_mfa_login(idp, pool, faults):
    email, sub = pool.user()
    totp = enroll_totp(idp, pool, email)
    user = idp.admin_get_user(UserPoolId=pool.pool_id, Username=email)
    assert user["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"] and user["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"

    challenge = pool.login(email)
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA" and "AuthenticationResult" not in challenge

    # The answer names the actual username Cognito gave (USER_ID_FOR_SRP), never the email alias.
    assert challenge["ChallengeParameters"]["USER_ID_FOR_SRP"] == sub

    def answer(session: str, code: str, admin: bool = True, username: str = sub):
        responses = {"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": code, **pool.ah(username)}
        if admin:
            return idp.admin_respond_to_auth_challenge(UserPoolId=pool.pool_id, ClientId=pool.client_id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=session, ChallengeResponses=responses)
        return idp.respond_to_auth_challenge(ClientId=pool.client_id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=session, ChallengeResponses=responses)

    wrong = str((int(totp.now()) + 500000) % 1000000).zfill(6)
    expect_error(answer, "NotAuthorizedException", session=challenge["Session"], code=totp.now(), username=email)
    expect_error(answer, "CodeMismatchException", "Invalid code received for user", session=challenge["Session"], code=wrong)
    # Same session, right code (next time step: the current one was used to verify).
    next_code = totp.at(time.time() + 30)
    tokens = answer(challenge["Session"], next_code)["AuthenticationResult"]
    assert claims(tokens["AccessToken"])["username"] == sub
    # A code works once.
    again = pool.login(email)
    expect_error(answer, "ExpiredCodeException", "Your software token has already been used once.", session=again["Session"], code=next_code, admin=False)

    # Sessions expire (3 minutes by default; 0 here).
    faults({"sessionTtlSeconds": 0})
    expired = pool.login(email)
    expect_error(answer, "NotAuthorizedException", "Invalid session for the user, session is expired.", session=expired["Session"], code=totp.now())

    # No per-session attempt limit is documented: wrong codes count toward the sign-in lockout
    # instead (five free, then NotAuthorized "Password attempts exceeded", also for the password).
    # The wrong code above still counts (the sign-in since then did not follow a lockout, so it reset
    # nothing: fidelity.py), so four more make five.
    faults({"lockoutUnitSeconds": 600})
    locked = pool.login(email)
    for _ in range(4):
        expect_error(answer, "CodeMismatchException", session=locked["Session"], code=wrong)
    expect_error(answer, "NotAuthorizedException", "Password attempts exceeded", session=locked["Session"], code=totp.at(time.time() + 60))
    expect_error(pool.login, "NotAuthorizedException", "Password attempts exceeded", username=email)


def test_sign_in_lockout_after_five_failed_passwords(pool, faults):
    faults({"lockoutUnitSeconds": 600})  # the documented 1-second unit, scaled so the test cannot race
    email, _ = pool.user()
    other, _ = pool.user()
    for _ in range(5):
        expect_error(pool.login, "NotAuthorizedException", "Incorrect username or password.", username=email, password="Wr0ng!Password")
    expect_error(pool.login, "NotAuthorizedException", "Password attempts exceeded", username=email)
    assert "AuthenticationResult" in pool.login(other)  # per user
    faults({"lockoutUnitSeconds": 0})
    fresh, _ = pool.user()
    for _ in range(6):
        expect_error(pool.login, "NotAuthorizedException", "Incorrect username or password.", username=fresh, password="Wr0ng!Password")
    assert "AuthenticationResult" in pool.login(fresh)  # a zero-length lockout has passed; success resets


def test_per_user_limits(idp, pool, faults):
    email, _ = pool.user()
    access = pool.login(email)["AuthenticationResult"]["AccessToken"]
    # Documented: 5 ChangePassword calls per user per hour (quotas page); on by default.
    for _ in range(5):
        expect_error(idp.change_password, "NotAuthorizedException", AccessToken=access, PreviousPassword="Wr0ng!Password", ProposedPassword=NEW_PASSWORD)
    expect_error(idp.change_password, "LimitExceededException", "Attempt limit exceeded, please try after some time.", AccessToken=access, PreviousPassword=PASSWORD, ProposedPassword=NEW_PASSWORD)
    # Undocumented figures: set per test. Only existing users are counted.
    faults({"perUserLimits": {"ForgotPassword": 1, "ResendConfirmationCode": 1}})
    idp.forgot_password(ClientId=pool.client_id, Username=email, **pool.h(email))
    expect_error(idp.forgot_password, "LimitExceededException", ClientId=pool.client_id, Username=email, **pool.h(email))
    ghost = f"ghost.{uuid.uuid4().hex[:8]}@nowhere.org"
    for _ in range(2):
        idp.forgot_password(ClientId=pool.client_id, Username=ghost, **pool.h(ghost))
    pending = new_email()
    pool.sign_up(pending)
    idp.resend_confirmation_code(ClientId=pool.client_id, Username=pending, **pool.h(pending))
    expect_error(idp.resend_confirmation_code, "LimitExceededException", ClientId=pool.client_id, Username=pending, **pool.h(pending))
    with pytest.raises(urllib.error.HTTPError):
        faults({"perUserLimits": {"SignUp": 1}})


def test_confirm_forgot_password_tells_no_pending_code_from_unknown_user(idp, pool):
    """Documented (developer guide, error handling): an existing user with no pending reset code gets
    ExpiredCodeException, an unknown one CodeMismatchException. The API answers both alike."""
    email, _ = pool.user()
    ghost = f"ghost.{uuid.uuid4().hex[:8]}@nowhere.org"
    for who, error in ((email, "ExpiredCodeException"), (ghost, "CodeMismatchException")):
        expect_error(idp.confirm_forgot_password, error, ClientId=pool.client_id, Username=who, ConfirmationCode=DEV_CODE, Password=NEW_PASSWORD, **pool.h(who))


def test_associate_software_token_keeps_the_authenticator_until_the_new_one_is_verified(idp, pool):
    """"Amazon Cognito disassociates an existing software token when you verify the new token in a
    VerifySoftwareToken API request" (AssociateSoftwareToken reference); "If your user still has access
    to their TOTP-generating device, you don't need to delete their software token to replace it"
    (AdminDeleteSoftwareToken reference)."""
    email, sub = pool.user()
    access = pool.login(email)["AuthenticationResult"]["AccessToken"]
    old = enroll_totp(idp, pool, email)

    def mfa_answer(totp: pyotp.TOTP) -> dict:
        challenge = pool.login(email)
        assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
        return idp.admin_respond_to_auth_challenge(
            UserPoolId=pool.pool_id, ClientId=pool.client_id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=challenge["Session"],
            ChallengeResponses={"USERNAME": sub, "SOFTWARE_TOKEN_MFA_CODE": totp.at(time.time() + 30), **pool.ah(sub)},
        )

    new = pyotp.TOTP(idp.associate_software_token(AccessToken=access)["SecretCode"])  # started, not verified
    assert idp.admin_get_user(UserPoolId=pool.pool_id, Username=email)["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert "AccessToken" in mfa_answer(old)["AuthenticationResult"]  # sign-in still asks for the old authenticator
    # Verified: the new one replaces the old one.
    assert idp.verify_software_token(AccessToken=access, UserCode=new.now())["Status"] == "SUCCESS"
    expect_error(mfa_answer, "CodeMismatchException", totp=old)
    assert "AccessToken" in mfa_answer(new)["AuthenticationResult"]


def test_associate_and_verify_software_token_take_a_token_or_a_session_not_both(idp, pool):
    """AssociateSoftwareToken: "You can provide either an access token or a session ID in the request";
    VerifySoftwareToken "takes an access token or a session string, but not both" (service model)."""
    email, _ = pool.user()
    access = pool.login(email)["AuthenticationResult"]["AccessToken"]
    session = "s" * 64
    expect_error(idp.associate_software_token, "InvalidParameterException", AccessToken=access, Session=session)
    expect_error(idp.verify_software_token, "InvalidParameterException", AccessToken=access, Session=session, UserCode="123456")
    expect_error(idp.associate_software_token, "InvalidParameterException")
    # Nothing was started by the refused call.
    expect_error(idp.verify_software_token, "SoftwareTokenMFANotFoundException", AccessToken=access, UserCode="123456")


def test_totp_secrets_are_per_user_and_random(idp, pool):
    secrets = set()
    for _ in range(2):
        email, _ = pool.user()
        access = pool.login(email)["AuthenticationResult"]["AccessToken"]
        secrets.add(idp.associate_software_token(AccessToken=access)["SecretCode"])
    assert len(secrets) == 2


def test_mfa_setup_with_session_when_pool_requires_mfa(idp):
    created = idp.create_user_pool(PoolName=f"mfa-on-{uuid.uuid4().hex[:6]}", UsernameAttributes=["email"], AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(UserPoolId=created, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="ON")
    client = idp.create_user_pool_client(UserPoolId=created, ClientName="c", GenerateSecret=True, ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]
    p = Pool(idp, created, client["ClientId"], client["ClientSecret"])
    email, sub = p.user()
    setup = p.login(email)
    assert setup["ChallengeName"] == "MFA_SETUP"
    associated = idp.associate_software_token(Session=setup["Session"])
    totp = pyotp.TOTP(associated["SecretCode"])
    verified = idp.verify_software_token(Session=associated["Session"], UserCode=totp.now())
    assert verified["Status"] == "SUCCESS"
    done = idp.admin_respond_to_auth_challenge(
        UserPoolId=created,
        ClientId=p.client_id,
        ChallengeName="MFA_SETUP",
        Session=verified["Session"],
        ChallengeResponses={"USERNAME": sub, **p.ah(sub)},
    )
    assert setup["ChallengeParameters"]["USER_ID_FOR_SRP"] == sub
    assert claims(done["AuthenticationResult"]["AccessToken"])["username"] == sub
    assert p.login(email)["ChallengeName"] == "SOFTWARE_TOKEN_MFA"


def test_pool_is_case_insensitive_like_the_deployed_one(pool):
    """cdk/user-pool.json signInCaseSensitive=false: "users can sign in as the same user when they enter a
    different capitalization" (UsernameConfigurationType reference)."""
    mixed = f"Case.{uuid.uuid4().hex[:8]}@Example.COM"
    pool.sign_up(mixed)
    pool.confirm(mixed.lower())
    assert "AuthenticationResult" in pool.login(mixed.lower())
    expect_error(pool.sign_up, "UsernameExistsException", email=mixed.lower())


# --------------------------------------------------------------------------
# Fault injection and the call log
# --------------------------------------------------------------------------


def test_fault_injection(emu, idp, pool, faults):
    url = emu["endpoint"] + "/_local/faults"
    with urllib.request.urlopen(url) as resp:
        assert json.loads(resp.read()) == {"throttle": False, "delaySeconds": 0, "errors": {}, "codeTtlSeconds": None, "sessionTtlSeconds": None, "accessTokenTtlSeconds": None, "lockoutUnitSeconds": 1, "perUserLimits": {"ChangePassword": 5},
                                            "failedAttemptLimits": {}, "omitUserAuthUsername": False, "sessionLength": None, "passkeyLimit": 20, "clockOffsetSeconds": 0}

    assert faults({"throttle": True})["throttle"] is True
    expect_error(idp.list_users, "TooManyRequestsException", "Rate exceeded", UserPoolId=pool.pool_id)
    expect_error(pool.login, "TooManyRequestsException", "Rate exceeded", username="anyone@example.com")
    assert faults({})["throttle"] is False
    idp.list_users(UserPoolId=pool.pool_id, Limit=1)

    faults({"delaySeconds": 0.6})
    started = time.monotonic()
    idp.list_users(UserPoolId=pool.pool_id, Limit=1)
    assert time.monotonic() - started >= 0.6
    urllib.request.urlopen(urllib.request.Request(url, method="DELETE")).read()
    with urllib.request.urlopen(url) as resp:
        assert json.loads(resp.read())["delaySeconds"] == 0

    faults({"errors": {"ListUsers": "InternalErrorException", "ForgotPassword": "LimitExceededException"}})
    with pytest.raises(ClientError) as info:
        idp.list_users(UserPoolId=pool.pool_id)
    assert info.value.response["Error"]["Code"] == "InternalErrorException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    expect_error(idp.forgot_password, "LimitExceededException", ClientId=pool.client_id, Username="anyone@example.com")
    faults({})
    idp.list_users(UserPoolId=pool.pool_id, Limit=1)
    for body in (b'{"errors": ["ListUsers"]}', b'{"errors": {"ListUsers": "Boom"}}'):
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(urllib.request.Request(url, data=body, method="POST"))
        assert info.value.code == 400

    bad = urllib.request.Request(url, data=b'{"throttel": true}', method="POST")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(bad)
    assert info.value.code == 400


def test_call_log_records_operation_names(emu, idp, pool):
    url = emu["endpoint"] + "/_local/calls"
    urllib.request.urlopen(urllib.request.Request(url, method="DELETE")).read()
    idp.list_users(UserPoolId=pool.pool_id, Limit=1)
    expect_error(pool.login, "NotAuthorizedException", username="nobody@example.com")
    with urllib.request.urlopen(url) as resp:
        calls = json.loads(resp.read())["calls"]
    assert calls == [
        {"operation": "ListUsers", "status": 200, "errorType": None},
        {"operation": "AdminInitiateAuth", "status": 400, "errorType": "NotAuthorizedException"},
    ]


def test_logs_never_contain_secrets(emu, pool):
    """Runs last: stop the shared emulator and read everything it logged."""
    proc = emu["proc"]
    rc, out, err = stop_emulator(proc)
    assert rc == 0 and out == ""
    assert "AdminInitiateAuth -> 400 NotAuthorizedException" in err  # --verbose logs operations...
    for secret in (PASSWORD, NEW_PASSWORD, "T3mp!Passw0rd", pool.secret, DEV_CODE, "eyJ"):
        assert secret not in err  # ...but never passwords, codes, secrets or tokens


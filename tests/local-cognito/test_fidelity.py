"""Tests for the places where the emulator used to be kinder than Cognito (issue 20, section 4), each
against the AWS page or service-model entry it follows (cited in the emulator module that does it):
the lockout count, per-user limits on confirmations, the TOTP and passkey rules, the token signing
keys, the app client's token validity range, challenge session lengths, and the switches the API's
tests use (omitUserAuthUsername, failedAttemptLimits, sessionLength, passkeyLimit). Driven with boto3.

Run: .venv/bin/python -m pytest tests/local-cognito/test_fidelity.py -q
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
import uuid

import pyotp
import pytest
from joserfc import jwk, jwt
from joserfc.errors import BadSignatureError
from moto.utilities.utils import load_resource

import test_passwordless as pk
from test_local_cognito import DEV_CODE, NEW_PASSWORD, Pool, enroll_totp, expect_error, faults, make_client, new_email, start_emulator, stop_emulator  # noqa: F401 - faults is a fixture


@pytest.fixture(scope="module")
def emu():
    # --ses: these tests sign in with emailed codes too, which the pool offers only with Amazon SES
    # (cdk/user-pool.json firstAuthFactorsNeedingSes).
    proc, ready = start_emulator("--bootstrap", "--ses")
    yield ready
    rc, out, _ = stop_emulator(proc)
    assert rc == 0 and out == ""


@pytest.fixture(scope="module")
def idp(emu):
    return make_client(emu["endpoint"])


@pytest.fixture(scope="module")
def pool(emu, idp) -> Pool:
    return Pool(idp, emu["userPoolId"], emu["clientId"], emu["clientSecret"])


@pytest.fixture(scope="module")
def passwordless(emu, idp) -> pk.Pool:
    return pk.Pool(idp, emu["userPoolId"], emu["clientId"], emu["clientSecret"])


def refused_setting(faults, body: dict) -> None:
    with pytest.raises(urllib.error.HTTPError) as info:
        faults(body)
    assert info.value.code == 400


def wrong_password(pool: Pool, email: str) -> None:
    expect_error(pool.login, "NotAuthorizedException", "Incorrect username or password.", username=email, password="Wr0ng!Password")


# --------------------------------------------------------------------------
# Sign-in lockout: "To reset the lockout to its n=0 initial state, your user must either sign in
# successfully after a lockout period expires, or not initiate any sign-in attempts for 15
# consecutive minutes" (authentication page, cited in fidelity.py)
# --------------------------------------------------------------------------


def test_a_sign_in_before_any_lockout_does_not_reset_the_count(pool, faults):
    faults({"lockoutUnitSeconds": 600})
    email, _ = pool.user()
    for _ in range(3):
        wrong_password(pool, email)
    assert "AuthenticationResult" in pool.login(email)  # no lockout has run out: the three still count
    for _ in range(2):
        wrong_password(pool, email)
    expect_error(pool.login, "NotAuthorizedException", "Password attempts exceeded", username=email)


def test_a_right_password_answered_with_an_mfa_challenge_is_not_a_successful_sign_in(idp, pool, faults):
    """Wrong MFA codes count toward the lockout (MFA page); the password before them resets nothing,
    even once a lockout period has run out (only a sign-in that ends with tokens does)."""
    def totp_user() -> tuple[str, str, str]:
        """(email, sub, a wrong TOTP code) of a new user with TOTP on."""
        email, sub = pool.user()
        totp = enroll_totp(idp, pool, email)
        return email, sub, str((int(totp.now()) + 500000) % 1000000).zfill(6)

    def wrong_code(session: str, sub: str, wrong: str) -> None:
        expect_error(
            idp.admin_respond_to_auth_challenge, "CodeMismatchException", UserPoolId=pool.pool_id, ClientId=pool.client_id, ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=session, ChallengeResponses={"USERNAME": sub, "SOFTWARE_TOKEN_MFA_CODE": wrong, **pool.ah(sub)},
        )

    email, sub, wrong = totp_user()
    faults({"lockoutUnitSeconds": 600})
    for _ in range(4):
        wrong_password(pool, email)
    challenge = pool.login(email)
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    wrong_code(challenge["Session"], sub, wrong)  # the fifth failure
    expect_error(pool.login, "NotAuthorizedException", "Password attempts exceeded", username=email)

    # After a lockout that has run out, the right password is still not the reset.
    email, sub, wrong = totp_user()
    faults({"lockoutUnitSeconds": 0})
    for _ in range(5):
        wrong_password(pool, email)  # a lockout of zero seconds: over at once
    faults({"lockoutUnitSeconds": 600})
    challenge = pool.login(email)
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    wrong_code(challenge["Session"], sub, wrong)  # the sixth failure: locked again
    expect_error(pool.login, "NotAuthorizedException", "Password attempts exceeded", username=email)


def test_a_sign_in_after_a_lockout_ran_out_resets_the_count(pool, faults):
    faults({"lockoutUnitSeconds": 0})  # every lockout period is over at once
    email, _ = pool.user()
    for _ in range(5):
        wrong_password(pool, email)
    assert "AuthenticationResult" in pool.login(email)  # after the (zero-length) lockout: resets
    faults({"lockoutUnitSeconds": 600})
    for _ in range(4):
        wrong_password(pool, email)
    assert "AuthenticationResult" in pool.login(email)  # four since the reset: no lockout


# --------------------------------------------------------------------------
# Per-user limits on ConfirmSignUp and ConfirmForgotPassword (LimitExceededException and
# TooManyFailedAttemptsException in the service model; figures unpublished, so set per test)
# --------------------------------------------------------------------------


def test_failed_attempt_limits_answer_too_many_failed_attempts_for_existing_users_only(idp, pool, faults):
    settings = faults({"failedAttemptLimits": {"ConfirmSignUp": 2, "ConfirmForgotPassword": 2}})
    assert settings["failedAttemptLimits"] == {"ConfirmSignUp": 2, "ConfirmForgotPassword": 2}
    pending = new_email()
    pool.sign_up(pending)
    for _ in range(2):
        expect_error(pool.confirm, "CodeMismatchException", email=pending, code="000000")
    # The right code too, while the limit holds.
    expect_error(pool.confirm, "TooManyFailedAttemptsException", "Too many failed attempts, please try after some time.", email=pending)

    email, _ = pool.user()
    idp.forgot_password(ClientId=pool.client_id, Username=email, **pool.h(email))

    def reset(who: str, code: str):
        return idp.confirm_forgot_password(ClientId=pool.client_id, Username=who, ConfirmationCode=code, Password=NEW_PASSWORD, **pool.h(who))

    for _ in range(2):
        expect_error(reset, "CodeMismatchException", who=email, code="000000")
    expect_error(reset, "TooManyFailedAttemptsException", who=email, code=DEV_CODE)
    # An address without an account is never limited (an answer only a real account could get).
    ghost = f"ghost.{uuid.uuid4().hex[:8]}@nowhere.org"
    for _ in range(4):
        expect_error(reset, "CodeMismatchException", who=ghost, code="000000")
        expect_error(pool.confirm, "CodeMismatchException", email=ghost, code="000000")
    # Off again: the right code confirms.
    faults({})
    pool.confirm(pending)
    for bad in ({"failedAttemptLimits": {"ForgotPassword": 1}}, {"failedAttemptLimits": {"ConfirmSignUp": 0}}):
        refused_setting(faults, bad)


def test_per_user_call_limits_on_confirmations(pool, faults):
    faults({"perUserLimits": {"ConfirmSignUp": 1, "ConfirmForgotPassword": 1}})
    pending = new_email()
    pool.sign_up(pending)
    expect_error(pool.confirm, "CodeMismatchException", email=pending, code="000000")
    expect_error(pool.confirm, "LimitExceededException", "Attempt limit exceeded, please try after some time.", email=pending)
    ghost = f"ghost.{uuid.uuid4().hex[:8]}@nowhere.org"
    for _ in range(3):
        expect_error(pool.confirm, "CodeMismatchException", email=ghost)


# --------------------------------------------------------------------------
# Signing keys: two per pool, access and ID tokens signed with different ones, both in the JWKS
# --------------------------------------------------------------------------


def test_access_and_id_tokens_are_signed_with_different_keys_both_in_the_jwks(emu, idp, pool):
    email, sub = pool.user()
    tokens = pool.login(email)["AuthenticationResult"]
    with urllib.request.urlopen(f"{emu['endpoint']}/{pool.pool_id}/.well-known/jwks.json") as resp:
        document = json.loads(resp.read())
    assert len(document["keys"]) == 2
    assert all(k["kty"] == "RSA" and k["alg"] == "RS256" and k["use"] == "sig" and "d" not in k for k in document["keys"])
    kids = {k["kid"] for k in document["keys"]}

    def kid_of(token: str) -> str:
        header = token.split(".")[0]
        return json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]

    access_kid, id_kid = kid_of(tokens["AccessToken"]), kid_of(tokens["IdToken"])
    assert access_kid != id_kid and {access_kid, id_kid} == kids
    by_kid = {k["kid"]: jwk.import_key(k) for k in document["keys"]}
    assert jwt.decode(tokens["AccessToken"], by_kid[access_kid]).claims["sub"] == sub
    assert jwt.decode(tokens["IdToken"], by_kid[id_kid]).claims["sub"] == sub
    with pytest.raises(BadSignatureError):
        jwt.decode(tokens["AccessToken"], by_kid[id_kid])
    # moto's published key signs nothing of this pool's (so a token cannot be forged with it).
    published = jwk.import_key(load_resource("cognitoidp/resources/jwks-public.json")["keys"][0])
    with pytest.raises(BadSignatureError):
        jwt.decode(tokens["AccessToken"], published)
    # The refreshed tokens use the same keys; another pool has keys of its own.
    refreshed = idp.get_tokens_from_refresh_token(ClientId=pool.client_id, ClientSecret=pool.secret, RefreshToken=tokens["RefreshToken"])["AuthenticationResult"]
    assert (kid_of(refreshed["AccessToken"]), kid_of(refreshed["IdToken"])) == (access_kid, id_kid)
    other = idp.create_user_pool(PoolName=f"keys-{uuid.uuid4().hex[:6]}")["UserPool"]["Id"]
    with urllib.request.urlopen(f"{emu['endpoint']}/{other}/.well-known/jwks.json") as resp:
        assert not {k["kid"] for k in json.loads(resp.read())["keys"]} & kids
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{emu['endpoint']}/us-east-1_nosuchpool/.well-known/jwks.json")
    assert info.value.code == 404


# --------------------------------------------------------------------------
# App client token validity: access and ID 5 minutes to 1 day, refresh 60 minutes to 10 years
# (TokenValidityUnitsType)
# --------------------------------------------------------------------------


def test_client_token_validity_outside_the_documented_range_is_refused(idp, pool):
    create = idp.create_user_pool_client
    base = {"UserPoolId": pool.pool_id, "ClientName": "validity", "ExplicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH"]}
    for bad in (
        {"RefreshTokenValidity": 59, "TokenValidityUnits": {"RefreshToken": "minutes"}},
        {"RefreshTokenValidity": 3599, "TokenValidityUnits": {"RefreshToken": "seconds"}},
        {"RefreshTokenValidity": 3651, "TokenValidityUnits": {"RefreshToken": "days"}},
        {"AccessTokenValidity": 4, "TokenValidityUnits": {"AccessToken": "minutes"}},
        {"AccessTokenValidity": 25},  # hours by default
        {"IdTokenValidity": 299, "TokenValidityUnits": {"IdToken": "seconds"}},
    ):
        expect_error(create, "InvalidParameterException", **base, **bad)
        expect_error(idp.update_user_pool_client, "InvalidParameterException", UserPoolId=pool.pool_id, ClientId=pool.client_id, **bad)
    made = create(**base, RefreshTokenValidity=60, AccessTokenValidity=5, IdTokenValidity=1440,
                  TokenValidityUnits={"RefreshToken": "minutes", "AccessToken": "minutes", "IdToken": "minutes"})["UserPoolClient"]
    assert made["RefreshTokenValidity"] == 60
    # 0 is not refused: it stands for the 30-day default (CreateUserPoolClient reference).
    create(**base, RefreshTokenValidity=0, TokenValidityUnits={"RefreshToken": "minutes"})


# --------------------------------------------------------------------------
# Challenge sessions: SessionType is 20 to 2048 characters (service model)
# --------------------------------------------------------------------------


def test_session_length_switch_gives_sessions_of_the_models_maximum(idp, pool, passwordless, faults):
    email = passwordless.new_user()
    assert 20 <= len(passwordless.user_auth(email)["Session"]) <= 2048
    assert faults({"sessionLength": 2048})["sessionLength"] == 2048
    started = passwordless.user_auth(email, "EMAIL_OTP")
    assert len(started["Session"]) == 2048
    signed_in = passwordless.answer("EMAIL_OTP", started, EMAIL_OTP_CODE=DEV_CODE)
    assert "AuthenticationResult" in signed_in
    # The TOTP set-up sessions too (MFA_SETUP, AssociateSoftwareToken, VerifySoftwareToken).
    created = idp.create_user_pool(PoolName=f"mfa-on-{uuid.uuid4().hex[:6]}", UsernameAttributes=["email"], AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(UserPoolId=created, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="ON")
    client = idp.create_user_pool_client(UserPoolId=created, ClientName="c", GenerateSecret=True, ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"])["UserPoolClient"]
    p = Pool(idp, created, client["ClientId"], client["ClientSecret"])
    other, _ = p.user()
    setup = p.login(other)
    associated = idp.associate_software_token(Session=setup["Session"])
    verified = idp.verify_software_token(Session=associated["Session"], UserCode=pyotp.TOTP(associated["SecretCode"]).now())
    assert [len(s) for s in (setup["Session"], associated["Session"], verified["Session"])] == [2048] * 3
    for bad in (19, 2049, "long", True):
        refused_setting(faults, {"sessionLength": bad})


# --------------------------------------------------------------------------
# USER_AUTH without USERNAME in the challenge parameters (no AWS page lists it): omitUserAuthUsername
# --------------------------------------------------------------------------


def test_omit_user_auth_username_leaves_it_out_and_accepts_the_typed_name(passwordless, faults):
    email = passwordless.new_user()
    # Default: USERNAME is there (the actual username), and an answer naming the email is refused.
    started = passwordless.user_auth(email, "EMAIL_OTP")
    assert started["ChallengeParameters"]["USERNAME"] != email
    expect_error(passwordless.answer, "NotAuthorizedException", challenge="EMAIL_OTP", previous=started, username=email, EMAIL_OTP_CODE=DEV_CODE)

    assert faults({"omitUserAuthUsername": True})["omitUserAuthUsername"] is True
    for preferred in (None, "EMAIL_OTP", "PASSWORD"):
        r = passwordless.user_auth(email, preferred)
        assert "USERNAME" not in r["ChallengeParameters"], r["ChallengeParameters"]
    # Answered with what the user typed (the email, any case): signs in.
    select = passwordless.user_auth(email)
    otp = passwordless.answer("SELECT_CHALLENGE", select, username=email.upper(), ANSWER="EMAIL_OTP")
    assert set(otp["ChallengeParameters"]) == {"CODE_DELIVERY_DELIVERY_MEDIUM", "CODE_DELIVERY_DESTINATION"}
    tokens = passwordless.answer("EMAIL_OTP", otp, username=email, EMAIL_OTP_CODE=DEV_CODE)["AuthenticationResult"]
    sub = passwordless.idp.get_user(AccessToken=tokens["AccessToken"])["Username"]
    # The sub still works; another user's address does not.
    otp = passwordless.user_auth(email, "EMAIL_OTP")
    someone = passwordless.new_user()
    expect_error(passwordless.answer, "NotAuthorizedException", challenge="EMAIL_OTP", previous=otp, username=someone, EMAIL_OTP_CODE=DEV_CODE)
    assert "AuthenticationResult" in passwordless.answer("EMAIL_OTP", passwordless.user_auth(email, "EMAIL_OTP"), username=sub, EMAIL_OTP_CODE=DEV_CODE)
    # An unknown address: the same shapes, answered with the typed name, and every answer fails like a wrong one.
    ghost = f"ghost.{uuid.uuid4().hex[:8]}@nowhere.org"
    r = passwordless.user_auth(ghost, "EMAIL_OTP")
    assert r["ChallengeName"] == "EMAIL_OTP" and "USERNAME" not in r["ChallengeParameters"]
    expect_error(passwordless.answer, "CodeMismatchException", challenge="EMAIL_OTP", previous=r, username=ghost, EMAIL_OTP_CODE=DEV_CODE)
    refused_setting(faults, {"omitUserAuthUsername": "yes"})


# --------------------------------------------------------------------------
# PasswordResetRequiredException on USER_AUTH factors and the passkey operations (service model)
# --------------------------------------------------------------------------


def test_a_user_who_must_reset_gets_password_reset_required_on_passwordless_factors_and_passkeys(passwordless):
    p = passwordless
    email = p.new_user()
    access = p.password_tokens(email)["AccessToken"]
    authenticator = pk.SoftAuthenticator()
    p.register(access, authenticator)
    p.idp.admin_reset_user_password(UserPoolId=p.pool_id, Username=email)
    # Proven factors: PasswordResetRequired, never tokens.
    expect_error(p.answer, "PasswordResetRequiredException", challenge="EMAIL_OTP", previous=p.user_auth(email, "EMAIL_OTP"), EMAIL_OTP_CODE=DEV_CODE)
    expect_error(p.passkey_sign_in, "PasswordResetRequiredException", email=email, authenticator=authenticator)
    expect_error(p.user_auth, "PasswordResetRequiredException", email=email, preferred="PASSWORD", PASSWORD=pk.PASSWORD)
    # A wrong answer tells nothing more than for anyone else.
    expect_error(p.answer, "CodeMismatchException", challenge="EMAIL_OTP", previous=p.user_auth(email, "EMAIL_OTP"), EMAIL_OTP_CODE="000000")
    # The passkey operations with the user's (still live) access token.
    for call, kwargs in (
        (p.idp.start_web_authn_registration, {}),
        (p.idp.complete_web_authn_registration, {"Credential": {"id": "x"}}),
        (p.idp.list_web_authn_credentials, {}),
        (p.idp.delete_web_authn_credential, {"CredentialId": authenticator.id}),
    ):
        expect_error(call, "PasswordResetRequiredException", AccessToken=access, **kwargs)


# --------------------------------------------------------------------------
# Passkeys per user: LimitExceededException (service model); the figure: fidelity.py
# --------------------------------------------------------------------------


def test_passkey_limit(passwordless, faults):
    p = passwordless
    assert faults({})["passkeyLimit"] == 20
    email = p.new_user()
    access = p.password_tokens(email)["AccessToken"]
    faults({"passkeyLimit": 2})
    p.register(access, pk.SoftAuthenticator())
    p.register(access, pk.SoftAuthenticator())
    expect_error(p.idp.start_web_authn_registration, "LimitExceededException", "The user has reached the maximum number of passkeys.", AccessToken=access)
    assert len(p.idp.list_web_authn_credentials(AccessToken=access)["Credentials"]) == 2
    # Checked at completion too (a registration started below the limit).
    faults({"passkeyLimit": 3})
    started = p.idp.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    faults({"passkeyLimit": 2})
    expect_error(p.idp.complete_web_authn_registration, "LimitExceededException", AccessToken=access, Credential=pk.SoftAuthenticator().register(started))
    # Deleting one makes room again.
    first = p.idp.list_web_authn_credentials(AccessToken=access)["Credentials"][0]["CredentialId"]
    p.idp.delete_web_authn_credential(AccessToken=access, CredentialId=first)
    p.register(access, pk.SoftAuthenticator())
    refused_setting(faults, {"passkeyLimit": -1})

"""Tests for the emulator's refresh-token rotation (rotation.py): GetTokensFromRefreshToken, the
retry grace period, reuse refusal, REFRESH_TOKEN_AUTH refused with rotation. Driven with boto3.

Run: .venv/bin/python -m pytest tests/local-cognito -q
"""

from __future__ import annotations

import uuid

import pytest

from test_local_cognito import Pool, claims, expect_error, faults, make_client, start_emulator, stop_emulator  # noqa: F401 - faults is a fixture

REUSE = "RefreshTokenReuseException"


@pytest.fixture(scope="module")
def emu():
    proc, ready = start_emulator("--bootstrap")
    yield ready
    rc, _, _ = stop_emulator(proc)
    assert rc == 0


@pytest.fixture(scope="module")
def idp(emu):
    return make_client(emu["endpoint"])


@pytest.fixture(scope="module")
def pool(emu, idp) -> Pool:
    """The bootstrap pool and client (rotation on, grace period from cdk/user-pool.json)."""
    return Pool(idp, emu["userPoolId"], emu["clientId"], emu["clientSecret"])


def client_with(pool: Pool, rotation: dict | None, flows: list[str] | None = None) -> Pool:
    """Another app client of the same pool, with this RefreshTokenRotation setting."""
    extra = {"RefreshTokenRotation": rotation} if rotation is not None else {}
    c = pool.idp.create_user_pool_client(
        UserPoolId=pool.pool_id, ClientName=f"c-{uuid.uuid4().hex[:6]}", GenerateSecret=True,
        ExplicitAuthFlows=flows or ["ALLOW_ADMIN_USER_PASSWORD_AUTH"], **extra,
    )["UserPoolClient"]
    return Pool(pool.idp, pool.pool_id, c["ClientId"], c["ClientSecret"])


def grace(pool: Pool, seconds: int) -> Pool:
    return client_with(pool, {"Feature": "ENABLED", "RetryGracePeriodSeconds": seconds})


def signed_in(p: Pool) -> tuple[str, dict]:
    email, sub = p.user()
    return sub, p.login(email)["AuthenticationResult"]


def refresh(p: Pool, token: str) -> dict:
    return p.idp.get_tokens_from_refresh_token(ClientId=p.client_id, ClientSecret=p.secret, RefreshToken=token)["AuthenticationResult"]


def refused(p: Pool, token: str, error: str, message: str | None = None) -> None:
    expect_error(p.idp.get_tokens_from_refresh_token, error, message, ClientId=p.client_id, ClientSecret=p.secret, RefreshToken=token)


def test_rotation_answers_new_tokens_and_a_new_refresh_token(pool):
    sub, t = signed_in(pool)
    r = refresh(pool, t["RefreshToken"])
    assert set(r) == {"AccessToken", "IdToken", "RefreshToken", "ExpiresIn", "TokenType"}
    assert r["RefreshToken"] != t["RefreshToken"]
    assert r["TokenType"] == "Bearer"
    access = claims(r["AccessToken"])
    assert access["username"] == sub and access["token_use"] == "access"
    assert claims(r["IdToken"])["cognito:username"] == sub
    # The tokens issued with the new refresh token are its own (origin_jti), not the old one's.
    assert access["origin_jti"] == claims(r["IdToken"])["origin_jti"] != claims(t["AccessToken"])["origin_jti"]
    assert pool.idp.get_user(AccessToken=r["AccessToken"])["Username"] == sub
    again = refresh(pool, r["RefreshToken"])
    assert again["RefreshToken"] not in (r["RefreshToken"], t["RefreshToken"])


def test_the_client_secret_is_required_and_checked(pool):
    _, t = signed_in(pool)
    call = pool.idp.get_tokens_from_refresh_token
    expect_error(call, "NotAuthorizedException", f"Client {pool.client_id} is configured with secret but ClientSecret was not received", ClientId=pool.client_id, RefreshToken=t["RefreshToken"])
    expect_error(call, "NotAuthorizedException", f"Unable to verify client secret for client {pool.client_id}", ClientId=pool.client_id, ClientSecret="wrong-secret-but-long-enough-000", RefreshToken=t["RefreshToken"])
    expect_error(call, "ResourceNotFoundException", ClientId="nosuchclient", ClientSecret=pool.secret, RefreshToken=t["RefreshToken"])
    # Nothing was rotated by the refused calls: the token still refreshes.
    assert "RefreshToken" in refresh(pool, t["RefreshToken"])


def test_unknown_and_other_clients_tokens_are_not_authorized(pool):
    _, t = signed_in(pool)
    other = grace(pool, 10)
    refused(pool, "not-a-token", "NotAuthorizedException", "Invalid Refresh Token")
    refused(other, t["RefreshToken"], "NotAuthorizedException", "Invalid Refresh Token")
    refused(pool, t["AccessToken"], "NotAuthorizedException", "Invalid Refresh Token")


def test_within_the_grace_period_the_original_still_refreshes(pool):
    p = grace(pool, 60)
    _, t = signed_in(p)
    first = refresh(p, t["RefreshToken"])
    retry = refresh(p, t["RefreshToken"])
    assert retry["RefreshToken"] not in (first["RefreshToken"], t["RefreshToken"])
    assert "RefreshToken" in refresh(p, first["RefreshToken"])


def test_with_no_grace_period_the_original_is_refused_at_once(pool):
    p = grace(pool, 0)
    sub, t = signed_in(p)
    new = refresh(p, t["RefreshToken"])
    refused(p, t["RefreshToken"], REUSE)
    refused(p, t["RefreshToken"], REUSE)  # and stays refused
    # AWS documents no revocation of the rest of the family on reuse: the new token still works.
    assert "RefreshToken" in refresh(p, new["RefreshToken"])
    assert p.idp.get_user(AccessToken=new["AccessToken"])["Username"] == sub


def test_the_grace_period_runs_from_the_first_rotation(pool, faults):
    """On the emulator's clock (the clockOffsetSeconds control), not on sleeps: a retry half-way
    through the period is valid and does not extend it, and at the period's end, counted from the
    first rotation, the token is refused. Real time spent by a slow machine between the calls only
    makes them later: the retry stays inside the 60 s period unless 30 s pass, and the refusal can
    only come later still."""
    period = 60
    p = grace(pool, period)
    _, t = signed_in(p)
    refresh(p, t["RefreshToken"])  # the first rotation, at T
    faults({"clockOffsetSeconds": period / 2})
    refresh(p, t["RefreshToken"])  # T + 30: a retry inside the period, valid
    faults({"clockOffsetSeconds": period})
    refused(p, t["RefreshToken"], REUSE)  # T + 60: over, though the retry was 30 s ago


def test_bootstrap_client_uses_the_files_grace_period(pool, emu):
    described = pool.idp.describe_user_pool_client(UserPoolId=pool.pool_id, ClientId=pool.client_id)["UserPoolClient"]
    assert described["RefreshTokenRotation"]["Feature"] == "ENABLED"
    assert 1 <= described["RefreshTokenRotation"]["RetryGracePeriodSeconds"] <= 60
    _, t = signed_in(pool)
    refresh(pool, t["RefreshToken"])
    assert "RefreshToken" in refresh(pool, t["RefreshToken"])  # a prompt retry is inside it


def test_refresh_token_auth_is_refused_once_rotation_is_on(pool):
    sub, t = signed_in(pool)
    expect_error(pool.refresh, "InvalidParameterException", refresh_token=t["RefreshToken"], hash_username=sub)
    # Even if the client still lists the flow.
    listed = client_with(pool, {"Feature": "ENABLED", "RetryGracePeriodSeconds": 10}, ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    sub, t = signed_in(listed)
    expect_error(listed.refresh, "InvalidParameterException", refresh_token=t["RefreshToken"], hash_username=sub)


def test_without_rotation_only_access_and_id_tokens_are_issued(pool):
    for rotation in (None, {"Feature": "DISABLED"}):
        p = client_with(pool, rotation, ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
        sub, t = signed_in(p)
        r = refresh(p, t["RefreshToken"])
        assert set(r) == {"AccessToken", "IdToken", "ExpiresIn", "TokenType"}
        assert claims(r["AccessToken"])["origin_jti"] == claims(t["AccessToken"])["origin_jti"]
        assert "AccessToken" in refresh(p, t["RefreshToken"])
        assert "AccessToken" in p.refresh(t["RefreshToken"], sub)["AuthenticationResult"]


def test_sign_out_and_revocation_win_over_the_grace_period(pool):
    p = grace(pool, 60)
    email, sub = p.user()
    t = p.login(email)["AuthenticationResult"]
    new = refresh(p, t["RefreshToken"])
    newer = refresh(p, new["RefreshToken"])
    other = p.login(email)["AuthenticationResult"]
    # RevokeToken on the newest token ends the whole family: "all access tokens for a given refresh
    # token, including the initial access token from interactive sign-in" (token-revocation page),
    # and the refresh tokens rotated out within their grace period; another sign-in is not touched.
    p.idp.revoke_token(Token=newer["RefreshToken"], ClientId=p.client_id, ClientSecret=p.secret)
    for token in (t["RefreshToken"], new["RefreshToken"], newer["RefreshToken"]):
        refused(p, token, "NotAuthorizedException", "Refresh Token has been revoked")
    for access in (t["AccessToken"], new["AccessToken"], newer["AccessToken"]):
        expect_error(p.idp.get_user, "NotAuthorizedException", "Access Token has been revoked", AccessToken=access)
    assert p.idp.get_user(AccessToken=other["AccessToken"])["Username"] == sub
    # RevokeToken on a rotated-out token (inside its grace period) ends the family too.
    first = p.login(email)["AuthenticationResult"]
    second = refresh(p, first["RefreshToken"])
    p.idp.revoke_token(Token=first["RefreshToken"], ClientId=p.client_id, ClientSecret=p.secret)
    refused(p, second["RefreshToken"], "NotAuthorizedException", "Refresh Token has been revoked")
    expect_error(p.idp.get_user, "NotAuthorizedException", "Access Token has been revoked", AccessToken=second["AccessToken"])
    # GlobalSignOut: every refresh token of the user, the rotated-out one inside its grace period too.
    newer = refresh(p, other["RefreshToken"])
    p.idp.global_sign_out(AccessToken=newer["AccessToken"])
    for token in (other["RefreshToken"], newer["RefreshToken"]):
        refused(p, token, "NotAuthorizedException", "Refresh Token has been revoked")


def test_a_deleted_or_disabled_user_cannot_refresh(pool):
    email, _ = pool.user()
    t = pool.login(email)["AuthenticationResult"]
    pool.idp.admin_disable_user(UserPoolId=pool.pool_id, Username=email)
    refused(pool, t["RefreshToken"], "NotAuthorizedException", "User is disabled.")
    pool.idp.admin_delete_user(UserPoolId=pool.pool_id, Username=email)
    refused(pool, t["RefreshToken"], "NotAuthorizedException")


def test_the_rotation_setting_is_validated(pool):
    for bad in ({"Feature": "ENABLED", "RetryGracePeriodSeconds": 61}, {"Feature": "SOMETIMES"}):
        expect_error(pool.idp.create_user_pool_client, "InvalidParameterException", UserPoolId=pool.pool_id, ClientName="bad", RefreshTokenRotation=bad)
        expect_error(pool.idp.update_user_pool_client, "InvalidParameterException", UserPoolId=pool.pool_id, ClientId=pool.client_id, RefreshTokenRotation=bad)

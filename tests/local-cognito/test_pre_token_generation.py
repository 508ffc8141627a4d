"""The pre token generation trigger on the emulator (triggers.py, tokens.py): run on every token issue
(password sign-in, the new-password challenge, choice-based sign-in, both refresh operations; the
OAuth code grant's HostedAuth source is in test_federation.py), with the V2_0 event the Developer
Guide documents (trigger_events/pre-token-generation-v2.json), and its answer applied to the tokens
as the page says; a failing trigger issues no tokens.
(This project's own handler behind the same API: lambda/auth-api/tests/token_claims.rs.)

Run: .venv/bin/python -m pytest tests/local-cognito/test_pre_token_generation.py -q
"""

from __future__ import annotations

from typing import Any

import pytest

from test_local_cognito import PASSWORD, Pool, claims, expect_error, new_email
from test_triggers import StandInFunction, emu, function, held_to_the_documented_event, idp, lambda_control, pool  # noqa: F401 (fixtures)

TRIGGERS = "preTokenGeneration"  # read by test_triggers.emu
EVENT = "pre-token-generation-v2.json"
ADMIN = "aws.cognito.signin.user.admin"


def member(pool: Pool, *groups: str) -> tuple[str, str]:
    email, sub = pool.user()
    for g in groups:
        try:
            pool.idp.create_group(GroupName=g, UserPoolId=pool.pool_id, RoleArn=f"arn:aws:iam::123456789012:role/{g}", Precedence=len(g))
        except pool.idp.exceptions.GroupExistsException:
            pass
        pool.idp.admin_add_user_to_group(UserPoolId=pool.pool_id, Username=email, GroupName=g)
    return email, sub


def events(function: StandInFunction) -> list[dict[str, Any]]:
    return [e for path, e in function.invocations if path == "/2015-03-31/functions/preTokenGeneration/invocations"]


def test_the_pool_is_wired_as_the_stack_wires_it(pool):
    config = pool.idp.describe_user_pool(UserPoolId=pool.pool_id)["UserPool"]["LambdaConfig"]
    arn = "arn:aws:lambda:us-east-1:123456789012:function:preTokenGeneration"
    assert config["PreTokenGenerationConfig"] == {"LambdaArn": arn, "LambdaVersion": "V2_0"}
    assert config["PreTokenGeneration"] == arn


def test_a_password_sign_in_sends_the_documented_v2_event(pool, function, emu):
    email, sub = member(pool, "editors", "admins")
    function.reset()
    pool.login(email)
    [event] = events(function)
    held_to_the_documented_event(event, EVENT)
    assert (event["version"], event["triggerSource"]) == ("2", "TokenGeneration_Authentication")
    assert (event["userPoolId"], event["userName"], event["callerContext"]["clientId"]) == (emu["userPoolId"], sub, emu["clientId"])
    assert event["callerContext"]["awsSdkVersion"].startswith("aws-sdk-")
    attrs = event["request"]["userAttributes"]
    assert (attrs["sub"], attrs["email"], attrs["cognito:user_status"]) == (sub, email, "CONFIRMED")
    g = event["request"]["groupConfiguration"]
    assert g["groupsToOverride"] == ["admins", "editors"]
    # Roles by precedence (lower first), the first the preferred one.
    assert g["iamRolesToOverride"] == ["arn:aws:iam::123456789012:role/admins", "arn:aws:iam::123456789012:role/editors"]
    assert g["preferredRole"] == "arn:aws:iam::123456789012:role/admins"
    assert event["request"]["scopes"] == [ADMIN]
    assert event["response"] == {"claimsAndScopeOverrideDetails": None}


def test_every_token_issue_runs_it_with_its_source(pool, function, idp, emu):
    email, sub = pool.user()
    function.reset()
    first = pool.login(email)["AuthenticationResult"]
    # GetTokensFromRefreshToken (the bootstrap client rotates refresh tokens).
    idp.get_tokens_from_refresh_token(ClientId=pool.client_id, ClientSecret=pool.secret, RefreshToken=first["RefreshToken"])
    # REFRESH_TOKEN_AUTH, on a client without rotation.
    legacy = idp.create_user_pool_client(UserPoolId=pool.pool_id, ClientName="legacy", GenerateSecret=True,
                                         ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]
    lp = Pool(idp, pool.pool_id, legacy["ClientId"], legacy["ClientSecret"])
    r = lp.login(email)["AuthenticationResult"]
    lp.refresh(r["RefreshToken"], sub)
    # Choice-based sign-in with the password factor.
    params = {"USERNAME": email, "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": PASSWORD, **pool.ah(email)}
    out = idp.admin_initiate_auth(UserPoolId=pool.pool_id, ClientId=pool.client_id, AuthFlow="USER_AUTH", AuthParameters=params)
    assert "AuthenticationResult" in out, out
    # The new-password challenge of a user an administrator created.
    created = new_email()
    idp.admin_create_user(UserPoolId=pool.pool_id, Username=created, TemporaryPassword="Temp-Passw0rd!x", MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": created}, {"Name": "email_verified", "Value": "true"}])
    challenge = pool.login(created, "Temp-Passw0rd!x")
    username = challenge["ChallengeParameters"]["USER_ID_FOR_SRP"]
    idp.admin_respond_to_auth_challenge(UserPoolId=pool.pool_id, ClientId=pool.client_id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=challenge["Session"],
                                        ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": "N3w-Passw0rd!xy", **pool.ah(username)})
    got = [(e["triggerSource"], e["callerContext"]["clientId"]) for e in events(function)]
    assert got == [
        ("TokenGeneration_Authentication", pool.client_id),
        ("TokenGeneration_RefreshTokens", pool.client_id),
        ("TokenGeneration_Authentication", lp.client_id),
        ("TokenGeneration_RefreshTokens", lp.client_id),
        ("TokenGeneration_Authentication", pool.client_id),
        ("TokenGeneration_NewPasswordChallenge", pool.client_id),
    ]
    for e in events(function):
        held_to_the_documented_event(e, EVENT)


def answer_with(details: dict[str, Any]):
    def answer(event: dict[str, Any]) -> dict[str, Any]:
        return {**event, "response": {"claimsAndScopeOverrideDetails": details}}
    return answer


def test_the_answer_changes_both_tokens_as_the_page_says(pool, function, idp):
    email, _ = member(pool, "editors")
    function.mode = answer_with({
        "idTokenGeneration": {"claimsToAddOrOverride": {"roles": ["editor"], "tier": "gold"}, "claimsToSuppress": ["email", "tier"]},
        "accessTokenGeneration": {"claimsToAddOrOverride": {"roles": ["editor"]}, "scopesToAdd": ["api/read", ADMIN], "scopesToSuppress": []},
    })
    t = pool.login(email)["AuthenticationResult"]
    idc, acc = claims(t["IdToken"]), claims(t["AccessToken"])
    assert idc["roles"] == acc["roles"] == ["editor"]
    # "If a value is both suppressed and replaced, then it will be suppressed."
    assert "email" not in idc and "tier" not in idc
    assert acc["scope"].split() == [ADMIN, "api/read"]
    assert idc["cognito:groups"] == acc["cognito:groups"] == ["editors"]
    # Without the admin scope the token no longer works for the user's own operations.
    function.mode = answer_with({"accessTokenGeneration": {"scopesToSuppress": [ADMIN], "scopesToAdd": ["api/read"]}})
    t = pool.login(email)["AuthenticationResult"]
    assert claims(t["AccessToken"])["scope"] == "api/read"
    expect_error(idp.get_user, "NotAuthorizedException", AccessToken=t["AccessToken"])
    # groupOverrideDetails replaces cognito:groups in both tokens.
    function.mode = answer_with({"groupOverrideDetails": {"groupsToOverride": ["g-x"], "iamRolesToOverride": [], "preferredRole": None}})
    t = pool.login(email)["AuthenticationResult"]
    assert claims(t["IdToken"])["cognito:groups"] == claims(t["AccessToken"])["cognito:groups"] == ["g-x"]


def test_a_failing_or_invalid_answer_issues_no_tokens(pool, function, emu):
    email, _ = pool.user()
    function.mode = "error"
    expect_error(pool.login, "UserLambdaValidationException", "PreTokenGeneration failed with error nope.", username=email)
    for mode in ("garbage", answer_with({"accessTokenGeneration": {"claimsToAddOrOverride": {"sub": "someone-else"}}}),
                 answer_with({"idTokenGeneration": {"claimsToSuppress": ["cognito:username"]}}), answer_with("not an object")):
        function.mode = mode
        expect_error(pool.login, "InvalidLambdaResponseException", username=email)
    lambda_control(emu, "POST", {"endpoint": "http://127.0.0.1:9"})
    expect_error(pool.login, "UnexpectedLambdaException", "PreTokenGeneration invocation failed due to error ResourceNotFoundException.", username=email)
    outcomes = [i["outcome"] for i in lambda_control(emu, "GET")["invocations"]]
    assert outcomes == ["UnexpectedLambdaException"]

"""Federated sign-in on the emulator's pool endpoints (oauth.py, federation.py, saml_sp.py), driven
through real upstream providers: oidc-provider playing Google and Entra ID, samlify playing a SAML
IdP (tests/idp/server.mjs). Each test walks the browser's redirect chain hop by hop and then uses
the token endpoint as the API does (client secret, PKCE verifier).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import urllib.parse

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

import federation_setup
from idp_browser import Browser, forms, query, start_idps
from test_local_cognito import start_emulator, stop_emulator
from test_triggers import StandInFunction, held_to_the_documented_event

CALLBACK = "http://localhost:9/auth/federation/callback"
LOGOUT = "http://localhost:9/signed-out"


@pytest.fixture(scope="module")
def function():
    """The pre token generation trigger's function (echoes the event unless a test says otherwise)."""
    f = StandInFunction()
    yield f
    f.server.shutdown()


@pytest.fixture(scope="module")
def fed(function):
    proc, ready = start_emulator("--bootstrap", "--triggers", "preTokenGeneration", "--lambda-endpoint", function.url)
    idps, idp_ready = start_idps(ready["endpoint"], ready["userPoolId"])
    try:
        setup = federation_setup.configure(ready["endpoint"], ready["userPoolId"], ready["clientId"], idp_ready, [CALLBACK], [LOGOUT])
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
        cognito = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=ready["endpoint"])
        yield ready | {"idp": idp_ready, "setup": setup, "cognito": cognito}
    finally:
        idps.terminate()
        idps.wait(10)
        stop_emulator(proc)


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(fed, provider: str, challenge: str | None = None, **extra: str) -> str:
    params = {"response_type": "code", "client_id": fed["clientId"], "redirect_uri": CALLBACK, "identity_provider": provider, "state": "app-state-1"}
    if challenge:
        params |= {"code_challenge_method": "S256", "code_challenge": challenge}
    params |= extra
    return f"{fed['endpoint']}/oauth2/authorize?{urllib.parse.urlencode(params)}"


def exchange(fed, code: str, verifier: str | None, redirect_uri: str = CALLBACK, secret: str | None = None) -> requests.Response:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "client_id": fed["clientId"]}
    if verifier is not None:
        data["code_verifier"] = verifier
    return requests.post(f"{fed['endpoint']}/oauth2/token", data=data, auth=(fed["clientId"], secret or fed["clientSecret"]), timeout=10)


def claims(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def sign_in(fed, provider: str, email: str, consent: str = "allow", **extra: str) -> tuple[str, str]:
    """(the callback URL the browser ended on, the PKCE verifier)."""
    verifier, challenge = pkce()
    url = Browser(CALLBACK).sign_in(authorize_url(fed, provider, challenge, **extra), email, fed["idp"]["password"], consent)
    return url, verifier


def google_user(fed, email: str) -> str:
    return next(u for u in fed["idp"]["google"]["users"] if u["email"] == email)["email"]


def tokens_for(fed, provider: str, email: str, **extra: str) -> dict:
    url, verifier = sign_in(fed, provider, email, **extra)
    q = query(url)
    assert "code" in q, url
    r = exchange(fed, q["code"], verifier)
    assert r.status_code == 200, r.text
    return r.json()


# --------------------------------------------------------------------------


def test_google_sign_in_makes_a_federated_user_as_cognito_does(fed):
    url, verifier = sign_in(fed, "Google", "ada@example.com", nonce="app-nonce-7")
    q = query(url)
    assert set(q) == {"code", "state"} and q["state"] == "app-state-1", url
    r = exchange(fed, q["code"], verifier)
    assert r.status_code == 200, r.text
    t = r.json()
    assert set(t) == {"access_token", "id_token", "refresh_token", "token_type", "expires_in"} and t["token_type"] == "Bearer"
    idc, acc = claims(t["id_token"]), claims(t["access_token"])
    google_sub = "108204268033311374519"
    assert idc["cognito:username"] == acc["username"] == f"Google_{google_sub}"
    assert idc["email"] == "ada@example.com" and idc["email_verified"] is True and idc["name"] == "Ada Lovelace"
    assert idc["nonce"] == "app-nonce-7" and idc["at_hash"]
    assert idc["cognito:groups"] == acc["cognito:groups"] == [f"{fed['userPoolId']}_Google"]
    [identity] = idc["identities"]
    assert identity["userId"] == google_sub and identity["providerName"] == "Google" and identity["providerType"] == "Google"
    assert identity["primary"] == "true" and identity["dateCreated"].isdigit()
    assert sorted(acc["scope"].split()) == sorted(["openid", "email", "profile", "aws.cognito.signin.user.admin"])
    # The user Cognito keeps: EXTERNAL_PROVIDER, in the provider's group, the identities attribute.
    user = fed["cognito"].admin_get_user(UserPoolId=fed["userPoolId"], Username=f"Google_{google_sub}")
    assert user["UserStatus"] == "EXTERNAL_PROVIDER"
    attrs = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert json.loads(attrs["identities"])[0]["userId"] == google_sub
    groups = fed["cognito"].admin_list_groups_for_user(UserPoolId=fed["userPoolId"], Username=f"Google_{google_sub}")["Groups"]
    assert [g["GroupName"] for g in groups] == [f"{fed['userPoolId']}_Google"]
    # An ordinary pool token: the user's own operations take it, and userInfo answers.
    me = fed["cognito"].get_user(AccessToken=t["access_token"])
    assert me["Username"] == f"Google_{google_sub}"
    info = requests.get(f"{fed['endpoint']}/oauth2/userInfo", headers={"Authorization": f"Bearer {t['access_token']}"}, timeout=10)
    assert info.status_code == 200
    assert info.json()["email"] == "ada@example.com" and info.json()["email_verified"] == "true" and info.json()["username"] == f"Google_{google_sub}"


def test_the_second_sign_in_is_the_same_user_with_attributes_updated(fed):
    first = claims(tokens_for(fed, "Google", "grace@example.com")["id_token"])
    second = claims(tokens_for(fed, "Google", "grace@example.com")["id_token"])
    assert first["sub"] == second["sub"] and first["cognito:username"] == second["cognito:username"]
    users = fed["cognito"].list_users(UserPoolId=fed["userPoolId"])["Users"]
    assert [u["Username"] for u in users].count(first["cognito:username"]) == 1


def test_the_code_is_single_use_and_bound_to_the_verifier_and_redirect_uri(fed):
    for tamper in ("verifier", "missing verifier", "redirect_uri", "secret"):
        url, verifier = sign_in(fed, "Google", "ada@example.com")
        code = query(url)["code"]
        if tamper == "verifier":
            r = exchange(fed, code, pkce()[0])
        elif tamper == "missing verifier":
            r = exchange(fed, code, None)
        elif tamper == "redirect_uri":
            r = exchange(fed, code, verifier, redirect_uri="http://localhost:9/other")
        else:
            r = exchange(fed, code, verifier, secret="not-the-secret")
        expected = "invalid_client" if tamper == "secret" else "invalid_grant"
        assert (r.status_code, r.json()) == (400, {"error": expected}), tamper
        if tamper != "secret":
            # Spent by the failed attempt: the right verifier no longer redeems it.
            assert exchange(fed, code, verifier).json() == {"error": "invalid_grant"}, tamper
    url, verifier = sign_in(fed, "Google", "ada@example.com")
    code = query(url)["code"]
    assert exchange(fed, code, verifier).status_code == 200
    assert exchange(fed, code, verifier).json() == {"error": "invalid_grant"}, "a code redeems once"


def test_a_refused_consent_ends_on_the_callback_with_access_denied(fed):
    url, _ = sign_in(fed, "Google", "ada@example.com", consent="deny")
    q = query(url)
    assert q["error"] == "access_denied" and q["state"] == "app-state-1" and "code" not in q, url
    assert q["error_description"].startswith("Google Error -")


def test_entra_addresses_stay_unverified(fed):
    t = tokens_for(fed, "EntraID", "linus@example.com")
    idc = claims(t["id_token"])
    assert idc["cognito:username"].startswith("EntraID_") and idc["email"] == "linus@example.com"
    assert idc["email_verified"] is False, "Entra sends no email_verified: the mapped address is unverified"
    assert idc["identities"][0]["providerType"] == "OIDC"


def test_saml_sign_in(fed):
    t = tokens_for(fed, "CorpSAML", "ken@example.com")
    idc = claims(t["id_token"])
    assert idc["cognito:username"] == "CorpSAML_ken@example.com"
    assert idc["email"] == "ken@example.com" and idc["name"] == "Ken Thompson" and idc["email_verified"] is False
    assert idc["identities"][0]["providerType"] == "SAML" and idc["cognito:groups"] == [f"{fed['userPoolId']}_CorpSAML"]


def saml_post_form(fed, email: str):
    """Up to the IdP's auto-posting form: (browser, its action, its fields)."""
    verifier, challenge = pkce()
    b = Browser(CALLBACK)
    url, r = b.go(authorize_url(fed, "CorpSAML", challenge))
    url, r = b.submit(url, r, {"login": email, "password": fed["idp"]["password"]})
    [form] = forms(r.text)
    assert "SAMLResponse" in form.fields
    return b, form.action, form.fields


def test_a_saml_response_altered_after_signing_replayed_or_unsolicited_is_refused(fed):
    b, acs, fields = saml_post_form(fed, "ken@example.com")
    xml = base64.b64decode(fields["SAMLResponse"]).decode()
    forged = base64.b64encode(xml.replace("ken@example.com", "ada@example.com").encode()).decode()
    url, _ = b.go(acs, "POST", {**fields, "SAMLResponse": forged})
    assert query(url)["error"] == "invalid_request" and "signature" in query(url)["error_description"].lower(), url
    # The real response of that request: its RelayState was spent by the forged attempt.
    r = requests.post(acs, data=fields, allow_redirects=False, timeout=10)
    assert r.status_code == 400 and "Location" not in r.headers
    # A valid response answered to another request (InResponseTo) is refused there too.
    b2, acs2, fields2 = saml_post_form(fed, "ken@example.com")
    url, _ = b2.go(acs2, "POST", {**fields2, "SAMLResponse": fields["SAMLResponse"]})
    assert query(url)["error"] == "invalid_request", url
    # Unsolicited (IdP-initiated, off): no RelayState of the pool's.
    r = requests.post(acs, data={"SAMLResponse": fields2["SAMLResponse"]}, allow_redirects=False, timeout=10)
    assert r.status_code == 400 and "Location" not in r.headers


def test_a_saml_refusal_ends_on_the_callback_with_an_error(fed):
    verifier, challenge = pkce()
    b = Browser(CALLBACK)
    url, r = b.go(authorize_url(fed, "CorpSAML", challenge))
    url, r = b.submit(url, r, {}, ("decision", "deny"))
    [form] = forms(r.text)
    url, _ = b.go(form.action, "POST", form.fields)
    q = query(url)
    assert q["error"] == "invalid_request" and "RequestDenied" in q["error_description"] and q["state"] == "app-state-1", url


def test_authorize_refuses_what_cognito_refuses(fed):
    def first_hop(**params):
        p = {"response_type": "code", "client_id": fed["clientId"], "redirect_uri": CALLBACK, "identity_provider": "Google", "state": "s"} | params
        return requests.get(f"{fed['endpoint']}/oauth2/authorize", params={k: v for k, v in p.items() if v is not None}, allow_redirects=False, timeout=10)

    # Never a redirect to an address the client does not list, nor for an unknown client.
    for bad in ({"client_id": "nope"}, {"redirect_uri": "https://evil.example/cb"}, {"redirect_uri": CALLBACK + "/"}, {"redirect_uri": None}):
        r = first_hop(**bad)
        assert r.status_code == 400 and "Location" not in r.headers, bad
    for params, error in (
        ({"code_challenge_method": "plain", "code_challenge": "x" * 43}, "invalid_request"),
        ({"code_challenge": "x" * 43}, "invalid_request"),
        ({"scope": "openid phone"}, "invalid_scope"),
        ({"scope": "email"}, "invalid_scope"),
        ({"identity_provider": "Facebook"}, "invalid_request"),
        ({"response_type": "token"}, "unauthorized_client"),
    ):
        r = first_hop(**params)
        assert r.status_code == 302, params
        q = query(r.headers["Location"])
        assert r.headers["Location"].startswith(CALLBACK) and q["error"] == error and q["state"] == "s", (params, q)


def test_an_unknown_state_at_the_idp_response_endpoint_is_refused(fed):
    r = requests.get(f"{fed['endpoint']}/oauth2/idpresponse", params={"code": "x", "state": "not-issued"}, allow_redirects=False, timeout=10)
    assert r.status_code == 400 and "Location" not in r.headers


def test_a_forged_provider_code_ends_with_an_error(fed):
    verifier, challenge = pkce()
    b = Browser(f"{fed['endpoint']}/oauth2/idpresponse")
    # Stop where the provider sends the browser back to the pool, and swap the provider's code.
    url = b.sign_in(authorize_url(fed, "Google", challenge), "ada@example.com", fed["idp"]["password"])
    q = query(url)
    r = requests.get(f"{fed['endpoint']}/oauth2/idpresponse", params={"code": "forged-" + q["code"][::-1], "state": q["state"]}, allow_redirects=False, timeout=10)
    back = r.headers["Location"]
    assert back.startswith(CALLBACK) and query(back)["error"] == "invalid_request" and "code" not in query(back)


def test_refresh_grant_and_get_tokens_from_refresh_token_keep_the_sign_in(fed):
    t = tokens_for(fed, "Google", "ada@example.com")
    r = requests.post(f"{fed['endpoint']}/oauth2/token", data={"grant_type": "refresh_token", "refresh_token": t["refresh_token"]}, auth=(fed["clientId"], fed["clientSecret"]), timeout=10)
    assert r.status_code == 200, r.text
    rotated = r.json()
    assert rotated["refresh_token"] != t["refresh_token"], "the client rotates refresh tokens"
    assert claims(rotated["access_token"])["scope"] == claims(t["access_token"])["scope"]
    out = fed["cognito"].get_tokens_from_refresh_token(ClientId=fed["clientId"], ClientSecret=fed["clientSecret"], RefreshToken=rotated["refresh_token"])
    assert claims(out["AuthenticationResult"]["AccessToken"])["username"].startswith("Google_")
    # Logout as the API does it: GlobalSignOut with the access token, then RevokeToken.
    fed["cognito"].global_sign_out(AccessToken=out["AuthenticationResult"]["AccessToken"])
    with pytest.raises(ClientError):
        fed["cognito"].get_user(AccessToken=out["AuthenticationResult"]["AccessToken"])


def test_a_token_without_the_admin_scope_cannot_call_the_users_operations(fed):
    t = tokens_for(fed, "Google", "ada@example.com", scope="openid email")
    assert claims(t["access_token"])["scope"] == "openid email"
    with pytest.raises(ClientError) as e:
        fed["cognito"].get_user(AccessToken=t["access_token"])
    assert e.value.response["Error"]["Code"] == "NotAuthorizedException"
    info = requests.get(f"{fed['endpoint']}/oauth2/userInfo", headers={"Authorization": f"Bearer {t['access_token']}"}, timeout=10)
    assert info.status_code == 200 and "name" not in info.json(), "profile was not granted"
    bad = requests.get(f"{fed['endpoint']}/oauth2/userInfo", headers={"Authorization": "Bearer nope"}, timeout=10)
    assert bad.status_code == 401 and "invalid_token" in bad.headers["WWW-Authenticate"]


def test_logout_endpoint(fed):
    r = requests.get(f"{fed['endpoint']}/logout", params={"client_id": fed["clientId"], "logout_uri": LOGOUT}, allow_redirects=False, timeout=10)
    assert r.status_code == 302 and r.headers["Location"] == LOGOUT and "cognito=;" in r.headers["Set-Cookie"]
    r = requests.get(f"{fed['endpoint']}/logout", params={"client_id": fed["clientId"], "logout_uri": "https://evil.example/"}, allow_redirects=False, timeout=10)
    assert r.status_code == 400 and "Location" not in r.headers


def test_a_federated_address_is_no_sign_in_name_of_the_pools_own_users(fed):
    tokens_for(fed, "Google", "ada@example.com")  # a Google_… user with ada's address exists
    c = fed["cognito"]
    with pytest.raises(ClientError) as e:
        c.admin_initiate_auth(
            UserPoolId=fed["userPoolId"], ClientId=fed["clientId"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "ada@example.com", "PASSWORD": "Whatever-1!", "SECRET_HASH": _hash(fed, "ada@example.com")},
        )
    assert e.value.response["Error"]["Code"] == "NotAuthorizedException"
    # ada registers with a password: a second, separate account (until linked).
    c.sign_up(ClientId=fed["clientId"], SecretHash=_hash(fed, "ada@example.com"), Username="ada@example.com", Password="Corr3ct-Horse-Battery!")
    found = [u for u in c.list_users(UserPoolId=fed["userPoolId"])["Users"] if any(a["Value"] == "ada@example.com" for a in u["Attributes"])]
    assert sorted(u["UserStatus"] for u in found) == ["EXTERNAL_PROVIDER", "UNCONFIRMED"]


def _hash(fed, username: str) -> str:
    import hmac

    return base64.b64encode(hmac.new(fed["clientSecret"].encode(), (username + fed["clientId"]).encode(), hashlib.sha256).digest()).decode()


def test_create_identity_provider_needs_the_documented_details(fed):
    with pytest.raises(ClientError) as e:
        fed["cognito"].create_identity_provider(UserPoolId=fed["userPoolId"], ProviderName="Broken", ProviderType="OIDC", ProviderDetails={"client_id": "x"})
    assert e.value.response["Error"]["Code"] == "InvalidParameterException"
    assert re.search("oidc_issuer", e.value.response["Error"]["Message"])


def test_the_code_grant_runs_pre_token_generation_as_hosted_auth(fed, function):
    """TokenGeneration_HostedAuth: "Called during authentication from the Amazon Cognito managed login
    sign-in page" (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html),
    with the OAuth scopes of the sign-in in the V2_0 event; its answer shapes the tokens the token
    endpoint returns. A failing trigger: no tokens (the token endpoint's answer then is the emulator's)."""
    function.reset()
    function.mode = lambda e: {**e, "response": {"claimsAndScopeOverrideDetails": {"accessTokenGeneration": {"scopesToAdd": ["api/read"]}}}}
    t = tokens_for(fed, "Google", "ada@example.com")
    [(path, event)] = [i for i in function.invocations if i[1]["triggerSource"].startswith("TokenGeneration_")]
    assert path == "/2015-03-31/functions/preTokenGeneration/invocations"
    held_to_the_documented_event(event, "pre-token-generation-v2.json")
    assert event["triggerSource"] == "TokenGeneration_HostedAuth" and event["callerContext"]["clientId"] == fed["clientId"]
    assert sorted(event["request"]["scopes"]) == sorted(["openid", "email", "profile", "aws.cognito.signin.user.admin"])
    assert "api/read" in claims(t["access_token"])["scope"].split()
    function.mode = "error"
    url, verifier = sign_in(fed, "Google", "ada@example.com")
    r = exchange(fed, query(url)["code"], verifier)
    assert r.status_code == 400 and r.json() == {"error": "invalid_request"}
    function.reset()

"""Tests for machine-to-machine authorization in the emulator (machine.py): the bootstrap apps of
cdk/apps.json, CreateUserPoolClient's OAuth checks, and the token endpoint's client-credentials grant.
Each request is a plain HTTP form POST, as an OAuth library sends it.

Run: .venv/bin/python -m pytest tests/local-cognito -q
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from joserfc import jwt as jose_jwt
from joserfc.jwk import KeySet

from test_local_cognito import expect_error
from test_rotation import emu, idp  # noqa: F401 - the bootstrap emulator and its boto3 client (fixtures)

APPS = json.loads((Path(__file__).resolve().parents[2] / "cdk" / "apps.json").read_text())["apps"]


def machine(emu, app: str, client: str) -> dict:
    return next(m for a in emu["apps"] if a["id"] == app for m in a["machineClients"] if m["id"] == client)


def post(url: str, form: dict | str, headers: dict | None = None) -> tuple[int, dict, dict]:
    body = form if isinstance(form, str) else urllib.parse.urlencode(form)
    req = urllib.request.Request(url, data=body.encode(), method="POST", headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), json.loads(e.read())


def basic(client_id: str, secret: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def token_for(emu, m: dict, scope: str | None = None) -> tuple[int, dict]:
    form = {"grant_type": "client_credentials"} | ({"scope": scope} if scope is not None else {})
    status, _, body = post(emu["tokenEndpoint"], form, basic(m["clientId"], m["clientSecret"]))
    return status, body


def verified_claims(emu, token: str) -> dict:
    """The token's claims after checking its signature with the pool's published keys."""
    with urllib.request.urlopen(f"{emu['endpoint']}/{emu['userPoolId']}/.well-known/jwks.json") as r:
        keys = KeySet.import_key_set(json.loads(r.read()))
    return jose_jwt.decode(token, keys).claims


def test_bootstrap_creates_each_apps_resource_server_and_machine_clients(emu, idp):
    servers = idp.list_resource_servers(UserPoolId=emu["userPoolId"], MaxResults=50)["ResourceServers"]
    assert sorted((s["Identifier"], tuple(x["ScopeName"] for x in s["Scopes"])) for s in servers) == sorted(
        (a["resourceServer"]["identifier"], tuple(x["name"] for x in a["resourceServer"]["scopes"])) for a in APPS
    )
    for app in APPS:
        for m in app["machineClients"]:
            c = idp.describe_user_pool_client(UserPoolId=emu["userPoolId"], ClientId=machine(emu, app["id"], m["id"])["clientId"])["UserPoolClient"]
            assert c["AllowedOAuthFlows"] == ["client_credentials"]
            assert sorted(c["AllowedOAuthScopes"]) == sorted(m["scopes"])
            assert c["ExplicitAuthFlows"] == ["ALLOW_REFRESH_TOKEN_AUTH"]
            assert c["ClientSecret"] == machine(emu, app["id"], m["id"])["clientSecret"]


def test_an_app_with_origins_gets_its_own_user_client_with_the_api_clients_settings(emu, idp):
    """As the construct does (App-<id>-UserClient): the settings of the API's own client, another id and secret."""
    own = idp.describe_user_pool_client(UserPoolId=emu["userPoolId"], ClientId=emu["clientId"])["UserPoolClient"]
    with_origins = [a for a in APPS if "origins" in a]
    assert with_origins, "cdk/apps.json lists an app with origins (make dev serves it)"
    for app in APPS:
        entry = next(a for a in emu["apps"] if a["id"] == app["id"])
        if "origins" not in app:
            assert "userClient" not in entry
            continue
        assert entry["origins"] == app["origins"]
        c = idp.describe_user_pool_client(UserPoolId=emu["userPoolId"], ClientId=entry["userClient"]["clientId"])["UserPoolClient"]
        assert c["ClientId"] != own["ClientId"] and c["ClientSecret"] == entry["userClient"]["clientSecret"] != own["ClientSecret"]
        assert c["ClientName"] == app["id"]
        for key in ("ExplicitAuthFlows", "RefreshTokenValidity", "AccessTokenValidity", "IdTokenValidity", "EnableTokenRevocation", "PreventUserExistenceErrors"):
            assert c.get(key) == own.get(key), key


def test_client_credentials_grant_issues_a_signed_access_token_with_the_scopes(emu):
    m = machine(emu, "reports", "exporter")
    status, body = token_for(emu, m, "reports-api/reports.read")
    assert status == 200, body
    assert set(body) == {"access_token", "expires_in", "token_type"}  # no ID or refresh token
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 15 * 60  # the client's access token validity (cdk/apps.json)
    c = verified_claims(emu, body["access_token"])
    assert c["sub"] == c["client_id"] == m["clientId"]
    assert c["token_use"] == "access" and c["scope"] == "reports-api/reports.read"
    assert c["iss"] == f"https://cognito-idp.us-east-1.amazonaws.com/{emu['userPoolId']}"
    assert c["exp"] - c["iat"] == 15 * 60
    assert "username" not in c and "aud" not in c


def test_without_a_scope_every_scope_of_the_client_and_credentials_in_the_body(emu):
    m = machine(emu, "reports", "exporter")
    status, _, body = post(emu["tokenEndpoint"], {"grant_type": "client_credentials", "client_id": m["clientId"], "client_secret": m["clientSecret"]})
    assert status == 200, body
    assert sorted(verified_claims(emu, body["access_token"])["scope"].split()) == sorted(m["scopes"])


@pytest.mark.parametrize(
    "case, form, headers, error",
    [
        ("a wrong secret", {"grant_type": "client_credentials"}, "wrong-secret", "invalid_client"),
        ("an unknown client", {"grant_type": "client_credentials", "client_id": "nope", "client_secret": "x"}, None, "invalid_client"),
        ("another grant type", {"grant_type": "password"}, "basic", "unsupported_grant_type"),
        ("a scope the client was not given", {"grant_type": "client_credentials", "scope": "demo-api/notes.write"}, "basic", "invalid_scope"),
        ("a scope of no resource server", {"grant_type": "client_credentials", "scope": "x/y"}, "basic", "invalid_scope"),
    ],
)
def test_refusals_use_the_token_endpoints_error_codes(emu, case, form, headers, error):
    m = machine(emu, "reports", "exporter")
    h = basic(m["clientId"], "not-the-secret") if headers == "wrong-secret" else basic(m["clientId"], m["clientSecret"]) if headers == "basic" else {}
    status, resp_headers, body = post(emu["tokenEndpoint"], form, h)
    assert (status, body) == (400, {"error": error}), case
    assert resp_headers.get("Cache-Control") == "no-store"


def test_a_form_in_another_content_type_is_refused(emu):
    m = machine(emu, "demo", "worker")
    req = urllib.request.Request(emu["tokenEndpoint"], data=b'{"grant_type":"client_credentials"}', method="POST",
                                 headers={"Content-Type": "application/json", **basic(m["clientId"], m["clientSecret"])})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=10)
    assert info.value.code == 400 and json.loads(info.value.read()) == {"error": "invalid_request"}


def test_a_user_app_client_gets_no_machine_token(emu):
    status, _, body = post(emu["tokenEndpoint"], {"grant_type": "client_credentials"}, basic(emu["clientId"], emu["clientSecret"]))
    assert (status, body) == (400, {"error": "unauthorized_client"})


def test_create_user_pool_client_checks_flows_and_scopes(emu, idp):
    pool = emu["userPoolId"]
    name = f"m2m-{uuid.uuid4().hex[:6]}"
    expect_error(idp.create_user_pool_client, "ScopeDoesNotExistException", UserPoolId=pool, ClientName=name, GenerateSecret=True,
                 AllowedOAuthFlows=["client_credentials"], AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthScopes=["demo-api/nope"])
    expect_error(idp.create_user_pool_client, "InvalidOAuthFlowException", UserPoolId=pool, ClientName=name, GenerateSecret=False,
                 AllowedOAuthFlows=["client_credentials"], AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthScopes=["demo-api/notes.read"])
    expect_error(idp.create_user_pool_client, "InvalidOAuthFlowException", UserPoolId=pool, ClientName=name, GenerateSecret=True,
                 AllowedOAuthFlows=["client_credentials", "code"], AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthScopes=["demo-api/notes.read"],
                 CallbackURLs=["https://app.example.com/cb"])
    ok = idp.create_user_pool_client(UserPoolId=pool, ClientName=name, GenerateSecret=True, AllowedOAuthFlows=["client_credentials"],
                                     AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthScopes=["demo-api/notes.read"])["UserPoolClient"]
    status, body = token_for(emu, {"clientId": ok["ClientId"], "clientSecret": ok["ClientSecret"]})
    assert status == 200 and verified_claims(emu, body["access_token"])["scope"] == "demo-api/notes.read"


def test_a_scope_deleted_from_its_resource_server_is_left_out(emu, idp):
    pool = emu["userPoolId"]
    ident = f"tmp-{uuid.uuid4().hex[:6]}"
    idp.create_resource_server(UserPoolId=pool, Identifier=ident, Name=ident, Scopes=[{"ScopeName": "a", "ScopeDescription": "a"}, {"ScopeName": "b", "ScopeDescription": "b"}])
    c = idp.create_user_pool_client(UserPoolId=pool, ClientName=ident, GenerateSecret=True, AllowedOAuthFlows=["client_credentials"],
                                    AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthScopes=[f"{ident}/a", f"{ident}/b"])["UserPoolClient"]
    idp.update_resource_server(UserPoolId=pool, Identifier=ident, Name=ident, Scopes=[{"ScopeName": "a", "ScopeDescription": "a"}])
    status, body = token_for(emu, {"clientId": c["ClientId"], "clientSecret": c["ClientSecret"]}, f"{ident}/a {ident}/b")
    assert status == 200 and verified_claims(emu, body["access_token"])["scope"] == f"{ident}/a"

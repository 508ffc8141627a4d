"""Machine-to-machine authorization: resource-server scopes on app clients and the token endpoint's
client-credentials grant.

- CreateUserPoolClient / UpdateUserPoolClient: moto stores AllowedOAuthFlows and AllowedOAuthScopes as
  given. Cognito refuses a scope no resource server of the pool has (ScopeDoesNotExistException) and an
  OAuth flow it cannot serve (InvalidOAuthFlowException)
  (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html):
  client_credentials with code or implicit, or on a client without a secret ("build an app client that has
  a client secret", https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html).
- The client-credentials grant of POST /oauth2/token (oauth.py serves the endpoint and authenticates the
  client, HTTP Basic or client_id and client_secret in the form body, then hands this grant here), as the
  token endpoint documents it (https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html): `scope` optional (space-separated;
  without it every custom scope of the client), a scope the client was not given refused ("If you request
  a scope that you haven't associated with your app client ... authentication fails", the M2M page above),
  a scope deleted from its resource server left out ("Amazon Cognito doesn't add inactive scopes to access
  tokens", same page). The answer is {access_token, expires_in, token_type}, no ID or refresh token. The
  access token carries the claims the access-token page lists for client credentials: sub and client_id are
  the client id, no username
  (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html),
  signed with the pool's access-token key (tokens.py), valid for the client's access token validity (or
  /_local/faults accessTokenTtlSeconds). Errors are 400 {"error": ...} with the page's codes.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import ActionResult

from core import CognitoError
from tokens import _sign, token_validity

TOKEN_PATH = "/oauth2/token"  # served by oauth.py


# --------------------------------------------------------------------------
# App client OAuth settings
# --------------------------------------------------------------------------


def custom_scopes(pool: Any) -> set[str]:
    """Every `<identifier>/<scope>` the pool's resource servers define."""
    found = set()
    for server in pool.resource_servers.values():
        for s in server.scopes or []:
            found.add(f"{server.identifier}/{s['ScopeName']}")
    return found


# The scopes Cognito itself defines (OAuthScope: openid, email, phone, profile, aws.cognito.signin.user.admin).
STANDARD_SCOPES = {"openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"}


def check_oauth_settings(pool: Any, flows: list[str] | None, scopes: list[str] | None, has_secret: bool) -> None:
    flows = flows or []
    if "client_credentials" in flows and ({"code", "implicit"} & set(flows)):
        raise CognitoError("InvalidOAuthFlowException", "client_credentials flow can not be selected along with code flow or implicit flow.")
    if "client_credentials" in flows and not has_secret:
        raise CognitoError("InvalidOAuthFlowException", "client_credentials flow can not be selected if client does not have a client secret.")
    known = custom_scopes(pool) | STANDARD_SCOPES
    for s in scopes or []:
        if s not in known:
            raise CognitoError("ScopeDoesNotExistException", f"Invalid scope requested: {s}")


class MachineClientOperations(CognitoIdpResponse):
    """CreateUserPoolClient / UpdateUserPoolClient with the OAuth checks above, and UpdateResourceServer (moto
    5.2.5 lacks it): Name and Scopes replaced whole, as the reference says ("If you don't provide a value for an
    attribute, it is set to the default value",
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateResourceServer.html);
    app clients keep the scopes they were given, and a deleted one is left out of their tokens."""

    def update_resource_server(self) -> ActionResult:
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        server = self.backend.describe_resource_server(pool.id, self._get_param("Identifier"))
        server.name = self._get_param("Name")
        server.scopes = self._get_param("Scopes") or []
        return ActionResult({"ResourceServer": server.to_json()})

    def create_user_pool_client(self) -> Any:
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        check_oauth_settings(pool, self._get_param("AllowedOAuthFlows"), self._get_param("AllowedOAuthScopes"), bool(self._get_param("GenerateSecret")))
        return super().create_user_pool_client()

    def update_user_pool_client(self) -> Any:
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        client = pool.clients.get(self._get_param("ClientId"))
        check_oauth_settings(pool, self._get_param("AllowedOAuthFlows"), self._get_param("AllowedOAuthScopes"), bool(client is not None and client.generate_secret))
        return super().update_user_pool_client()


# --------------------------------------------------------------------------
# The client-credentials grant (oauth.token hands it here, the client authenticated)
# --------------------------------------------------------------------------


def client_credentials(pool: Any, client: Any, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """(status, JSON body) of a client-credentials request by `client`, whose secret oauth.token checked."""
    cfg = client.extended_config
    if not client.generate_secret:
        return 400, {"error": "invalid_client"}
    if "client_credentials" not in (cfg.get("AllowedOAuthFlows") or []) or not cfg.get("AllowedOAuthFlowsUserPoolClient"):
        return 400, {"error": "unauthorized_client"}
    allowed = [s for s in (cfg.get("AllowedOAuthScopes") or []) if s not in STANDARD_SCOPES]
    requested = form["scope"].split() if form.get("scope", "").strip() else allowed
    if any(s not in allowed for s in requested):
        return 400, {"error": "invalid_scope"}
    active = custom_scopes(pool)
    granted = [s for s in dict.fromkeys(requested) if s in active]
    if not granted:
        return 400, {"error": "invalid_scope"}
    now = int(time.time())
    ttl = int(token_validity(client, "access"))
    claims = {
        "sub": client.id,
        "token_use": "access",
        "scope": " ".join(granted),
        "auth_time": now,
        "iss": f"https://cognito-idp.{pool.region}.amazonaws.com/{pool.id}",
        "exp": now + ttl,
        "iat": now,
        "version": 2,
        "jti": str(uuid.uuid4()),
        "client_id": client.id,
    }
    return 200, {"access_token": _sign(pool, "access", claims), "expires_in": ttl, "token_type": "Bearer"}


# --------------------------------------------------------------------------
# Bootstrap: the apps of cdk/apps.json
# --------------------------------------------------------------------------


def create_apps(backend: Any, pool: Any, apps: list[dict[str, Any]], user_client_settings: dict[str, Any]) -> list[dict[str, Any]]:
    """Each app's resource server, then its machine clients, as the construct creates them (lib/auth-api-apps.ts:
    client_credentials only, refresh the only auth flow, the app's token lifetime), and for an app with `origins` its
    own user client with the settings of the API's (`user_client_settings`); what the ready line reports."""
    for app in apps:
        rs = app.get("resourceServer")
        if rs:
            scopes = [{"ScopeName": s["name"], "ScopeDescription": s["description"]} for s in rs["scopes"]]
            backend.create_resource_server(pool.id, rs["identifier"], rs.get("name", rs["identifier"]), scopes)
    out = []
    for app in apps:
        clients = []
        for m in app.get("machineClients", []):
            settings = {
                "ClientName": m.get("name", f"{app['id']}-{m['id']}"),
                "AllowedOAuthFlows": ["client_credentials"],
                "AllowedOAuthFlowsUserPoolClient": True,
                "AllowedOAuthScopes": list(m["scopes"]),
                "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH"],
                "AccessTokenValidity": m.get("accessTokenValidityMinutes", 60),
                "TokenValidityUnits": {"AccessToken": "minutes"},
                "EnableTokenRevocation": True,
                "PreventUserExistenceErrors": "ENABLED",
            }
            check_oauth_settings(pool, settings["AllowedOAuthFlows"], settings["AllowedOAuthScopes"], True)
            client = backend.create_user_pool_client(pool.id, True, settings)
            clients.append({"id": m["id"], "clientId": client.id, "clientSecret": client.secret, "scopes": list(m["scopes"])})
        entry: dict[str, Any] = {"id": app["id"], "resourceServer": (app.get("resourceServer") or {}).get("identifier"), "machineClients": clients}
        if "origins" in app:
            user = backend.create_user_pool_client(pool.id, True, user_client_settings | {"ClientName": app["id"]})
            entry |= {"origins": list(app["origins"]), "userClient": {"clientId": user.id, "clientSecret": user.secret}}
        out.append(entry)
    return out

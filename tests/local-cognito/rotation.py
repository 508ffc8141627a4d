"""Refresh-token rotation: GetTokensFromRefreshToken (moto 5.2 has none of it), the app client's
RefreshTokenRotation setting and its retry grace period, and REFRESH_TOKEN_AUTH refused once
rotation is on. As AWS documents it, nothing kinder:

- GetTokensFromRefreshToken takes ClientId, RefreshToken and ClientSecret ("if the client has a
  secret") and answers AuthenticationResult; with rotation on it "issues a new refresh token and
  invalidates the original refresh token after an optional grace period"; with rotation off it
  "issues new ID and access tokens only"
  (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetTokensFromRefreshToken.html).
- RetryGracePeriodSeconds (0-60): "the original refresh token that you're rotating out can remain
  valid for a period of time of up to 60 seconds ... When RetryGracePeriodSeconds is 0, the grace
  period is disabled and a successful request immediately invalidates the submitted refresh token"
  (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RefreshTokenRotationType.html).
  Within it the original is valid, so it refreshes (and rotates) like any valid token; the grace
  period runs from its first rotation and a retry does not extend it.
- After it: RefreshTokenReuseException, "thrown when your application requests token refresh with
  a refresh token that has been invalidated by refresh-token rotation"
  (https://docs.aws.amazon.com/botocore/latest/reference/services/cognito-idp/client/exceptions/RefreshTokenReuseException.html).
- "The new refresh token is valid for the remaining duration of the original refresh token", and
  "You can't authenticate with REFRESH_TOKEN_AUTH in app clients with refresh token rotation enabled"
  (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html).

Not documented, so chosen here and listed in docs/first-deploy-checklist.md: a revoked or
signed-out token is NotAuthorized even when it was also rotated out (revocation is checked first);
nothing else of the family is revoked when a rotated-out token comes back (AWS documents no such
family revocation); every token issued with a new refresh token stays in the family of the
interactive sign-in it descends from, so RevokeToken on any refresh token of the family ends them
all, the sign-in's initial access token included (tokens.py cites the token-revocation page); the
exception and message for REFRESH_TOKEN_AUTH on a rotating client, and for a missing or wrong
ClientSecret (NotAuthorized here).
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
import uuid
from typing import Any

from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import ActionResult

from controls import now as clock
from core import CognitoError, find_client, invalid_parameter, not_authorized
from tokens import REFRESH, TOKENS, VALIDITY_PARAMS, TokenRecord, _mint_access_and_id, validate_token_validity

# When each refresh token was first rotated out (controls.now()); absent: never rotated.
ROTATED_AT: dict[str, float] = {}
_LOCK = threading.Lock()


def rotation(client: Any) -> tuple[bool, int]:
    """(rotation on, retry grace period in seconds) of an app client."""
    cfg = client.extended_config.get("RefreshTokenRotation") or {}
    return cfg.get("Feature") == "ENABLED", int(cfg.get("RetryGracePeriodSeconds") or 0)


def validate_rotation_setting(value: Any) -> None:
    """CreateUserPoolClient / UpdateUserPoolClient: Feature is required, ENABLED or DISABLED;
    RetryGracePeriodSeconds 0-60 (RefreshTokenRotationType)."""
    if value is None:
        return
    if not isinstance(value, dict) or value.get("Feature") not in ("ENABLED", "DISABLED"):
        raise invalid_parameter("RefreshTokenRotation.Feature must be ENABLED or DISABLED")
    grace = value.get("RetryGracePeriodSeconds")
    if grace is not None and (isinstance(grace, bool) or not isinstance(grace, int) or not 0 <= grace <= 60):
        raise invalid_parameter("RefreshTokenRotation.RetryGracePeriodSeconds must be from 0 to 60")


def refuse_refresh_token_auth(client: Any) -> None:
    """REFRESH_TOKEN_AUTH (InitiateAuth, AdminInitiateAuth) on a client that rotates: refused."""
    if rotation(client)[0]:
        raise invalid_parameter("Refresh token rotation is enabled for this client: use GetTokensFromRefreshToken")


def _check_client_secret(client: Any, provided: str | None) -> None:
    if not client.generate_secret:
        return
    if not provided:
        raise not_authorized(f"Client {client.id} is configured with secret but ClientSecret was not received")
    if not hmac.compare_digest(str(provided).encode(), str(client.secret).encode()):
        raise not_authorized(f"Unable to verify client secret for client {client.id}")


def get_tokens(backend: Any, pool: Any, client: Any, token: str | None) -> dict[str, Any]:
    if not token:
        raise invalid_parameter("Missing required parameter RefreshToken")
    now = clock()
    with _LOCK:
        record = TOKENS.get(token)
        if record is None or record.kind != "refresh" or record.pool_id != pool.id or record.client_id != client.id:
            raise not_authorized("Invalid Refresh Token")
        if record.revoked:
            raise not_authorized("Refresh Token has been revoked")
        if time.time() >= record.exp:
            raise not_authorized("Refresh Token has expired")
        rotates, grace = rotation(client)
        rotated_at = ROTATED_AT.get(token)
        if rotated_at is not None and now - rotated_at >= grace:
            raise CognitoError("RefreshTokenReuseException", "Refresh token has been invalidated by refresh token rotation.")
        user = pool.users.get(record.username)
        if user is None:
            raise not_authorized("Refresh Token has been revoked")
        if not user.enabled:
            raise not_authorized("User is disabled.")
        result: dict[str, Any] = {"TokenType": "Bearer"}
        if rotates:
            ROTATED_AT.setdefault(token, now)
            origin_jti = str(uuid.uuid4())
            new_token = secrets.token_urlsafe(96)
            # Valid for what was left of the original.
            TOKENS[new_token] = TokenRecord("refresh", backend, pool.id, client.id, user.username, origin_jti, record.auth_time, record.exp, record.family, scope=record.scope)
            pool.refresh_tokens[new_token] = (client.id, user.username, origin_jti)
            result["RefreshToken"] = new_token
        else:
            origin_jti = record.origin_jti
    access_token, id_token, expires_in = _mint_access_and_id(backend, pool, client, user, origin_jti, record.auth_time, record.family, scope=record.scope, source=REFRESH)
    result.update({"AccessToken": access_token, "IdToken": id_token, "ExpiresIn": expires_in})
    return {"AuthenticationResult": result}


class RotationOperations(CognitoIdpResponse):
    """GetTokensFromRefreshToken, and the RefreshTokenRotation and token validity settings checked on
    the app client (validate_token_validity: tokens.py)."""

    def get_tokens_from_refresh_token(self) -> ActionResult:
        backend, pool, client = find_client(self._get_param("ClientId"))
        _check_client_secret(client, self._get_param("ClientSecret"))
        return ActionResult(get_tokens(backend, pool, client, self._get_param("RefreshToken")))

    def create_user_pool_client(self) -> Any:
        validate_rotation_setting(self._get_param("RefreshTokenRotation"))
        validate_token_validity({k: self._get_param(k) for k in VALIDITY_PARAMS})
        return super().create_user_pool_client()

    def update_user_pool_client(self) -> Any:
        validate_rotation_setting(self._get_param("RefreshTokenRotation"))
        validate_token_validity({k: self._get_param(k) for k in VALIDITY_PARAMS})
        return super().update_user_pool_client()

"""Tokens: the TokenRecord kept for every token issued, minting (access and ID tokens each signed
with its own key of the pool, served at the pool's JWKS URL; refresh tokens), validity (and the
app client's validity settings), revocation, access-token checks, and the operations that revoke:
GlobalSignOut, AdminUserGlobalSignOut, RevokeToken.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any

from joserfc import jwt as jose_jwt
from joserfc.jwk import RSAKey
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import ActionResult, EmptyResult

import fidelity  # beside this file
import triggers
from controls import CONTROLS
from core import CognitoError, all_backends, find_client, invalid_parameter, not_authorized

# --------------------------------------------------------------------------
# Emulator state kept beside moto's: tokens
# --------------------------------------------------------------------------


@dataclass
class TokenRecord:
    kind: str  # "access" | "id" | "refresh"
    backend: Any
    pool_id: str
    client_id: str
    username: str  # the user's real Cognito username (the sub in email pools)
    origin_jti: str
    auth_time: int
    exp: float
    # The sign-in the token descends from (the origin_jti of its first refresh token): every token
    # refresh-token rotation issues after it stays in the family (rotation.py); RevokeToken ends it.
    family: str = ""
    revoked: bool = False
    # The OAuth scopes of the sign-in (oauth.py's code grant); the SDK flows' access tokens carry the
    # one scope their operations need. Refresh keeps them.
    scope: str = "aws.cognito.signin.user.admin"


ADMIN_SCOPE = "aws.cognito.signin.user.admin"


TOKENS: dict[str, TokenRecord] = {}


# --------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------

UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


def token_validity(client: Any, kind: str) -> float:
    cfg = client.extended_config
    units = cfg.get("TokenValidityUnits") or {}
    if kind == "refresh":
        value = cfg.get("RefreshTokenValidity")
        if not value:  # "You can't set RefreshTokenValidity to 0. If you do, Amazon Cognito overrides the value with the default value of 30 days."
            return 30 * 86400
        return value * UNIT_SECONDS.get(units.get("RefreshToken", "days"), 86400)
    override = CONTROLS.get("accessTokenTtlSeconds")
    if override is not None:
        return override
    if kind == "access":
        value, unit = cfg.get("AccessTokenValidity"), units.get("AccessToken", "hours")
    else:
        value, unit = cfg.get("IdTokenValidity"), units.get("IdToken", "hours")
    if not value:
        return 3600
    return value * UNIT_SECONDS.get(unit, 3600)


def _claim_value(name: str, value: str) -> Any:
    if name in ("email_verified", "phone_number_verified"):
        return str(value).lower() == "true"
    if name == "identities":
        import federation  # beside this file; only federated users have the attribute

        return federation.identities_claim(value)
    return value


# The ID token claims each OIDC scope adds, when the tokens come from the OAuth endpoints: "The
# phone, email, and profile scopes can only be requested if openid scope is also requested. These
# scopes dictate the claims that go inside the ID token"
# (https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html).
SCOPE_CLAIMS = {
    "email": {"email", "email_verified"},
    "phone": {"phone_number", "phone_number_verified"},
    "profile": {"name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at", "address"},
}


def _claim_allowed(name: str, scope: str) -> bool:
    scopes = scope.split()
    if "openid" not in scopes:  # the SDK flows: every readable attribute
        return True
    limited = set().union(*SCOPE_CLAIMS.values())
    return name not in limited or any(name in SCOPE_CLAIMS[s] for s in scopes if s in SCOPE_CLAIMS)


# --------------------------------------------------------------------------
# App client token validity settings (CreateUserPoolClient / UpdateUserPoolClient)
#
# TokenValidityUnitsType: "AccessTokenValidity duration can range from five minutes to one day",
# the same for IdTokenValidity, "RefreshTokenValidity duration can range from 60 minutes to 10 years"
# (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_TokenValidityUnitsType.html);
# RefreshTokenValidity 0 means the 30-day default
# (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html).
# moto accepts any value. Out of range: InvalidParameterException (the message is the emulator's).
# --------------------------------------------------------------------------

VALIDITY_RANGES = {
    "AccessToken": ("AccessTokenValidity", "hours", 5 * 60, 86400),
    "IdToken": ("IdTokenValidity", "hours", 5 * 60, 86400),
    "RefreshToken": ("RefreshTokenValidity", "days", 3600, 10 * 365 * 86400),
}
VALIDITY_PARAMS = ("AccessTokenValidity", "IdTokenValidity", "RefreshTokenValidity", "TokenValidityUnits")


def validate_token_validity(params: dict[str, Any]) -> None:
    units = params.get("TokenValidityUnits") or {}
    for kind, (name, default_unit, low, high) in VALIDITY_RANGES.items():
        value = params.get(name)
        if value is None or (kind == "RefreshToken" and value == 0):
            continue
        unit = units.get(kind, default_unit)
        if unit not in UNIT_SECONDS:
            raise invalid_parameter(f"TokenValidityUnits.{kind} must be seconds, minutes, hours or days")
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value * UNIT_SECONDS[unit] <= high:
            raise invalid_parameter(f"{name} must be from {low // 60} minutes to {high // 86400} days, got {value} {unit}")


# --------------------------------------------------------------------------
# Signing keys: "Amazon Cognito generates two pairs of RSA cryptographic keys for each user pool"
# (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html,
# whose example JWKS lists two keys); a deployed pool signs its access tokens with one and its ID
# tokens with the other, so a verifier must pick the key by the token's `kid` (recorded in the
# project's design notes, not stated on an AWS page: first-deploy checklist). Here each pool gets
# two fresh 2048-bit keys when it first needs them (so, unlike with moto's published key, its
# tokens cannot be forged), both served at /<poolId>/.well-known/jwks.json.
# --------------------------------------------------------------------------


def _new_key() -> RSAKey:
    key = RSAKey.generate_key(2048, private=True)
    kid = base64.b64encode(hashlib.sha256(key.as_dict(private=False)["n"].encode()).digest()).decode()
    return RSAKey.import_key(key.as_dict(private=True) | {"kid": kid, "alg": "RS256", "use": "sig"})


def signing_keys(pool: Any) -> dict[str, RSAKey]:
    keys = pool.__dict__.get("_local_signing_keys")
    if keys is None:
        keys = {"access": _new_key(), "id": _new_key()}
        pool.__dict__["_local_signing_keys"] = keys
    return keys


def jwks(pool: Any) -> dict[str, Any]:
    return {"keys": [k.as_dict(private=False) for k in signing_keys(pool).values()]}


def _sign(pool: Any, kind: str, payload: dict[str, Any]) -> str:
    key = signing_keys(pool)[kind]
    return jose_jwt.encode({"kid": key.kid, "alg": "RS256"}, payload, key)


def serve_jwks(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    """Replaces moto's JWKS route (moto serves its one published key for every pool)."""
    pool_id = full_url.split("?")[0].rstrip("/").split("/")[-3]
    for backend in all_backends():
        pool = backend.user_pools.get(pool_id)
        if pool is not None:
            return 200, {"Content-Type": "application/json"}, json.dumps(jwks(pool))
    return 404, {"Content-Type": "application/json"}, json.dumps({"message": f"User pool {pool_id} does not exist."})


# The pre token generation trigger's triggerSource for each way tokens are issued (triggers.py).
AUTHENTICATION = "TokenGeneration_Authentication"
NEW_PASSWORD = "TokenGeneration_NewPasswordChallenge"
REFRESH = "TokenGeneration_RefreshTokens"
HOSTED = "TokenGeneration_HostedAuth"


def _mint_access_and_id(
    backend: Any, pool: Any, client: Any, user: Any, origin_jti: str, auth_time: int, family: str | None = None, scope: str = ADMIN_SCOPE,
    nonce: str | None = None, source: str = AUTHENTICATION,
) -> tuple[str, str, int]:
    """Every access and ID token is minted here, so the pool's pre token generation trigger runs on
    every issue (`source`: which kind), before anything is recorded: a failing trigger issues nothing."""
    now = int(time.time())
    groups = sorted(g.group_name for g in user.groups)
    iss = f"https://cognito-idp.{pool.region}.amazonaws.com/{pool.id}"

    access_ttl = token_validity(client, "access")
    access: dict[str, Any] = {"sub": user.id}
    if groups:
        access["cognito:groups"] = groups
    access.update(
        {
            "iss": iss,
            "client_id": client.id,
            "origin_jti": origin_jti,
            "event_id": str(uuid.uuid4()),
            "token_use": "access",
            "scope": scope,
            "auth_time": auth_time,
            "exp": now + int(access_ttl),
            "iat": now,
            "jti": str(uuid.uuid4()),
            "username": user.username,
        }
    )

    id_ttl = token_validity(client, "id")
    readable = client.extended_config.get("ReadAttributes")
    id_claims: dict[str, Any] = {"sub": user.id}
    if groups:
        id_claims["cognito:groups"] = groups
    for attr in user.attributes:
        name = attr["Name"]
        if name == "sub" or name.startswith("dev:"):
            continue
        if readable and name not in readable:
            continue
        if not _claim_allowed(name, scope):
            continue
        id_claims[name] = _claim_value(name, attr["Value"])
    id_claims.update(
        {
            "iss": iss,
            "cognito:username": user.username,
            "origin_jti": origin_jti,
            "aud": client.id,
            "event_id": str(uuid.uuid4()),
            "token_use": "id",
            "auth_time": auth_time,
            "exp": now + int(id_ttl),
            "iat": now,
            "jti": str(uuid.uuid4()),
        }
    )

    triggers.pre_token_generation(pool, client, user, source, access, id_claims)
    scope = access["scope"]
    access_token = _sign(pool, "access", access)
    if nonce is not None:
        id_claims["nonce"] = nonce
    if "openid" in scope.split():
        # OIDC Core 3.1.3.6: the left half of the SHA-256 of the access token, base64url.
        digest = hashlib.sha256(access_token.encode()).digest()
        id_claims["at_hash"] = base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()
    id_token = _sign(pool, "id", id_claims)
    family = family or origin_jti
    TOKENS[access_token] = TokenRecord("access", backend, pool.id, client.id, user.username, origin_jti, auth_time, now + access_ttl, family, scope=scope)
    TOKENS[id_token] = TokenRecord("id", backend, pool.id, client.id, user.username, origin_jti, auth_time, now + id_ttl, family, scope=scope)
    # Keep moto's own tables in step, for the moto operations we did not replace.
    pool.access_tokens[access_token] = (client.id, user.username)
    pool.id_tokens[id_token] = (client.id, user.username)
    return access_token, id_token, int(access_ttl)


def issue_tokens(backend: Any, pool: Any, client: Any, user: Any, scope: str = ADMIN_SCOPE, nonce: str | None = None, source: str = AUTHENTICATION) -> dict[str, Any]:
    """The tokens of a completed sign-in (every sign-in flow ends here; refreshes do not). `scope`
    and `nonce`: those of an OAuth sign-in (oauth.py), which also ends here."""
    now = int(time.time())
    origin_jti = str(uuid.uuid4())
    access_token, id_token, expires_in = _mint_access_and_id(backend, pool, client, user, origin_jti, now, scope=scope, nonce=nonce, source=source)
    fidelity.successful_sign_in(user)
    refresh_token = secrets.token_urlsafe(96)
    TOKENS[refresh_token] = TokenRecord(
        "refresh", backend, pool.id, client.id, user.username, origin_jti, now, now + token_validity(client, "refresh"), origin_jti, scope=scope
    )
    pool.refresh_tokens[refresh_token] = (client.id, user.username, origin_jti)
    return token_answer(access_token, id_token, expires_in, refresh_token)


def token_answer(access_token: str, id_token: str, expires_in: int, refresh_token: str | None = None) -> dict[str, Any]:
    """The answer of an auth flow that ends with tokens (a sign-in, REFRESH_TOKEN_AUTH): no challenge
    parameters, and the AuthenticationResult, with a RefreshToken only when one is issued."""
    result: dict[str, Any] = {"AccessToken": access_token, "ExpiresIn": expires_in, "TokenType": "Bearer"}
    if refresh_token is not None:
        result["RefreshToken"] = refresh_token
    result["IdToken"] = id_token
    return {"ChallengeParameters": {}, "AuthenticationResult": result}


def _forget_in_moto(pool: Any, token: str, record: TokenRecord) -> None:
    if record.kind == "access":
        pool.access_tokens.pop(token, None)
    elif record.kind == "id":
        pool.id_tokens.pop(token, None)
    elif token in pool.refresh_tokens:
        pool.refresh_tokens[token] = None


def revoke_tokens(pool_id: str, *, username: str | None = None, family: str | None = None, kinds: tuple[str, ...] = ("access", "id", "refresh")) -> None:
    for token, record in TOKENS.items():
        if record.revoked or record.pool_id != pool_id or record.kind not in kinds:
            continue
        if username is not None and record.username != username:
            continue
        if family is not None and record.family != family:
            continue
        record.revoked = True
        pool = record.backend.user_pools.get(pool_id)
        if pool is not None:
            _forget_in_moto(pool, token, record)


def live_access_token(token: str | None, scope: str = ADMIN_SCOPE) -> tuple[Any, Any, Any]:
    """(backend, pool, user) for a valid access token that carries `scope`, else Cognito's
    NotAuthorizedException. The user's own operations (GetUser, GlobalSignOut, the passkey
    operations...) need aws.cognito.signin.user.admin: "The access token can be only used against
    Amazon Cognito User Pools if aws.cognito.signin.user.admin scope is requested"
    (https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html); the
    message is the emulator's."""
    record = TOKENS.get(token or "")
    if record is None or record.kind != "access":
        raise not_authorized("Invalid Access Token")
    if scope not in record.scope.split():
        raise not_authorized("Access Token does not have required scopes")
    if record.revoked:
        raise not_authorized("Access Token has been revoked")
    if time.time() >= record.exp:
        raise not_authorized("Access Token has expired")
    pool = record.backend.user_pools.get(record.pool_id)
    user = pool.users.get(record.username) if pool is not None else None
    if user is None:
        raise not_authorized("Access Token has been revoked")
    if not user.enabled:
        raise not_authorized("User is disabled.")
    return record.backend, pool, user


def patched_log_user_in(self: Any, user_pool: Any, client: Any, username: str) -> dict[str, Any]:
    """Replaces CognitoIdpBackend._log_user_in (moto's simulated SRP path) so its tokens are tracked too."""
    user = user_pool._get_user(username)
    return issue_tokens(self, user_pool, client, user)


class TokenOperations(CognitoIdpResponse):
    """Sign-out and revocation."""

    def global_sign_out(self) -> ActionResult:
        _, pool, user = live_access_token(self._get_param("AccessToken"))
        revoke_tokens(pool.id, username=user.username)
        return EmptyResult()

    def admin_user_global_sign_out(self) -> ActionResult:
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        user = self.backend.admin_get_user(pool.id, self._get_param("Username"))
        revoke_tokens(pool.id, username=user.username)
        return EmptyResult()

    def revoke_token(self) -> ActionResult:
        # As the API reference documents it
        # (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RevokeToken.html):
        # its refusals are UnauthorizedException (a request it cannot authorize: bad client
        # credentials, a token that is not a refresh token of this client),
        # UnsupportedTokenTypeException (an access or ID token) and UnsupportedOperationException
        # (revocation off for the client); NotAuthorizedException is not among its errors. What it
        # revokes: "all access tokens for a given refresh token, including the initial access token
        # from interactive sign-in. This operation doesn't affect any of the user's other refresh
        # tokens or the ID- and access-token children of those other refresh tokens"
        # (https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html). With
        # rotation, the refresh token in hand descends from that interactive sign-in too, so the
        # whole family goes: every token issued since the sign-in, the refresh tokens rotated out
        # (still valid in their grace period) and their children included. The page does not speak
        # of rotation: first-deploy checklist.
        backend, pool, client = find_client(self._get_param("ClientId"))
        provided = self._get_param("ClientSecret")
        if client.generate_secret:
            if not provided:
                raise CognitoError("UnauthorizedException", f"Client {client.id} is configured with secret but ClientSecret was not received")
            if not hmac.compare_digest(str(provided).encode(), str(client.secret).encode()):
                raise CognitoError("UnauthorizedException", f"Unable to verify client secret for client {client.id}")
        if client.extended_config.get("EnableTokenRevocation") is False:
            raise CognitoError("UnsupportedOperationException", "Token revocation is not enabled for this client.")
        token = self._get_param("Token")
        record = TOKENS.get(token or "")
        if record is not None and record.kind != "refresh":
            raise CognitoError("UnsupportedTokenTypeException", "Only refresh tokens can be revoked.")
        if record is None or record.pool_id != pool.id or record.client_id != client.id:
            raise CognitoError("UnauthorizedException", "Invalid token")
        # A refresh token GlobalSignOut already invalidated is still a refresh token of this client:
        # accepted (what real Cognito answers here is undocumented: see docs/first-deploy-checklist.md).
        revoke_tokens(pool.id, family=record.family)
        return EmptyResult()

#!/usr/bin/env python3
"""Local Cognito emulator for `make dev` and the Rust integration tests.

Serves the Cognito user pools JSON protocol (the one the AWS SDKs speak) on
127.0.0.1, built on moto's cognito-idp backend (moto 5.2.5) with the gaps that
matter to this project filled in: SECRET_HASH everywhere, confirmation codes
that can be wrong or expired, PreventUserExistenceErrors, real TOTP, token
revocation, RevokeToken / DeleteUser / ResendConfirmationCode, and a control
endpoint for failure drills.

    .venv/bin/python tests/local-cognito/local_cognito.py [--host 127.0.0.1] [--port 0] [--bootstrap]

When ready it prints exactly one JSON line on stdout, e.g.
    {"endpoint": "http://127.0.0.1:PORT", "region": "us-east-1",
     "userPoolId": "...", "clientId": "...", "clientSecret": "..."}
(the last three with --bootstrap only). Everything else goes to stderr.
It runs until SIGTERM or SIGINT and then exits 0.

Environment: DEV_CONFIRMATION_CODE (default 123456) is the only code that
ConfirmSignUp and ConfirmForgotPassword accept.

--bootstrap creates the pool and app client from cdk/user-pool.json, the file the
CDK construct reads too (see fidelity.py), and adds the functions' PASSWORD_POLICY
value to the ready line as "passwordPolicy".

Control endpoint (same port):
    GET    /_local/faults   current settings
    POST   /_local/faults   replace settings with the JSON body; {} resets. Keys:
             throttle (bool)                every Cognito call -> TooManyRequestsException
             delaySeconds (number)          every Cognito call sleeps first
             errors ({operation: exception}) every call of each named operation
                                            answers that exception (after it was
                                            received: it is in the call log), HTTP
                                            500 for InternalErrorException, else 400
             codeTtlSeconds (int|null)      confirmation/reset code lifetime
                                            (null: 86400 sign-up, 3600 reset)
             sessionTtlSeconds (int|null)   challenge session lifetime
                                            (null: the client's AuthSessionValidity, 3 min)
             accessTokenTtlSeconds (int|null) access/id token lifetime
                                            (null: the client's token validity, 1 h)
             lockoutUnitSeconds (number)    the sign-in lockout's 1-second unit (default 1)
             perUserLimits (object)         {"Operation": calls per user per hour} beyond which
                                            LimitExceededException (default {"ChangePassword": 5})
    DELETE /_local/faults   reset
    GET    /_local/calls    Cognito operations received so far (names, statuses, error types)
    DELETE /_local/calls    forget them

Passwords, codes, tokens and secrets are never logged.
"""

from __future__ import annotations

import argparse
import base64
import collections
import hashlib
import hmac
import json
import logging
import os
import secrets
import signal
import sys
import threading
import time
import traceback
import uuid
from dataclasses import dataclass
from typing import Any

REGION = "us-east-1"
TARGET_PREFIX = "AWSCognitoIdentityProviderService."

# Signals first: a SIGTERM that arrives while moto is still importing must
# still end the process with status 0.
STOP = threading.Event()


def _on_signal(signum: int, frame: Any) -> None:
    STOP.set()


signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)

log = logging.getLogger("local-cognito")

import pyotp  # noqa: E402
from joserfc import jwt as jose_jwt  # noqa: E402
from moto.cognitoidp import models as cm  # noqa: E402
from moto.cognitoidp import urls as cognito_urls  # noqa: E402
from moto.cognitoidp.responses import CognitoIdpResponse  # noqa: E402
from moto.core import DEFAULT_ACCOUNT_ID  # noqa: E402
from moto.core.exceptions import JsonRESTError  # noqa: E402
from moto.core.responses import ActionResult, EmptyResult  # noqa: E402
from moto.moto_server.werkzeug_app import MotoRequestHandler, create_backend_app  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

import fidelity  # noqa: E402  (beside this file)

POOL_DEFINITION = fidelity.load_pool_definition()
# Fixed by Cognito, recorded in cdk/user-pool.json: sign-up codes 24 h, reset codes 1 h.
SIGNUP_CODE_TTL = POOL_DEFINITION["codeValidity"]["signUpHours"] * 3600
RESET_CODE_TTL = POOL_DEFINITION["codeValidity"]["passwordResetHours"] * 3600

UserStatus = cm.UserStatus
DEV_CODE = os.environ.get("DEV_CONFIRMATION_CODE") or "123456"


# --------------------------------------------------------------------------
# Errors, in Cognito's JSON shape: HTTP 400 {"__type": ..., "message": ...}
# --------------------------------------------------------------------------


class CognitoError(JsonRESTError):
    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(error_type, message)


def not_authorized(message: str) -> CognitoError:
    return CognitoError("NotAuthorizedException", message)


def invalid_parameter(message: str) -> CognitoError:
    return CognitoError("InvalidParameterException", message)


BAD_CREDENTIALS = "Incorrect username or password."
BAD_SESSION = "Invalid session for the user."
EXPIRED_SESSION = "Invalid session for the user, session is expired."
CODE_MISMATCH = "Invalid verification code provided, please try again."
CODE_EXPIRED = "Invalid code provided, please request a code again."
NOT_FOUND_FOR_CLIENT = "Username/client id combination not found."


# --------------------------------------------------------------------------
# Control settings (fault injection) and the call log
# --------------------------------------------------------------------------

DEFAULT_CONTROLS: dict[str, Any] = {
    "throttle": False,
    "delaySeconds": 0,
    "errors": {},
    "codeTtlSeconds": None,
    "sessionTtlSeconds": None,
    "accessTokenTtlSeconds": None,
    "lockoutUnitSeconds": 1,
    "perUserLimits": fidelity.DOCUMENTED_PER_USER_LIMITS,
}


class Controls:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values = dict(DEFAULT_CONTROLS)

    def get(self, key: str) -> Any:
        with self._lock:
            return self._values[key]

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return dict(self._values)

    def replace(self, body: Any) -> dict[str, Any]:
        """Validate a POST body and make it the whole new setting (missing keys reset)."""
        if not isinstance(body, dict):
            raise ValueError("body must be a JSON object")
        unknown = sorted(set(body) - set(DEFAULT_CONTROLS))
        if unknown:
            raise ValueError(f"unknown keys {unknown}; known: {sorted(DEFAULT_CONTROLS)}")
        new = dict(DEFAULT_CONTROLS)
        if "throttle" in body:
            if not isinstance(body["throttle"], bool):
                raise ValueError("throttle must be true or false")
            new["throttle"] = body["throttle"]
        if "delaySeconds" in body:
            v = body["delaySeconds"]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 300:
                raise ValueError("delaySeconds must be a number from 0 to 300")
            new["delaySeconds"] = v
        if "errors" in body:
            v = body["errors"]
            if not isinstance(v, dict) or not all(isinstance(k, str) and isinstance(e, str) and e.endswith("Exception") for k, e in v.items()):
                raise ValueError("errors must map operation names to exception names (...Exception)")
            new["errors"] = dict(v)
        for key in ("codeTtlSeconds", "sessionTtlSeconds", "accessTokenTtlSeconds"):
            if key in body and body[key] is not None:
                v = body[key]
                if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
                    raise ValueError(f"{key} must be a number >= 0 or null")
                new[key] = v
        if "lockoutUnitSeconds" in body:
            v = body["lockoutUnitSeconds"]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 3600:
                raise ValueError("lockoutUnitSeconds must be a number from 0 to 3600")
            new["lockoutUnitSeconds"] = v
        if "perUserLimits" in body:
            new["perUserLimits"] = fidelity.validate_limits(body["perUserLimits"])
        with self._lock:
            self._values = new
            return dict(new)

    def reset(self) -> dict[str, Any]:
        return self.replace({})


CONTROLS = Controls()
CALLS: collections.deque[dict[str, Any]] = collections.deque(maxlen=10000)
CALLS_LOCK = threading.Lock()


def record_call(operation: str, status: int, error_type: str | None) -> None:
    with CALLS_LOCK:
        CALLS.append({"operation": operation, "status": status, "errorType": error_type})


# --------------------------------------------------------------------------
# Emulator state kept beside moto's: tokens, challenge sessions
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
    revoked: bool = False


@dataclass
class Session:
    backend: Any
    pool_id: str
    client_id: str
    username: str
    challenge: str
    created: float
    ttl: float
    mfa_setup_verified: bool = False


TOKENS: dict[str, TokenRecord] = {}
SESSIONS: dict[str, Session] = {}


def user_state(user: Any) -> dict[str, Any]:
    """Extra per-user state, stored on moto's user object so it dies with the user."""
    state = user.__dict__.get("_local_cognito")
    if state is None:
        state = {"codes": {}, "totp_secret": None, "totp_pending": None, "totp_last_counter": None}
        user.__dict__["_local_cognito"] = state
    return state


# --------------------------------------------------------------------------
# Lookups
# --------------------------------------------------------------------------


def all_backends() -> list[Any]:
    found = []
    for per_account in list(cm.cognitoidp_backends.values()):
        for region, backend in list(per_account.items()):
            if region != "global":
                found.append(backend)
    return found


def find_client(client_id: str | None) -> tuple[Any, Any, Any]:
    for backend in all_backends():
        for pool in backend.user_pools.values():
            client = pool.clients.get(client_id)
            if client is not None:
                return backend, pool, client
    raise CognitoError("ResourceNotFoundException", f"User pool client {client_id} does not exist.")


def client_in_pool(pool: Any, client_id: str | None) -> Any:
    client = pool.clients.get(client_id)
    if client is None:
        raise CognitoError("ResourceNotFoundException", f"User pool client {client_id} does not exist.")
    return client


def find_user(pool: Any, username: str | None) -> Any:
    if not username:
        return None
    return pool._get_user(username)


def prevents_user_existence_errors(client: Any) -> bool:
    return client.extended_config.get("PreventUserExistenceErrors") == "ENABLED"


def is_email_pool(pool: Any) -> bool:
    return "email" in (pool.extended_config.get("UsernameAttributes") or [])


# --------------------------------------------------------------------------
# SECRET_HASH
# --------------------------------------------------------------------------


def secret_hash(client_secret: str, username: str, client_id: str) -> str:
    digest = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def check_secret_hash(client: Any, username: str | None, provided: str | None) -> None:
    if not client.generate_secret:
        return
    if not provided:
        raise not_authorized(f"Client {client.id} is configured with secret but SECRET_HASH was not received")
    expected = secret_hash(client.secret, username or "", client.id)
    if not hmac.compare_digest(expected.encode(), str(provided).encode()):
        raise not_authorized(f"Unable to verify secret hash for client {client.id}")


# --------------------------------------------------------------------------
# Passwords
# --------------------------------------------------------------------------

PASSWORD_SYMBOLS = set("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")


def validate_password(self: Any, user_pool_id: str, password: str | None) -> None:
    """Replaces CognitoIdpBackend._validate_password: Cognito's messages, one per rule."""
    pool = self.describe_user_pool(user_pool_id)
    policy = (pool.extended_config.get("Policies") or {}).get("PasswordPolicy") or {}
    password = password or ""
    problems = []
    if len(password) < int(policy.get("MinimumLength", 8)):
        problems.append("Password not long enough")
    if policy.get("RequireLowercase", True) and not any(c.islower() for c in password):
        problems.append("Password must have lowercase characters")
    if policy.get("RequireUppercase", True) and not any(c.isupper() for c in password):
        problems.append("Password must have uppercase characters")
    if policy.get("RequireNumbers", True) and not any(c.isdigit() for c in password):
        problems.append("Password must have numeric characters")
    if policy.get("RequireSymbols", True) and not any(c in PASSWORD_SYMBOLS for c in password):
        problems.append("Password must have symbol characters")
    if problems:
        raise CognitoError("InvalidPasswordException", "Password did not conform with policy: " + problems[0])


def per_user_limit(user: Any, operation: str) -> None:
    """LimitExceededException beyond the operation's per-user limit (fidelity.py cites the figures)."""
    if fidelity.over_limit(user, operation, CONTROLS.get("perUserLimits")):
        raise CognitoError("LimitExceededException", fidelity.LIMIT_MESSAGE)


def check_lockout(user: Any) -> None:
    """The sign-in lockout (fidelity.py cites it): NotAuthorizedException during a lockout period."""
    if fidelity.locked_out(user):
        raise not_authorized(fidelity.LOCKED_MESSAGE)


def password_matches(user: Any, password: str | None) -> bool:
    if user.password is None or password is None:
        return False
    return hmac.compare_digest(str(user.password).encode(), str(password).encode())


# --------------------------------------------------------------------------
# Usernames: email / aliases, optional case-insensitivity
# --------------------------------------------------------------------------


def pool_get_user(self: Any, username: str | None) -> Any:
    """Replaces CognitoIdpUserPool._get_user.

    Resolves a username, an email/phone username attribute, or a verified alias
    (AliasAttributes), honouring UsernameConfiguration.CaseSensitive=false.
    """
    if not username:
        return None
    case_insensitive = (self.extended_config.get("UsernameConfiguration") or {}).get("CaseSensitive") is False

    def norm(value: Any) -> Any:
        return value.lower() if case_insensitive and isinstance(value, str) else value

    key = norm(username)
    for attr in self.extended_config.get("UsernameAttributes") or []:
        for user in self.users.values():
            value = user.attribute_lookup.get(attr)
            if value is not None and norm(value) == key:
                return user
    user = self.users.get(username)
    if user is not None:
        return user
    if case_insensitive:
        for name, candidate in self.users.items():
            if norm(name) == key:
                return candidate
    for alias in self.extended_config.get("AliasAttributes") or []:
        for candidate in self.users.values():
            value = candidate.attribute_lookup.get(alias)
            if value is None or norm(value) != key:
                continue
            if alias == "preferred_username" or candidate.attribute_lookup.get(f"{alias}_verified") == "true":
                return candidate
    return None


# --------------------------------------------------------------------------
# Codes and their delivery details
# --------------------------------------------------------------------------


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


def mask_phone(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    return "+*******" + (digits[-4:] if len(digits) >= 4 else "0000")


def email_details(email: str) -> dict[str, str]:
    return {"Destination": mask_email(email), "DeliveryMedium": "EMAIL", "AttributeName": "email"}


def phone_details(phone: str) -> dict[str, str]:
    return {"Destination": mask_phone(phone), "DeliveryMedium": "SMS", "AttributeName": "phone_number"}


def signup_delivery(pool: Any, user: Any) -> dict[str, str] | None:
    """Where a sign-up code goes: the first auto-verified attribute the user has."""
    auto = pool.extended_config.get("AutoVerifiedAttributes") or []
    attrs = user.attribute_lookup
    if "email" in auto and attrs.get("email"):
        return email_details(attrs["email"])
    if "phone_number" in auto and attrs.get("phone_number"):
        return phone_details(attrs["phone_number"])
    return None


def recovery_mechanisms(pool: Any) -> list[dict[str, Any]]:
    setting = pool.extended_config.get("AccountRecoverySetting") or {}
    mechanisms = setting.get("RecoveryMechanisms") or cm.LEGACY_ACCOUNT_RECOVERY_MECHANISMS
    return sorted(mechanisms, key=lambda m: m.get("Priority", 99))


def recovery_delivery(pool: Any, user: Any) -> dict[str, str]:
    attrs = user.attribute_lookup
    for mechanism in recovery_mechanisms(pool):
        name = mechanism.get("Name")
        if name == "admin_only":
            raise not_authorized("Contact administrator to reset password.")
        if name == "verified_email" and attrs.get("email") and attrs.get("email_verified") == "true":
            return email_details(attrs["email"])
        if (
            name == "verified_phone_number"
            and attrs.get("phone_number")
            and attrs.get("phone_number_verified") == "true"
        ):
            return phone_details(attrs["phone_number"])
    raise invalid_parameter(
        "Cannot reset password for the user as there is no registered/verified email or phone_number"
    )


def fake_delivery(pool: Any, username: str, for_recovery: bool) -> dict[str, str]:
    """A plausible answer for a user that does not exist (PreventUserExistenceErrors)."""
    if for_recovery:
        names = [m.get("Name") for m in recovery_mechanisms(pool)]
        if names and names[0] == "admin_only":
            raise not_authorized("Contact administrator to reset password.")
        use_phone = bool(names) and names[0] == "verified_phone_number" and "@" not in username
    else:
        auto = pool.extended_config.get("AutoVerifiedAttributes") or []
        use_phone = "email" not in auto and "phone_number" in auto
    if use_phone:
        return phone_details(username)
    if "@" in username:
        return email_details(username)
    return {"Destination": f"{username[:1] or 'u'}***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}


def issue_code(user: Any, purpose: str) -> None:
    user_state(user)["codes"][purpose] = time.time()


def consume_code(user: Any, purpose: str, code: str | None) -> None:
    codes = user_state(user)["codes"]
    issued = codes.get(purpose)
    if issued is None and purpose == "reset":
        # An existing user with no pending reset code: ExpiredCodeException (an unknown user gets
        # CodeMismatchException with PreventUserExistenceErrors), per the developer guide's
        # https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
        # as read for issue 15; the README lists it for a first-deploy check.
        raise CognitoError("ExpiredCodeException", CODE_EXPIRED)
    if issued is None or not code or not hmac.compare_digest(str(code).encode(), DEV_CODE.encode()):
        raise CognitoError("CodeMismatchException", CODE_MISMATCH)
    ttl = CONTROLS.get("codeTtlSeconds")
    if ttl is None:
        ttl = SIGNUP_CODE_TTL if purpose == "signup" else RESET_CODE_TTL
    if time.time() - issued >= ttl:
        codes[purpose] = float("-inf")  # once seen expired, it stays expired
        raise CognitoError("ExpiredCodeException", CODE_EXPIRED)
    del codes[purpose]


# --------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------

UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


def token_validity(client: Any, kind: str) -> float:
    cfg = client.extended_config
    units = cfg.get("TokenValidityUnits") or {}
    if kind == "refresh":
        value = cfg.get("RefreshTokenValidity") or 30
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
    return value


def _sign(pool: Any, payload: dict[str, Any]) -> str:
    return jose_jwt.encode({"kid": "dummy", "alg": "RS256"}, payload, pool.json_web_key)


def _mint_access_and_id(backend: Any, pool: Any, client: Any, user: Any, origin_jti: str, auth_time: int) -> tuple[str, str, int]:
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
            "scope": "aws.cognito.signin.user.admin",
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

    access_token = _sign(pool, access)
    id_token = _sign(pool, id_claims)
    TOKENS[access_token] = TokenRecord("access", backend, pool.id, client.id, user.username, origin_jti, auth_time, now + access_ttl)
    TOKENS[id_token] = TokenRecord("id", backend, pool.id, client.id, user.username, origin_jti, auth_time, now + id_ttl)
    # Keep moto's own tables in step, for the moto operations we did not replace.
    pool.access_tokens[access_token] = (client.id, user.username)
    pool.id_tokens[id_token] = (client.id, user.username)
    return access_token, id_token, int(access_ttl)


def issue_tokens(backend: Any, pool: Any, client: Any, user: Any) -> dict[str, Any]:
    now = int(time.time())
    origin_jti = str(uuid.uuid4())
    refresh_token = secrets.token_urlsafe(96)
    TOKENS[refresh_token] = TokenRecord(
        "refresh", backend, pool.id, client.id, user.username, origin_jti, now, now + token_validity(client, "refresh")
    )
    pool.refresh_tokens[refresh_token] = (client.id, user.username, origin_jti)
    access_token, id_token, expires_in = _mint_access_and_id(backend, pool, client, user, origin_jti, now)
    return {
        "ChallengeParameters": {},
        "AuthenticationResult": {
            "AccessToken": access_token,
            "ExpiresIn": expires_in,
            "TokenType": "Bearer",
            "RefreshToken": refresh_token,
            "IdToken": id_token,
        },
    }


def _forget_in_moto(pool: Any, token: str, record: TokenRecord) -> None:
    if record.kind == "access":
        pool.access_tokens.pop(token, None)
    elif record.kind == "id":
        pool.id_tokens.pop(token, None)
    elif token in pool.refresh_tokens:
        pool.refresh_tokens[token] = None


def revoke_tokens(pool_id: str, *, username: str | None = None, origin_jti: str | None = None, kinds: tuple[str, ...] = ("access", "id", "refresh")) -> None:
    for token, record in TOKENS.items():
        if record.revoked or record.pool_id != pool_id or record.kind not in kinds:
            continue
        if username is not None and record.username != username:
            continue
        if origin_jti is not None and record.origin_jti != origin_jti:
            continue
        record.revoked = True
        pool = record.backend.user_pools.get(pool_id)
        if pool is not None:
            _forget_in_moto(pool, token, record)


def drop_sessions(pool_id: str, username: str) -> None:
    for key in [k for k, s in SESSIONS.items() if s.pool_id == pool_id and s.username == username]:
        del SESSIONS[key]


def live_access_token(token: str | None) -> tuple[Any, Any, Any]:
    """(backend, pool, user) for a valid access token, else Cognito's NotAuthorizedException."""
    record = TOKENS.get(token or "")
    if record is None or record.kind != "access":
        raise not_authorized("Invalid Access Token")
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


# --------------------------------------------------------------------------
# TOTP
# --------------------------------------------------------------------------


def pool_allows_software_token(pool: Any) -> bool:
    return pool.mfa_config in ("ON", "OPTIONAL") and bool((pool.token_mfa_config or {}).get("Enabled"))


def totp_counter(secret: str, code: str | None) -> int | None:
    """The 30-second time step the code belongs to (current one +-1), or None."""
    if not code or not secret:
        return None
    totp = pyotp.TOTP(secret)
    now = time.time()
    for offset in (0, -1, 1):
        if hmac.compare_digest(totp.at(now, offset).encode(), str(code).encode()):
            return int(now // totp.interval) + offset
    return None


def software_mfa_active(pool: Any, user: Any) -> bool:
    return (
        pool.mfa_config != "OFF"
        and bool(user.software_token_mfa_enabled)
        and bool(user_state(user)["totp_secret"])
    )


# --------------------------------------------------------------------------
# Sign-in: shared by InitiateAuth, AdminInitiateAuth and the challenge answers
# --------------------------------------------------------------------------

FLOW_PERMISSIONS = {
    "ADMIN_USER_PASSWORD_AUTH": {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"},
    "ADMIN_NO_SRP_AUTH": {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"},
    "USER_PASSWORD_AUTH": {"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"},
    "USER_SRP_AUTH": {"ALLOW_USER_SRP_AUTH"},
    "REFRESH_TOKEN_AUTH": {"ALLOW_REFRESH_TOKEN_AUTH"},
    "REFRESH_TOKEN": {"ALLOW_REFRESH_TOKEN_AUTH"},
    "CUSTOM_AUTH": {"ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"},
}
DEFAULT_CLIENT_FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH"]


def check_flow_enabled(client: Any, flow: str) -> None:
    flows = client.extended_config.get("ExplicitAuthFlows") or DEFAULT_CLIENT_FLOWS
    legacy_only = not any(f.startswith("ALLOW_") for f in flows)
    if legacy_only and flow in ("USER_SRP_AUTH", "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        return
    if FLOW_PERMISSIONS.get(flow, set()) & set(flows):
        return
    if flow == "USER_PASSWORD_AUTH":
        raise invalid_parameter("USER_PASSWORD_AUTH flow not enabled for this client")
    raise invalid_parameter("Auth flow not enabled for this client")


def new_session(backend: Any, pool: Any, client: Any, user: Any, challenge: str) -> str:
    ttl = CONTROLS.get("sessionTtlSeconds")
    if ttl is None:
        ttl = float(client.extended_config.get("AuthSessionValidity") or 3) * 60
    session_id = secrets.token_urlsafe(96)
    SESSIONS[session_id] = Session(backend, pool.id, client.id, user.username, challenge, time.time(), ttl)
    return session_id


def get_session(session_id: str | None, client: Any) -> Session:
    session = SESSIONS.get(session_id or "")
    if session is None or session.client_id != client.id:
        raise not_authorized(BAD_SESSION)
    if time.time() - session.created >= session.ttl:
        del SESSIONS[session_id]
        raise not_authorized(EXPIRED_SESSION)
    return session


def rekey_session(old_id: str) -> str:
    new_id = secrets.token_urlsafe(96)
    SESSIONS[new_id] = SESSIONS.pop(old_id)
    return new_id


def after_first_factor(backend: Any, pool: Any, client: Any, user: Any) -> dict[str, Any]:
    """What follows a correct password (or a completed NEW_PASSWORD_REQUIRED)."""
    if software_mfa_active(pool, user):
        return {
            "ChallengeName": "SOFTWARE_TOKEN_MFA",
            # The actual username, for the challenge answer's USERNAME (AdminInitiateAuth reference).
            "ChallengeParameters": {"USER_ID_FOR_SRP": user.username},
            "Session": new_session(backend, pool, client, user, "SOFTWARE_TOKEN_MFA"),
        }
    if pool.mfa_config == "ON" and pool_allows_software_token(pool):
        return {
            "ChallengeName": "MFA_SETUP",
            "ChallengeParameters": {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]', "USER_ID_FOR_SRP": user.username},
            "Session": new_session(backend, pool, client, user, "MFA_SETUP"),
        }
    return issue_tokens(backend, pool, client, user)


def password_auth(backend: Any, pool: Any, client: Any, params: dict[str, str]) -> dict[str, Any]:
    username = params.get("USERNAME")
    if not username:
        raise invalid_parameter("Missing required parameter USERNAME")
    check_secret_hash(client, username, params.get("SECRET_HASH"))
    user = find_user(pool, username)
    if user is None:
        if prevents_user_existence_errors(client):
            raise not_authorized(BAD_CREDENTIALS)
        raise CognitoError("UserNotFoundException", "User does not exist.")
    check_lockout(user)
    if not password_matches(user, params.get("PASSWORD")):
        fidelity.failed_attempt(user, CONTROLS.get("lockoutUnitSeconds"))
        raise not_authorized(BAD_CREDENTIALS)
    fidelity.successful_sign_in(user)
    if not user.enabled:
        raise not_authorized("User is disabled.")
    # UserNotConfirmed only after a correct password. No AWS page found states the order; this is
    # the order the API's answers are designed for (no unconfirmed account revealed without the
    # password) and the README lists it as a first-deploy check.
    if user.status == UserStatus.UNCONFIRMED:
        raise CognitoError("UserNotConfirmedException", "User is not confirmed.")
    if user.status == UserStatus.RESET_REQUIRED:
        raise CognitoError("PasswordResetRequiredException", "Password reset required for the user")
    if user.status == UserStatus.FORCE_CHANGE_PASSWORD:
        shown = {k: v for k, v in user.attribute_lookup.items() if k != "sub"}
        return {
            "ChallengeName": "NEW_PASSWORD_REQUIRED",
            "ChallengeParameters": {
                "USER_ID_FOR_SRP": user.username,
                "requiredAttributes": "[]",
                "userAttributes": json.dumps(shown),
            },
            "Session": new_session(backend, pool, client, user, "NEW_PASSWORD_REQUIRED"),
        }
    return after_first_factor(backend, pool, client, user)


def refresh_auth(backend: Any, pool: Any, client: Any, params: dict[str, str]) -> dict[str, Any]:
    token = params.get("REFRESH_TOKEN")
    if not token:
        raise invalid_parameter("Missing required parameter REFRESH_TOKEN")
    record = TOKENS.get(token)
    if record is None or record.kind != "refresh" or record.pool_id != pool.id or record.client_id != client.id:
        raise not_authorized("Invalid Refresh Token")
    if record.revoked:
        raise not_authorized("Refresh Token has been revoked")
    if time.time() >= record.exp:
        raise not_authorized("Refresh Token has expired")
    user = pool.users.get(record.username)
    if user is None:
        raise not_authorized("Refresh Token has been revoked")
    # As in Cognito: the hash uses the user's real username (the sub in email
    # pools), not the email the user signs in with.
    check_secret_hash(client, user.username, params.get("SECRET_HASH"))
    if not user.enabled:
        raise not_authorized("User is disabled.")
    access_token, id_token, expires_in = _mint_access_and_id(backend, pool, client, user, record.origin_jti, record.auth_time)
    return {
        "ChallengeParameters": {},
        "AuthenticationResult": {
            "AccessToken": access_token,
            "ExpiresIn": expires_in,
            "TokenType": "Bearer",
            "IdToken": id_token,
        },
    }


def respond_to_challenge(backend: Any, pool: Any, client: Any, session_id: str | None, challenge: str, responses: dict[str, str]) -> dict[str, Any]:
    session = get_session(session_id, client)
    if session.pool_id != pool.id or session.challenge != challenge:
        raise not_authorized(BAD_SESSION)
    username = responses.get("USERNAME")
    if not username:
        raise invalid_parameter("Missing required parameter USERNAME")
    check_secret_hash(client, username, responses.get("SECRET_HASH"))
    # "The value of the USERNAME attribute must be the user's actual username, not an alias (such as
    # email address or phone number)"
    # (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminRespondToAuthChallenge.html).
    # Which exception Cognito answers for an alias is not documented: NotAuthorized here.
    user = session.backend.user_pools[session.pool_id].users.get(username)
    if user is None or user.username != session.username:
        raise not_authorized(BAD_SESSION)
    if not user.enabled:
        raise not_authorized("User is disabled.")

    if challenge == "SOFTWARE_TOKEN_MFA":
        code = responses.get("SOFTWARE_TOKEN_MFA_CODE")
        if not code:
            raise invalid_parameter("Missing required parameter SOFTWARE_TOKEN_MFA_CODE")
        state = user_state(user)
        # Wrong codes count toward the sign-in lockout (fidelity.py); no AWS page documents a
        # per-session attempt limit, so the session itself lives until it expires.
        check_lockout(user)
        counter = totp_counter(state["totp_secret"], code)
        if counter is None:
            fidelity.failed_attempt(user, CONTROLS.get("lockoutUnitSeconds"))
            raise CognitoError("CodeMismatchException", "Invalid code received for user")
        if state["totp_last_counter"] is not None and counter <= state["totp_last_counter"]:
            raise CognitoError("ExpiredCodeException", "Your software token has already been used once.")
        state["totp_last_counter"] = counter
        fidelity.successful_sign_in(user)
        del SESSIONS[session_id]
        return issue_tokens(backend, pool, client, user)

    if challenge == "NEW_PASSWORD_REQUIRED":
        new_password = responses.get("NEW_PASSWORD")
        if not new_password:
            raise invalid_parameter("Missing required parameter NEW_PASSWORD")
        backend._validate_password(pool.id, new_password)
        extra = [
            {"Name": k[len("userAttributes."):], "Value": v}
            for k, v in responses.items()
            if k.startswith("userAttributes.")
        ]
        if extra:
            user.update_attributes(extra)
        user.password = new_password
        user.status = UserStatus.CONFIRMED
        del SESSIONS[session_id]
        return after_first_factor(backend, pool, client, user)

    if challenge == "MFA_SETUP":
        if not session.mfa_setup_verified:
            raise invalid_parameter("Software token MFA has not been verified for this session")
        user.software_token_mfa_enabled = True
        user.preferred_mfa_setting = "SOFTWARE_TOKEN_MFA"
        del SESSIONS[session_id]
        return issue_tokens(backend, pool, client, user)

    raise invalid_parameter(f"Challenge {challenge} is not supported by local Cognito")


def delete_user_everywhere(backend: Any, pool: Any, user: Any) -> None:
    revoke_tokens(pool.id, username=user.username)
    drop_sessions(pool.id, user.username)
    for group in list(user.groups):
        group.users.discard(user)
    pool.users.pop(user.username, None)


# --------------------------------------------------------------------------
# The response class: overrides and additions to moto's CognitoIdpResponse
# --------------------------------------------------------------------------


class LocalCognitoResponse(CognitoIdpResponse):
    # ---- sign-up -------------------------------------------------------
    def sign_up(self) -> ActionResult:
        backend, pool, client = find_client(self._get_param("ClientId"))
        username = self._get_param("Username")
        check_secret_hash(client, username, self._get_param("SecretHash"))
        if find_user(pool, username) is not None:
            if is_email_pool(pool):
                raise CognitoError("UsernameExistsException", "An account with the given email already exists.")
            raise CognitoError("UsernameExistsException", "User already exists")
        user, _ = backend.sign_up(
            client_id=client.id,
            username=username,
            password=self._get_param("Password"),
            attributes=self._get_param("UserAttributes", []),
        )
        result: dict[str, Any] = {"UserConfirmed": user.status == UserStatus.CONFIRMED, "UserSub": user.id}
        details = signup_delivery(pool, user)
        if details:
            issue_code(user, "signup")
            result["CodeDeliveryDetails"] = details
        return ActionResult(result)

    def confirm_sign_up(self) -> ActionResult:
        backend, pool, client = find_client(self._get_param("ClientId"))
        username = self._get_param("Username")
        check_secret_hash(client, username, self._get_param("SecretHash"))
        user = find_user(pool, username)
        if user is None:
            if prevents_user_existence_errors(client):
                raise CognitoError("CodeMismatchException", CODE_MISMATCH)
            raise CognitoError("UserNotFoundException", NOT_FOUND_FOR_CLIENT)
        per_user_limit(user, "ConfirmSignUp")
        if user.status != UserStatus.UNCONFIRMED:
            raise not_authorized(f"User cannot be confirmed. Current status is {getattr(user.status, 'value', user.status)}")
        consume_code(user, "signup", self._get_param("ConfirmationCode"))
        user.status = UserStatus.CONFIRMED
        details = signup_delivery(pool, user)
        if details and details["AttributeName"] == "email":
            user.update_attributes([{"Name": "email_verified", "Value": "true"}])
        elif details:
            user.update_attributes([{"Name": "phone_number_verified", "Value": "true"}])
        return EmptyResult()

    def resend_confirmation_code(self) -> ActionResult:
        backend, pool, client = find_client(self._get_param("ClientId"))
        username = self._get_param("Username")
        check_secret_hash(client, username, self._get_param("SecretHash"))
        user = find_user(pool, username)
        if user is None:
            if prevents_user_existence_errors(client):
                return ActionResult({"CodeDeliveryDetails": fake_delivery(pool, username or "", for_recovery=False)})
            raise CognitoError("UserNotFoundException", NOT_FOUND_FOR_CLIENT)
        per_user_limit(user, "ResendConfirmationCode")
        if user.status != UserStatus.UNCONFIRMED:
            raise invalid_parameter("User is already confirmed.")
        details = signup_delivery(pool, user)
        if details is None:
            raise invalid_parameter("Auto verification not turned on.")
        issue_code(user, "signup")
        return ActionResult({"CodeDeliveryDetails": details})

    # ---- password recovery --------------------------------------------
    def forgot_password(self) -> ActionResult:
        backend, pool, client = find_client(self._get_param("ClientId"))
        username = self._get_param("Username")
        check_secret_hash(client, username, self._get_param("SecretHash"))
        user = find_user(pool, username)
        if user is None:
            if prevents_user_existence_errors(client):
                return ActionResult({"CodeDeliveryDetails": fake_delivery(pool, username or "", for_recovery=True)})
            raise CognitoError("UserNotFoundException", NOT_FOUND_FOR_CLIENT)
        per_user_limit(user, "ForgotPassword")
        if not user.enabled:
            raise not_authorized("User is disabled.")
        if user.status == UserStatus.FORCE_CHANGE_PASSWORD:
            raise not_authorized("User password cannot be reset in the current state.")
        details = recovery_delivery(pool, user)
        issue_code(user, "reset")
        return ActionResult({"CodeDeliveryDetails": details})

    def confirm_forgot_password(self) -> ActionResult:
        backend, pool, client = find_client(self._get_param("ClientId"))
        username = self._get_param("Username")
        check_secret_hash(client, username, self._get_param("SecretHash"))
        user = find_user(pool, username)
        if user is None:
            if prevents_user_existence_errors(client):
                raise CognitoError("CodeMismatchException", CODE_MISMATCH)
            raise CognitoError("UserNotFoundException", NOT_FOUND_FOR_CLIENT)
        per_user_limit(user, "ConfirmForgotPassword")
        password = self._get_param("Password")
        codes = user_state(user)["codes"]
        issued = codes.get("reset")
        consume_code(user, "reset", self._get_param("ConfirmationCode"))
        try:
            backend._validate_password(pool.id, password)
        except CognitoError:
            codes["reset"] = issued  # a rejected password does not use up the code
            raise
        user.password = password
        if user.status in (UserStatus.RESET_REQUIRED, UserStatus.FORCE_CHANGE_PASSWORD):
            user.status = UserStatus.CONFIRMED
        return EmptyResult()

    # ---- sign-in -------------------------------------------------------
    def initiate_auth(self) -> ActionResult:
        backend, pool, client = find_client(self._get_param("ClientId"))
        flow = self._get_param("AuthFlow")
        params = self._get_param("AuthParameters") or {}
        backend._validate_auth_flow(
            auth_flow=flow,
            valid_flows=[cm.AuthFlow.USER_SRP_AUTH, cm.AuthFlow.REFRESH_TOKEN_AUTH, cm.AuthFlow.REFRESH_TOKEN, cm.AuthFlow.CUSTOM_AUTH, cm.AuthFlow.USER_PASSWORD_AUTH],
        )
        check_flow_enabled(client, flow)
        if flow == "USER_PASSWORD_AUTH":
            return ActionResult(password_auth(backend, pool, client, params))
        if flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
            return ActionResult(refresh_auth(backend, pool, client, params))
        if flow == "CUSTOM_AUTH":
            raise invalid_parameter("Custom auth lambda trigger is not configured for the user pool.")
        return ActionResult(backend.initiate_auth(client.id, flow, params))  # USER_SRP_AUTH: moto's

    def admin_initiate_auth(self) -> ActionResult:
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        client = client_in_pool(pool, self._get_param("ClientId"))
        flow = self._get_param("AuthFlow")
        params = self._get_param("AuthParameters") or {}
        self.backend._validate_auth_flow(
            auth_flow=flow,
            valid_flows=[cm.AuthFlow.ADMIN_NO_SRP_AUTH, cm.AuthFlow.ADMIN_USER_PASSWORD_AUTH, cm.AuthFlow.REFRESH_TOKEN_AUTH, cm.AuthFlow.REFRESH_TOKEN],
        )
        check_flow_enabled(client, flow)
        if flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
            return ActionResult(refresh_auth(self.backend, pool, client, params))
        return ActionResult(password_auth(self.backend, pool, client, params))

    def respond_to_auth_challenge(self) -> ActionResult:
        backend, pool, client = find_client(self._get_param("ClientId"))
        session_id = self._get_param("Session")
        challenge = self._get_param("ChallengeName")
        responses = self._get_param("ChallengeResponses") or {}
        if challenge == "PASSWORD_VERIFIER" and session_id not in SESSIONS:
            return super().respond_to_auth_challenge()  # moto's (simulated) SRP
        return ActionResult(respond_to_challenge(backend, pool, client, session_id, challenge, responses))

    def admin_respond_to_auth_challenge(self) -> ActionResult:
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        client = client_in_pool(pool, self._get_param("ClientId"))
        return ActionResult(
            respond_to_challenge(
                self.backend,
                pool,
                client,
                self._get_param("Session"),
                self._get_param("ChallengeName"),
                self._get_param("ChallengeResponses") or {},
            )
        )

    # ---- tokens --------------------------------------------------------
    def get_user(self) -> ActionResult:
        _, _, user = live_access_token(self._get_param("AccessToken"))
        return ActionResult(user.to_json(extended=True, attributes_key="UserAttributes"))

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
        # revokes: the refresh token and the access and ID tokens issued from it, nothing else of
        # the user's (https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html).
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
        # accepted (what real Cognito answers here is undocumented: see the README's first-deploy checklist).
        revoke_tokens(pool.id, origin_jti=record.origin_jti)
        return EmptyResult()

    def delete_user(self) -> ActionResult:
        backend, pool, user = live_access_token(self._get_param("AccessToken"))
        delete_user_everywhere(backend, pool, user)
        return EmptyResult()

    def change_password(self) -> ActionResult:
        backend, pool, user = live_access_token(self._get_param("AccessToken"))
        per_user_limit(user, "ChangePassword")
        if not password_matches(user, self._get_param("PreviousPassword")):
            raise not_authorized(BAD_CREDENTIALS)
        proposed = self._get_param("ProposedPassword")
        backend._validate_password(pool.id, proposed)
        user.password = proposed
        return EmptyResult()

    def update_user_attributes(self) -> ActionResult:
        backend, pool, user = live_access_token(self._get_param("AccessToken"))
        attributes = self._get_param("UserAttributes") or []
        email = next((a.get("Value") for a in attributes if a.get("Name") == "email"), None)
        if email is not None and email != user.attribute_lookup.get("email"):
            backend._verify_email_is_not_used(pool.id, email)
        user.update_attributes(attributes)
        return ActionResult({"CodeDeliveryDetailsList": []})

    # ---- TOTP ----------------------------------------------------------
    def associate_software_token(self) -> ActionResult:
        access_token = self._get_param("AccessToken")
        session_id = self._get_param("Session")
        secret = pyotp.random_base32(length=32)
        if access_token:
            _, pool, user = live_access_token(access_token)
            if not pool_allows_software_token(pool):
                raise CognitoError("SoftwareTokenMFANotFoundException", "Software Token MFA has not been enabled by the userPool.")
            # A user who already has TOTP loses it here: "If you don't verify the software token and
            # your user pool doesn't require MFA, the user can then authenticate with user name and
            # password credentials alone"
            # (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AssociateSoftwareToken.html).
            state = user_state(user)
            if state["totp_secret"]:
                state["totp_secret"] = None
                user.software_token_mfa_enabled = False
                user.token_verified = False
                if user.preferred_mfa_setting == "SOFTWARE_TOKEN_MFA":
                    user.preferred_mfa_setting = ""
            state["totp_pending"] = secret
            return ActionResult({"SecretCode": secret})
        if session_id:
            session = SESSIONS.get(session_id)
            if session is None or session.challenge != "MFA_SETUP":
                raise not_authorized(BAD_SESSION)
            if time.time() - session.created >= session.ttl:
                del SESSIONS[session_id]
                raise not_authorized(EXPIRED_SESSION)
            user = session.backend.user_pools[session.pool_id].users.get(session.username)
            if user is None:
                raise not_authorized(BAD_SESSION)
            user_state(user)["totp_pending"] = secret
            return ActionResult({"SecretCode": secret, "Session": rekey_session(session_id)})
        raise invalid_parameter("Either AccessToken or Session must be provided")

    def verify_software_token(self) -> ActionResult:
        access_token = self._get_param("AccessToken")
        session_id = self._get_param("Session")
        code = self._get_param("UserCode")
        session = None
        if access_token:
            _, pool, user = live_access_token(access_token)
        elif session_id:
            session = SESSIONS.get(session_id)
            if session is None or session.challenge != "MFA_SETUP":
                raise not_authorized(BAD_SESSION)
            if time.time() - session.created >= session.ttl:
                del SESSIONS[session_id]
                raise not_authorized(EXPIRED_SESSION)
            user = session.backend.user_pools[session.pool_id].users.get(session.username)
            if user is None:
                raise not_authorized(BAD_SESSION)
        else:
            raise invalid_parameter("Either AccessToken or Session must be provided")
        state = user_state(user)
        if not state["totp_pending"]:
            raise CognitoError("SoftwareTokenMFANotFoundException", "Software Token MFA has not been associated with the user.")
        counter = totp_counter(state["totp_pending"], code)
        if counter is None:
            raise CognitoError("EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
        state["totp_secret"] = state["totp_pending"]
        state["totp_pending"] = None
        state["totp_last_counter"] = counter
        user.token_verified = True
        if session is not None:
            session.mfa_setup_verified = True
            return ActionResult({"Status": "SUCCESS", "Session": rekey_session(session_id)})
        return ActionResult({"Status": "SUCCESS"})

    def _apply_mfa_preference(self, user: Any) -> None:
        software = self._get_param("SoftwareTokenMfaSettings")
        sms = self._get_param("SMSMfaSettings")
        if software is not None:
            if software.get("Enabled"):
                if not user.token_verified or not user_state(user)["totp_secret"]:
                    raise invalid_parameter("User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA")
                user.software_token_mfa_enabled = True
                if software.get("PreferredMfa"):
                    user.preferred_mfa_setting = "SOFTWARE_TOKEN_MFA"
            else:
                user.software_token_mfa_enabled = False
                if user.preferred_mfa_setting == "SOFTWARE_TOKEN_MFA":
                    user.preferred_mfa_setting = ""
        if sms is not None:
            if sms.get("Enabled"):
                raise invalid_parameter("User does not have delivery config set to turn on SMS_MFA")
            user.sms_mfa_enabled = False
            if user.preferred_mfa_setting == "SMS_MFA":
                user.preferred_mfa_setting = ""

    def set_user_mfa_preference(self) -> ActionResult:
        _, _, user = live_access_token(self._get_param("AccessToken"))
        self._apply_mfa_preference(user)
        return EmptyResult()

    def admin_set_user_mfa_preference(self) -> ActionResult:
        user = self.backend.admin_get_user(self._get_param("UserPoolId"), self._get_param("Username"))
        self._apply_mfa_preference(user)
        return EmptyResult()

    # ---- admin user management ----------------------------------------
    def admin_create_user(self) -> ActionResult:
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        username = self._get_param("Username")
        if self._get_param("MessageAction") != "RESEND":
            if find_user(pool, username) is not None:
                raise CognitoError("UsernameExistsException", "User account already exists")
            temporary = self._get_param("TemporaryPassword")
            if temporary is not None:
                self.backend._validate_password(pool.id, temporary)
        return super().admin_create_user()

    def admin_delete_user(self) -> ActionResult:
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        user = self.backend.admin_get_user(pool.id, self._get_param("Username"))
        delete_user_everywhere(self.backend, pool, user)
        return EmptyResult()

    def admin_disable_user(self) -> ActionResult:
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        user = self.backend.admin_get_user(pool.id, self._get_param("Username"))
        user.enabled = False
        revoke_tokens(pool.id, username=user.username, kinds=("access", "id"))
        drop_sessions(pool.id, user.username)
        return EmptyResult()

    def admin_reset_user_password(self) -> ActionResult:
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        user = self.backend.admin_get_user(pool.id, self._get_param("Username"))
        self.backend.admin_reset_user_password(pool.id, user.username)
        issue_code(user, "reset")
        return EmptyResult()


def patched_log_user_in(self: Any, user_pool: Any, client: Any, username: str) -> dict[str, Any]:
    """Replaces CognitoIdpBackend._log_user_in (moto's simulated SRP path) so its tokens are tracked too."""
    user = user_pool._get_user(username)
    return issue_tokens(self, user_pool, client, user)


def install_patches() -> None:
    cm.CognitoIdpUserPool._get_user = pool_get_user
    cm.CognitoIdpBackend._validate_password = validate_password
    cm.CognitoIdpBackend._log_user_in = patched_log_user_in
    # moto builds its Flask routes from this table: serve our subclass instead.
    for path, handler in list(cognito_urls.url_paths.items()):
        if getattr(handler, "__name__", "") == "dispatch":
            cognito_urls.url_paths[path] = LocalCognitoResponse.dispatch


# --------------------------------------------------------------------------
# WSGI front: control endpoint, faults, one lock around moto's state
# --------------------------------------------------------------------------

STATE_LOCK = threading.RLock()


def _json_response(start_response: Any, status: int, body: Any, extra_headers: list[tuple[str, str]] | None = None, content_type: str = "application/json") -> list[bytes]:
    data = json.dumps(body).encode()
    reasons = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error", 501: "Not Implemented"}
    headers = [
        ("Content-Type", content_type),
        ("Content-Length", str(len(data))),
        ("x-amzn-RequestId", str(uuid.uuid4())),
    ] + (extra_headers or [])
    start_response(f"{status} {reasons.get(status, 'Error')}", headers)
    return [data]


def _cognito_error(start_response: Any, status: int, error_type: str, message: str) -> list[bytes]:
    return _json_response(
        start_response,
        status,
        {"__type": error_type, "message": message},
        [("x-amzn-ErrorType", error_type)],
        content_type="application/x-amz-json-1.1",
    )


class LocalCognitoApp:
    def __init__(self, verbose: bool) -> None:
        self.moto_app = create_backend_app("cognito-idp")
        self.verbose = verbose

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_local/"):
            return self.control(environ, start_response, path)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if not target.startswith(TARGET_PREFIX):
            return self.forward(environ, start_response, None)
        operation = target[len(TARGET_PREFIX):]
        faults = CONTROLS.snapshot()
        if faults["delaySeconds"]:
            time.sleep(faults["delaySeconds"])
        if faults["throttle"]:
            record_call(operation, 400, "TooManyRequestsException")
            self.note(operation, 400, "TooManyRequestsException")
            return _cognito_error(start_response, 400, "TooManyRequestsException", "Rate exceeded")
        injected = faults["errors"].get(operation)
        if injected:
            status = 500 if injected == "InternalErrorException" else 400
            record_call(operation, status, injected)
            self.note(operation, status, injected)
            return _cognito_error(start_response, status, injected, "Injected by /_local/faults")
        return self.forward(environ, start_response, operation)

    def note(self, operation: str | None, status: int, error_type: str | None) -> None:
        if self.verbose:
            log.info("%s -> %s%s", operation or "(non-API request)", status, f" {error_type}" if error_type else "")

    def forward(self, environ: dict[str, Any], start_response: Any, operation: str | None) -> Any:
        captured: dict[str, Any] = {}
        chunks: list[bytes] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return chunks.append

        with STATE_LOCK:
            try:
                iterable = self.moto_app(environ, capture)
                try:
                    chunks.extend(iterable)
                finally:
                    if hasattr(iterable, "close"):
                        iterable.close()
            except NotImplementedError:
                if operation:
                    record_call(operation, 501, "InternalErrorException")
                log.warning("operation %s is not emulated by local Cognito (moto)", operation)
                return _cognito_error(start_response, 501, "InternalErrorException", f"Local Cognito does not emulate {operation}")
            except Exception as exc:  # noqa: BLE001 - report, never leak details
                if operation:
                    record_call(operation, 500, "InternalErrorException")
                frames = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
                # The exception's message is left out on purpose: it could hold a token or a password.
                log.error("internal error in %s: %s\n%s", operation, type(exc).__name__, frames)
                return _cognito_error(start_response, 500, "InternalErrorException", "Internal error in local Cognito")
        status_code = int(captured["status"].split()[0])
        error_type = None
        if status_code >= 400:
            error_type = next((v for k, v in captured["headers"] if k.lower() == "x-amzn-errortype"), None)
        if operation:
            record_call(operation, status_code, error_type)
        self.note(operation, status_code, error_type)
        start_response(captured["status"], captured["headers"])
        return chunks

    def control(self, environ: dict[str, Any], start_response: Any, path: str) -> Any:
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/_local/faults":
            if method == "GET":
                return _json_response(start_response, 200, CONTROLS.snapshot())
            if method == "DELETE":
                return _json_response(start_response, 200, CONTROLS.reset())
            if method == "POST":
                try:
                    length = int(environ.get("CONTENT_LENGTH") or 0)
                    raw = environ["wsgi.input"].read(length) if length else b""
                    body = json.loads(raw) if raw.strip() else {}
                    settings = CONTROLS.replace(body)
                except (ValueError, json.JSONDecodeError) as exc:
                    return _json_response(start_response, 400, {"error": str(exc)})
                log.info("faults set: %s", json.dumps(settings))
                return _json_response(start_response, 200, settings)
            return _json_response(start_response, 405, {"error": "use GET, POST or DELETE"})
        if path == "/_local/calls":
            if method == "GET":
                with CALLS_LOCK:
                    return _json_response(start_response, 200, {"calls": list(CALLS)})
            if method == "DELETE":
                with CALLS_LOCK:
                    CALLS.clear()
                return _json_response(start_response, 200, {"calls": []})
            return _json_response(start_response, 405, {"error": "use GET or DELETE"})
        return _json_response(start_response, 404, {"error": f"unknown control path {path}"})


class QuietRequestHandler(MotoRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the SDKs reuse connections

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        if VERBOSE:
            super().log_request(code, size)


VERBOSE = False


# --------------------------------------------------------------------------
# Bootstrap and main
# --------------------------------------------------------------------------


def bootstrap() -> dict[str, str]:
    """The pool and client of cdk/user-pool.json (the construct's defaults), as fidelity.py maps them."""
    backend = cm.cognitoidp_backends[DEFAULT_ACCOUNT_ID][REGION]
    settings = fidelity.pool_settings(POOL_DEFINITION)
    pool = backend.create_user_pool("local-auth-pool", settings)
    backend.set_user_pool_mfa_config(pool.id, None, {"Enabled": POOL_DEFINITION["mfaSecondFactor"]["otp"]}, settings["MfaConfiguration"])
    client = backend.create_user_pool_client(pool.id, True, fidelity.client_settings(POOL_DEFINITION))
    return {
        "userPoolId": pool.id,
        "clientId": client.id,
        "clientSecret": client.secret,
        "passwordPolicy": fidelity.password_policy_env(POOL_DEFINITION),
    }


def watch_parent(original_ppid: int) -> None:
    while not STOP.is_set():
        if os.getppid() != original_ppid:
            log.info("parent process exited; stopping")
            STOP.set()
            return
        time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    global VERBOSE
    parser = argparse.ArgumentParser(description="Local Cognito emulator (moto-based)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 (default) picks a free one")
    parser.add_argument("--bootstrap", action="store_true", help="create a user pool and app client at start")
    parser.add_argument("--verbose", action="store_true", help="log one line per request (operation and status only)")
    parser.add_argument("--exit-with-parent", action="store_true", help="also stop when the parent process exits")
    args = parser.parse_args(argv)
    VERBOSE = args.verbose

    logging.basicConfig(stream=sys.stderr, level=logging.INFO if args.verbose else logging.WARNING, format="local-cognito: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.INFO if args.verbose else logging.ERROR)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")

    install_patches()
    app = LocalCognitoApp(verbose=args.verbose)
    server = make_server(args.host, args.port, app, threaded=True, request_handler=QuietRequestHandler)
    port = server.socket.getsockname()[1]
    ready: dict[str, Any] = {}
    host_for_url = "127.0.0.1" if args.host in ("0.0.0.0", "", "::") else args.host
    if ":" in host_for_url:
        host_for_url = f"[{host_for_url}]"
    ready["endpoint"] = f"http://{host_for_url}:{port}"
    ready["region"] = REGION
    if args.bootstrap:
        ready.update(bootstrap())

    thread = threading.Thread(target=server.serve_forever, name="local-cognito-http", daemon=True)
    thread.start()
    if args.exit_with_parent:
        threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()

    stdout = sys.stdout
    stdout.write(json.dumps(ready) + "\n")
    stdout.flush()
    sys.stdout = sys.stderr  # anything printed later must not disturb the one stdout line

    while not STOP.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    sys.stderr.flush()
    return 0


if __name__ == "__main__":
    code = main()
    os._exit(code)

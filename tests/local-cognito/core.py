"""What every emulator module shares: Cognito's error shape and messages, the per-user state kept
beside moto's, looking up pools, clients and users, and SECRET_HASH. Imports nothing of the emulator
but fidelity.py, so any feature module can import it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from moto.cognitoidp import models as cm
from moto.core.exceptions import JsonRESTError

import fidelity  # beside this file

POOL_DEFINITION = fidelity.load_pool_definition()

UserStatus = cm.UserStatus


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
# Per-user state kept beside moto's (tokens: tokens.py, challenge sessions: sessions.py)
# --------------------------------------------------------------------------


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

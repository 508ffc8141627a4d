"""Challenge sessions (the Session value of NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, MFA_SETUP):
created by the sign-in flows (signin.py), answered there and by the TOTP set-up (mfa.py).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from controls import CONTROLS
from core import BAD_SESSION, EXPIRED_SESSION, not_authorized

# --------------------------------------------------------------------------
# Emulator state kept beside moto's: challenge sessions
# --------------------------------------------------------------------------


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


SESSIONS: dict[str, Session] = {}


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


def drop_sessions(pool_id: str, username: str) -> None:
    for key in [k for k, s in SESSIONS.items() if s.pool_id == pool_id and s.username == username]:
        del SESSIONS[key]

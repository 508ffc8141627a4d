"""Challenge sessions (the Session value of NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, MFA_SETUP):
created by the sign-in flows (signin.py), answered there and by the TOTP set-up (mfa.py).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

import fidelity  # beside this file
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


def new_session_id() -> str:
    """A new Session value: sessionLength characters (control endpoint), else the default length;
    fidelity.py cites the model's 20-2048 range."""
    length = CONTROLS.get("sessionLength") or fidelity.DEFAULT_SESSION_LENGTH
    return secrets.token_urlsafe(length)[:length]


def new_session(backend: Any, pool: Any, client: Any, user: Any, challenge: str) -> str:
    ttl = CONTROLS.get("sessionTtlSeconds")
    if ttl is None:
        ttl = float(client.extended_config.get("AuthSessionValidity") or 3) * 60
    new_id = new_session_id()
    SESSIONS[new_id] = Session(backend, pool.id, client.id, user.username, challenge, time.time(), ttl)
    return new_id


def get_session(session_id: str | None, client: Any) -> Session:
    session = SESSIONS.get(session_id or "")
    if session is None or session.client_id != client.id:
        raise not_authorized(BAD_SESSION)
    if time.time() - session.created >= session.ttl:
        del SESSIONS[session_id]
        raise not_authorized(EXPIRED_SESSION)
    return session


def rekey_session(old_id: str) -> str:
    new_id = new_session_id()
    SESSIONS[new_id] = SESSIONS.pop(old_id)
    return new_id


def drop_sessions(pool_id: str, username: str) -> None:
    for key in [k for k, s in SESSIONS.items() if s.pool_id == pool_id and s.username == username]:
        del SESSIONS[key]

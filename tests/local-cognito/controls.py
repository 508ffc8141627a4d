"""The /_local/faults settings (fault injection, TTL overrides, the clock offset) and the
/_local/calls log, read by the feature modules and served by wsgi_app.py (the entry module's
docstring documents the keys).
"""

from __future__ import annotations

import collections
import threading
import time
from typing import Any

import fidelity  # beside this file

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
    "failedAttemptLimits": {},
    "omitUserAuthUsername": False,
    "sessionLength": None,
    "passkeyLimit": fidelity.PASSKEY_LIMIT,
    "clockOffsetSeconds": 0,
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
        if "failedAttemptLimits" in body:
            new["failedAttemptLimits"] = fidelity.validate_failed_attempt_limits(body["failedAttemptLimits"])
        if "omitUserAuthUsername" in body:
            if not isinstance(body["omitUserAuthUsername"], bool):
                raise ValueError("omitUserAuthUsername must be true or false")
            new["omitUserAuthUsername"] = body["omitUserAuthUsername"]
        if "sessionLength" in body and body["sessionLength"] is not None:
            v = body["sessionLength"]
            low, high = fidelity.SESSION_LENGTH_RANGE
            if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
                raise ValueError(f"sessionLength must be an integer from {low} to {high} or null")
            new["sessionLength"] = v
        if "passkeyLimit" in body:
            v = body["passkeyLimit"]
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValueError("passkeyLimit must be an integer >= 0")
            new["passkeyLimit"] = v
        if "clockOffsetSeconds" in body:
            v = body["clockOffsetSeconds"]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 86400:
                raise ValueError("clockOffsetSeconds must be a number from 0 to 86400")
            new["clockOffsetSeconds"] = v
        with self._lock:
            self._values = new
            return dict(new)

    def reset(self) -> dict[str, Any]:
        return self.replace({})


CONTROLS = Controls()


def now() -> float:
    """The emulator's clock: the real time plus the clockOffsetSeconds setting (0 unless a test
    moves the clock ahead, so that what a time period allows can be tested without waiting for it,
    on a loaded machine too). Read by rotation.py (the retry grace period) and mfa.py (which TOTP
    time step is the current one); every other timer keeps the real clock (they have TTL settings)."""
    return time.time() + CONTROLS.get("clockOffsetSeconds")


CALLS: collections.deque[dict[str, Any]] = collections.deque(maxlen=10000)
CALLS_LOCK = threading.Lock()


def record_call(operation: str, status: int, error_type: str | None) -> None:
    with CALLS_LOCK:
        CALLS.append({"operation": operation, "status": status, "errorType": error_type})

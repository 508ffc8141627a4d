"""Behaviours of a deployed Cognito pool that the emulator reproduces beyond moto (imported by
local_cognito.py): the pool created from cdk/user-pool.json, the sign-in lockout, per-user
attempt limits. Each behaviour cites the AWS page it follows; the README's fidelity table lists
them with the tests that hold them.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

POOL_FILE = Path(__file__).resolve().parents[2] / "cdk" / "user-pool.json"


def load_pool_definition(path: Path = POOL_FILE) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def password_policy_env(definition: dict[str, Any]) -> str:
    """The PASSWORD_POLICY value the stack gives the functions (lib/user-pool-definition.ts passwordPolicyEnv)."""
    p = definition["passwordPolicy"]
    keys = ("minLength", "requireLowercase", "requireUppercase", "requireDigits", "requireSymbols")
    return json.dumps({k: p[k] for k in keys}, separators=(",", ":"))


RECOVERY = {
    "EMAIL_ONLY": [{"Priority": 1, "Name": "verified_email"}],
    "EMAIL_AND_PHONE_WITHOUT_MFA": [{"Priority": 1, "Name": "verified_email"}, {"Priority": 2, "Name": "verified_phone_number"}],
    "NONE": [{"Priority": 1, "Name": "admin_only"}],
}


def pool_settings(definition: dict[str, Any]) -> dict[str, Any]:
    """CreateUserPool settings equal to what the construct synthesises from the same file."""
    p = definition["passwordPolicy"]
    return {
        "UsernameAttributes": ["email"],
        "AutoVerifiedAttributes": ["email"],
        "UsernameConfiguration": {"CaseSensitive": definition["signInCaseSensitive"]},
        "Policies": {
            "PasswordPolicy": {
                "MinimumLength": p["minLength"],
                "RequireUppercase": p["requireUppercase"],
                "RequireLowercase": p["requireLowercase"],
                "RequireNumbers": p["requireDigits"],
                "RequireSymbols": p["requireSymbols"],
                "TemporaryPasswordValidityDays": p["tempPasswordValidityDays"],
            },
            "SignInPolicy": {"AllowedFirstAuthFactors": list(definition["allowedFirstAuthFactors"])},
        },
        "MfaConfiguration": {"OFF": "OFF", "OPTIONAL": "OPTIONAL", "REQUIRED": "ON"}[definition["mfa"]],
        "AccountRecoverySetting": {"RecoveryMechanisms": RECOVERY[definition["accountRecovery"]]},
        "DeletionProtection": "ACTIVE" if definition["deletionProtection"] else "INACTIVE",
        "UserPoolTier": definition["featurePlan"],
    }


def client_settings(definition: dict[str, Any]) -> dict[str, Any]:
    t = definition["tokenValidity"]
    return {
        "ClientName": "local-auth-client",
        # Rotation on, as the construct's client: then REFRESH_TOKEN_AUTH is not among the flows (it is
        # refused with rotation, https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html),
        # and the grace period is the file's, as the construct's default.
        "ExplicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_AUTH"],
        "RefreshTokenRotation": {"Feature": "ENABLED", "RetryGracePeriodSeconds": definition["refreshTokenRotation"]["retryGracePeriodSeconds"]},
        "PreventUserExistenceErrors": "ENABLED",
        "EnableTokenRevocation": True,
        "AccessTokenValidity": t["accessTokenMinutes"],
        "IdTokenValidity": t["idTokenMinutes"],
        "RefreshTokenValidity": t["refreshTokenDays"],
        "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
        "AuthSessionValidity": definition["authSessionValidityMinutes"],
    }


# --------------------------------------------------------------------------
# Sign-in lockout
#
# "After five failed unauthenticated or IAM-authorized sign-in attempts with a password, Amazon
# Cognito locks out your user for one second. The lockout duration then doubles after each
# additional one failed attempt, up to a maximum of approximately 15 minutes. Attempts made during a
# lockout period generate a Password attempts exceeded exception [...]. To reset the lockout to its
# n=0 initial state, your user must either sign in successfully after a lockout period expires, or
# not initiate any sign-in attempts for 15 consecutive minutes"
# (https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-lockout-behavior).
# "After five unsuccessful attempts to present an MFA code, Amazon Cognito begins the
# exponential-timeout lockout process" (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html).
# The exception type is NotAuthorizedException (the message is the one the page quotes).
# lockoutUnitSeconds (control endpoint) scales the 1-second unit so tests need not wait or race.
# --------------------------------------------------------------------------

LOCKOUT_FREE_FAILURES = 5
LOCKOUT_MAX_SECONDS = 15 * 60
LOCKOUT_RESET_IDLE_SECONDS = 15 * 60
LOCKED_MESSAGE = "Password attempts exceeded"

_lock = threading.Lock()


def _state(user: Any) -> dict[str, Any]:
    state = user.__dict__.get("_local_cognito_fidelity")
    if state is None:
        state = {"failures": 0, "locked_until": 0.0, "last_attempt": 0.0, "calls": {}}
        user.__dict__["_local_cognito_fidelity"] = state
    return state


def locked_out(user: Any) -> bool:
    """Call at every sign-in attempt before checking the secret: True while a lockout runs."""
    now = time.time()
    with _lock:
        s = _state(user)
        if s["failures"] and now - s["last_attempt"] >= LOCKOUT_RESET_IDLE_SECONDS:
            s["failures"], s["locked_until"] = 0, 0.0
        s["last_attempt"] = now
        return now < s["locked_until"]


def failed_attempt(user: Any, unit_seconds: float) -> None:
    with _lock:
        s = _state(user)
        s["failures"] += 1
        n = s["failures"]
        if n >= LOCKOUT_FREE_FAILURES:
            s["locked_until"] = time.time() + min(unit_seconds * 2 ** (n - LOCKOUT_FREE_FAILURES), LOCKOUT_MAX_SECONDS * max(unit_seconds, 1))


def successful_sign_in(user: Any) -> None:
    with _lock:
        s = _state(user)
        s["failures"], s["locked_until"] = 0, 0.0


# --------------------------------------------------------------------------
# Per-user attempt limits -> LimitExceededException
#
# Documented figure: "Maximum number of ChangePassword calls per user: 5 attempts per hour"
# (https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html). Cognito also documents
# LimitExceededException for ResendConfirmationCode, ForgotPassword, ConfirmForgotPassword and
# ConfirmSignUp (their API reference pages) without publishing the per-user figures, so those are off
# by default and set per test through the control endpoint (perUserLimits: {"Operation": n}); the
# README lists them as a known divergence. Only existing users are counted.
# --------------------------------------------------------------------------

DOCUMENTED_PER_USER_LIMITS = {"ChangePassword": 5}
LIMITED_OPERATIONS = {"ChangePassword", "ResendConfirmationCode", "ForgotPassword", "ConfirmForgotPassword", "ConfirmSignUp"}
LIMIT_WINDOW_SECONDS = 3600
LIMIT_MESSAGE = "Attempt limit exceeded, please try after some time."


def over_limit(user: Any, operation: str, limits: dict[str, int]) -> bool:
    """Counts this call; True when it is beyond the operation's per-user limit in the window."""
    limit = limits.get(operation)
    if limit is None:
        return False
    now = time.time()
    with _lock:
        calls = _state(user)["calls"].setdefault(operation, [])
        calls[:] = [t for t in calls if now - t < LIMIT_WINDOW_SECONDS]
        calls.append(now)
        return len(calls) > limit


def validate_limits(value: Any) -> dict[str, int]:
    if not isinstance(value, dict) or any(k not in LIMITED_OPERATIONS for k in value):
        raise ValueError(f"perUserLimits must be an object with keys among {sorted(LIMITED_OPERATIONS)}")
    if any(isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in value.values()):
        raise ValueError("perUserLimits values must be integers >= 0")
    return dict(value)


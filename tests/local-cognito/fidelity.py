"""Behaviours of a deployed Cognito pool that the emulator reproduces beyond moto (imported by
local_cognito.py): the pool created from cdk/user-pool.json, the sign-in lockout, per-user
attempt limits. Each behaviour cites the AWS page it follows; the fidelity table of docs/emulator.md lists
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


# The SES identity of the bootstrap pool started with --ses (a made-up ARN: nothing is sent, as ever).
LOCAL_SES_SOURCE_ARN = "arn:aws:ses:us-east-1:123456789012:identity/no-reply@localhost"


def offered_first_auth_factors(definition: dict[str, Any], sends_with_ses: bool) -> list[str]:
    """The first factors of cdk/user-pool.json a pool offers: those of firstAuthFactorsNeedingSes
    (EMAIL_OTP) only when it sends email through Amazon SES, the rule the construct applies too
    (lib/user-pool-definition.ts offeredFirstAuthFactors). "Email-based one-time password requires
    your Amazon Cognito user pool to be configured to use Amazon Simple Email Service (SES)"
    (https://docs.amplify.aws/react/build-a-backend/auth/concepts/passwordless/)."""
    needing_ses = definition["firstAuthFactorsNeedingSes"]["factors"]
    return [f for f in definition["allowedFirstAuthFactors"] if sends_with_ses or f not in needing_ses]


def pool_settings(definition: dict[str, Any], sends_with_ses: bool = False) -> dict[str, Any]:
    """CreateUserPool settings equal to what the construct synthesises from the same file: with
    Cognito's default sender unless sends_with_ses (then an SES configuration, as the construct's
    email prop UserPoolEmail.withSES gives)."""
    p = definition["passwordPolicy"]
    email = {"EmailSendingAccount": "DEVELOPER", "SourceArn": LOCAL_SES_SOURCE_ARN, "From": "no-reply@localhost"} if sends_with_ses else {"EmailSendingAccount": "COGNITO_DEFAULT"}
    return {
        "EmailConfiguration": email,
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
            "SignInPolicy": {"AllowedFirstAuthFactors": offered_first_auth_factors(definition, sends_with_ses)},
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
#
# So a success resets the count only once a lockout period has run out: three wrong passwords, a
# successful sign-in and two more wrong passwords are five, and the sixth attempt waits. A
# successful sign-in is one that ends with tokens (tokens.issue_tokens calls successful_sign_in):
# a right password answered with an MFA challenge is not one yet, so wrong MFA codes after it add
# to the same count (the MFA page above). Which flows count toward it beyond passwords and MFA
# codes is not documented: the emulator counts wrong passwords (every password flow, USER_AUTH's
# PASSWORD too) and wrong TOTP codes.
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
    """A sign-in that ended with tokens: resets the count if a lockout period has run out (the page
    above), and not otherwise."""
    with _lock:
        s = _state(user)
        if s["failures"] >= LOCKOUT_FREE_FAILURES and time.time() >= s["locked_until"]:
            s["failures"], s["locked_until"] = 0, 0.0


# --------------------------------------------------------------------------
# Per-user attempt limits -> LimitExceededException
#
# Documented figure: "Maximum number of ChangePassword calls per user: 5 attempts per hour"
# (https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html). Cognito also documents
# LimitExceededException for ResendConfirmationCode, ForgotPassword, ConfirmForgotPassword and
# ConfirmSignUp (their API reference pages) without publishing the per-user figures, so those are off
# by default and set per test through the control endpoint (perUserLimits: {"Operation": n}); the
# docs/emulator.md lists them as a known divergence. Only existing users are counted.
# --------------------------------------------------------------------------

DOCUMENTED_PER_USER_LIMITS = {"ChangePassword": 5}
LIMITED_OPERATIONS = {"ChangePassword", "ResendConfirmationCode", "ForgotPassword", "ConfirmForgotPassword", "ConfirmSignUp"}
LIMIT_WINDOW_SECONDS = 3600
LIMIT_MESSAGE = "Attempt limit exceeded, please try after some time."

# Failed attempts -> TooManyFailedAttemptsException ("thrown when the user has made too many failed
# attempts for a given action, such as sign-in"): the botocore service model for cognito-idp lists it
# among the errors of ConfirmSignUp and ConfirmForgotPassword
# (https://github.com/boto/botocore/blob/develop/botocore/data/cognito-idp/2016-04-18/service-2.json;
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmSignUp.html,
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmForgotPassword.html),
# with no figure. failedAttemptLimits {"Operation": n} (control endpoint; off by default): once an
# existing user has sent n wrong codes to the operation within the hour, every further call of it for
# that user (a right code too) answers TooManyFailedAttemptsException until the hour has passed.
FAILED_ATTEMPT_OPERATIONS = {"ConfirmSignUp", "ConfirmForgotPassword"}
FAILED_ATTEMPTS_MESSAGE = "Too many failed attempts, please try after some time."


def too_many_failures(user: Any, operation: str, limits: dict[str, int]) -> bool:
    """True while the user's wrong codes to the operation in the window have reached its limit."""
    limit = limits.get(operation)
    if limit is None:
        return False
    now = time.time()
    with _lock:
        failures = _state(user).setdefault("code_failures", {}).setdefault(operation, [])
        failures[:] = [t for t in failures if now - t < LIMIT_WINDOW_SECONDS]
        return len(failures) >= limit


def failed_code(user: Any, operation: str) -> None:
    with _lock:
        _state(user).setdefault("code_failures", {}).setdefault(operation, []).append(time.time())


def validate_failed_attempt_limits(value: Any) -> dict[str, int]:
    if not isinstance(value, dict) or any(k not in FAILED_ATTEMPT_OPERATIONS for k in value):
        raise ValueError(f"failedAttemptLimits must be an object with keys among {sorted(FAILED_ATTEMPT_OPERATIONS)}")
    if any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in value.values()):
        raise ValueError("failedAttemptLimits values must be integers >= 1")
    return dict(value)


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



# --------------------------------------------------------------------------
# Challenge session length
#
# The Session of InitiateAuth, RespondToAuthChallenge, AssociateSoftwareToken, VerifySoftwareToken
# (and their Admin variants) is a SessionType: a string of 20 to 2048 characters in the botocore
# service model for cognito-idp (https://github.com/boto/botocore/blob/develop/botocore/data/cognito-idp/2016-04-18/service-2.json,
# "SessionType": {"type": "string", "max": 2048, "min": 20}; the API reference pages print the same
# "Length Constraints"). What a real pool sends within that range is not documented. By default the
# emulator's sessions are 128 characters; sessionLength (control endpoint) makes every new session
# exactly that long, up to the model's maximum, so a test can hand the API the longest session
# Cognito may send.
# --------------------------------------------------------------------------

SESSION_LENGTH_RANGE = (20, 2048)
DEFAULT_SESSION_LENGTH = 128


# --------------------------------------------------------------------------
# Passkeys per user
#
# StartWebAuthnRegistration and CompleteWebAuthnRegistration list LimitExceededException ("thrown
# when a user exceeds the limit for a requested Amazon Web Services resource") in the service model
# and on their API reference pages
# (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_StartWebAuthnRegistration.html,
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CompleteWebAuthnRegistration.html).
# The per-user figure was not found on an AWS page reachable from here; 20 is the figure other
# client libraries use for Cognito, and also ListWebAuthnCredentials' MaxResults maximum
# (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListWebAuthnCredentials.html),
# so one page lists every passkey of a user. passkeyLimit (control endpoint) sets it; the real
# figure is on the first-deploy checklist.
# --------------------------------------------------------------------------

PASSKEY_LIMIT = 20
PASSKEY_LIMIT_MESSAGE = "The user has reached the maximum number of passkeys."

"""Users: password policy and checks, the sign-in lockout and per-user limits (figures cited in
fidelity.py), username resolution (email, aliases, case), deleting a user with everything the
emulator keeps for it, and the operations a signed-in user makes on their own account.
"""

from __future__ import annotations

import hmac
from typing import Any

from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import ActionResult, EmptyResult

import fidelity  # beside this file
from controls import CONTROLS
from core import BAD_CREDENTIALS, CognitoError, not_authorized
from sessions import drop_sessions
from tokens import live_access_token, revoke_tokens

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


def checking_codes(user: Any, operation: str) -> "CodeAttempt":
    """Wraps a code check of ConfirmSignUp / ConfirmForgotPassword: TooManyFailedAttemptsException
    once the user's wrong codes reached failedAttemptLimits (fidelity.py cites it); a
    CodeMismatchException inside counts as one more."""
    if fidelity.too_many_failures(user, operation, CONTROLS.get("failedAttemptLimits")):
        raise CognitoError("TooManyFailedAttemptsException", fidelity.FAILED_ATTEMPTS_MESSAGE)
    return CodeAttempt(user, operation)


class CodeAttempt:
    def __init__(self, user: Any, operation: str) -> None:
        self.user, self.operation = user, operation

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, error: Any, tb: Any) -> bool:
        if isinstance(error, CognitoError) and error.error_type == "CodeMismatchException":
            fidelity.failed_code(self.user, self.operation)
        return False


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
    # A federated user (EXTERNAL_PROVIDER, username <Provider>_<id>) is found by its username only:
    # its mapped email is no sign-in name. Cognito keeps such users apart from the pool's own until
    # an administrator links them (AdminLinkProviderForUser:
    # https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-identity-federation-consolidate-users.html).
    native = [u for u in self.users.values() if u.status != "EXTERNAL_PROVIDER"]
    for attr in self.extended_config.get("UsernameAttributes") or []:
        for user in native:
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
        for candidate in native:
            value = candidate.attribute_lookup.get(alias)
            if value is None or norm(value) != key:
                continue
            if alias == "preferred_username" or candidate.attribute_lookup.get(f"{alias}_verified") == "true":
                return candidate
    return None


def delete_user_everywhere(backend: Any, pool: Any, user: Any) -> None:
    revoke_tokens(pool.id, username=user.username)
    drop_sessions(pool.id, user.username)
    for group in list(user.groups):
        group.users.discard(user)
    pool.users.pop(user.username, None)


class AccountOperations(CognitoIdpResponse):
    """Operations with the user's access token on their own account."""

    def get_user(self) -> ActionResult:
        _, _, user = live_access_token(self._get_param("AccessToken"))
        return ActionResult(user.to_json(extended=True, attributes_key="UserAttributes"))

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

"""Confirmation and password-reset codes (issue, check, expiry) and where they are delivered, and
the operations that send and check them: SignUp, ConfirmSignUp, ResendConfirmationCode,
ForgotPassword, ConfirmForgotPassword.
"""

from __future__ import annotations

import hmac
import os
import time
from typing import Any

from moto.cognitoidp import models as cm
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import ActionResult, EmptyResult

from controls import CONTROLS
from core import (
    CODE_EXPIRED,
    CODE_MISMATCH,
    NOT_FOUND_FOR_CLIENT,
    POOL_DEFINITION,
    CognitoError,
    UserStatus,
    check_secret_hash,
    find_client,
    find_user,
    invalid_parameter,
    is_email_pool,
    not_authorized,
    prevents_user_existence_errors,
    user_state,
)
from users import checking_codes, per_user_limit
import messages
import migration
import triggers

# Fixed by Cognito, recorded in cdk/user-pool.json: sign-up codes 24 h, reset codes 1 h.
SIGNUP_CODE_TTL = POOL_DEFINITION["codeValidity"]["signUpHours"] * 3600
RESET_CODE_TTL = POOL_DEFINITION["codeValidity"]["passwordResetHours"] * 3600
DEV_CODE = os.environ.get("DEV_CONFIRMATION_CODE") or "123456"


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
        # as read for issue 15; docs/first-deploy-checklist.md lists it.
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


class SignUpOperations(CognitoIdpResponse):
    """Sign-up and its confirmation code."""

    def sign_up(self) -> ActionResult:
        backend, pool, client = find_client(self._get_param("ClientId"))
        username = self._get_param("Username")
        check_secret_hash(client, username, self._get_param("SecretHash"))
        attributes = self._get_param("UserAttributes", [])
        # The pre sign-up trigger runs before Cognito's own existence check: a deployed pool answers
        # an existing address with the trigger's UserLambdaValidationException when the trigger
        # refuses it (observed; the order is not documented: docs/first-deploy-checklist.md).
        event_username = triggers.new_username() if is_email_pool(pool) else username
        event_attributes = {a["Name"]: a.get("Value", "") for a in attributes if isinstance(a, dict) and "Name" in a}
        if is_email_pool(pool) and username:
            event_attributes["email"] = username
        flags = triggers.pre_sign_up(
            pool, "PreSignUp_SignUp", event_username, client.id, self.headers.get("User-Agent"),
            event_attributes, self._get_param("ValidationData"), self._get_param("ClientMetadata"),
        )
        if find_user(pool, username) is not None:
            if is_email_pool(pool):
                raise CognitoError("UsernameExistsException", "An account with the given email already exists.")
            raise CognitoError("UsernameExistsException", "User already exists")
        user, _ = backend.sign_up(
            client_id=client.id,
            username=username,
            password=self._get_param("Password"),
            attributes=attributes,
        )
        if is_email_pool(pool):
            triggers.adopt_username(pool, user, event_username)
        if flags["autoConfirmUser"]:
            user.status = UserStatus.CONFIRMED
        for flag, attr in (("autoVerifyEmail", "email_verified"), ("autoVerifyPhone", "phone_number_verified")):
            if flags[flag]:
                user.update_attributes([{"Name": attr, "Value": "true"}])
        result: dict[str, Any] = {"UserConfirmed": user.status == UserStatus.CONFIRMED, "UserSub": user.id}
        details = signup_delivery(pool, user)
        if details and user.status != UserStatus.CONFIRMED:
            issue_code(user, "signup")
            result["CodeDeliveryDetails"] = details
            if details["DeliveryMedium"] == "EMAIL":
                try:
                    messages.send(pool, user, "CustomMessage_SignUp", client.id, DEV_CODE, self._get_param("ClientMetadata"))
                except CognitoError:
                    pool.users.pop(user.username, None)  # the sign-up failed: no user (messages.py)
                    raise
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
        with checking_codes(user, "ConfirmSignUp"):
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
        if details["DeliveryMedium"] == "EMAIL":
            messages.send(pool, user, "CustomMessage_ResendCode", client.id, DEV_CODE, self._get_param("ClientMetadata"))
        return ActionResult({"CodeDeliveryDetails": details})


class PasswordRecoveryOperations(CognitoIdpResponse):
    """Password recovery with a reset code."""

    def forgot_password(self) -> ActionResult:
        backend, pool, client = find_client(self._get_param("ClientId"))
        username = self._get_param("Username")
        check_secret_hash(client, username, self._get_param("SecretHash"))
        user = find_user(pool, username)
        if user is None and username:
            # The user migration trigger, for a user the pool does not know (migration.py).
            user = migration.migrate(backend, pool, client, "UserMigration_ForgotPassword", username, None, self.headers.get("User-Agent"), self._get_param("ClientMetadata"))
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
        if details["DeliveryMedium"] == "EMAIL":
            messages.send(pool, user, "CustomMessage_ForgotPassword", client.id, DEV_CODE, self._get_param("ClientMetadata"))
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
        with checking_codes(user, "ConfirmForgotPassword"):
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

"""TOTP (software token) MFA: code checks and the operations that set it up and turn it on:
AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference, AdminSetUserMFAPreference.
The SOFTWARE_TOKEN_MFA and MFA_SETUP challenges themselves are answered in signin.py.
"""

from __future__ import annotations

import hmac
import time
from typing import Any

import pyotp
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import ActionResult, EmptyResult

from controls import now as clock
from core import BAD_SESSION, EXPIRED_SESSION, CognitoError, invalid_parameter, not_authorized, user_state
from sessions import SESSIONS, rekey_session
from tokens import live_access_token

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
    now = clock()
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


def mfa_setup_session(session_id: str) -> tuple[Any, Any]:
    """The MFA_SETUP challenge session that AssociateSoftwareToken and VerifySoftwareToken take
    instead of an access token, and its user. An unknown session, one of another challenge or of a
    deleted user is NotAuthorizedException; an expired one is forgotten and NotAuthorizedException."""
    session = SESSIONS.get(session_id)
    if session is None or session.challenge != "MFA_SETUP":
        raise not_authorized(BAD_SESSION)
    if time.time() - session.created >= session.ttl:
        del SESSIONS[session_id]
        raise not_authorized(EXPIRED_SESSION)
    user = session.backend.user_pools[session.pool_id].users.get(session.username)
    if user is None:
        raise not_authorized(BAD_SESSION)
    return session, user


def one_of_token_or_session(access_token: str | None, session_id: str | None) -> None:
    """AssociateSoftwareToken: "You can provide either an access token or a session ID in the
    request" (its AccessToken and Session members in the service model,
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AssociateSoftwareToken.html);
    VerifySoftwareToken "takes an access token or a session string, but not both"
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_VerifySoftwareToken.html).
    Both, or neither: InvalidParameterException (the message is the emulator's)."""
    if access_token and session_id:
        raise invalid_parameter("Provide either AccessToken or Session, not both")
    if not access_token and not session_id:
        raise invalid_parameter("Either AccessToken or Session must be provided")


class TotpOperations(CognitoIdpResponse):
    """TOTP set-up and MFA preferences."""

    def associate_software_token(self) -> ActionResult:
        access_token = self._get_param("AccessToken")
        session_id = self._get_param("Session")
        one_of_token_or_session(access_token, session_id)
        secret = pyotp.random_base32(length=32)
        if access_token:
            _, pool, user = live_access_token(access_token)
            if not pool_allows_software_token(pool):
                raise CognitoError("SoftwareTokenMFANotFoundException", "Software Token MFA has not been enabled by the userPool.")
            # A user who already has TOTP keeps it until the new one is verified: "Amazon Cognito
            # disassociates an existing software token when you verify the new token in a
            # VerifySoftwareToken API request"
            # (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AssociateSoftwareToken.html;
            # "If your user still has access to their TOTP-generating device, you don't need to
            # delete their software token to replace it",
            # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminDeleteSoftwareToken.html).
            # Sign-in goes on asking for the existing authenticator's codes meanwhile.
            user_state(user)["totp_pending"] = secret
            return ActionResult({"SecretCode": secret})
        session, user = mfa_setup_session(session_id)
        user_state(user)["totp_pending"] = secret
        return ActionResult({"SecretCode": secret, "Session": rekey_session(session_id)})

    def verify_software_token(self) -> ActionResult:
        access_token = self._get_param("AccessToken")
        session_id = self._get_param("Session")
        code = self._get_param("UserCode")
        one_of_token_or_session(access_token, session_id)
        session = None
        if access_token:
            _, pool, user = live_access_token(access_token)
        else:
            session, user = mfa_setup_session(session_id)
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

"""Sign-in: the auth flows (password, refresh token, moto's SRP), the challenges that follow a
password (NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, MFA_SETUP), and the operations InitiateAuth,
AdminInitiateAuth, RespondToAuthChallenge, AdminRespondToAuthChallenge.
"""

from __future__ import annotations

import json
import time
from typing import Any

from moto.cognitoidp import models as cm
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import ActionResult

import fidelity  # beside this file
from controls import CONTROLS
from core import (
    BAD_CREDENTIALS,
    BAD_SESSION,
    CognitoError,
    UserStatus,
    check_secret_hash,
    client_in_pool,
    find_client,
    find_user,
    invalid_parameter,
    not_authorized,
    prevents_user_existence_errors,
    user_state,
)
from mfa import pool_allows_software_token, software_mfa_active, totp_counter
from rotation import refuse_refresh_token_auth
from sessions import SESSIONS, get_session, new_session
from tokens import AUTHENTICATION, NEW_PASSWORD, REFRESH, TOKENS, _mint_access_and_id, issue_tokens, token_answer
from users import check_lockout, password_matches
import migration

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


def after_first_factor(backend: Any, pool: Any, client: Any, user: Any, source: str = AUTHENTICATION) -> dict[str, Any]:
    """What follows a correct password (or a completed NEW_PASSWORD_REQUIRED: `source`, the pre token
    generation trigger's triggerSource when tokens follow at once)."""
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
    return issue_tokens(backend, pool, client, user, source=source)


def password_auth(backend: Any, pool: Any, client: Any, params: dict[str, str], migrating: tuple[str | None, Any] | None = None) -> dict[str, Any]:
    """`migrating` (the caller's User-Agent and ClientMetadata): the flows that run the user migration
    trigger for an unknown user, USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH (migration.py)."""
    username = params.get("USERNAME")
    if not username:
        raise invalid_parameter("Missing required parameter USERNAME")
    check_secret_hash(client, username, params.get("SECRET_HASH"))
    user = find_user(pool, username)
    if user is None and migrating is not None and params.get("PASSWORD"):
        user = migration.migrate(backend, pool, client, "UserMigration_Authentication", username, params.get("PASSWORD"), migrating[0], migrating[1])
    if user is None:
        if prevents_user_existence_errors(client):
            raise not_authorized(BAD_CREDENTIALS)
        raise CognitoError("UserNotFoundException", "User does not exist.")
    check_lockout(user)
    if not password_matches(user, params.get("PASSWORD")):
        fidelity.failed_attempt(user, CONTROLS.get("lockoutUnitSeconds"))
        raise not_authorized(BAD_CREDENTIALS)
    if not user.enabled:
        raise not_authorized("User is disabled.")
    # UserNotConfirmed only after a correct password. No AWS page found states the order; this is
    # the order the API's answers are designed for (no unconfirmed account revealed without the
    # password) and docs/first-deploy-checklist.md lists it.
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
    refuse_refresh_token_auth(client)
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
    access_token, id_token, expires_in = _mint_access_and_id(backend, pool, client, user, record.origin_jti, record.auth_time, record.family, source=REFRESH)
    return token_answer(access_token, id_token, expires_in)


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
        return after_first_factor(backend, pool, client, user, source=NEW_PASSWORD)

    if challenge == "MFA_SETUP":
        if not session.mfa_setup_verified:
            raise invalid_parameter("Software token MFA has not been verified for this session")
        user.software_token_mfa_enabled = True
        user.preferred_mfa_setting = "SOFTWARE_TOKEN_MFA"
        del SESSIONS[session_id]
        return issue_tokens(backend, pool, client, user)

    raise invalid_parameter(f"Challenge {challenge} is not supported by local Cognito")


class SignInOperations(CognitoIdpResponse):
    """The sign-in operations."""

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
            return ActionResult(password_auth(backend, pool, client, params, (self.headers.get("User-Agent"), self._get_param("ClientMetadata"))))
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
        return ActionResult(password_auth(self.backend, pool, client, params, (self.headers.get("User-Agent"), self._get_param("ClientMetadata"))))

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

"""Choice-based sign-in: the USER_AUTH flow of InitiateAuth and AdminInitiateAuth, and its
challenges SELECT_CHALLENGE, EMAIL_OTP, WEB_AUTHN (passkeys.py verifies the assertion) and
PASSWORD. moto has none of it.

As AWS documents it, and as emulated here:
- The app client must allow ALLOW_USER_AUTH; that flow "covers username-password, secure remote
  password (SRP), passwordless, and passkey authentication" without the other flows being on
  (ExplicitAuthFlows,
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html).
  The pool's first factors are Policies.SignInPolicy.AllowedFirstAuthFactors (PASSWORD, EMAIL_OTP,
  SMS_OTP, WEB_AUTHN), which need the Essentials tier or higher
  (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SignInPolicyType.html).
- AuthParameters: USERNAME (required), SECRET_HASH for a client with a secret, PREFERRED_CHALLENGE.
  "If you don't provide a value for PREFERRED_CHALLENGE, Amazon Cognito responds with the
  AvailableChallenges parameter that specifies the available sign-in methods"
  (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html):
  ChallengeName SELECT_CHALLENGE, AvailableChallenges, a Session. With PREFERRED_CHALLENGE the
  flow starts that challenge (PASSWORD with a PASSWORD parameter signs in at once), as the
  developer guide's "Manage authentication methods in AWS SDKs" describes
  (https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flows-selection-sdk.html).
  A preferred challenge the user cannot do answers SELECT_CHALLENGE with what the user can do
  (not stated by AWS: docs/first-deploy-checklist.md).
- Challenge responses (ChallengeResponses of RespondToAuthChallenge / AdminRespondToAuthChallenge,
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminRespondToAuthChallenge.html):
  SELECT_CHALLENGE {USERNAME, ANSWER} (ANSWER "must be one of the challenge types in the
  AvailableChallenges"; PASSWORD may come with PASSWORD and signs in at once); for EMAIL_OTP "your
  user pool will send a code for the user to submit in the next challenge response":
  EMAIL_OTP {USERNAME, EMAIL_OTP_CODE}; WEB_AUTHN {USERNAME, CREDENTIAL: AuthenticationResponseJSON};
  PASSWORD {USERNAME, PASSWORD}. Each needs SECRET_HASH when the client has a secret.
  ChallengeParameters: EMAIL_OTP gives CODE_DELIVERY_DELIVERY_MEDIUM and CODE_DELIVERY_DESTINATION
  (masked), WEB_AUTHN gives CREDENTIAL_REQUEST_OPTIONS (PublicKeyCredentialRequestOptionsJSON as a
  string), as in the developer guide page above. Each also carries USERNAME, the user's actual
  username (the sub in this pool), which AWS's Amplify library reads after USER_AUTH
  (`ChallengeParameters?.USERNAME ?? username`); no AWS page lists it
  (docs/first-deploy-checklist.md). Challenge responses must use it: "The value of the USERNAME attribute must be the
  user's actual username, not an alias (such as email address or phone number)"
  (AdminRespondToAuthChallenge, above); an alias gets NotAuthorizedException, as in signin.py.
  Because no page lists it, the other world is emulated too: with omitUserAuthUsername (control
  endpoint) the USER_AUTH challenges carry no USERNAME, and their answers name the user as the
  user typed it (what Amplify falls back to, and all a client can know then), which the emulator
  then accepts for that session's user (the same name for an unknown one).
- A user who must reset the password (RESET_REQUIRED): PasswordResetRequiredException, which the
  service model lists for InitiateAuth, AdminInitiateAuth, RespondToAuthChallenge and
  AdminRespondToAuthChallenge (https://github.com/boto/botocore/blob/develop/botocore/data/cognito-idp/2016-04-18/service-2.json).
  When in USER_AUTH is not documented: here, as for the password (signin.py), once the factor is
  proven (a right email code, a verified passkey assertion), never for a wrong answer, so it tells
  nothing to someone who does not have the factor.
- Which first factors a user has: passkeys once the user registered one; email OTP with a verified
  email address; password. Passwordless factors are first factors for users without MFA: a user
  with MFA active, or any user in a pool that requires MFA, is offered the password only ("MFA
  ... to sign in your users who have passwords as their primary authentication factor",
  https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html;
  https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html).
- A user that does not exist, with PreventUserExistenceErrors ENABLED: "For choice-based
  authentication requests, Amazon Cognito responds with a random selection of challenge type
  from the ones that the user pool allows. Your user pool might return a passkey, one-time
  password, or password challenge"
  (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html).
  Here: the same answer shapes as for a real user, stable across calls for one username (a
  pseudo-random choice keyed by a per-process secret, so two calls cannot be compared to tell),
  and every answer to them fails as a wrong answer would. Without the setting: UserNotFoundException.

Email OTP codes are the emulator's dev code (DEV_CONFIRMATION_CODE, default 123456), as
confirmation codes are. SMS_OTP and PASSWORD_SRP are never offered: the emulator sends no SMS and
does no SRP in this flow (docs/emulator.md: what the emulator does not emulate). Each challenge's Session is
new; a WEB_AUTHN challenge is spent by the first credential that answers it, whatever the outcome.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import ActionResult

from codes import DEV_CODE, email_details, fake_delivery
import messages
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
)
from mfa import software_mfa_active
from passkeys import AssertionRefused, credentials, first_factors, passkeys_enabled, request_options, verify_assertion
from sessions import SESSIONS, get_session, new_session
from signin import password_auth
from tokens import issue_tokens

CHALLENGES = ("PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN")
HANDLED = ("SELECT_CHALLENGE", "PASSWORD", "EMAIL_OTP", "WEB_AUTHN")
NOT_EMULATED = {
    "PASSWORD_SRP": "PASSWORD_SRP in USER_AUTH is not emulated by local Cognito",
    "SMS_OTP": "SMS_OTP is not emulated by local Cognito (it sends no SMS)",
}
STAND_IN_KEY = secrets.token_bytes(32)  # per process: stand-in answers for unknown usernames
PASSKEY_FAILED = "Incorrect username or password."


@dataclass
class Nobody:
    """The subject of a session for a username that does not exist (new_session needs .username):
    the name asked for, and the stand-in for a real user's username (a UUID, as a sub is)."""

    username: str
    stand_in: str


def check_user_auth_enabled(client: Any) -> None:
    flows = client.extended_config.get("ExplicitAuthFlows") or []
    if "ALLOW_USER_AUTH" not in flows:
        raise invalid_parameter("Auth flow not enabled for this client")


def mfa_blocks_passwordless(pool: Any, user: Any) -> bool:
    return pool.mfa_config == "ON" or software_mfa_active(pool, user)


def available_challenges(pool: Any, user: Any) -> list[str]:
    allowed = first_factors(pool)
    passwordless_ok = not mfa_blocks_passwordless(pool, user)
    found = []
    for factor in allowed:
        if factor == "WEB_AUTHN" and passwordless_ok and passkeys_enabled(pool) and credentials(user):
            found.append("WEB_AUTHN")
        elif factor == "EMAIL_OTP" and passwordless_ok and user.attribute_lookup.get("email_verified") == "true":
            found.append("EMAIL_OTP")
        elif factor == "PASSWORD" and user.password is not None:
            found.append("PASSWORD")
    return found


def _stand_in(pool: Any, username: str, purpose: str) -> bytes:
    return hmac.new(STAND_IN_KEY, f"{pool.id}\0{username.lower()}\0{purpose}".encode(), hashlib.sha256).digest()


def nobody(pool: Any, username: str) -> Nobody:
    return Nobody(username, str(uuid.UUID(bytes=_stand_in(pool, username, "username")[:16], version=4)))


def actual_username(subject: Any) -> str:
    return subject.stand_in if isinstance(subject, Nobody) else subject.username


def challenge_parameters(subject: Any, **parameters: str) -> dict[str, str]:
    """A USER_AUTH challenge's parameters: USERNAME (the actual username) unless omitUserAuthUsername."""
    if CONTROLS.get("omitUserAuthUsername"):
        return dict(parameters)
    return {"USERNAME": actual_username(subject), **parameters}


def answered_as(pool: Any, session: Any, exists: bool, username: str) -> Any:
    """The user (or Nobody) a challenge answer's USERNAME names, or NotAuthorizedException: the
    actual username; with omitUserAuthUsername also the name as typed (any alias of the user)."""
    typed = CONTROLS.get("omitUserAuthUsername")
    if exists:
        user = pool.users.get(username) or (find_user(pool, username) if typed else None)
        if user is None or user.username != session.username:
            raise not_authorized(BAD_SESSION)
        return user
    subject = nobody(pool, session.username)
    if username == subject.stand_in:
        return subject
    if typed and find_user(pool, username) is None and username.lower() == session.username.lower():
        return subject
    raise not_authorized(BAD_SESSION)


def stand_in_challenges(pool: Any, username: str) -> list[str]:
    """What a username that does not exist is offered: the pool's factors, a passkey only sometimes
    (as for real users, who have one only once they registered it)."""
    allowed = first_factors(pool)
    found = []
    for factor in allowed:
        if factor == "WEB_AUTHN" and passkeys_enabled(pool) and _stand_in(pool, username, "webauthn")[0] % 2 == 0:
            found.append("WEB_AUTHN")
        elif factor in ("EMAIL_OTP", "PASSWORD"):
            found.append(factor)
    return found


def _session_extra(session: Any) -> dict[str, Any] | None:
    return getattr(session, "choice", None)


def open_session(backend: Any, pool: Any, client: Any, subject: Any, challenge_name: str, **extra: Any) -> str:
    session_id = new_session(backend, pool, client, subject, challenge_name)
    SESSIONS[session_id].choice = {"exists": not isinstance(subject, Nobody), **extra}
    return session_id


def select_challenge(backend: Any, pool: Any, client: Any, subject: Any, available: list[str]) -> dict[str, Any]:
    return {
        "ChallengeName": "SELECT_CHALLENGE",
        "ChallengeParameters": challenge_parameters(subject),
        "AvailableChallenges": list(available),
        "Session": open_session(backend, pool, client, subject, "SELECT_CHALLENGE", available=list(available)),
    }


def start_challenge(backend: Any, pool: Any, client: Any, subject: Any, name: str) -> dict[str, Any]:
    """The challenge a user asked for (PREFERRED_CHALLENGE or a SELECT_CHALLENGE answer)."""
    user = None if isinstance(subject, Nobody) else subject
    if name in NOT_EMULATED:
        raise invalid_parameter(NOT_EMULATED[name])
    if name == "PASSWORD":
        return {
            "ChallengeName": "PASSWORD",
            "ChallengeParameters": challenge_parameters(subject),
            "Session": open_session(backend, pool, client, subject, "PASSWORD"),
        }
    if name == "EMAIL_OTP":
        if user is not None:
            details = email_details(user.attribute_lookup["email"])
            # The emailed code goes out through the custom message trigger (CustomMessage_Authentication).
            messages.send(pool, user, "CustomMessage_Authentication", client.id, DEV_CODE)
        else:
            details = fake_delivery(pool, subject.username, for_recovery=False)
        return {
            "ChallengeName": "EMAIL_OTP",
            "ChallengeParameters": challenge_parameters(
                subject,
                CODE_DELIVERY_DELIVERY_MEDIUM=details["DeliveryMedium"],
                CODE_DELIVERY_DESTINATION=details["Destination"],
            ),
            "Session": open_session(backend, pool, client, subject, "EMAIL_OTP"),
        }
    if name == "WEB_AUTHN":
        fake_ids = None if user is not None else [_stand_in(pool, subject.username, "credential")]
        options, challenge = request_options(pool, user, fake_ids)
        return {
            "ChallengeName": "WEB_AUTHN",
            "ChallengeParameters": challenge_parameters(subject, CREDENTIAL_REQUEST_OPTIONS=options),
            "Session": open_session(backend, pool, client, subject, "WEB_AUTHN", challenge=challenge),
        }
    raise invalid_parameter(f"Unknown challenge {name}")


def user_auth(backend: Any, pool: Any, client: Any, params: dict[str, str]) -> dict[str, Any]:
    """InitiateAuth / AdminInitiateAuth with AuthFlow USER_AUTH."""
    check_user_auth_enabled(client)
    username = params.get("USERNAME")
    if not username:
        raise invalid_parameter("Missing required parameter USERNAME")
    check_secret_hash(client, username, params.get("SECRET_HASH"))
    preferred = params.get("PREFERRED_CHALLENGE")
    if preferred is not None and preferred not in CHALLENGES:
        raise invalid_parameter(f"PREFERRED_CHALLENGE must be one of {', '.join(CHALLENGES)}")
    if preferred == "PASSWORD" and params.get("PASSWORD") is not None:
        if "PASSWORD" not in first_factors(pool):
            raise invalid_parameter("PASSWORD is not an allowed first factor for the user pool")
        return password_auth(backend, pool, client, {"USERNAME": username, "PASSWORD": params["PASSWORD"], "SECRET_HASH": params.get("SECRET_HASH", "")})
    user = find_user(pool, username)
    if user is None:
        if not prevents_user_existence_errors(client):
            raise CognitoError("UserNotFoundException", "User does not exist.")
        subject: Any = nobody(pool, username)
        available = stand_in_challenges(pool, username)
    else:
        subject = user
        available = available_challenges(pool, user)
    if preferred is not None and preferred in available:
        return start_challenge(backend, pool, client, subject, preferred)
    return select_challenge(backend, pool, client, subject, available)


def _tokens_for(backend: Any, pool: Any, client: Any, user: Any) -> dict[str, Any]:
    """After a proven passwordless factor (the module docstring: PasswordResetRequired)."""
    if not user.enabled:
        raise not_authorized("User is disabled.")
    if user.status == UserStatus.RESET_REQUIRED:
        raise CognitoError("PasswordResetRequiredException", "Password reset required for the user")
    return issue_tokens(backend, pool, client, user)


def respond(backend: Any, pool: Any, client: Any, session_id: str | None, challenge: str, responses: dict[str, Any]) -> dict[str, Any]:
    """RespondToAuthChallenge / AdminRespondToAuthChallenge for the USER_AUTH challenges."""
    session = get_session(session_id, client)
    extra = _session_extra(session)
    if session.pool_id != pool.id or session.challenge != challenge or extra is None:
        raise not_authorized(BAD_SESSION)
    username = responses.get("USERNAME")
    if not username:
        raise invalid_parameter("Missing required parameter USERNAME")
    check_secret_hash(client, username, responses.get("SECRET_HASH"))
    # USERNAME: the actual username (ChallengeParameters.USERNAME), not an alias (answered_as).
    subject: Any = answered_as(pool, session, extra["exists"], username)
    user = None if isinstance(subject, Nobody) else subject

    if challenge == "SELECT_CHALLENGE":
        answer = responses.get("ANSWER")
        if answer not in extra["available"]:
            raise invalid_parameter("ANSWER must be one of the AvailableChallenges")
        if answer == "PASSWORD" and responses.get("PASSWORD") is not None:
            result = password_auth(backend, pool, client, {"USERNAME": username, "PASSWORD": responses["PASSWORD"], "SECRET_HASH": responses.get("SECRET_HASH", "")})
            SESSIONS.pop(session_id, None)
            return result
        if answer == "WEB_AUTHN" and responses.get("CREDENTIAL") is not None:
            raise invalid_parameter("A CREDENTIAL in the SELECT_CHALLENGE answer is not emulated by local Cognito: answer WEB_AUTHN, then the WEB_AUTHN challenge")
        next_challenge = start_challenge(backend, pool, client, subject, answer)
        SESSIONS.pop(session_id, None)
        return next_challenge

    if challenge == "PASSWORD":
        password = responses.get("PASSWORD")
        if password is None:
            raise invalid_parameter("Missing required parameter PASSWORD")
        result = password_auth(backend, pool, client, {"USERNAME": username, "PASSWORD": password, "SECRET_HASH": responses.get("SECRET_HASH", "")})
        SESSIONS.pop(session_id, None)
        return result

    if challenge == "EMAIL_OTP":
        code = responses.get("EMAIL_OTP_CODE")
        if not code:
            raise invalid_parameter("Missing required parameter EMAIL_OTP_CODE")
        if user is None or not hmac.compare_digest(str(code).encode(), DEV_CODE.encode()):
            # No AWS page documents a per-session attempt limit: the session lives until it expires.
            raise CognitoError("CodeMismatchException", "Invalid code or auth state for the user.")
        SESSIONS.pop(session_id, None)
        return _tokens_for(backend, pool, client, user)

    # WEB_AUTHN
    credential = responses.get("CREDENTIAL")
    if credential is None:
        raise invalid_parameter("Missing required parameter CREDENTIAL")
    if isinstance(credential, str):
        try:
            credential = json.loads(credential)
        except ValueError as exc:
            raise invalid_parameter("CREDENTIAL is not a valid AuthenticationResponseJSON") from exc
    SESSIONS.pop(session_id, None)  # the challenge is spent by this answer, whatever its outcome
    if user is None:
        raise not_authorized(PASSKEY_FAILED)
    try:
        verify_assertion(pool, user, extra["challenge"], credential)
    except AssertionRefused:
        raise not_authorized(PASSKEY_FAILED) from None
    return _tokens_for(backend, pool, client, user)


class ChoiceSignInOperations(CognitoIdpResponse):
    """USER_AUTH in InitiateAuth / AdminInitiateAuth and its challenges in RespondToAuthChallenge /
    AdminRespondToAuthChallenge; every other flow and challenge goes on to signin.py."""

    def initiate_auth(self) -> ActionResult:
        if self._get_param("AuthFlow") != "USER_AUTH":
            return super().initiate_auth()
        backend, pool, client = find_client(self._get_param("ClientId"))
        return ActionResult(user_auth(backend, pool, client, self._get_param("AuthParameters") or {}))

    def admin_initiate_auth(self) -> ActionResult:
        if self._get_param("AuthFlow") != "USER_AUTH":
            return super().admin_initiate_auth()
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        client = client_in_pool(pool, self._get_param("ClientId"))
        return ActionResult(user_auth(self.backend, pool, client, self._get_param("AuthParameters") or {}))

    def respond_to_auth_challenge(self) -> ActionResult:
        if self._get_param("ChallengeName") not in HANDLED:
            return super().respond_to_auth_challenge()
        backend, pool, client = find_client(self._get_param("ClientId"))
        return ActionResult(
            respond(backend, pool, client, self._get_param("Session"), self._get_param("ChallengeName"), self._get_param("ChallengeResponses") or {})
        )

    def admin_respond_to_auth_challenge(self) -> ActionResult:
        if self._get_param("ChallengeName") not in HANDLED:
            return super().admin_respond_to_auth_challenge()
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        client = client_in_pool(pool, self._get_param("ClientId"))
        return ActionResult(
            respond(self.backend, pool, client, self._get_param("Session"), self._get_param("ChallengeName"), self._get_param("ChallengeResponses") or {})
        )

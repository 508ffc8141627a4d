"""Passkeys (WebAuthn) in the emulated user pool: the pool's WebAuthn configuration, each user's
registered credentials, and the four passkey operations moto lacks (StartWebAuthnRegistration,
CompleteWebAuthnRegistration, ListWebAuthnCredentials, DeleteWebAuthnCredential). Sign-in with a
passkey (the WEB_AUTHN challenge of USER_AUTH) is in choice_signin.py and verifies its assertions
with verify_assertion() below.

Registrations and assertions are verified for real by the `webauthn` library (Duo Labs, PyPI,
pinned in tests/requirements.txt): client data type, challenge, origin, relying-party id hash,
user presence and verification flags, the attestation statement or the assertion signature, and
the signature counter. Nothing is accepted for being well-formed.

What Cognito documents, and what this module does with it:
- The pool's passkey settings are its WebAuthnConfiguration (RelyingPartyId, UserVerification
  "required" | "preferred"), set with SetUserPoolMfaConfig, read with GetUserPoolMfaConfig; they
  need the Essentials tier or higher
  (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_WebAuthnConfigurationType.html).
  Passkeys must also be an allowed first factor, Policies.SignInPolicy.AllowedFirstAuthFactors
  containing WEB_AUTHN
  (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SignInPolicyType.html).
- StartWebAuthnRegistration: AccessToken -> CredentialCreationOptions (a JSON document,
  PublicKeyCredentialCreationOptionsJSON). WebAuthnNotEnabledException when "the passkey feature
  isn't enabled for the user pool"; WebAuthnConfigurationMissingException when the pool "doesn't
  have a configured relying party id or a user pool domain" (the emulator has no domains)
  (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_StartWebAuthnRegistration.html).
- CompleteWebAuthnRegistration: AccessToken, Credential (RegistrationResponseJSON) -> empty.
  WebAuthnChallengeNotFoundException ("the challenge from StartWebAuthn registration has
  expired"; also here when there is no pending challenge, or the credential answers another one:
  each challenge is used once), WebAuthnClientMismatchException (access token of another app
  client than the start), WebAuthnOriginNotAllowedException ("registration origin does not align
  with the user pool relying party id"), WebAuthnRelyingPartyMismatchException (credential scoped
  to another relying-party id), WebAuthnCredentialNotSupportedException (an algorithm or
  attestation format the verifier does not support); anything else that fails verification:
  InvalidParameterException
  (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CompleteWebAuthnRegistration.html).
- ListWebAuthnCredentials: AccessToken, MaxResults (0-20), NextToken -> Credentials
  (CredentialId, FriendlyCredentialName, RelyingPartyId, AuthenticatorAttachment,
  AuthenticatorTransports, CreatedAt), NextToken
  (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListWebAuthnCredentials.html).
- DeleteWebAuthnCredential: AccessToken, CredentialId -> empty; ResourceNotFoundException for a
  credential the user does not have
  (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteWebAuthnCredential.html).

Which origins are accepted: Cognito has no list of origins; it checks the origin against the
relying-party id (WebAuthnOriginNotAllowedException above: the origin must "align with the user
pool relying party id", which AWS does not define further). The emulator applies WebAuthn's rule
for that. The relying party "MUST NOT accept unexpected values of origin", and one way the spec
names is to "require that the URL scheme is https and that the authority equals or is any subdomain
of the RP ID" (https://www.w3.org/TR/webauthn-3/#sctn-validating-origin, section 13.4.9); http is
allowed for localhost only, as in the RP ID's scope (https://www.w3.org/TR/webauthn-3/#rp-id; a
secure context in browsers, https://www.w3.org/TR/secure-contexts/#is-origin-trustworthy). Any
port. So the host is the relying-party id or ends with "." + the id: a host that merely ends with
its letters (evil-localhost, evilexample.com) or starts with them (example.com.evil.test) is
refused, as is anything that is not a serialized origin (user info, a path). Allowing every
sub-domain is the laxer of the spec's choices (section 13.4.8, #sctn-code-injection: "by default
SHOULD NOT allow a subdomain origin" at sign-in); whether Cognito allows them is a first-deploy
checklist item. Tests: test_passkey_origins.py.

- All four: PasswordResetRequiredException for a user who must reset the password (the service
  model lists it for each, https://github.com/boto/botocore/blob/develop/botocore/data/cognito-idp/2016-04-18/service-2.json),
  and LimitExceededException for StartWebAuthnRegistration and CompleteWebAuthnRegistration when
  the user has the most passkeys a user may have (fidelity.py: the figure).

Not documented by AWS, chosen here (docs/emulator.md lists them): the friendly name, the user handle
(the user's sub), the options' timeout (the WebAuthn recommended default of 300000 ms,
https://www.w3.org/TR/webauthn-3/#sctn-timeout-recommended-range) which is also how long a
registration challenge stays usable, and which exception a credential ID that is already
registered gets (InvalidParameterException).
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from typing import Any
from urllib.parse import urlsplit

from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import ActionResult, EmptyResult

import webauthn
from webauthn.helpers import (
    bytes_to_base64url,
    decode_credential_public_key,
    parse_attestation_object,
    parse_authentication_credential_json,
    parse_client_data_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

import fidelity  # beside this file
from controls import CONTROLS
from core import CognitoError, UserStatus, invalid_parameter, user_state
from tokens import TOKENS, live_access_token

TIMEOUT_MS = 300_000
# What the webauthn library verifies: ES256, EdDSA, RS256 and the other COSE algorithms it knows.
SUPPORTED_ALGS = webauthn.registration.verify_registration_response.default_supported_pub_key_algs


# --------------------------------------------------------------------------
# The pool's passkey settings
# --------------------------------------------------------------------------


def webauthn_config(pool: Any) -> dict[str, Any]:
    """The pool's WebAuthnConfiguration as SetUserPoolMfaConfig stored it ({} when never set)."""
    return pool.__dict__.setdefault("_local_webauthn", {})


def set_webauthn_config(pool: Any, config: dict[str, Any]) -> None:
    if not isinstance(config, dict):
        raise invalid_parameter("WebAuthnConfiguration must be an object")
    rp_id = config.get("RelyingPartyId")
    if rp_id is not None and (not isinstance(rp_id, str) or not 1 <= len(rp_id) <= 127):
        raise invalid_parameter("RelyingPartyId must be 1 to 127 characters")
    uv = config.get("UserVerification", "preferred")
    if uv not in ("required", "preferred"):
        raise invalid_parameter("UserVerification must be required or preferred")
    stored = webauthn_config(pool)
    stored.clear()
    stored.update({k: v for k, v in {"RelyingPartyId": rp_id, "UserVerification": uv}.items() if v is not None})


def first_factors(pool: Any) -> list[str]:
    """Policies.SignInPolicy.AllowedFirstAuthFactors; a pool that never set it allows PASSWORD only."""
    policy = (pool.extended_config.get("Policies") or {}).get("SignInPolicy") or {}
    return list(policy.get("AllowedFirstAuthFactors") or ["PASSWORD"])


def pool_tier(pool: Any) -> str:
    return pool.extended_config.get("UserPoolTier") or "ESSENTIALS"


def passkeys_enabled(pool: Any) -> bool:
    return pool_tier(pool) in ("ESSENTIALS", "PLUS") and "WEB_AUTHN" in first_factors(pool)


def relying_party(pool: Any) -> tuple[str, bool]:
    """(relying-party id, user verification required) or the documented refusals."""
    if not passkeys_enabled(pool):
        raise CognitoError("WebAuthnNotEnabledException", "WebAuthn is not enabled for the user pool.")
    config = webauthn_config(pool)
    rp_id = config.get("RelyingPartyId")
    if not rp_id:
        raise CognitoError("WebAuthnConfigurationMissingException", "The user pool has no relying party id configured.")
    return rp_id, config.get("UserVerification", "preferred") == "required"


def origin_aligns(origin: str, rp_id: str) -> bool:
    """The origin's host is the relying-party id or a subdomain of it; https, or http on localhost."""
    try:
        parts = urlsplit(origin)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    # A serialized origin is scheme://host[:port]: nothing else (no user info, path, query).
    if "@" in parts.netloc or parts.path or parts.query or parts.fragment or not host:
        return False
    rp_id = rp_id.lower()
    if host != rp_id and not host.endswith("." + rp_id):
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and (host == "localhost" or host.endswith(".localhost"))


# --------------------------------------------------------------------------
# Each user's credentials (stored on moto's user object, so they die with the user)
# --------------------------------------------------------------------------


def credentials(user: Any) -> list[dict[str, Any]]:
    return user_state(user).setdefault("passkeys", [])


def user_handle(user: Any) -> bytes:
    return user.id.encode()


def find_credential(user: Any, credential_id: bytes) -> dict[str, Any] | None:
    return next((c for c in credentials(user) if c["id"] == credential_id), None)


def descriptors(user: Any) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(id=c["id"], transports=[AuthenticatorTransport(t) for t in c["transports"]] or None)
        for c in credentials(user)
    ]


def _registered_anywhere(pool: Any, credential_id: bytes) -> bool:
    return any(find_credential(u, credential_id) is not None for u in list(pool.users.values()))


# --------------------------------------------------------------------------
# Sign-in: request options and assertion verification (used by choice_signin.py)
# --------------------------------------------------------------------------


def request_options(pool: Any, user: Any | None, fake_ids: list[bytes] | None = None) -> tuple[str, bytes]:
    """CREDENTIAL_REQUEST_OPTIONS (a JSON string) and its challenge, for a user's credentials
    (or, for a user that does not exist, the stand-in credential IDs the caller made up)."""
    rp_id, uv_required = relying_party(pool)
    allow = descriptors(user) if user is not None else [PublicKeyCredentialDescriptor(id=i) for i in fake_ids or []]
    options = webauthn.generate_authentication_options(
        rp_id=rp_id,
        timeout=TIMEOUT_MS,
        allow_credentials=allow,
        user_verification=UserVerificationRequirement.REQUIRED if uv_required else UserVerificationRequirement.PREFERRED,
    )
    return webauthn.options_to_json(options), options.challenge


class AssertionRefused(Exception):
    """An assertion that does not verify; the caller answers NotAuthorizedException, no detail."""


def verify_assertion(pool: Any, user: Any, challenge: bytes, credential_json: Any) -> None:
    """Verifies an AuthenticationResponseJSON against the challenge this session issued and one of
    the user's own credentials; on success stores the new signature counter."""
    rp_id, uv_required = relying_party(pool)
    try:
        parsed = parse_authentication_credential_json(credential_json)
        client_data = parse_client_data_json(parsed.response.client_data_json)
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise invalid_parameter("CREDENTIAL is not a valid AuthenticationResponseJSON") from exc
    stored = find_credential(user, parsed.raw_id)
    if stored is None:
        raise AssertionRefused("not one of the user's credentials")
    if parsed.response.user_handle and parsed.response.user_handle != user_handle(user):
        raise AssertionRefused("user handle of another user")
    if not origin_aligns(client_data.origin, rp_id):
        raise AssertionRefused("origin does not align with the relying-party id")
    try:
        verified = webauthn.verify_authentication_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=client_data.origin,  # aligned with the relying-party id just above
            credential_public_key=stored["public_key"],
            credential_current_sign_count=stored["sign_count"],
            require_user_verification=uv_required,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise AssertionRefused(str(exc)) from exc
    stored["sign_count"] = verified.new_sign_count
    stored["last_used"] = time.time()


# --------------------------------------------------------------------------
# Registration
# --------------------------------------------------------------------------


def _pending(user: Any) -> dict[str, Any] | None:
    return user_state(user).get("webauthn_registration")


def start_registration(pool: Any, user: Any, client_id: str) -> dict[str, Any]:
    rp_id, uv_required = relying_party(pool)
    email = user.attribute_lookup.get("email")
    options = webauthn.generate_registration_options(
        rp_id=rp_id,
        rp_name=rp_id,
        user_id=user_handle(user),
        user_name=email or user.username,
        user_display_name=email or user.username,
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            require_resident_key=True,
            user_verification=UserVerificationRequirement.REQUIRED if uv_required else UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=descriptors(user),
    )
    user_state(user)["webauthn_registration"] = {
        "challenge": options.challenge,
        "client_id": client_id,
        "expires": time.time() + TIMEOUT_MS / 1000,
    }
    return json.loads(webauthn.options_to_json(options))


def complete_registration(pool: Any, user: Any, client_id: str, credential_json: Any) -> None:
    rp_id, uv_required = relying_party(pool)
    pending = _pending(user)
    if pending is None or time.time() >= pending["expires"]:
        user_state(user).pop("webauthn_registration", None)
        raise CognitoError("WebAuthnChallengeNotFoundException", "No pending WebAuthn registration challenge was found or it has expired.")
    if pending["client_id"] != client_id:
        raise CognitoError("WebAuthnClientMismatchException", "The access token is for a different client than the one that started the registration.")
    try:
        parsed = parse_registration_credential_json(credential_json)
        client_data = parse_client_data_json(parsed.response.client_data_json)
        attestation = parse_attestation_object(parsed.response.attestation_object)
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise invalid_parameter("Credential is not a valid RegistrationResponseJSON") from exc
    if client_data.challenge != pending["challenge"]:
        raise CognitoError("WebAuthnChallengeNotFoundException", "The credential does not answer the pending registration challenge.")
    # From here on the challenge is spent, whatever the outcome: each challenge is used once.
    user_state(user).pop("webauthn_registration", None)
    if not origin_aligns(client_data.origin, rp_id):
        raise CognitoError("WebAuthnOriginNotAllowedException", "The origin of the credential is not allowed for the relying party.")
    if attestation.auth_data.rp_id_hash != hashlib.sha256(rp_id.encode()).digest():
        raise CognitoError("WebAuthnRelyingPartyMismatchException", "The credential is for a different relying party.")
    attested = attestation.auth_data.attested_credential_data
    if attested is not None and attested.credential_public_key:
        try:
            alg = decode_credential_public_key(attested.credential_public_key).alg
        except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
            raise CognitoError("WebAuthnCredentialNotSupportedException", "The credential's public key is not supported.") from exc
        if alg not in SUPPORTED_ALGS:
            raise CognitoError("WebAuthnCredentialNotSupportedException", "The credential's algorithm is not supported.")
    try:
        verified = webauthn.verify_registration_response(
            credential=parsed,
            expected_challenge=pending["challenge"],
            expected_rp_id=rp_id,
            expected_origin=client_data.origin,  # aligned with the relying-party id just above
            require_user_verification=uv_required,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        message = str(exc)
        if "attestation" in message.lower() and "unsupported" in message.lower():
            raise CognitoError("WebAuthnCredentialNotSupportedException", "The credential's attestation format is not supported.") from exc
        raise invalid_parameter("The credential could not be verified.") from exc
    if _registered_anywhere(pool, verified.credential_id):
        raise invalid_parameter("The credential is already registered.")
    credentials(user).append(
        {
            "id": verified.credential_id,
            "public_key": verified.credential_public_key,
            "sign_count": verified.sign_count,
            "transports": [t.value for t in parsed.response.transports or []],
            "attachment": parsed.authenticator_attachment.value if parsed.authenticator_attachment else None,
            "aaguid": verified.aaguid,
            "rp_id": rp_id,
            "created": time.time(),
        }
    )


def describe(credential: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "CredentialId": bytes_to_base64url(credential["id"]),
        "FriendlyCredentialName": f"Passkey {credential['aaguid']}",
        "RelyingPartyId": credential["rp_id"],
        "AuthenticatorTransports": list(credential["transports"]),
        "CreatedAt": credential["created"],
    }
    if credential["attachment"]:
        out["AuthenticatorAttachment"] = credential["attachment"]
    return out


def _page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def _page_offset(token: str | None) -> int:
    if token is None:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(token.encode()))["offset"]
        if isinstance(offset, int) and offset >= 0:
            return offset
    except (ValueError, TypeError, KeyError):
        pass
    raise invalid_parameter("Invalid NextToken")


# --------------------------------------------------------------------------
# The operations
# --------------------------------------------------------------------------


def _token_client(access_token: str | None) -> str:
    return TOKENS[access_token or ""].client_id  # live_access_token checked it first


def passkey_user(access_token: str | None) -> tuple[Any, Any]:
    """(pool, user) of a passkey operation's access token: a live token of a user who need not
    reset the password first (the module docstring)."""
    _, pool, user = live_access_token(access_token)
    if user.status == UserStatus.RESET_REQUIRED:
        raise CognitoError("PasswordResetRequiredException", "Password reset required for the user")
    return pool, user


def below_passkey_limit(user: Any) -> None:
    if len(credentials(user)) >= CONTROLS.get("passkeyLimit"):
        raise CognitoError("LimitExceededException", fidelity.PASSKEY_LIMIT_MESSAGE)


class PasskeyOperations(CognitoIdpResponse):
    """StartWebAuthnRegistration, CompleteWebAuthnRegistration, ListWebAuthnCredentials,
    DeleteWebAuthnCredential, and the WebAuthnConfiguration of Set/GetUserPoolMfaConfig."""

    def start_web_authn_registration(self) -> ActionResult:
        token = self._get_param("AccessToken")
        pool, user = passkey_user(token)
        below_passkey_limit(user)
        return ActionResult({"CredentialCreationOptions": start_registration(pool, user, _token_client(token))})

    def complete_web_authn_registration(self) -> ActionResult:
        token = self._get_param("AccessToken")
        pool, user = passkey_user(token)
        credential = self._get_param("Credential")
        if credential is None:
            raise invalid_parameter("Missing required parameter Credential")
        below_passkey_limit(user)  # another registration may have completed since this one started
        complete_registration(pool, user, _token_client(token), credential)
        return EmptyResult()

    def list_web_authn_credentials(self) -> ActionResult:
        pool, user = passkey_user(self._get_param("AccessToken"))
        max_results = self._get_param("MaxResults")
        if max_results is None:
            max_results = 20
        if isinstance(max_results, bool) or not isinstance(max_results, int) or not 0 <= max_results <= 20:
            raise invalid_parameter("MaxResults must be an integer from 0 to 20")
        offset = _page_offset(self._get_param("NextToken"))
        listed = sorted(credentials(user), key=lambda c: c["created"])
        page = listed[offset : offset + max_results]
        result: dict[str, Any] = {"Credentials": [describe(c) for c in page]}
        if offset + max_results < len(listed):
            result["NextToken"] = _page_token(offset + max_results)
        return ActionResult(result)

    def delete_web_authn_credential(self) -> ActionResult:
        pool, user = passkey_user(self._get_param("AccessToken"))
        wanted = self._get_param("CredentialId")
        if not isinstance(wanted, str) or not wanted:
            raise invalid_parameter("Missing required parameter CredentialId")
        kept = [c for c in credentials(user) if bytes_to_base64url(c["id"]) != wanted]
        if len(kept) == len(credentials(user)):
            raise CognitoError("ResourceNotFoundException", "The credential was not found.")
        user_state(user)["passkeys"] = kept
        return EmptyResult()

    def set_user_pool_mfa_config(self) -> ActionResult:
        config = self._get_param("WebAuthnConfiguration")
        if config is not None:
            pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
            set_webauthn_config(pool, config)
        result = super().set_user_pool_mfa_config()
        return self._with_webauthn(result)

    def get_user_pool_mfa_config(self) -> ActionResult:
        return self._with_webauthn(super().get_user_pool_mfa_config())

    def _with_webauthn(self, result: Any) -> Any:
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        config = webauthn_config(pool)
        body = getattr(result, "result", None)
        if config and isinstance(body, dict):
            body["WebAuthnConfiguration"] = dict(config)
        return result


def configure_from_definition(pool: Any, definition: dict[str, Any], rp_id: str | None = None) -> None:
    """The bootstrap pool's WebAuthnConfiguration from cdk/user-pool.json's "passkeys" (the tier and
    first factors are CreateUserPool settings: fidelity.pool_settings)."""
    passkeys = definition["passkeys"]
    set_webauthn_config(pool, {"RelyingPartyId": rp_id or passkeys["relyingPartyId"], "UserVerification": passkeys["userVerification"]})

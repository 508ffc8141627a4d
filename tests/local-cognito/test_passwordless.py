"""Tests for the emulator's choice-based sign-in (choice_signin.py) and passkeys (passkeys.py),
driven with boto3 against a running emulator, with a software authenticator written here: a P-256
key from `cryptography` and the WebAuthn data layout (authenticator data, attestation object,
client data, ES256 assertion signatures) built by hand, so the emulator's verifier sees exactly
what a browser would send.

Run: .venv/bin/python -m pytest tests/local-cognito/test_passwordless.py -q
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import struct
import sys
import uuid
from pathlib import Path

import boto3
import cbor2
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from test_local_cognito import start_emulator, stop_emulator

DEV_CODE = "123456"
PASSWORD = "Str0ng!Passw0rd-x"
ORIGIN = "http://localhost:5173"  # the demo page's origin; the bootstrap pool's relying-party id is localhost
RP_ID = "localhost"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --------------------------------------------------------------------------
# A software authenticator (one credential, ES256)
# --------------------------------------------------------------------------


class SoftAuthenticator:
    FLAG_UP, FLAG_UV, FLAG_AT = 0x01, 0x04, 0x40
    AAGUID = bytes(range(1, 17))

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.counter = 0
        self.user_handle: bytes | None = None

    @property
    def id(self) -> str:
        return b64url(self.credential_id)

    def _cose_public_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        # COSE_Key (RFC 9052/9053): kty EC2 (2), alg ES256 (-7), crv P-256 (1), x, y
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}).encode()

    def register(self, options: dict, origin: str = ORIGIN, rp_id: str | None = None, flags: int | None = None) -> dict:
        """navigator.credentials.create() for PublicKeyCredentialCreationOptionsJSON -> RegistrationResponseJSON."""
        rp_id = rp_id or options["rp"]["id"]
        self.user_handle = unb64url(options["user"]["id"])
        flags = self.FLAG_UP | self.FLAG_UV | self.FLAG_AT if flags is None else flags
        attested = self.AAGUID + struct.pack(">H", len(self.credential_id)) + self.credential_id + self._cose_public_key()
        auth_data = hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", self.counter) + attested
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": self.id,
            "rawId": self.id,
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(self._client_data("webauthn.create", options["challenge"], origin)),
                "attestationObject": b64url(attestation),
                "transports": ["internal"],
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
        }

    def assertion(self, request_options: str | dict, origin: str = ORIGIN, rp_id: str | None = None, counter: int | None = None, bad_signature: bool = False, user_handle: bool = True) -> dict:
        """navigator.credentials.get() for PublicKeyCredentialRequestOptionsJSON -> AuthenticationResponseJSON."""
        options = json.loads(request_options) if isinstance(request_options, str) else request_options
        rp_id = rp_id or options["rpId"]
        self.counter = self.counter + 1 if counter is None else counter
        auth_data = hashlib.sha256(rp_id.encode()).digest() + bytes([self.FLAG_UP | self.FLAG_UV]) + struct.pack(">I", self.counter)
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signed = auth_data + hashlib.sha256(client_data).digest()
        if bad_signature:
            signed = signed[:-1] + bytes([signed[-1] ^ 1])  # a valid ES256 signature over other bytes
        signature = self.key.sign(signed, ec.ECDSA(hashes.SHA256()))
        response = {
            "clientDataJSON": b64url(client_data),
            "authenticatorData": b64url(auth_data),
            "signature": b64url(signature),
        }
        if user_handle:  # optional in AuthenticationResponseJSON
            response["userHandle"] = b64url(self.user_handle or b"")
        return {"id": self.id, "rawId": self.id, "type": "public-key", "response": response, "authenticatorAttachment": "platform", "clientExtensionResults": {}}


# --------------------------------------------------------------------------
# Emulator, pool and helpers
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def emu():
    # --ses: the pool sends through Amazon SES, so it offers EMAIL_OTP (cdk/user-pool.json firstAuthFactorsNeedingSes).
    proc, ready = start_emulator("--bootstrap", "--ses")
    yield ready
    rc, out, err = stop_emulator(proc)
    print(err, file=sys.stderr)  # the emulator's log, shown with a failing test
    assert rc == 0 and out == ""


@pytest.fixture(scope="module")
def idp(emu):
    return boto3.client(
        "cognito-idp",
        endpoint_url=emu["endpoint"],
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}),
    )


class Pool:
    def __init__(self, idp, pool_id: str, client_id: str, secret: str | None):
        self.idp, self.pool_id, self.client_id, self.secret = idp, pool_id, client_id, secret

    def h(self, username: str) -> dict:
        if not self.secret:
            return {}
        digest = hmac.new(self.secret.encode(), (username + self.client_id).encode(), hashlib.sha256).digest()
        return {"SECRET_HASH": base64.b64encode(digest).decode()}

    def new_user(self, password: str = PASSWORD) -> str:
        email = f"pk.{uuid.uuid4().hex[:10]}@example.com"
        self.idp.admin_create_user(
            UserPoolId=self.pool_id,
            Username=email,
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
        )
        self.idp.admin_set_user_password(UserPoolId=self.pool_id, Username=email, Password=password, Permanent=True)
        return email

    def password_tokens(self, email: str, password: str = PASSWORD) -> dict:
        params = {"USERNAME": email, "PASSWORD": password, **self.h(email)}
        r = self.idp.admin_initiate_auth(UserPoolId=self.pool_id, ClientId=self.client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH", AuthParameters=params)
        return r["AuthenticationResult"]

    def user_auth(self, email: str, preferred: str | None = None, **extra: str) -> dict:
        params = {"USERNAME": email, **self.h(email), **extra}
        if preferred:
            params["PREFERRED_CHALLENGE"] = preferred
        return self.idp.admin_initiate_auth(UserPoolId=self.pool_id, ClientId=self.client_id, AuthFlow="USER_AUTH", AuthParameters=params)

    def answer(self, challenge: str, previous: dict, username: str | None = None, **responses: str) -> dict:
        """Answers the challenge of a previous response, as the user it names (ChallengeParameters
        USERNAME, the actual username) unless `username` says otherwise."""
        username = username or previous["ChallengeParameters"]["USERNAME"]
        return self.idp.admin_respond_to_auth_challenge(
            UserPoolId=self.pool_id,
            ClientId=self.client_id,
            ChallengeName=challenge,
            Session=previous["Session"],
            ChallengeResponses={"USERNAME": username, **self.h(username), **responses},
        )

    def register(self, access_token: str, authenticator: SoftAuthenticator, **kwargs) -> None:
        options = self.idp.start_web_authn_registration(AccessToken=access_token)["CredentialCreationOptions"]
        self.idp.complete_web_authn_registration(AccessToken=access_token, Credential=authenticator.register(options, **kwargs))

    def passkey_challenge(self, email: str) -> dict:
        r = self.user_auth(email, "WEB_AUTHN")
        assert r["ChallengeName"] == "WEB_AUTHN", r
        return r

    def passkey_sign_in(self, email: str, authenticator: SoftAuthenticator, **kwargs) -> dict:
        r = self.passkey_challenge(email)
        credential = authenticator.assertion(r["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"], **kwargs)
        return self.answer("WEB_AUTHN", r, CREDENTIAL=json.dumps(credential))


@pytest.fixture(scope="module")
def pool(idp, emu):
    return Pool(idp, emu["userPoolId"], emu["clientId"], emu["clientSecret"])


def error_of(call, *args, **kwargs) -> dict:
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    return info.value.response["Error"]


def registered_user(pool: Pool) -> tuple[str, str, SoftAuthenticator]:
    email = pool.new_user()
    access = pool.password_tokens(email)["AccessToken"]
    authenticator = SoftAuthenticator()
    pool.register(access, authenticator)
    return email, access, authenticator


def test_bootstrap_pool_has_the_definitions_sign_in_settings(idp, emu):
    """Feature plan, first factors and passkey settings come from cdk/user-pool.json, as the construct's do
    (with --ses: an SES email configuration, so EMAIL_OTP is offered too)."""
    definition = json.loads((Path(__file__).resolve().parents[2] / "cdk" / "user-pool.json").read_text())
    described = idp.describe_user_pool(UserPoolId=emu["userPoolId"])["UserPool"]
    assert described["UserPoolTier"] == definition["featurePlan"] == "ESSENTIALS"
    assert described["EmailConfiguration"]["EmailSendingAccount"] == "DEVELOPER"
    assert described["Policies"]["SignInPolicy"] == {"AllowedFirstAuthFactors": definition["allowedFirstAuthFactors"]}
    assert emu["firstAuthFactors"] == ",".join(definition["allowedFirstAuthFactors"])
    assert passkeys_user_verification_is_required(definition)
    mfa = idp.get_user_pool_mfa_config(UserPoolId=emu["userPoolId"])
    passkeys = definition["passkeys"]
    assert mfa["WebAuthnConfiguration"] == {"RelyingPartyId": passkeys["relyingPartyId"], "UserVerification": passkeys["userVerification"]}
    client = idp.describe_user_pool_client(UserPoolId=emu["userPoolId"], ClientId=emu["clientId"])["UserPoolClient"]
    assert "ALLOW_USER_AUTH" in client["ExplicitAuthFlows"]


def passkeys_user_verification_is_required(definition: dict) -> bool:
    # A passkey is a first factor here: presence alone must not sign anyone in (README security notes).
    return definition["passkeys"]["userVerification"] == "required"


def test_without_ses_the_bootstrap_pool_does_not_offer_email_codes():
    """Cognito's default sender cannot send email one-time codes ("Email-based one-time password requires your
    Amazon Cognito user pool to be configured to use Amazon Simple Email Service (SES)",
    https://docs.amplify.aws/react/build-a-backend/auth/concepts/passwordless/): the pool make dev starts by
    default leaves EMAIL_OTP out of its first factors, as the construct does without its email prop."""
    definition = json.loads((Path(__file__).resolve().parents[2] / "cdk" / "user-pool.json").read_text())
    assert "EMAIL_OTP" in definition["allowedFirstAuthFactors"] and definition["firstAuthFactorsNeedingSes"]["factors"] == ["EMAIL_OTP"]
    proc, ready = start_emulator("--bootstrap")
    try:
        client = boto3.client("cognito-idp", endpoint_url=ready["endpoint"], region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t")
        described = client.describe_user_pool(UserPoolId=ready["userPoolId"])["UserPool"]
        assert described["EmailConfiguration"]["EmailSendingAccount"] == "COGNITO_DEFAULT"
        factors = [f for f in definition["allowedFirstAuthFactors"] if f != "EMAIL_OTP"]
        assert described["Policies"]["SignInPolicy"] == {"AllowedFirstAuthFactors": factors}
        assert ready["firstAuthFactors"] == ",".join(factors)
        pool = Pool(client, ready["userPoolId"], ready["clientId"], ready["clientSecret"])
        email = pool.new_user()
        # A verified address, but the pool does not allow EMAIL_OTP: only the password is available.
        r = pool.user_auth(email)
        assert "EMAIL_OTP" not in r.get("AvailableChallenges", []), r
        r = pool.user_auth(email, "EMAIL_OTP")
        assert r.get("ChallengeName") != "EMAIL_OTP", r
    finally:
        assert stop_emulator(proc)[0] == 0


def test_relying_party_id_option(tmp_path):
    proc, ready = start_emulator("--bootstrap", "--relying-party-id", "app.example.com")
    try:
        client = boto3.client("cognito-idp", endpoint_url=ready["endpoint"], region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t")
        assert client.get_user_pool_mfa_config(UserPoolId=ready["userPoolId"])["WebAuthnConfiguration"]["RelyingPartyId"] == "app.example.com"
    finally:
        assert stop_emulator(proc)[0] == 0


# --------------------------------------------------------------------------
# Passkeys: register, list, sign in, delete
# --------------------------------------------------------------------------


def test_register_list_sign_in_delete_then_the_deleted_credential_fails(pool):
    email = pool.new_user()
    access = pool.password_tokens(email)["AccessToken"]

    options = pool.idp.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    assert options["rp"]["id"] == RP_ID
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert {"type": "public-key", "alg": -7} in options["pubKeyCredParams"]
    assert options["excludeCredentials"] == []
    first = SoftAuthenticator()
    pool.idp.complete_web_authn_registration(AccessToken=access, Credential=first.register(options))
    second = SoftAuthenticator()
    options = pool.idp.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    assert [c["id"] for c in options["excludeCredentials"]] == [first.id]
    pool.idp.complete_web_authn_registration(AccessToken=access, Credential=second.register(options))

    listed = pool.idp.list_web_authn_credentials(AccessToken=access)["Credentials"]
    assert [c["CredentialId"] for c in listed] == [first.id, second.id]
    assert listed[0]["RelyingPartyId"] == RP_ID
    assert listed[0]["AuthenticatorAttachment"] == "platform"
    assert listed[0]["AuthenticatorTransports"] == ["internal"]
    assert listed[0]["FriendlyCredentialName"]
    assert listed[0]["CreatedAt"].year >= 2024

    # Without a preference the user learns the factors they have, passkey included.
    r = pool.user_auth(email)
    assert r["ChallengeName"] == "SELECT_CHALLENGE"
    assert r["AvailableChallenges"] == ["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"]

    # Sign in with the first passkey, chosen through SELECT_CHALLENGE.
    r = pool.answer("SELECT_CHALLENGE", r, ANSWER="WEB_AUTHN")
    assert r["ChallengeName"] == "WEB_AUTHN"
    request = json.loads(r["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    assert request["rpId"] == RP_ID
    assert sorted(c["id"] for c in request["allowCredentials"]) == sorted([first.id, second.id])
    signed_in = pool.answer("WEB_AUTHN", r, CREDENTIAL=json.dumps(first.assertion(request)))
    tokens = signed_in["AuthenticationResult"]
    assert pool.idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == r["ChallengeParameters"]["USERNAME"]

    # Delete the first passkey: it no longer signs in, the second still does.
    pool.idp.delete_web_authn_credential(AccessToken=access, CredentialId=first.id)
    assert [c["CredentialId"] for c in pool.idp.list_web_authn_credentials(AccessToken=access)["Credentials"]] == [second.id]
    err = error_of(pool.passkey_sign_in, email, first)
    assert err["Code"] == "NotAuthorizedException"
    assert "AuthenticationResult" in pool.passkey_sign_in(email, second)

    # Deleting what is not (or no longer) the user's credential: ResourceNotFoundException.
    assert error_of(pool.idp.delete_web_authn_credential, AccessToken=access, CredentialId=first.id)["Code"] == "ResourceNotFoundException"
    pool.idp.delete_web_authn_credential(AccessToken=access, CredentialId=second.id)
    # With no passkey left, WEB_AUTHN is no longer offered, even when asked for.
    r = pool.user_auth(email, "WEB_AUTHN")
    assert r["ChallengeName"] == "SELECT_CHALLENGE" and "WEB_AUTHN" not in r["AvailableChallenges"]


def test_list_pages_through_max_results(pool):
    email, access, _ = registered_user(pool)
    for _ in range(2):
        pool.register(access, SoftAuthenticator())
    page = pool.idp.list_web_authn_credentials(AccessToken=access, MaxResults=2)
    assert len(page["Credentials"]) == 2 and page["NextToken"]
    rest = pool.idp.list_web_authn_credentials(AccessToken=access, MaxResults=2, NextToken=page["NextToken"])
    assert len(rest["Credentials"]) == 1 and "NextToken" not in rest
    assert error_of(pool.idp.list_web_authn_credentials, AccessToken=access, NextToken="bogus")["Code"] == "InvalidParameterException"


# --------------------------------------------------------------------------
# Refusals at sign-in: each a NotAuthorizedException, with no detail
# --------------------------------------------------------------------------


def test_assertion_from_the_wrong_origin_is_refused(pool):
    email, _, authenticator = registered_user(pool)
    for origin in ("https://evil.example", "http://127.0.0.1:5173", "http://notlocalhost:5173", "https://localhost.evil.example"):
        err = error_of(pool.passkey_sign_in, email, authenticator, origin=origin)
        assert err["Code"] == "NotAuthorizedException", origin
    assert "AuthenticationResult" in pool.passkey_sign_in(email, authenticator)


def test_assertion_with_a_bad_signature_is_refused(pool):
    email, _, authenticator = registered_user(pool)
    assert error_of(pool.passkey_sign_in, email, authenticator, bad_signature=True)["Code"] == "NotAuthorizedException"


def test_assertion_for_another_relying_party_is_refused(pool):
    email, _, authenticator = registered_user(pool)
    assert error_of(pool.passkey_sign_in, email, authenticator, rp_id="example.com")["Code"] == "NotAuthorizedException"


def test_replayed_challenge_is_refused(pool):
    email, _, authenticator = registered_user(pool)
    r = pool.passkey_challenge(email)
    credential = json.dumps(authenticator.assertion(r["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"]))
    assert "AuthenticationResult" in pool.answer("WEB_AUTHN", r, CREDENTIAL=credential)
    # The same answer again, in the same session: the session is spent.
    assert error_of(pool.answer, "WEB_AUTHN", r, CREDENTIAL=credential)["Code"] == "NotAuthorizedException"
    # The same answer in a new session: it signs the old challenge.
    fresh = pool.passkey_challenge(email)
    assert error_of(pool.answer, "WEB_AUTHN", fresh, CREDENTIAL=credential)["Code"] == "NotAuthorizedException"
    # A failed answer spends the challenge too: a good one after it is refused.
    r = pool.passkey_challenge(email)
    options = r["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"]
    bad = json.dumps(authenticator.assertion(options, bad_signature=True))
    assert error_of(pool.answer, "WEB_AUTHN", r, CREDENTIAL=bad)["Code"] == "NotAuthorizedException"
    good = json.dumps(authenticator.assertion(options))
    assert error_of(pool.answer, "WEB_AUTHN", r, CREDENTIAL=good)["Code"] == "NotAuthorizedException"


def test_a_sign_counter_that_does_not_increase_is_refused(pool):
    email, _, authenticator = registered_user(pool)
    assert "AuthenticationResult" in pool.passkey_sign_in(email, authenticator, counter=5)
    assert error_of(pool.passkey_sign_in, email, authenticator, counter=5)["Code"] == "NotAuthorizedException"
    assert error_of(pool.passkey_sign_in, email, authenticator, counter=3)["Code"] == "NotAuthorizedException"
    assert "AuthenticationResult" in pool.passkey_sign_in(email, authenticator, counter=6)


def test_another_users_credential_is_refused(pool):
    _, _, alices = registered_user(pool)
    bob, _, _ = registered_user(pool)
    # Alice's authenticator answers Bob's challenge (a valid signature by a credential Bob does not
    # have), with Alice's user handle and without one.
    assert error_of(pool.passkey_sign_in, bob, alices)["Code"] == "NotAuthorizedException"
    assert error_of(pool.passkey_sign_in, bob, alices, user_handle=False)["Code"] == "NotAuthorizedException"
    # Bob's own credential, but naming Alice as the user (WebAuthn: the user handle must be the owner's).
    bobs = SoftAuthenticator()
    pool.register(pool.password_tokens(bob)["AccessToken"], bobs)
    bobs_handle, bobs.user_handle = bobs.user_handle, alices.user_handle
    assert error_of(pool.passkey_sign_in, bob, bobs)["Code"] == "NotAuthorizedException"
    bobs.user_handle = bobs_handle
    assert "AuthenticationResult" in pool.passkey_sign_in(bob, bobs)


def test_malformed_credential_is_a_parameter_error(pool):
    email, _, _ = registered_user(pool)
    r = pool.passkey_challenge(email)
    assert error_of(pool.answer, "WEB_AUTHN", r, CREDENTIAL="{not json")["Code"] == "InvalidParameterException"
    assert error_of(pool.answer, "WEB_AUTHN", r)["Code"] == "InvalidParameterException"


# --------------------------------------------------------------------------
# Refusals at registration: the documented WebAuthn exceptions
# --------------------------------------------------------------------------


def test_registration_from_the_wrong_origin(pool):
    email = pool.new_user()
    access = pool.password_tokens(email)["AccessToken"]
    err = error_of(pool.register, access, SoftAuthenticator(), origin="https://evil.example")
    assert err["Code"] == "WebAuthnOriginNotAllowedException"
    assert pool.idp.list_web_authn_credentials(AccessToken=access)["Credentials"] == []


def test_registration_for_another_relying_party(pool):
    email = pool.new_user()
    access = pool.password_tokens(email)["AccessToken"]
    err = error_of(pool.register, access, SoftAuthenticator(), rp_id="example.com")
    assert err["Code"] == "WebAuthnRelyingPartyMismatchException"


def test_registration_challenge_is_single_use(pool):
    email = pool.new_user()
    access = pool.password_tokens(email)["AccessToken"]
    # No start: no challenge.
    assert error_of(pool.idp.complete_web_authn_registration, AccessToken=access, Credential=SoftAuthenticator().register({"rp": {"id": RP_ID}, "user": {"id": ""}, "challenge": b64url(os.urandom(32))}))["Code"] == "WebAuthnChallengeNotFoundException"
    options = pool.idp.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    authenticator = SoftAuthenticator()
    response = authenticator.register(options)
    pool.idp.complete_web_authn_registration(AccessToken=access, Credential=response)
    # The same response again: its challenge is spent.
    assert error_of(pool.idp.complete_web_authn_registration, AccessToken=access, Credential=response)["Code"] == "WebAuthnChallengeNotFoundException"
    # An answer to an older challenge after a new start.
    old = pool.idp.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    pool.idp.start_web_authn_registration(AccessToken=access)
    assert error_of(pool.idp.complete_web_authn_registration, AccessToken=access, Credential=SoftAuthenticator().register(old))["Code"] == "WebAuthnChallengeNotFoundException"


def test_registration_without_user_presence_is_refused(pool):
    email = pool.new_user()
    access = pool.password_tokens(email)["AccessToken"]
    err = error_of(pool.register, access, SoftAuthenticator(), flags=SoftAuthenticator.FLAG_AT)
    assert err["Code"] == "InvalidParameterException"


def test_a_credential_registered_twice_is_refused(pool):
    email, access, authenticator = registered_user(pool)
    other = pool.new_user()
    other_access = pool.password_tokens(other)["AccessToken"]
    assert error_of(pool.register, other_access, authenticator)["Code"] == "InvalidParameterException"
    assert pool.idp.list_web_authn_credentials(AccessToken=other_access)["Credentials"] == []


def test_registration_with_another_clients_token(pool, idp):
    second = idp.create_user_pool_client(UserPoolId=pool.pool_id, ClientName="second", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    email = pool.new_user()
    access = pool.password_tokens(email)["AccessToken"]
    other = Pool(idp, pool.pool_id, second, None).password_tokens(email)["AccessToken"]
    options = idp.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    err = error_of(idp.complete_web_authn_registration, AccessToken=other, Credential=SoftAuthenticator().register(options))
    assert err["Code"] == "WebAuthnClientMismatchException"


def test_pool_without_passkeys_or_relying_party(idp):
    def pool_with(factors: list[str], rp_id: str | None) -> Pool:
        pool_id = idp.create_user_pool(
            PoolName="pk",
            UsernameAttributes=["email"],
            Policies={"SignInPolicy": {"AllowedFirstAuthFactors": factors}},
        )["UserPool"]["Id"]
        if rp_id:
            idp.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OFF", WebAuthnConfiguration={"RelyingPartyId": rp_id, "UserVerification": "required"})
        client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_AUTH"])["UserPoolClient"]["ClientId"]
        return Pool(idp, pool_id, client, None)

    no_passkeys = pool_with(["PASSWORD"], "localhost")
    access = no_passkeys.password_tokens(no_passkeys.new_user())["AccessToken"]
    assert error_of(idp.start_web_authn_registration, AccessToken=access)["Code"] == "WebAuthnNotEnabledException"

    no_rp = pool_with(["PASSWORD", "WEB_AUTHN"], None)
    access = no_rp.password_tokens(no_rp.new_user())["AccessToken"]
    assert error_of(idp.start_web_authn_registration, AccessToken=access)["Code"] == "WebAuthnConfigurationMissingException"

    uv_required = pool_with(["PASSWORD", "WEB_AUTHN"], "localhost")
    assert idp.get_user_pool_mfa_config(UserPoolId=uv_required.pool_id)["WebAuthnConfiguration"] == {"RelyingPartyId": "localhost", "UserVerification": "required"}
    email = uv_required.new_user()
    access = uv_required.password_tokens(email)["AccessToken"]
    options = idp.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    assert options["authenticatorSelection"]["userVerification"] == "required"
    # User verification required: a credential created without it is refused.
    no_uv = SoftAuthenticator()
    err = error_of(idp.complete_web_authn_registration, AccessToken=access, Credential=no_uv.register(options, flags=SoftAuthenticator.FLAG_UP | SoftAuthenticator.FLAG_AT))
    assert err["Code"] == "InvalidParameterException"


# --------------------------------------------------------------------------
# Choice-based sign-in: email OTP, password, the flow switch, unknown users, MFA users
# --------------------------------------------------------------------------


def test_email_otp_sign_in(pool):
    email = pool.new_user()
    r = pool.user_auth(email, "EMAIL_OTP")
    assert r["ChallengeName"] == "EMAIL_OTP"
    params = r["ChallengeParameters"]
    assert params["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    assert params["CODE_DELIVERY_DESTINATION"] == "p***@e***"
    assert error_of(pool.answer, "EMAIL_OTP", r, EMAIL_OTP_CODE="000000")["Code"] == "CodeMismatchException"
    tokens = pool.answer("EMAIL_OTP", r, EMAIL_OTP_CODE=DEV_CODE)["AuthenticationResult"]
    assert pool.idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == params["USERNAME"]
    # The session is spent.
    assert error_of(pool.answer, "EMAIL_OTP", r, EMAIL_OTP_CODE=DEV_CODE)["Code"] == "NotAuthorizedException"
    # The same through SELECT_CHALLENGE.
    r = pool.answer("SELECT_CHALLENGE", pool.user_auth(email), ANSWER="EMAIL_OTP")
    assert "AuthenticationResult" in pool.answer("EMAIL_OTP", r, EMAIL_OTP_CODE=DEV_CODE)


def test_challenge_answers_name_the_actual_username_not_the_email(pool):
    """AdminRespondToAuthChallenge: USERNAME "must be the user's actual username, not an alias"."""
    email = pool.new_user()
    r = pool.user_auth(email, "EMAIL_OTP")
    assert r["ChallengeParameters"]["USERNAME"] != email
    assert error_of(pool.answer, "EMAIL_OTP", r, email, EMAIL_OTP_CODE=DEV_CODE)["Code"] == "NotAuthorizedException"
    assert "AuthenticationResult" in pool.answer("EMAIL_OTP", r, EMAIL_OTP_CODE=DEV_CODE)
    ghost = pool.user_auth(f"ghost.{uuid.uuid4().hex[:8]}@example.com")
    assert error_of(pool.answer, "SELECT_CHALLENGE", ghost, "someone-else", ANSWER="PASSWORD")["Code"] == "NotAuthorizedException"


def test_password_through_user_auth(pool):
    email = pool.new_user()
    assert "AuthenticationResult" in pool.user_auth(email, "PASSWORD", PASSWORD=PASSWORD)
    assert error_of(pool.user_auth, email, "PASSWORD", PASSWORD="Wr0ng!Passw0rd-x")["Code"] == "NotAuthorizedException"
    r = pool.user_auth(email)
    assert "AuthenticationResult" in pool.answer("SELECT_CHALLENGE", r, ANSWER="PASSWORD", PASSWORD=PASSWORD)
    r = pool.answer("SELECT_CHALLENGE", pool.user_auth(email), ANSWER="PASSWORD")
    assert r["ChallengeName"] == "PASSWORD"
    assert "AuthenticationResult" in pool.answer("PASSWORD", r, PASSWORD=PASSWORD)


def test_select_challenge_answer_must_be_offered(pool):
    email = pool.new_user()  # no passkey
    r = pool.user_auth(email)
    assert error_of(pool.answer, "SELECT_CHALLENGE", r, ANSWER="WEB_AUTHN")["Code"] == "InvalidParameterException"


def test_user_auth_needs_the_flow_on_the_client_and_the_secret_hash(pool, idp):
    plain = idp.create_user_pool_client(UserPoolId=pool.pool_id, ClientName="no-user-auth", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    email = pool.new_user()
    err = error_of(Pool(idp, pool.pool_id, plain, None).user_auth, email)
    assert err["Code"] == "InvalidParameterException"
    err = error_of(idp.admin_initiate_auth, UserPoolId=pool.pool_id, ClientId=pool.client_id, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": email})
    assert err["Code"] == "NotAuthorizedException"


def test_unknown_user_gets_the_same_shapes_and_every_answer_fails(pool):
    ghost = f"ghost.{uuid.uuid4().hex[:8]}@example.com"
    first, again = pool.user_auth(ghost), pool.user_auth(ghost)
    assert first["ChallengeName"] == "SELECT_CHALLENGE"
    assert first["AvailableChallenges"] == again["AvailableChallenges"]
    assert set(first["AvailableChallenges"]) <= {"PASSWORD", "EMAIL_OTP", "WEB_AUTHN"}
    assert first["ChallengeParameters"]["USERNAME"] == again["ChallengeParameters"]["USERNAME"]
    uuid.UUID(first["ChallengeParameters"]["USERNAME"])
    r = pool.answer("SELECT_CHALLENGE", first, ANSWER="EMAIL_OTP")
    assert r["ChallengeName"] == "EMAIL_OTP"
    assert r["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "g***@e***"
    assert error_of(pool.answer, "EMAIL_OTP", r, EMAIL_OTP_CODE=DEV_CODE)["Code"] == "CodeMismatchException"
    assert error_of(pool.user_auth, ghost, "PASSWORD", PASSWORD=PASSWORD)["Code"] == "NotAuthorizedException"
    # A WEB_AUTHN challenge, when offered, has a stand-in credential and refuses every assertion.
    for n in range(40):
        name = f"ghost{n}.{uuid.uuid4().hex[:6]}@example.com"
        r = pool.user_auth(name, "WEB_AUTHN")
        if r["ChallengeName"] == "WEB_AUTHN":
            options = json.loads(r["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
            assert options["rpId"] == RP_ID and len(options["allowCredentials"]) == 1
            credential = json.dumps(SoftAuthenticator().assertion(options))
            assert error_of(pool.answer, "WEB_AUTHN", r, CREDENTIAL=credential)["Code"] == "NotAuthorizedException"
            break
    else:
        pytest.fail("no unknown username was offered WEB_AUTHN in 40 tries")


def test_unknown_user_without_prevent_user_existence_errors(pool, idp):
    legacy = idp.create_user_pool_client(UserPoolId=pool.pool_id, ClientName="legacy", ExplicitAuthFlows=["ALLOW_USER_AUTH"], PreventUserExistenceErrors="LEGACY")["UserPoolClient"]["ClientId"]
    err = error_of(Pool(idp, pool.pool_id, legacy, None).user_auth, "nobody@example.com")
    assert err["Code"] == "UserNotFoundException"


def test_user_with_mfa_is_offered_the_password_only(pool):
    import pyotp

    email, access, _ = registered_user(pool)
    secret = pool.idp.associate_software_token(AccessToken=access)["SecretCode"]
    pool.idp.verify_software_token(AccessToken=access, UserCode=pyotp.TOTP(secret).now())
    pool.idp.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    r = pool.user_auth(email, "WEB_AUTHN")
    assert r["ChallengeName"] == "SELECT_CHALLENGE" and r["AvailableChallenges"] == ["PASSWORD"]
    # The password then leads to the TOTP challenge, as ADMIN_USER_PASSWORD_AUTH does.
    assert pool.user_auth(email, "PASSWORD", PASSWORD=PASSWORD)["ChallengeName"] == "SOFTWARE_TOKEN_MFA"

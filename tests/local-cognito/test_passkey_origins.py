"""Which origins the emulator's passkey operations accept (passkeys.origin_aligns), driven with boto3
through registration (CompleteWebAuthnRegistration) and sign-in (the WEB_AUTHN answer of USER_AUTH)
for pools with three relying-party ids: localhost (the bootstrap pool's, `make dev`), example.com and
app.example.com.

The rule is WebAuthn's (https://www.w3.org/TR/webauthn-3/#sctn-validating-origin, section 13.4.9,
"Validating the origin of a credential": the relying party "MUST NOT accept unexpected values of
origin"; one way it names is to "require that the URL scheme is https and that the authority equals
or is any subdomain of the RP ID"; plus http on localhost, which the RP ID's scope allows,
https://www.w3.org/TR/webauthn-3/#rp-id). So a sub-domain of the relying-party id is accepted, and
nothing else: not a host that merely ends with the id's letters (`evilexample.com`), not a host
that starts with them (`example.com.evil.test`), not the parent or a sibling of a sub-domain id.
Each look-alike below must be refused at registration and at sign-in, and each refusal is followed
by an accepted ceremony for the same user, so it was the origin that was refused.

Run: .venv/bin/python -m pytest tests/local-cognito/test_passkey_origins.py -q
"""

from __future__ import annotations

import json
import sys

import pytest

from test_local_cognito import make_client, start_emulator, stop_emulator
from test_passwordless import Pool, SoftAuthenticator, error_of

# relying-party id -> (origins accepted, look-alikes refused)
ORIGINS: dict[str, tuple[list[str], list[str]]] = {
    "localhost": (
        ["http://localhost:5173", "https://localhost", "http://app.localhost:5173", "https://a.b.localhost:8443"],
        [
            "https://evil-localhost",
            "https://evillocalhost:5173",
            "http://evillocalhost:5173",
            "https://localhost.evil.test",
            "https://localhost@evil.test",
            "https://evil.test@localhost",
            "http://127.0.0.1:5173",
        ],
    ),
    "example.com": (
        ["https://example.com", "https://login.example.com", "https://a.b.example.com:8443"],
        [
            "https://evilexample.com",
            "https://example.com.evil.test",
            "https://evil-example.com",
            "https://example.com@evil.test",
            "https://evil.test@example.com",
            "https://example.co",
            "http://example.com",  # http only on localhost
            "http://login.example.com",
        ],
    ),
    "app.example.com": (
        ["https://app.example.com", "https://eu.app.example.com"],
        ["https://example.com", "https://other.example.com", "https://evilapp.example.com", "https://app.example.com.evil.test"],
    ),
}
LOOK_ALIKES = [(rp, origin) for rp, (_, refused) in ORIGINS.items() for origin in refused]
ACCEPTED = [(rp, origin) for rp, (accepted, _) in ORIGINS.items() for origin in accepted]


@pytest.fixture(scope="module")
def emu():
    proc, ready = start_emulator("--bootstrap")
    yield ready
    rc, out, err = stop_emulator(proc)
    print(err, file=sys.stderr)
    assert rc == 0 and out == ""


@pytest.fixture(scope="module")
def pools(emu) -> dict[str, Pool]:
    """A pool per relying-party id: the bootstrap pool for localhost, new ones for the others."""
    idp = make_client(emu["endpoint"])
    out = {"localhost": Pool(idp, emu["userPoolId"], emu["clientId"], emu["clientSecret"])}
    for rp_id in ORIGINS:
        if rp_id in out:
            continue
        pool_id = idp.create_user_pool(
            PoolName=f"pk-{rp_id}", UsernameAttributes=["email"], Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}}
        )["UserPool"]["Id"]
        idp.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OFF", WebAuthnConfiguration={"RelyingPartyId": rp_id, "UserVerification": "preferred"})
        client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_AUTH"])
        out[rp_id] = Pool(idp, pool_id, client["UserPoolClient"]["ClientId"], None)
    return out


def accepted_origin(rp_id: str) -> str:
    return ORIGINS[rp_id][0][0]


def signed_in(pool: Pool) -> tuple[str, str]:
    email = pool.new_user()
    return email, pool.password_tokens(email)["AccessToken"]


def passkeys_of(pool: Pool, access: str) -> list[str]:
    return [c["CredentialId"] for c in pool.idp.list_web_authn_credentials(AccessToken=access)["Credentials"]]


def test_the_pools_have_their_relying_party_ids(pools):
    for rp_id, pool in pools.items():
        config = pool.idp.get_user_pool_mfa_config(UserPoolId=pool.pool_id)["WebAuthnConfiguration"]
        assert config["RelyingPartyId"] == rp_id


@pytest.mark.parametrize("rp_id,origin", LOOK_ALIKES)
def test_a_registration_from_a_look_alike_origin_is_refused(pools, rp_id, origin):
    pool = pools[rp_id]
    _, access = signed_in(pool)
    err = error_of(pool.register, access, SoftAuthenticator(), origin=origin)
    assert err["Code"] == "WebAuthnOriginNotAllowedException", f"{origin} for relying party {rp_id}: {err}"
    assert passkeys_of(pool, access) == []
    # The same user and authenticator from the relying party's own origin: registered.
    authenticator = SoftAuthenticator()
    pool.register(access, authenticator, origin=accepted_origin(rp_id))
    assert passkeys_of(pool, access) == [authenticator.id]


@pytest.mark.parametrize("rp_id,origin", LOOK_ALIKES)
def test_a_sign_in_from_a_look_alike_origin_is_refused(pools, rp_id, origin):
    pool = pools[rp_id]
    email, access = signed_in(pool)
    authenticator = SoftAuthenticator()
    pool.register(access, authenticator, origin=accepted_origin(rp_id))
    err = error_of(pool.passkey_sign_in, email, authenticator, origin=origin)
    assert err["Code"] == "NotAuthorizedException", f"{origin} for relying party {rp_id}: {err}"
    assert "AuthenticationResult" in pool.passkey_sign_in(email, authenticator, origin=accepted_origin(rp_id))


@pytest.mark.parametrize("rp_id,origin", ACCEPTED)
def test_the_relying_party_and_its_sub_domains_register_and_sign_in(pools, rp_id, origin):
    pool = pools[rp_id]
    email, access = signed_in(pool)
    authenticator = SoftAuthenticator()
    pool.register(access, authenticator, origin=origin)
    assert passkeys_of(pool, access) == [authenticator.id]
    r = pool.passkey_challenge(email)
    assert json.loads(r["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])["rpId"] == rp_id
    credential = authenticator.assertion(r["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"], origin=origin)
    assert "AuthenticationResult" in pool.answer("WEB_AUTHN", r, CREDENTIAL=json.dumps(credential))

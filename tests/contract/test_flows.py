"""The document against the API along real flows: schemathesis' random inputs rarely get past
validation (no valid credentials, codes or sessions), so the success bodies of login, challenge,
refresh, verify, TOTP and password routes, and most error bodies, are only checked here.

Every response of a tour of all routes (happy paths and the errors a frontend must handle) goes
through schemathesis' own response checks (status documented, content type, headers, body schema),
and each error's code must be one the document lists for that route and status.

Needs a running local API: tests/contract/run.sh starts one and sets CONTRACT_BASE_URL.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path

import pyotp
import pytest
import requests
import schemathesis
from schemathesis import checks

# Checks of one response against the document. (Auth enforcement is schemathesis run's job:
# its ignored_auth check replays requests, which would upset this tour's order.)
RESPONSE_CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]

REPO = Path(__file__).resolve().parents[2]
SPEC_PATH = Path(os.environ.get("SPEC", REPO / "cdk" / "openapi.json"))
BASE = os.environ.get("CONTRACT_BASE_URL", "")
CODE = os.environ.get("DEV_CONFIRMATION_CODE", "123456")



@pytest.fixture(scope="module")
def api():
    # A bare run fails rather than skipping in silence: these checks only mean something against
    # a running API.
    if not BASE:
        pytest.fail(
            "CONTRACT_BASE_URL is not set: this suite checks a running API. Run `make contract` "
            "(tests/contract/run.sh starts the local API and sets it), or set it to a running API's URL.",
            pytrace=False,
        )
    return Api(BASE, SPEC_PATH)


class Api:
    def __init__(self, base: str, spec_path: Path):
        self.base = base.rstrip("/")
        self.schema = schemathesis.openapi.from_path(str(spec_path))
        self.raw = json.loads(spec_path.read_text())
        self.http = requests.Session()

    def documented_codes(self, method: str, path: str, status: int) -> set[str]:
        """Error codes the document names for this route and status (in `x-error-codes`, or as
        `code` spans in the response's description)."""
        resp = self.raw["paths"][path][method.lower()]["responses"].get(str(status), {})
        codes = set(resp.get("x-error-codes", []))
        codes |= set(re.findall(r"`([a-z_]+)`", resp.get("description", "")))
        return codes

    def call(self, method: str, path: str, body=None, *, token: str | None = None, expect: int,
             error: str | None = None, headers: dict | None = None, data: bytes | None = None) -> dict:
        h = {"Accept": "application/json"}
        if token:
            h["Authorization"] = f"Bearer {token}"
        if body is not None:
            h["Content-Type"] = "application/json"
            data = json.dumps(body).encode()
        h.update(headers or {})
        resp = self.http.request(method, self.base + path, data=data, headers=h, timeout=10)
        where = f"{method} {path} -> {resp.status_code} {resp.text[:300]}"
        # The document's own checks: status documented, content type, headers, body schema.
        op = self.schema[path][method]
        case = op.Case(body=body) if body is not None else op.Case()
        case.validate_response(resp, checks=RESPONSE_CHECKS)
        assert resp.status_code == expect, where
        out = resp.json()
        if error is not None:
            assert out.get("error") == error, where
            listed = self.documented_codes(method, path, resp.status_code)
            assert error in listed, f"{where}: the document lists {sorted(listed)} for this status, not {error}"
        return out


def totp_at(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time(), offset_steps)


def test_every_route_along_its_flows(api: Api) -> None:
    email = f"flow-{secrets.token_hex(6)}@example.com"
    password = "Flow-" + secrets.token_urlsafe(10) + "1!"

    # Registration and confirmation.
    api.call("POST", "/auth/register", {"email": email, "password": password}, expect=202)
    api.call("POST", "/auth/resend", {"email": email}, expect=202)
    api.call("POST", "/auth/login", {"email": email, "password": password}, expect=403, error="user_not_confirmed")
    wrong = "000000" if CODE != "000000" else "999999"
    api.call("POST", "/auth/verify", {"email": email, "code": wrong}, expect=400, error="invalid_code")
    api.call("POST", "/auth/verify", {"email": email, "code": CODE}, expect=200)
    # Confirmed already: the answer an unknown address gets (no enumeration).
    api.call("POST", "/auth/verify", {"email": email, "code": CODE}, expect=400, error="invalid_code")

    # Login and the bearer routes.
    api.call("POST", "/auth/login", {"email": email, "password": password + "x"}, expect=401, error="invalid_credentials")
    api.call("POST", "/auth/login", {"email": email}, expect=400, error="validation_error")
    api.call("POST", "/auth/login", None, expect=415, error="unsupported_media_type",
             headers={"Content-Type": "text/plain"}, data=b"hello")
    api.call("POST", "/auth/login", None, expect=400, error="invalid_json",
             headers={"Content-Type": "application/json"}, data=b"{nope")
    api.call("POST", "/auth/register", None, expect=413, error="payload_too_large",
             headers={"Content-Type": "application/json"}, data=b'{"email":"' + b"a" * 20000 + b'"}')
    tokens = api.call("POST", "/auth/login", {"email": email, "password": password}, expect=200)
    access, refresh = tokens["accessToken"], tokens["refreshToken"]
    info = api.call("GET", "/auth/userinfo", token=access, expect=200)
    assert info["email"] == email and info["mfaEnabled"] is False
    api.call("GET", "/auth/userinfo", expect=401, error="missing_token")
    api.call("GET", "/auth/userinfo", token="a.b.c", expect=401, error="invalid_token")
    # Refresh takes the refresh token alone and answers a new one (rotation) that replaces it.
    rotated = api.call("POST", "/auth/refresh", {"refreshToken": refresh}, expect=200)["refreshToken"]
    assert rotated != refresh
    refresh = rotated

    # TOTP enrolment.
    api.call("POST", "/auth/mfa/totp/setup", {"currentPassword": password + "x"}, token=access, expect=401,
             error="incorrect_password")
    setup = api.call("POST", "/auth/mfa/totp/setup", {"currentPassword": password}, token=access, expect=200)
    secret = setup["secret"]
    api.call("POST", "/auth/mfa/totp/verify", {"code": "12345x"}, token=access, expect=400, error="invalid_code")
    api.call("POST", "/auth/mfa/totp/verify", {"code": totp_at(secret), "deviceName": "contract"}, token=access, expect=200)
    api.call("POST", "/auth/mfa/totp/setup", {"currentPassword": password}, token=access, expect=409,
             error="mfa_already_enabled")

    # Password change.
    api.call("POST", "/auth/password/change", {"currentPassword": password + "x", "newPassword": password + "2"},
             token=access, expect=401, error="incorrect_password")
    api.call("POST", "/auth/password/change", {"currentPassword": password, "newPassword": password + "2"},
             token=access, expect=200)
    password += "2"

    # Logout ends the access and the refresh token.
    api.call("POST", "/auth/logout", {"refreshToken": refresh}, token=access, expect=200)
    api.call("GET", "/auth/userinfo", token=access, expect=401, error="invalid_token")
    api.call("POST", "/auth/refresh", {"refreshToken": refresh}, expect=401, error="invalid_refresh_token")

    # Password reset.
    api.call("POST", "/auth/password/forgot", {"email": email}, expect=202)
    api.call("POST", "/auth/password/reset", {"email": email, "code": wrong, "newPassword": password + "3"},
             expect=400, error="invalid_code")
    api.call("POST", "/auth/password/reset", {"email": email, "code": CODE, "newPassword": password + "3"}, expect=200)
    password += "3"

    # Login with the TOTP challenge. Codes are single-use: enrolment used this time step's code,
    # so the answer is the next step's (the API accepts one step either side).
    ch = api.call("POST", "/auth/login", {"email": email, "password": password}, expect=200)
    assert ch["challenge"] == "SOFTWARE_TOKEN_MFA"
    answer = {"email": email, "challenge": ch["challenge"], "session": ch["session"]}
    good = totp_at(secret, 1)
    api.call("POST", "/auth/login/challenge", {**answer, "answer": "000000" if good != "000000" else "111111"},
             expect=400, error="invalid_code")
    api.call("POST", "/auth/login/challenge", {**answer, "challenge": "SMS_MFA", "answer": "1"}, expect=400,
             error="validation_error")
    tokens = api.call("POST", "/auth/login/challenge", {**answer, "answer": good}, expect=200)
    api.call("POST", "/auth/login/challenge", {**answer, "answer": good}, expect=401, error="invalid_session")
    access, refresh = tokens["accessToken"], tokens["refreshToken"]
    info = api.call("GET", "/auth/userinfo", token=access, expect=200)
    assert info["mfaEnabled"] is True
    api.call("POST", "/auth/refresh", {"refreshToken": refresh}, expect=200)

    # Account deletion.
    api.call("DELETE", "/auth/user", {"currentPassword": password + "x"}, token=access, expect=401,
             error="incorrect_password")
    api.call("DELETE", "/auth/user", {"currentPassword": password}, token=access, expect=200)
    api.call("GET", "/auth/userinfo", token=access, expect=401, error="invalid_token")
    api.call("POST", "/auth/login", {"email": email, "password": password}, expect=401, error="invalid_credentials")


def test_the_document_is_served(api: Api) -> None:
    served = api.call("GET", "/auth/openapi.json", expect=200)
    assert served == api.raw, "GET /auth/openapi.json differs from the checked-in cdk/openapi.json"

"""The emulator's clock control (clockOffsetSeconds of /_local/faults, controls.now): what it
accepts, and that TOTP time steps follow it, so that a test can answer a TOTP challenge with the
code of the next time step as the current one (a user signing in later), instead of relying on
the emulator taking a code from the future. (The refresh-token grace period on this clock:
test_rotation.py.)

Run: .venv/bin/python -m pytest tests/local-cognito/test_clock.py -q
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from test_local_cognito import enroll_totp, expect_error, faults  # noqa: F401 - faults is a fixture
from test_rotation import emu, idp, pool  # noqa: F401 - fixtures: the bootstrap pool of an emulator of this module's own


def test_the_clock_offset_is_a_bounded_number_and_resets_with_the_other_settings(emu, faults):
    assert faults({"clockOffsetSeconds": 30})["clockOffsetSeconds"] == 30
    assert faults({"clockOffsetSeconds": 86400})["clockOffsetSeconds"] == 86400
    assert faults({})["clockOffsetSeconds"] == 0
    url = emu["endpoint"] + "/_local/faults"
    for bad in (-1, 86401, "30", True, None):
        request = urllib.request.Request(url, data=json.dumps({"clockOffsetSeconds": bad}).encode(), method="POST")
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(request)
        assert info.value.code == 400, bad


def test_totp_time_steps_follow_the_clock(idp, pool, faults):
    email, sub = pool.user()
    totp = enroll_totp(idp, pool, email)  # verified with the code of the current step

    def answer(code: str) -> dict:
        session = pool.login(email)["Session"]
        return idp.admin_respond_to_auth_challenge(
            UserPoolId=pool.pool_id, ClientId=pool.client_id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=session,
            ChallengeResponses={"USERNAME": sub, "SOFTWARE_TOKEN_MFA_CODE": code, **pool.ah(sub)},
        )

    # One step later on the emulator's clock, the code of that step is the current one and signs in
    # (without moving the clock, it is the enrolment's, and spent); it works once.
    faults({"clockOffsetSeconds": totp.interval})
    code = totp.at(time.time() + totp.interval)
    assert "AuthenticationResult" in answer(code)
    expect_error(answer, "ExpiredCodeException", code=code)
    # Three steps on, a code of the real clock's step is out of the window (one step either side).
    faults({"clockOffsetSeconds": 3 * totp.interval, "lockoutUnitSeconds": 0})
    expect_error(answer, "CodeMismatchException", code=totp.at(time.time()))
    assert "AuthenticationResult" in answer(totp.at(time.time() + 3 * totp.interval))

"""The custom message trigger on the emulator (messages.py): every code the pool sends (sign-up, resend,
password reset, the emailed sign-in code, the administrator's invitation) goes through the trigger with
the event the Developer Guide documents (trigger_events/custom-message.json), and what it answers is what
the outbox (GET /_local/messages) delivers, with the code put in; what Cognito refuses or ignores, as
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html says.
(This project's own handler behind the same API: lambda/auth-api/tests/custom_message.rs.)

Run: .venv/bin/python -m pytest tests/local-cognito/test_custom_message.py -q
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

from test_local_cognito import DEV_CODE, PASSWORD, Pool, expect_error, new_email
from test_triggers import StandInFunction, emu, function, held_to_the_documented_event, idp, lambda_control, pool, user_exists  # noqa: F401 (fixtures)

TRIGGERS = "customMessage"  # read by test_triggers.emu
EMULATOR_OPTIONS = ("--ses",)  # emailMessage and emailSubject need a pool that sends with Amazon SES
EVENT = "custom-message.json"
FUNCTION = "/2015-03-31/functions/customMessage/invocations"


def outbox(emu: dict, to: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{emu['endpoint']}/_local/messages") as r:
        return [m for m in json.loads(r.read())["messages"] if m["to"] == to]


def events(function: StandInFunction) -> list[dict[str, Any]]:
    return [e for path, e in function.invocations if path == FUNCTION]


def branded(subject: str = "Welcome", body: str = "<p>Your code: {####}</p>"):
    """A function that answers with its own message."""
    def answer(event: dict[str, Any]) -> dict[str, Any]:
        return {**event, "response": {"emailSubject": subject, "emailMessage": body, "smsMessage": None}}
    return answer


def test_a_sign_up_sends_the_documented_event_and_a_null_answer_keeps_the_pools_message(pool, function, emu):
    email = new_email()
    pool.idp.sign_up(ClientId=pool.client_id, Username=email, Password=PASSWORD, ClientMetadata={"source": "test"}, **pool.h(email))
    [event] = events(function)
    held_to_the_documented_event(event, EVENT)
    assert event["triggerSource"] == "CustomMessage_SignUp"
    assert event["callerContext"]["clientId"] == pool.client_id
    request = event["request"]
    assert (request["codeParameter"], request["usernameParameter"], request["linkParameter"]) == ("{####}", None, None)
    assert request["userAttributes"]["email"] == email and request["userAttributes"]["cognito:user_status"] == "UNCONFIRMED"
    assert request["clientMetadata"] == {"source": "test"}
    assert event["response"] == {"smsMessage": None, "emailMessage": None, "emailSubject": None}
    [m] = outbox(emu, email)
    assert (m["customMessage"], m["subject"], m["body"].strip()) == (False, "Your verification code", f"Your verification code is {DEV_CODE}.")


def test_the_triggers_message_is_delivered_with_the_code_put_in(pool, function, emu):
    function.mode = branded("Welcome to Acme", "<p>Your code: {####}</p>")
    email = new_email()
    pool.sign_up(email)
    [m] = outbox(emu, email)
    assert m == {"to": email, "triggerSource": "CustomMessage_SignUp", "customMessage": True, "subject": "Welcome to Acme", "body": f"<p>Your code: {DEV_CODE}</p>"}


def test_each_code_has_its_trigger_source(pool, function, emu):
    function.mode = branded()
    email, _ = pool.user()
    sources = [e["triggerSource"] for e in events(function)]
    assert sources == ["CustomMessage_SignUp"]
    pool.idp.forgot_password(ClientId=pool.client_id, Username=email, **pool.h(email))
    other = new_email()
    pool.sign_up(other)
    pool.idp.resend_confirmation_code(ClientId=pool.client_id, Username=other, **pool.h(other))
    # The emailed sign-in code (EMAIL_OTP first factor, USER_AUTH).
    out = pool.idp.admin_initiate_auth(
        UserPoolId=pool.pool_id, ClientId=pool.client_id, AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": email, "PREFERRED_CHALLENGE": "EMAIL_OTP", **pool.ah(email)},
    )
    assert out["ChallengeName"] == "EMAIL_OTP"
    assert [e["triggerSource"] for e in events(function)] == [
        "CustomMessage_SignUp", "CustomMessage_ForgotPassword", "CustomMessage_SignUp", "CustomMessage_ResendCode", "CustomMessage_Authentication",
    ]
    for e in events(function):
        held_to_the_documented_event(e, EVENT)
    sent = outbox(emu, email)
    assert [m["triggerSource"] for m in sent] == ["CustomMessage_SignUp", "CustomMessage_ForgotPassword", "CustomMessage_Authentication"]
    assert all(m["customMessage"] and m["body"] == f"<p>Your code: {DEV_CODE}</p>" for m in sent)


def test_an_invitation_names_the_user_and_the_temporary_password(pool, function, emu):
    function.mode = branded("Invited", "<p>User {username}, password {####}</p>")
    email = new_email()
    created = pool.idp.admin_create_user(UserPoolId=pool.pool_id, Username=email, TemporaryPassword="Temp-Passw0rd-123!")
    [event] = events(function)
    held_to_the_documented_event(event, EVENT)
    assert event["triggerSource"] == "CustomMessage_AdminCreateUser"
    assert event["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"
    assert event["request"]["usernameParameter"] == "{username}"
    [m] = outbox(emu, email)
    assert m["body"] == f"<p>User {created['User']['Username']}, password Temp-Passw0rd-123!</p>"
    # A suppressed invitation sends nothing and runs no trigger.
    function.invocations.clear()
    quiet = new_email()
    pool.idp.admin_create_user(UserPoolId=pool.pool_id, Username=quiet, MessageAction="SUPPRESS")
    assert events(function) == [] and outbox(emu, quiet) == []


def test_a_message_without_the_placeholders_is_ignored_and_the_pools_own_is_sent(pool, function, emu):
    function.mode = branded("Hello", "<p>Welcome, no code here</p>")
    email = new_email()
    pool.sign_up(email)
    [m] = outbox(emu, email)
    assert (m["customMessage"], m["subject"], m["body"].strip()) == (False, "Your verification code", f"Your verification code is {DEV_CODE}.")
    assert m["ignored"] == "emailMessage lacks {####}"
    # An invitation needs the username's too.
    function.mode = branded("Invited", "<p>Password {####}</p>")
    invited = new_email()
    pool.idp.admin_create_user(UserPoolId=pool.pool_id, Username=invited, TemporaryPassword="Temp-Passw0rd-123!")
    [m] = outbox(emu, invited)
    assert m["ignored"] == "emailMessage lacks {username}" and m["customMessage"] is False


def test_a_failing_trigger_fails_the_operation_and_sends_nothing(pool, function, emu):
    function.mode = "error"
    email = new_email()
    expect_error(pool.sign_up, "UserLambdaValidationException", "CustomMessage failed with error nope.", email=email)
    assert not user_exists(pool, email) and outbox(emu, email) == []
    for mode in ("garbage",):
        function.mode = mode
        expect_error(pool.sign_up, "InvalidLambdaResponseException", email=new_email())


def test_what_cognito_does_not_take_is_invalid_lambda_response(pool, function, emu):
    for label, mode in (
        ("a body over 20,000 characters", branded("S", "{####}" + "x" * 20000)),
        ("a subject over 140 characters", branded("s" * 141)),
        ("a message that is not a string", lambda e: {**e, "response": {"emailMessage": 7}}),
    ):
        function.mode = mode
        email = new_email()
        with pytest.raises(Exception) as info:
            pool.sign_up(email)
        assert info.value.response["Error"]["Code"] == "InvalidLambdaResponseException", label
        assert not user_exists(pool, email), label


def test_a_pool_on_cognitos_default_sender_refuses_the_triggers_email(idp, function, emu):
    """"If the EmailSendingAccount attribute of the user pool is not DEVELOPER and an emailMessage parameter is
    returned, Amazon Cognito throws ... InvalidLambdaResponseException" (the page above)."""
    other = idp.create_user_pool(
        PoolName="default-sender", UsernameAttributes=["email"], AutoVerifiedAttributes=["email"],
        LambdaConfig={"CustomMessage": "arn:aws:lambda:us-east-1:123456789012:function:customMessage"},
    )["UserPool"]["Id"]
    client = idp.create_user_pool_client(UserPoolId=other, ClientName="c")["UserPoolClient"]["ClientId"]
    function.mode = branded()
    expect_error(idp.sign_up, "InvalidLambdaResponseException", ClientId=client, Username=new_email(), Password=PASSWORD)
    function.mode = "echo"  # a null answer is fine there: the pool's own message goes out
    email = new_email()
    idp.sign_up(ClientId=client, Username=email, Password=PASSWORD)
    assert outbox(emu, email)[0]["customMessage"] is False

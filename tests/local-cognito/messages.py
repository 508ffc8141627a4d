"""The messages the pool sends (confirmation, resend, password-reset and sign-in codes, invitations),
each through the pool's custom message trigger when it has one, into an outbox (GET /_local/messages)
instead of anyone's mailbox.

What Cognito does, from https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html:
- "Amazon Cognito invokes this trigger before it sends an email or phone verification message or a
  multi-factor authentication (MFA) code", with the trigger source of the operation (CustomMessage_SignUp,
  _ResendCode, _ForgotPassword, _Authentication for an emailed sign-in code, _AdminCreateUser) and the
  request's codeParameter "{####}" (and usernameParameter "{username}" for an invitation);
- "When Amazon Cognito receives this response, Amazon Cognito replaces the codeParameter string with the
  actual verification code"; a message "Must include the codeParameter value received in the request", and
  an invitation the username's too. What a deployed pool does with one that does not is not on the page:
  the issue that asked for this trigger says Cognito ignores it, and the emulator does so (the pool's own
  message is sent, the outbox entry says why: "ignored"); the first-deploy checklist has it;
- emailMessage and emailSubject are "allowed only if the EmailSendingAccount attribute of the user pool is
  DEVELOPER" (Amazon SES); otherwise "Amazon Cognito throws a 400 error code ... InvalidLambdaResponseException";
- "For email, the maximum length for the message is 20,000 UTF-8 characters, including the verification
  code"; the subject as the pool's templates allow (1-140, API_MessageTemplateType). Beyond either, the
  emulator answers InvalidLambdaResponseException (what a deployed pool answers is not documented);
- a null value keeps the pool's own message for it.
A failing trigger fails the operation (triggers.invoke raises the exception Cognito answers with); the
caller undoes what the operation did (no user is created by a failed sign-up).

The pool's own message is its VerificationMessageTemplate / InviteMessageTemplate when set, else a default
(wording the emulator's). Codes are the emulator's (DEV_CONFIRMATION_CODE); an invitation carries the
temporary password.
"""

from __future__ import annotations

import collections
import threading
from typing import Any

from core import CognitoError
import triggers

CODE_PLACEHOLDER = "{####}"
USERNAME_PLACEHOLDER = "{username}"
INVITATION = "CustomMessage_AdminCreateUser"
MAX_EMAIL_MESSAGE = 20000
MAX_EMAIL_SUBJECT = 140
MAX_SMS_MESSAGE = 140

_lock = threading.Lock()
OUTBOX: collections.deque[dict[str, Any]] = collections.deque(maxlen=1000)


def outbox() -> dict[str, Any]:
    with _lock:
        return {"messages": list(OUTBOX)}


def clear() -> dict[str, Any]:
    with _lock:
        OUTBOX.clear()
    return {"messages": []}


def _pool_message(pool: Any, source: str) -> tuple[str, str]:
    """(subject, body) of the pool's own message for this source."""
    config = pool.extended_config
    if source == INVITATION:
        t = (config.get("AdminCreateUserConfig") or {}).get("InviteMessageTemplate") or {}
        return t.get("EmailSubject") or "Your temporary password", t.get("EmailMessage") or f"Your username is {USERNAME_PLACEHOLDER} and temporary password is {CODE_PLACEHOLDER}."
    t = config.get("VerificationMessageTemplate") or {}
    if source == "CustomMessage_Authentication":
        return "Your sign-in code", f"Your authentication code is {CODE_PLACEHOLDER}."
    return t.get("EmailSubject") or "Your verification code", t.get("EmailMessage") or f"Your verification code is {CODE_PLACEHOLDER}."


def _sends_with_ses(pool: Any) -> bool:
    return (pool.extended_config.get("EmailConfiguration") or {}).get("EmailSendingAccount") == "DEVELOPER"


def _invalid(reason: str) -> CognitoError:
    return CognitoError("InvalidLambdaResponseException", f"Invalid lambda function output : {reason}")


def send(pool: Any, user: Any, source: str, client_id: str, code: str, client_metadata: Any = None) -> dict[str, Any]:
    """Sends `user` the message of `source` with `code` (through the custom message trigger, if the pool has
    one) to their email address, and returns the outbox entry. Raises what Cognito answers when the trigger
    fails or answers what Cognito does not take."""
    attributes = {a["Name"]: a["Value"] for a in user.attributes if not a["Name"].startswith("dev:")}
    attributes["cognito:user_status"] = getattr(user.status, "value", str(user.status))
    subject, body = _pool_message(pool, source)
    entry: dict[str, Any] = {"to": attributes.get("email"), "triggerSource": source, "customMessage": False}
    request: dict[str, Any] = {
        "userAttributes": attributes,
        "codeParameter": CODE_PLACEHOLDER,
        "usernameParameter": USERNAME_PLACEHOLDER if source == INVITATION else None,
        "linkParameter": None,
    }
    if isinstance(client_metadata, dict) and client_metadata:
        request["clientMetadata"] = dict(client_metadata)
    response = {"smsMessage": None, "emailMessage": None, "emailSubject": None}
    ev = triggers.event(pool, source, user.username, client_id, triggers.request_user_agent(), request, response)
    answer = triggers.invoke(pool, "CustomMessage", ev)
    if answer is not None:
        out = answer["response"]
        for key in response:
            if out.get(key) is not None and not isinstance(out.get(key), str):
                raise _invalid(f"{key} is not a string")
        message, title = out.get("emailMessage"), out.get("emailSubject")
        if (message is not None or title is not None) and not _sends_with_ses(pool):
            raise _invalid("emailMessage and emailSubject need a pool that sends email with Amazon SES (EmailSendingAccount DEVELOPER)")
        if title is not None and not 1 <= len(title) <= MAX_EMAIL_SUBJECT:
            raise _invalid(f"emailSubject must be 1 to {MAX_EMAIL_SUBJECT} characters")
        if message is not None:
            needed = [CODE_PLACEHOLDER] + ([USERNAME_PLACEHOLDER] if source == INVITATION else [])
            missing = [p for p in needed if p not in message]
            if missing:
                entry["ignored"] = f"emailMessage lacks {', '.join(missing)}"
            else:
                filled = message.replace(CODE_PLACEHOLDER, code)
                if len(filled) > MAX_EMAIL_MESSAGE:
                    raise _invalid(f"emailMessage is longer than {MAX_EMAIL_MESSAGE} characters")
                body, entry["customMessage"] = message, True
        sms = out.get("smsMessage")
        if sms is not None and len(sms.replace(CODE_PLACEHOLDER, code)) > MAX_SMS_MESSAGE:
            raise _invalid(f"smsMessage is longer than {MAX_SMS_MESSAGE} characters")
        if title is not None and "ignored" not in entry:
            subject = title
    entry["subject"] = subject
    entry["body"] = body.replace(CODE_PLACEHOLDER, code).replace(USERNAME_PLACEHOLDER, user.username)
    with _lock:
        OUTBOX.append(entry)
    return entry

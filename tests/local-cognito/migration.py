"""The user migration trigger (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-migrate-user.html):
"When a user doesn't exist in the user pool at sign-in with a password, or in the forgot-password flow,
Amazon Cognito invokes this trigger. After the Lambda function returns successfully, Amazon Cognito
creates the user in the user pool."

Where it runs here: password sign-in (InitiateAuth USER_PASSWORD_AUTH, AdminInitiateAuth
ADMIN_USER_PASSWORD_AUTH; signin.password_auth) and ForgotPassword (codes.py), for a username no user
has. Not for SRP (the password never reaches Cognito: "your app must not use the default USER_SRP_AUTH
flow since the SDK does not send the password to the server",
https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-import-using-lambda.html)
and not for passwordless sign-in ("Amazon Cognito doesn't invoke this trigger when users authenticate
with passwordless sign-in", the first page). Nor for USER_AUTH here: no AWS page says whether choice-based
sign-in answering a PASSWORD challenge runs it (the API never does that: POST /auth/login is
ADMIN_USER_PASSWORD_AUTH); docs/first-deploy-checklist.md has it.

What Cognito does with the answer:
- success: the user is created with the answered userAttributes; at sign-in with finalUserStatus
  CONFIRMED (or none) the password just typed is the user's ("auto-confirm your users and allow them to
  sign-in with their previous passwords"), RESET_REQUIRED makes the sign-in answer
  PasswordResetRequiredException; in the forgot-password flow the user must reset their password and
  Cognito sends the reset code to the verified address. messageAction SUPPRESS: no welcome message;
  otherwise one is sent (by SMS unless desiredDeliveryMediums says EMAIL). The emulator records which in
  its migration log (GET /_local/lambda "migrations"): it sends no mail.
- a failure (the function's error, no answer, an answer that is not the event, or values Cognito does
  not take): no user is created, and the operation fails with UserNotFoundException: "Exception
  migrating user in app client <id>" (the function cannot be invoked), "Error during migration: Invalid
  finalUserStatus" (and messageAction, desiredDeliveryMediums), "Attributes did not conform to the
  schema" — the messages AWS's knowledge center lists
  (https://repost.aws/knowledge-center/cognito-migration-lambda-trigger-errors); a function error is
  "UserMigration failed with error <errorMessage>." there too. Which exception a pool with
  PreventUserExistenceErrors answers is not on an AWS page: the checklist has it, and the API maps every
  one of them to the answer an unknown user gets.
"""

from __future__ import annotations

import secrets
from typing import Any

from core import CognitoError, UserStatus, is_email_pool
import triggers

SOURCES = ("UserMigration_Authentication", "UserMigration_ForgotPassword")
FINAL_STATUSES = ("CONFIRMED", "RESET_REQUIRED")
MESSAGE_ACTIONS = ("SUPPRESS", "RESEND")
MEDIUMS = ("EMAIL", "SMS")


def _not_found(message: str) -> CognitoError:
    return CognitoError("UserNotFoundException", message)


def migrate(backend: Any, pool: Any, client: Any, source: str, username: str, password: str | None, user_agent: str | None, client_metadata: Any) -> Any:
    """Runs the pool's user migration trigger for `username`, which no user of the pool has. Returns the
    user it created, None when the pool has no migration trigger, or raises what Cognito answers."""
    if not (pool.extended_config.get("LambdaConfig") or {}).get("UserMigration"):
        return None
    metadata = dict(client_metadata) if isinstance(client_metadata, dict) and client_metadata else None
    request: dict[str, Any] = {}
    if source == "UserMigration_Authentication":
        request["password"] = password
        # "validationData ... You can pass this data to your Lambda function by using the ClientMetadata
        # parameter in the InitiateAuth and AdminInitiateAuth API actions"
        request["validationData"] = metadata
    else:
        # "clientMetadata ... by using the ClientMetadata parameter in the AdminRespondToAuthChallenge and
        # ForgotPassword API actions"
        request["clientMetadata"] = metadata
    response = {"userAttributes": None, "finalUserStatus": None, "messageAction": None, "desiredDeliveryMediums": None, "forceAliasCreation": None, "enableSMSMFA": None}
    ev = triggers.event(pool, source, username, client.id, user_agent, request, response)
    try:
        answer = triggers.invoke(pool, "UserMigration", ev)
    except CognitoError as e:
        triggers.record_migration({"userName": username, "triggerSource": source, "outcome": e.error_type})
        if e.error_type == "UserLambdaValidationException":
            raise _not_found(e.message) from None
        raise _not_found(f"Exception migrating user in app client {client.id}") from None
    assert answer is not None
    out = answer["response"]

    def refused(message: str) -> CognitoError:
        triggers.record_migration({"userName": username, "triggerSource": source, "outcome": "invalid answer"})
        return _not_found(message)

    attributes = out.get("userAttributes")
    if not isinstance(attributes, dict) or not attributes or not all(isinstance(k, str) and isinstance(v, str) for k, v in attributes.items()):
        raise refused("Attributes did not conform to the schema: userAttributes must be a map of strings")
    status = out.get("finalUserStatus")
    if status is not None and status not in FINAL_STATUSES:
        raise refused("Error during migration: Invalid finalUserStatus")
    action = out.get("messageAction")
    if action is not None and action not in MESSAGE_ACTIONS:
        raise refused("Error during migration: Invalid messageAction")
    mediums = out.get("desiredDeliveryMediums")
    if mediums is not None and (not isinstance(mediums, list) or any(m not in MEDIUMS for m in mediums)):
        raise refused("Error during migration: Invalid desiredDeliveryMediums")
    schema = set(getattr(pool, "schema_attributes", {}) or {})
    unknown = [k for k in attributes if k not in schema]
    if unknown or "sub" in attributes:
        raise refused(f"Attributes did not conform to the schema: {(unknown or ['sub'])[0]}: Attribute does not exist in the schema.")
    if is_email_pool(pool) and attributes.get("email", "").lower() != username.lower():
        # In a pool that signs in with email the address is the username the user typed.
        raise refused("Attributes did not conform to the schema: email: must be the username in a pool that signs in with email")
    if source == "UserMigration_Authentication":
        final = UserStatus.RESET_REQUIRED if status == "RESET_REQUIRED" else UserStatus.CONFIRMED
        user_password = password
    else:
        # The forgot-password flow has no password: the user sets one with the reset code Cognito sends.
        final = UserStatus.RESET_REQUIRED
        user_password = None
    # moto's AdminCreateUser (not the emulator's: Cognito runs no pre sign-up trigger for a migrated user),
    # then the username Cognito generates in a pool that signs in with email.
    user = backend.admin_create_user(pool.id, username, "SUPPRESS", secrets.token_urlsafe(24), [{"Name": k, "Value": v} for k, v in attributes.items()])
    if is_email_pool(pool):
        triggers.adopt_username(pool, user, triggers.new_username())
    user.password = user_password
    user.status = final
    welcome = "suppressed" if action == "SUPPRESS" else ("email" if mediums == ["EMAIL"] else "sms")
    triggers.record_migration({"userName": username, "triggerSource": source, "outcome": "migrated", "status": final.value, "welcomeMessage": welcome})
    return user

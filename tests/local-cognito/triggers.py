"""Lambda triggers: the pool's LambdaConfig (set at --bootstrap from --triggers, or by CreateUserPool /
UpdateUserPool like any pool setting), invoked where Cognito documents each trigger with the event
Cognito documents, through Lambda's Invoke API on a function endpoint (--lambda-endpoint, or POST
/_local/lambda): in `make dev` and the Rust tests that is auth-local's trigger listener, so what runs is
this project's own trigger handler, not a copy of it.

What Cognito does with the function's answer:
- "Amazon Cognito invokes Lambda functions synchronously. When called, your Lambda function must
  respond within 5 seconds. If it doesn't, Amazon Cognito retries the call. After 3 unsuccessful
  attempts, the function times out. You can't change this 5-second timeout value."
  (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html).
  timeoutSeconds (/_local/lambda) shortens the 5 s for tests; the 3 attempts stay.
- The exception of each failure is not on an AWS page; the emulator answers what deployed pools are
  seen answering (docs/emulator.md lists these as observed, and the first-deploy checklist has them):
  a function error: UserLambdaValidationException "<Trigger> failed with error <errorMessage>.";
  no answer in time (3 times), or a function that cannot be invoked: UnexpectedLambdaException
  "<Trigger> invocation failed due to error <reason>."; an answer that is not the event's JSON:
  InvalidLambdaResponseException "Unrecognizable lambda output". In each case the operation does
  nothing else: no user is created.

The state lock (wsgi_app.STATE_LOCK) is released while a function runs, as Cognito does not stop
serving while it waits: a trigger may call Cognito itself (account linking does).
"""

from __future__ import annotations

import collections
import http.client
import json
import re
import threading
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from core import CognitoError

DEFINITION_FILE = Path(__file__).resolve().parents[2] / "cdk" / "triggers.json"
ACCOUNT = "123456789012"
ATTEMPTS = 3
DEFAULT_TIMEOUT_SECONDS = 5.0


def load_definition(path: Path = DEFINITION_FILE) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return json.load(f)["triggers"]


TRIGGERS = load_definition()


def function_arn(region: str, name: str) -> str:
    return f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"


def lambda_config_for(region: str, names: list[str]) -> dict[str, Any]:
    """The LambdaConfig the stack gives a pool whose triggers `names` are on (each trigger's
    cognitoTrigger key -> its function; a key with an event version, PreTokenGenerationConfig, ->
    {LambdaArn, LambdaVersion}, with PreTokenGeneration beside it holding the same ARN: "This parameter
    and the PreTokenGeneration property of LambdaConfig have the same value"
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-cognito-userpool-pretokengenerationconfig.html))."""
    by_name = {t["name"]: t for t in TRIGGERS}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ValueError(f"unknown triggers {unknown}; cdk/triggers.json has {sorted(by_name)}")
    config: dict[str, Any] = {}
    for n in names:
        t, arn = by_name[n], function_arn(region, n)
        if t.get("lambdaVersion"):
            config[t["cognitoTrigger"]] = {"LambdaArn": arn, "LambdaVersion": t["lambdaVersion"]}
            if t["cognitoTrigger"] == "PreTokenGenerationConfig":
                config["PreTokenGeneration"] = arn
        else:
            config[t["cognitoTrigger"]] = arn
    return config


# --------------------------------------------------------------------------
# The function endpoint (the emulator's "Lambda service") and the invocation log
# --------------------------------------------------------------------------

_lock = threading.Lock()
# The User-Agent of the Cognito request being served on this thread (wsgi_app sets it), for the
# callerContext of triggers that run deep inside an operation (pre token generation).
_request = threading.local()


def set_request_user_agent(user_agent: str | None) -> None:
    _request.user_agent = user_agent


def request_user_agent() -> str | None:
    return getattr(_request, "user_agent", None)
_settings: dict[str, Any] = {"endpoint": None, "timeoutSeconds": DEFAULT_TIMEOUT_SECONDS}
INVOCATIONS: collections.deque[dict[str, Any]] = collections.deque(maxlen=1000)
# What the user migration trigger did (migration.py): who was moved in, with which status, and whether a
# welcome message would have gone out. The emulator sends no welcome message itself.
MIGRATIONS: collections.deque[dict[str, Any]] = collections.deque(maxlen=1000)


def settings() -> dict[str, Any]:
    with _lock:
        return {**_settings, "invocations": list(INVOCATIONS), "migrations": list(MIGRATIONS)}


def record_migration(entry: dict[str, Any]) -> None:
    with _lock:
        MIGRATIONS.append(entry)


def configure(body: Any) -> dict[str, Any]:
    """POST /_local/lambda: {"endpoint": "http://127.0.0.1:PORT" | null, "timeoutSeconds": 0.1-5}."""
    if not isinstance(body, dict) or set(body) - {"endpoint", "timeoutSeconds"}:
        raise ValueError('body must be {"endpoint": url or null, "timeoutSeconds": number}')
    new = dict(_settings)
    if "endpoint" in body:
        e = body["endpoint"]
        if e is not None and not (isinstance(e, str) and re.match(r"^https?://[^/\s]+$", e)):
            raise ValueError("endpoint must be http(s)://host:port (no path) or null")
        new["endpoint"] = e
    if "timeoutSeconds" in body:
        t = body["timeoutSeconds"]
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0.1 <= t <= DEFAULT_TIMEOUT_SECONDS:
            raise ValueError(f"timeoutSeconds must be a number from 0.1 to {DEFAULT_TIMEOUT_SECONDS:g} (Cognito's wait)")
        new["timeoutSeconds"] = float(t)
    with _lock:
        _settings.update(new)
        INVOCATIONS.clear()
        MIGRATIONS.clear()
    return settings()


def reset() -> dict[str, Any]:
    return configure({"endpoint": _settings["endpoint"], "timeoutSeconds": DEFAULT_TIMEOUT_SECONDS})


# --------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------


def sdk_version(user_agent: str | None) -> str:
    """callerContext.awsSdkVersion: the calling SDK as Cognito names it (aws-sdk-<language>-<version>,
    e.g. aws-sdk-nodejs-2.799.0), from the request's User-Agent."""
    m = re.search(r"aws-sdk-([a-z]+)/([0-9][0-9A-Za-z.\-]*)", user_agent or "")
    return f"aws-sdk-{m.group(1)}-{m.group(2)}" if m else "aws-sdk-unknown-unknown"


def event(pool: Any, source: str, user_name: str | None, client_id: str, user_agent: str | None, request: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    """The common parameters (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html#cognito-user-pools-lambda-trigger-syntax-shared)
    with the trigger's request and default response."""
    return {
        "version": "1",
        "triggerSource": source,
        "region": pool.id.split("_", 1)[0],
        "userPoolId": pool.id,
        "userName": user_name,
        "callerContext": {"awsSdkVersion": sdk_version(user_agent), "clientId": client_id},
        "request": request,
        "response": response,
    }


# --------------------------------------------------------------------------
# Invocation
# --------------------------------------------------------------------------


def _unlocked() -> Any:
    """Releases the emulator's state lock (held by this thread for the current operation) while a
    function runs, and takes it back after. RLock's _release_save/_acquire_restore (what
    threading.Condition uses) release it however often this thread holds it."""
    import wsgi_app  # the WSGI front owns the lock; imported here, as it imports the feature modules' helpers

    class Unlocked:
        def __enter__(self) -> None:
            self.saved = wsgi_app.STATE_LOCK._release_save() if wsgi_app.STATE_LOCK._is_owned() else None

        def __exit__(self, *exc: Any) -> None:
            if self.saved is not None:
                wsgi_app.STATE_LOCK._acquire_restore(self.saved)

    return Unlocked()


def _post(url: str, body: bytes, timeout: float) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def _record(name: str, source: str, outcome: str, attempts: int) -> None:
    with _lock:
        INVOCATIONS.append({"function": name, "triggerSource": source, "outcome": outcome, "attempts": attempts})


def invoke(pool: Any, key: str, ev: dict[str, Any], label: str | None = None) -> dict[str, Any] | None:
    """Invokes the function the pool's LambdaConfig names for `key` (PreSignUp, ...) with event `ev`;
    returns the event it answered, None when the pool has no such trigger, or raises the exception
    Cognito answers the operation with (naming the trigger `label`, default `key`)."""
    arn = (pool.extended_config.get("LambdaConfig") or {}).get(key)
    if not arn:
        return None
    if isinstance(arn, dict):  # PreTokenGenerationConfig, CustomEmailSender: {"LambdaArn": ...}
        arn = arn.get("LambdaArn", "")
    key = label or key
    name = str(arn).rsplit(":", 1)[-1]
    source = ev["triggerSource"]
    with _lock:
        endpoint, timeout = _settings["endpoint"], _settings["timeoutSeconds"]

    def unexpected(reason: str, attempts: int) -> CognitoError:
        _record(name, source, "UnexpectedLambdaException", attempts)
        return CognitoError("UnexpectedLambdaException", f"{key} invocation failed due to error {reason}.")

    if endpoint is None:
        raise unexpected("AccessDeniedException", 0)
    url = f"{endpoint}/2015-03-31/functions/{name}/invocations"
    body = json.dumps(ev).encode()
    with _unlocked():
        for attempt in range(1, ATTEMPTS + 1):
            try:
                status, headers, payload = _post(url, body, timeout)
                break
            except (OSError, http.client.HTTPException) as exc:
                reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
                if not isinstance(reason, TimeoutError):
                    # Nothing listens there, or the connection broke: the function cannot be invoked.
                    raise unexpected("ResourceNotFoundException", attempt)
                if attempt == ATTEMPTS:
                    raise unexpected("Socket timeout while invoking Lambda function", attempt)
    if status == 404:
        raise unexpected("ResourceNotFoundException", attempt)
    if status != 200:
        raise unexpected(headers.get("x-amzn-errortype") or "ServiceException", attempt)
    if headers.get("x-amz-function-error"):
        try:
            message = json.loads(payload).get("errorMessage") or ""
        except (ValueError, AttributeError):
            message = payload.decode("utf-8", "replace")
        _record(name, source, "UserLambdaValidationException", attempt)
        raise CognitoError("UserLambdaValidationException", f"{key} failed with error {message}.")
    try:
        answer = json.loads(payload)
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or not isinstance(answer.get("response"), dict):
        _record(name, source, "InvalidLambdaResponseException", attempt)
        raise CognitoError("InvalidLambdaResponseException", "Unrecognizable lambda output")
    _record(name, source, "answered", attempt)
    return answer


def invalid_output() -> CognitoError:
    return CognitoError("InvalidLambdaResponseException", "Invalid lambda function output : Invalid JSON")


# --------------------------------------------------------------------------
# Pre sign-up (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html)
# --------------------------------------------------------------------------


def pre_sign_up(pool: Any, source: str, user_name: str | None, client_id: str, user_agent: str | None, attributes: dict[str, str], validation_data: Any, client_metadata: Any) -> dict[str, bool]:
    """Runs the pool's pre sign-up trigger, if any, and returns its response flags (all false without
    one). A refusal or failure raises: the user is not created. "Response parameters autoVerifyPhone,
    autoVerifyEmail and autoConfirmUser are ignored by Amazon Cognito when the Pre Sign-up lambda is
    triggered by the AdminCreateUser API" (the page above): the caller ignores them there."""
    request: dict[str, Any] = {
        "userAttributes": dict(attributes),
        "validationData": _name_values(validation_data),
    }
    metadata = client_metadata if isinstance(client_metadata, dict) and client_metadata else None
    if metadata is not None:
        request["clientMetadata"] = dict(metadata)
    response = {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False}
    answer = invoke(pool, "PreSignUp", event(pool, source, user_name, client_id, user_agent, request, response))
    if answer is None:
        return response
    flags = answer["response"]
    out = {}
    for k in response:
        v = flags.get(k, False)
        if v is None:
            v = False
        if not isinstance(v, bool):
            raise invalid_output()
        out[k] = v
    # "If autoVerifyEmail is set to true, the email attribute must have a valid, non-null value.
    # Otherwise an error will occur and the user will not be able to complete sign-up." (same for phone)
    if out["autoVerifyEmail"] and not attributes.get("email") or out["autoVerifyPhone"] and not attributes.get("phone_number"):
        raise CognitoError("InvalidParameterException", "autoVerify is set for an attribute the user does not have.")
    return out


def _name_values(value: Any) -> dict[str, str] | None:
    """SignUp's ValidationData (a list of {Name, Value}) as the event's map; null when none was sent."""
    if not value:
        return None
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    return {str(a.get("Name")): str(a.get("Value", "")) for a in value if isinstance(a, dict)}


def new_username() -> str:
    """The username Cognito generates for a user of a pool that signs in with email (its `sub`)."""
    return str(uuid.uuid4())


def adopt_username(pool: Any, user: Any, username: str) -> None:
    """Gives a user moto just created the username (and sub) the pre sign-up event announced."""
    if user.username == username:
        return
    pool.users.pop(user.username, None)
    user.id = username
    user.username = username
    user.update_attributes([{"Name": "sub", "Value": username}])
    pool.users[username] = user



# --------------------------------------------------------------------------
# Pre token generation (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html)
#
# Run on every token issue, sign-in and refresh alike: "TokenGeneration_HostedAuth: Called during
# authentication from the Amazon Cognito managed login sign-in page" (here: the OAuth code grant),
# "TokenGeneration_Authentication: Called after user authentication flows have completed",
# "TokenGeneration_NewPasswordChallenge: Called after the user is created by an admin. This flow is
# invoked when the user has to change a temporary password", "TokenGeneration_RefreshTokens: Called
# when a user tries to refresh the identity and access tokens" (AuthenticateDevice: no device
# tracking here). With PreTokenGenerationConfig's LambdaVersion V2_0 the event is version "2": its
# request carries the scopes of the access token, and its response may change both tokens
# (claimsAndScopeOverrideDetails: idTokenGeneration, accessTokenGeneration with scopesToAdd and
# scopesToSuppress, groupOverrideDetails); V1_0's changes the ID token only (claimsOverrideDetails).
# "You can't add, suppress, or modify" the claims in RESERVED_CLAIMS; what a deployed pool does with
# an answer that tries is not documented: the emulator refuses it (InvalidLambdaResponseException),
# so a handler that only seems to work here fails here (first-deploy checklist).
# --------------------------------------------------------------------------

RESERVED_CLAIMS = {
    "acr", "amr", "aud", "at_hash", "auth_time", "azp", "cognito:username", "exp", "iat", "identities", "iss", "jti",
    "nbf", "nonce", "origin_jti", "sub", "token_use", "client_id", "scope", "username", "event_id",
}


def _pre_token_config(pool: Any) -> tuple[str, str] | None:
    """(LambdaConfig key, event version) of the pool's pre token generation trigger, if any."""
    config = pool.extended_config.get("LambdaConfig") or {}
    v2 = config.get("PreTokenGenerationConfig")
    if isinstance(v2, dict) and v2.get("LambdaArn"):
        return "PreTokenGenerationConfig", {"V2_0": "2", "V3_0": "3"}.get(v2.get("LambdaVersion") or "V1_0", "1")
    if config.get("PreTokenGeneration"):
        return "PreTokenGeneration", "1"
    return None


def pre_token_event(pool: Any, client: Any, user: Any, source: str, scope: str, version: str) -> dict[str, Any]:
    groups = sorted(user.groups, key=lambda g: g.group_name)
    ranked = sorted((g for g in groups if g.role_arn), key=lambda g: (g.precedence if g.precedence is not None else 2**31, g.group_name))
    attributes = {a["Name"]: a["Value"] for a in user.attributes if not a["Name"].startswith("dev:")}
    attributes["cognito:user_status"] = getattr(user.status, "value", str(user.status))
    request: dict[str, Any] = {
        "userAttributes": attributes,
        "groupConfiguration": {
            "groupsToOverride": [g.group_name for g in groups],
            "iamRolesToOverride": [g.role_arn for g in ranked],
            "preferredRole": ranked[0].role_arn if ranked else None,
        },
    }
    if version != "1":
        request["scopes"] = scope.split()
    response = {"claimsAndScopeOverrideDetails": None} if version != "1" else {"claimsOverrideDetails": None}
    ev = event(pool, source, user.username, client.id, request_user_agent(), request, response)
    ev["version"] = version
    return ev


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid_output()
    return value


def _apply_claims(claims: dict[str, Any], details: Any) -> None:
    if details is None:
        return
    if not isinstance(details, dict):
        raise invalid_output()
    add = details.get("claimsToAddOrOverride") or {}
    suppress = _strings(details.get("claimsToSuppress"))
    if not isinstance(add, dict):
        raise invalid_output()
    for name in [*add, *suppress]:
        if name in RESERVED_CLAIMS or name.startswith("cognito:"):
            raise CognitoError("InvalidLambdaResponseException", f"Invalid lambda function output : claim {name} cannot be changed")
    claims.update(add)
    for name in suppress:  # "If a value is both suppressed and replaced, then it will be suppressed."
        claims.pop(name, None)


def _apply_groups(access: dict[str, Any], id_claims: dict[str, Any], details: Any) -> None:
    """groupOverrideDetails replaces cognito:groups (and the roles) in both tokens; "If you provide an
    empty or null object in the response, then the groups are suppressed"."""
    if not isinstance(details, dict):
        details = {}
    groups = _strings(details.get("groupsToOverride"))
    roles = _strings(details.get("iamRolesToOverride"))
    for claims in (access, id_claims):
        for name in ("cognito:groups", "cognito:roles", "cognito:preferred_role"):
            claims.pop(name, None)
        if groups:
            claims["cognito:groups"] = groups
    if roles:
        id_claims["cognito:roles"] = roles
    if isinstance(details.get("preferredRole"), str):
        id_claims["cognito:preferred_role"] = details["preferredRole"]


def pre_token_generation(pool: Any, client: Any, user: Any, source: str, access: dict[str, Any], id_claims: dict[str, Any]) -> None:
    """Runs the pool's pre token generation trigger, if any, and applies its answer to the claims of
    the tokens about to be signed (access["scope"] included). A failure raises: no tokens."""
    found = _pre_token_config(pool)
    if found is None:
        return
    key, version = found
    answer = invoke(pool, key, pre_token_event(pool, client, user, source, access["scope"], version), label="PreTokenGeneration")
    if answer is None:
        return
    response = answer["response"]
    if version == "1":
        details = response.get("claimsOverrideDetails")
        if details is None:
            return
        if not isinstance(details, dict):
            raise invalid_output()
        _apply_claims(id_claims, details)
        if "groupOverrideDetails" in details:
            _apply_groups({}, id_claims, details["groupOverrideDetails"])
        return
    details = response.get("claimsAndScopeOverrideDetails")
    if details is None:
        return
    if not isinstance(details, dict):
        raise invalid_output()
    _apply_claims(id_claims, details.get("idTokenGeneration"))
    at = details.get("accessTokenGeneration")
    _apply_claims(access, at)
    if isinstance(at, dict):
        scopes = access["scope"].split()
        for s in _strings(at.get("scopesToAdd")):
            if s not in scopes:
                scopes.append(s)
        dropped = set(_strings(at.get("scopesToSuppress")))
        access["scope"] = " ".join(s for s in scopes if s not in dropped)
    if "groupOverrideDetails" in details:
        _apply_groups(access, id_claims, details["groupOverrideDetails"])

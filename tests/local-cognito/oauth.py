"""The user pool domain's OAuth 2.0 endpoints that federated sign-in uses, as Cognito's user pool
endpoints reference documents them (https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints.html):

    GET  /oauth2/authorize     with identity_provider (or idp_identifier): to the provider's sign-in
                               (https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html)
    GET  /oauth2/idpresponse   an OIDC provider's answer (https://docs.aws.amazon.com/cognito/latest/developerguide/oauth2-idpresponse-endpoint.html)
    POST /saml2/idpresponse    a SAML provider's answer (https://docs.aws.amazon.com/cognito/latest/developerguide/saml2-idpresponse-endpoint.html)
    POST /oauth2/token         authorization_code (PKCE S256) and refresh_token grants; client_credentials
                               in machine.py
                               (https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html,
                               https://docs.aws.amazon.com/cognito/latest/developerguide/using-pkce-in-authorization-code.html)
    GET|POST /oauth2/userInfo  (https://docs.aws.amazon.com/cognito/latest/developerguide/userinfo-endpoint.html)
    GET  /logout               (https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html)

Locally the pool's domain is the emulator's own address: every request names the app client
(client_id, its Basic credentials, the access token, or the emulator's own state), which names the
pool. What Cognito shows on its own error page (unknown client, a redirect_uri not among the
client's callback URLs: it never redirects there) is a 400 HTML page here; every other failure
ends on the app's redirect_uri with `error` and `error_description`
(https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoint-idp-responses.html).
Managed login (authorize without a provider) is not emulated.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import secrets
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import federation
import machine
import rotation
import saml_sp
from core import CognitoError, all_backends, find_client
from federation import FederationError
from tokens import ADMIN_SCOPE, live_access_token

PATHS = ("/oauth2/authorize", "/oauth2/idpresponse", "/saml2/idpresponse", "/oauth2/token", "/oauth2/userInfo", "/logout")

# "The response returns a one time use code that is valid for five minutes" (authorization endpoint page).
CODE_TTL_SECONDS = 300
# How long a sign-in may stay at the provider: not documented (first-deploy checklist).
PENDING_TTL_SECONDS = 900
# System-reserved scopes (authorization endpoint page); custom scopes are not emulated.
RESERVED_SCOPES = ("openid", "email", "phone", "profile", ADMIN_SCOPE)


@dataclass
class Pending:
    """A sign-in sent to a provider, waiting for its answer (keyed by the state / RelayState
    Cognito gave the provider)."""

    backend: Any
    pool_id: str
    client_id: str
    redirect_uri: str
    app_state: str | None
    scope: str
    provider: str
    code_challenge: str | None
    app_nonce: str | None
    upstream_nonce: str = ""
    saml_request_id: str = ""
    expires: float = field(default_factory=lambda: time.time() + PENDING_TTL_SECONDS)


@dataclass
class Code:
    backend: Any
    pool_id: str
    client_id: str
    redirect_uri: str
    username: str
    scope: str
    code_challenge: str | None
    nonce: str | None
    expires: float
    used: bool = False


PENDING: dict[str, Pending] = {}
CODES: dict[str, Code] = {}


# --------------------------------------------------------------------------
# Request and answer helpers
# --------------------------------------------------------------------------


class Request:
    def __init__(self, environ: dict[str, Any]) -> None:
        self.method = environ.get("REQUEST_METHOD", "GET")
        self.path = environ.get("PATH_INFO", "")
        self.query = _first(urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        self.headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        self.content_type = environ.get("CONTENT_TYPE", "")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        self.body = environ["wsgi.input"].read(length) if length else b""
        self.form: dict[str, str] = {}
        if self.content_type.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
            self.form = _first(urllib.parse.parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True))
        self.base = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}"

    def param(self, name: str) -> str | None:
        return self.form.get(name) if self.method == "POST" and name in self.form else self.query.get(name)


def _first(parsed: dict[str, list[str]]) -> dict[str, str]:
    return {k: v[0] for k, v in parsed.items() if v}


class Answer:
    def __init__(self, status: int, body: bytes = b"", headers: list[tuple[str, str]] | None = None) -> None:
        self.status, self.body, self.headers = status, body, headers or []


REASONS = {200: "OK", 302: "Found", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed", 501: "Not Implemented"}


def redirect(url: str, extra: list[tuple[str, str]] | None = None) -> Answer:
    return Answer(302, b"", [("Location", url), ("Cache-Control", "no-store")] + (extra or []))


def error_page(status: int, message: str) -> Answer:
    body = f"<!doctype html><title>Error</title><h1>An error was encountered with the requested page.</h1><p id=\"error\">{html.escape(message)}</p>"
    return Answer(status, body.encode(), [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")])


def json_answer(status: int, value: Any, extra: list[tuple[str, str]] | None = None) -> Answer:
    return Answer(status, json.dumps(value).encode(), [("Content-Type", "application/json;charset=UTF-8"), ("Cache-Control", "no-store"), ("Pragma", "no-cache")] + (extra or []))


def with_params(url: str, params: dict[str, str | None]) -> str:
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
    return f"{url}{'&' if '?' in url else '?'}{query}"


def serve(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    req = Request(environ)
    handlers = {
        "/oauth2/authorize": ("GET", authorize),
        "/oauth2/idpresponse": ("GET", oidc_response),
        "/saml2/idpresponse": ("POST", saml_response),
        "/oauth2/token": ("POST", token),
        "/oauth2/userInfo": ("GET POST", userinfo),
        "/logout": ("GET", logout),
    }
    methods, handler = handlers[req.path]
    if req.method not in methods.split():
        answer = error_page(405, f"{req.path} accepts {methods}")
    else:
        answer = handler(req)
    headers = answer.headers + [("Content-Length", str(len(answer.body)))]
    start_response(f"{answer.status} {REASONS.get(answer.status, 'Error')}", headers)
    return [answer.body]


def _client(client_id: str | None) -> tuple[Any, Any, Any] | None:
    try:
        return find_client(client_id)
    except CognitoError:
        return None


def _pool(backend: Any, pool_id: str) -> Any:
    return backend.user_pools.get(pool_id)


# --------------------------------------------------------------------------
# /oauth2/authorize
# --------------------------------------------------------------------------


def authorize(req: Request) -> Answer:
    found = _client(req.query.get("client_id"))
    if found is None:
        return error_page(400, "invalid_request: unknown client_id")
    backend, pool, client = found
    cfg = client.extended_config
    redirect_uri = req.query.get("redirect_uri") or ""
    # Exact match against the client's callback URLs; never a redirect to an unregistered address.
    if redirect_uri not in (cfg.get("CallbackURLs") or []):
        return error_page(400, "redirect_mismatch")
    state = req.query.get("state")

    def fail(error: str, description: str | None = None) -> Answer:
        return redirect(with_params(redirect_uri, {"error_description": description, "error": error, "state": state}))

    response_type = req.query.get("response_type")
    if not response_type:
        return fail("invalid_request", "response_type is required")
    if not cfg.get("AllowedOAuthFlowsUserPoolClient") or response_type not in (cfg.get("AllowedOAuthFlows") or []):
        return fail("unauthorized_client")
    if response_type != "code":
        return fail("unsupported_response_type", "only the authorization code grant is emulated")
    method, challenge = req.query.get("code_challenge_method"), req.query.get("code_challenge")
    if (challenge and not method) or (method and method != "S256") or (method and not challenge):
        return fail("invalid_request", "code_challenge_method must be S256 with a code_challenge")
    allowed = cfg.get("AllowedOAuthScopes") or []
    requested = (req.query.get("scope") or "").split() or list(allowed)
    if any(s not in allowed for s in requested):
        return fail("invalid_scope")
    if any(s in ("email", "phone", "profile") for s in requested) and "openid" not in requested:
        return fail("invalid_scope", "email, phone and profile need openid")
    if "identity_provider" in req.query:
        idp = federation.provider(pool, req.query["identity_provider"])
    elif "idp_identifier" in req.query:
        idp = federation.by_identifier(pool, req.query["idp_identifier"])
    else:
        return error_page(501, "managed login is not emulated: name an identity_provider")
    if idp is None or idp.name not in (cfg.get("SupportedIdentityProviders") or []):
        return fail("invalid_request", "identity provider not found or not enabled for the client")

    pending = Pending(backend, pool.id, client.id, redirect_uri, state, " ".join(requested), idp.name, challenge, req.query.get("nonce"))
    key = secrets.token_urlsafe(32)
    try:
        if federation.provider_type(idp) == "SAML":
            url, pending.saml_request_id = saml_sp.authn_request(pool, idp, f"{req.base}/saml2/idpresponse", key)
        else:
            pending.upstream_nonce = secrets.token_urlsafe(24)
            url = federation.oidc_authorize_url(idp, f"{req.base}/oauth2/idpresponse", key, pending.upstream_nonce)
    except FederationError as e:
        return fail(e.error, e.description)
    _forget_expired()
    PENDING[key] = pending
    return redirect(url)


def _forget_expired() -> None:
    now = time.time()
    for table in (PENDING, CODES):
        for k in [k for k, v in table.items() if v.expires < now - CODE_TTL_SECONDS]:
            table.pop(k, None)


def _take_pending(key: str | None) -> Pending | None:
    pending = PENDING.pop(key or "", None)
    if pending is None or pending.expires < time.time():
        return None
    return pending


# --------------------------------------------------------------------------
# The providers' answers
# --------------------------------------------------------------------------


def _answered(key: str | None) -> tuple[Pending, Any, Any] | None:
    """The pending sign-in a provider's answer names (spent now, whatever the answer), its pool and provider."""
    pending = _take_pending(key)
    if pending is None:
        return None
    pool = _pool(pending.backend, pending.pool_id)
    return pending, pool, federation.provider(pool, pending.provider)


def oidc_response(req: Request) -> Answer:
    found = _answered(req.query.get("state"))
    if found is None:
        return error_page(400, "invalid_request: unknown or expired state")
    pending, pool, idp = found
    if "error" in req.query:
        # "When an OIDC or OAuth 2.0 IdP returns an error that conforms to standards, Amazon Cognito
        # redirects your user to the callback URL and adds the provider error response to the error
        # request parameters" (federation error responses page).
        desc = " ".join(x for x in (f"{pending.provider} Error -", req.query.get("error"), req.query.get("error_description")) if x)
        return _to_app(pending, {"error_description": desc, "error": req.query["error"]})
    try:
        claims = federation.oidc_claims(idp, req.query.get("code") or "", f"{req.base}/oauth2/idpresponse", pending.upstream_nonce)
        user = federation.sign_in_federated_user(pending.backend, pool, idp, federation.subject(idp, claims), federation.mapped_attributes(idp, claims))
    except FederationError as e:
        return _to_app(pending, {"error_description": e.description, "error": e.error})
    return _issue_code(pending, user)


def saml_response(req: Request) -> Answer:
    found = _answered(req.form.get("RelayState"))
    if found is None:
        # IdP-initiated sign-in (no RelayState of ours) is off, as it is by default (IDPInit).
        return error_page(400, "invalid_request: unsolicited or expired SAML response")
    pending, pool, idp = found
    try:
        assertion = saml_sp.verified_assertion(pool, idp, req.form.get("SAMLResponse") or "", f"{req.base}/saml2/idpresponse", pending.saml_request_id)
        claims = {"name_id": assertion["name_id"], **assertion["attributes"]}
        user_id = claims.get((idp.extended_config.get("AttributeMapping") or {}).get("username") or "name_id") or assertion["name_id"]
        user = federation.sign_in_federated_user(pending.backend, pool, idp, str(user_id), federation.mapped_attributes(idp, claims))
    except FederationError as e:
        return _to_app(pending, {"error_description": e.description, "error": e.error})
    return _issue_code(pending, user)


def _to_app(pending: Pending, params: dict[str, str | None]) -> Answer:
    return redirect(with_params(pending.redirect_uri, {**params, "state": pending.app_state}))


def _issue_code(pending: Pending, user: Any) -> Answer:
    code = secrets.token_urlsafe(27)
    CODES[code] = Code(
        pending.backend, pending.pool_id, pending.client_id, pending.redirect_uri, user.username, pending.scope,
        pending.code_challenge, pending.app_nonce, time.time() + CODE_TTL_SECONDS,
    )
    return _to_app(pending, {"code": code})


# --------------------------------------------------------------------------
# /oauth2/token
# --------------------------------------------------------------------------


def token_error(error: str, status: int = 400) -> Answer:
    return json_answer(status, {"error": error})


def token(req: Request) -> Answer:
    if req.content_type.split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        return token_error("invalid_request")
    client_id, secret = req.form.get("client_id"), req.form.get("client_secret")
    auth = req.headers.get("authorization", "")
    if auth[:6].lower() == "basic ":
        try:
            basic_id, _, basic_secret = base64.b64decode(auth[6:].strip()).decode().partition(":")
        except ValueError:
            return token_error("invalid_client")
        client_id, secret = urllib.parse.unquote_plus(basic_id), urllib.parse.unquote_plus(basic_secret)
    found = _client(client_id)
    if found is None:
        return token_error("invalid_client")
    backend, pool, client = found
    if client.generate_secret and not hmac.compare_digest((secret or "").encode(), client.secret.encode()):
        return token_error("invalid_client")
    grant = req.form.get("grant_type")
    if grant == "authorization_code":
        return _code_grant(req, backend, pool, client)
    if grant == "refresh_token":
        if not req.form.get("refresh_token"):
            return token_error("invalid_request")
        try:
            result = rotation.get_tokens(backend, pool, client, req.form["refresh_token"])["AuthenticationResult"]
        except CognitoError:
            return token_error("invalid_grant")
        out = {"id_token": result["IdToken"], "access_token": result["AccessToken"], "expires_in": result["ExpiresIn"], "token_type": "Bearer"}
        if "RefreshToken" in result:
            out["refresh_token"] = result["RefreshToken"]
        return json_answer(200, out)
    if grant == "client_credentials":
        status, body = machine.client_credentials(pool, client, req.form)
        return json_answer(status, body)
    return token_error("unsupported_grant_type")


def _code_grant(req: Request, backend: Any, pool: Any, client: Any) -> Answer:
    if "code" not in (client.extended_config.get("AllowedOAuthFlows") or []):
        return token_error("unauthorized_client")
    code = CODES.get(req.form.get("code") or "")
    # One use: a code presented once is spent, whatever the outcome ("Authorization code has been
    # consumed already or does not exist": invalid_grant).
    if code is None or code.used or code.expires < time.time() or code.client_id != client.id or code.pool_id != pool.id:
        return token_error("invalid_grant")
    code.used = True
    if req.form.get("redirect_uri") != code.redirect_uri:
        return token_error("invalid_grant")
    if code.code_challenge is not None:
        verifier = req.form.get("code_verifier") or ""
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if not hmac.compare_digest(digest.encode(), code.code_challenge.encode()):
            return token_error("invalid_grant")
    user = pool.users.get(code.username)
    if user is None or not user.enabled:
        return token_error("invalid_grant")
    from tokens import HOSTED, issue_tokens  # the one place every sign-in ends

    try:
        result = issue_tokens(backend, pool, client, user, scope=code.scope, nonce=code.nonce, source=HOSTED)["AuthenticationResult"]
    except CognitoError:
        # A failing pre token generation trigger: no tokens. What the token endpoint answers then is
        # not documented (first-deploy checklist); the emulator answers invalid_request, as RFC 6749 5.2 allows.
        return token_error("invalid_request")
    out: dict[str, Any] = {"access_token": result["AccessToken"], "refresh_token": result["RefreshToken"]}
    if "openid" in code.scope.split():
        out["id_token"] = result["IdToken"]
    out.update({"token_type": "Bearer", "expires_in": result["ExpiresIn"]})
    return json_answer(200, out)


# --------------------------------------------------------------------------
# /oauth2/userInfo and /logout
# --------------------------------------------------------------------------


def userinfo(req: Request) -> Answer:
    auth = req.headers.get("authorization", "")
    bearer = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
    challenge = [("WWW-Authenticate", 'Bearer error="invalid_token"')]
    try:
        _, _, user = live_access_token(bearer, scope="openid")
    except CognitoError:
        return json_answer(401, {"error": "invalid_token", "error_description": "Access token is invalid or lacks the openid scope"}, challenge)
    from tokens import TOKENS, SCOPE_CLAIMS

    scopes = TOKENS[bearer].scope.split()
    limited = set().union(*SCOPE_CLAIMS.values())
    out: dict[str, str] = {}
    for attr in user.attributes:
        name = attr["Name"]
        if name.startswith("dev:"):
            continue
        if name in limited and ADMIN_SCOPE not in scopes and not any(name in SCOPE_CLAIMS[s] for s in scopes if s in SCOPE_CLAIMS):
            continue
        out[name] = attr["Value"]  # strings, as the page's sample answer shows ("email_verified": "true")
    out["username"] = user.username
    return json_answer(200, out)


def logout(req: Request) -> Answer:
    found = _client(req.query.get("client_id"))
    if found is None:
        return error_page(400, "invalid_request: unknown client_id")
    _, _, client = found
    logout_uri = req.query.get("logout_uri")
    if logout_uri is None:
        return error_page(501, "logout with redirect_uri signs in again through managed login, which is not emulated")
    if logout_uri not in (client.extended_config.get("LogoutURLs") or []):
        return error_page(400, "invalid_request: logout_uri is not among the client's sign-out URLs")
    # Ends the domain's own session: Cognito's session cookie (named `cognito`; not used otherwise here).
    return redirect(logout_uri, [("Set-Cookie", "cognito=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax")])


def reset() -> None:
    PENDING.clear()
    CODES.clear()


__all__ = ["PATHS", "serve", "reset", "all_backends"]

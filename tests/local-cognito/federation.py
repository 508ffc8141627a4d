"""Federation: the pool's third-party identity providers as Cognito uses them, for the pool
endpoints of oauth.py.

- OIDC and Google providers: the provider's endpoints (discovered at `oidc_issuer`), the
  authorization request Cognito sends, the code exchange at the provider's token endpoint with the
  client secret, the ID token check (signature by the provider's JWKS, issuer, audience, expiry,
  nonce), and the claims (ID token and userinfo);
- SAML providers: saml_sp.py (the service provider side);
- federated users as Cognito makes them: username `<ProviderName>_<id>`, the `identities`
  attribute, the provider's group `<poolId>_<ProviderName>`, mapped attributes updated at every
  sign-in.

Pages: OIDC IdPs https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-oidc-idp.html
(the flow: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-oidc-flow.html),
ProviderDetails keys https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateIdentityProvider.html,
attribute mapping https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-specifying-attribute-mapping.html,
federated users and their group https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-identity-federation.html
and https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-user-groups.html.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from joserfc import jwt as jose_jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from moto.cognitoidp import models as cm
from moto.cognitoidp.responses import CognitoIdpResponse

from core import CognitoError

# Google's endpoints as Cognito fills them in for a Google provider (DescribeIdentityProvider shows
# them in ProviderDetails). The emulator cannot reach Google: make dev and the tests give the local
# provider's oidc_issuer in ProviderDetails instead, which the emulator honours for Google too
# (a divergence: emulator.md).
GOOGLE_ISSUER = "https://accounts.google.com"

UPSTREAM_TIMEOUT_SECONDS = 5


class FederationError(Exception):
    """A sign-in the provider refused or that could not be checked: ends on the app's callback URL
    with `error` and `error_description`, as Cognito's "Managed login and federation error responses"
    describes (https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoint-idp-responses.html)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


# --------------------------------------------------------------------------
# The pool's providers
# --------------------------------------------------------------------------


def provider(pool: Any, name: str | None) -> Any:
    return pool.identity_providers.get(name or "")


def provider_type(idp: Any) -> str:
    return idp.extended_config.get("ProviderType") or ""


def details(idp: Any) -> dict[str, str]:
    return idp.extended_config.get("ProviderDetails") or {}


def by_identifier(pool: Any, identifier: str) -> Any:
    """The provider an `idp_identifier` names (IdpIdentifiers of CreateIdentityProvider)."""
    for idp in pool.identity_providers.values():
        if identifier in (idp.extended_config.get("IdpIdentifiers") or []):
            return idp
    return None


def _http(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=UPSTREAM_TIMEOUT_SECONDS) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        raise FederationError("invalid_request", f"Timeout occurred in calling IdP endpoint ({type(e).__name__})") from None


def _json(url: str, what: str, name: str, **kw: Any) -> dict[str, Any]:
    status, body = _http(url, **kw)
    try:
        value = json.loads(body)
    except ValueError:
        value = None
    if status != 200 or not isinstance(value, dict):
        error = value.get("error", "") if isinstance(value, dict) else ""
        raise FederationError("invalid_request", f"{name} Error - {status} {error} error getting {what}".replace("  ", " "))
    return value


def oidc_endpoints(idp: Any) -> dict[str, str]:
    """authorize_url, token_url, attributes_url, jwks_uri: as given in ProviderDetails, else
    discovered at <oidc_issuer>/.well-known/openid-configuration ("The following keys are only
    present if Amazon Cognito didn't discover them at the oidc_issuer URL", CreateIdentityProvider)."""
    d = details(idp)
    issuer = (d.get("oidc_issuer") or (GOOGLE_ISSUER if provider_type(idp) == "Google" else "")).rstrip("/")
    found: dict[str, Any] = {}
    if not all(d.get(k) for k in ("authorize_url", "token_url", "jwks_uri")):
        found = _json(f"{issuer}/.well-known/openid-configuration", "openid-configuration", idp.name)
    return {
        "issuer": found.get("issuer") or issuer,
        "authorize_url": d.get("authorize_url") or found.get("authorization_endpoint", ""),
        "token_url": d.get("token_url") or found.get("token_endpoint", ""),
        "attributes_url": d.get("attributes_url") or found.get("userinfo_endpoint", ""),
        "jwks_uri": d.get("jwks_uri") or found.get("jwks_uri", ""),
    }


def oidc_authorize_url(idp: Any, redirect_uri: str, state: str, nonce: str) -> str:
    """Where Cognito sends the browser: the provider's authorize endpoint with Cognito's own client
    id, redirect URI (/oauth2/idpresponse), state and nonce, and the provider's authorize_scopes."""
    d = details(idp)
    query = {
        "client_id": d.get("client_id", ""),
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": d.get("authorize_scopes", "openid"),
        "state": state,
        "nonce": nonce,
    }
    return f"{oidc_endpoints(idp)['authorize_url']}?{urllib.parse.urlencode(query)}"


def oidc_claims(idp: Any, code: str, redirect_uri: str, nonce: str) -> dict[str, Any]:
    """Exchanges the provider's code (client secret in the body), checks the ID token, and returns
    its claims merged with the provider's userinfo answer (attributes_request_method)."""
    d = details(idp)
    ep = oidc_endpoints(idp)
    form = urllib.parse.urlencode(
        {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "client_id": d.get("client_id", ""), "client_secret": d.get("client_secret", "")}
    ).encode()
    tokens = _json(ep["token_url"], "token", idp.name, data=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str):
        raise FederationError("invalid_request", f"{idp.name} Error - no id_token in the token response")
    claims = verify_id_token(idp, ep, id_token, nonce)
    access = tokens.get("access_token")
    if ep["attributes_url"] and isinstance(access, str):
        method = (d.get("attributes_request_method") or "GET").upper()
        headers = {"Authorization": f"Bearer {access}"}
        info = _json(ep["attributes_url"], "attributes", idp.name, data=b"" if method == "POST" else None, headers=headers)
        if info.get("sub") not in (None, claims.get("sub")):
            raise FederationError("invalid_request", f"{idp.name} Error - userinfo sub does not match the id_token")
        claims = {**info, **claims}
    return claims


def verify_id_token(idp: Any, ep: dict[str, str], id_token: str, nonce: str) -> dict[str, Any]:
    keys = _json(ep["jwks_uri"], "jwks", idp.name)
    try:
        token = jose_jwt.decode(id_token, KeySet.import_key_set(keys), algorithms=["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256"])
    except (JoseError, ValueError) as e:
        raise FederationError("invalid_request", f"{idp.name} Error - invalid id_token signature ({type(e).__name__})") from None
    c = token.claims
    now = time.time()
    aud = c.get("aud")
    auds = aud if isinstance(aud, list) else [aud]
    problems = [
        (c.get("iss") != ep["issuer"], "issuer"),
        (details(idp).get("client_id") not in auds, "audience"),
        (not isinstance(c.get("exp"), (int, float)) or c["exp"] <= now, "expiry"),
        (c.get("nonce") != nonce, "nonce"),
        (not c.get("sub"), "subject"),
    ]
    for bad, what in problems:
        if bad:
            raise FederationError("invalid_request", f"{idp.name} Error - invalid id_token {what}")
    return dict(c)


# --------------------------------------------------------------------------
# Federated users
# --------------------------------------------------------------------------


def mapped_attributes(idp: Any, claims: dict[str, Any]) -> list[dict[str, str]]:
    """The pool attributes the provider's AttributeMapping gives from `claims` (pool attribute ->
    provider attribute). Only claims present are mapped ("Amazon Cognito will map incoming claims
    to user pool attributes only if the claims exist in the incoming token"); an email without a
    mapped email_verified is unverified ("By default, mapped email addresses are unverified")."""
    out: list[dict[str, str]] = []
    for pool_attr, idp_attr in (idp.extended_config.get("AttributeMapping") or {}).items():
        if pool_attr == "username" or idp_attr not in claims:
            continue
        value = claims[idp_attr]
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, list):
            value = ",".join(urllib.parse.quote(str(v), safe=".-*_") for v in value)
        out.append({"Name": pool_attr, "Value": str(value)})
    names = {a["Name"] for a in out}
    if "email" in names and "email_verified" not in names:
        out.append({"Name": "email_verified", "Value": "false"})
    return out


def subject(idp: Any, claims: dict[str, Any]) -> str:
    """The provider's user id: the attribute `username` is mapped to (default `sub`)."""
    source = (idp.extended_config.get("AttributeMapping") or {}).get("username") or "sub"
    value = claims.get(source)
    if not value:
        raise FederationError("invalid_request", f"{idp.name} Error - no {source} for the user")
    return str(value)


def group_name(pool: Any, idp: Any) -> str:
    return f"{pool.id}_{idp.name}"


def sign_in_federated_user(backend: Any, pool: Any, idp: Any, user_id: str, attributes: list[dict[str, str]]) -> Any:
    """The pool user of this provider's user: created on the first sign-in (username
    `<ProviderName>_<id>`, status EXTERNAL_PROVIDER, the `identities` attribute, in the provider's
    group), its mapped attributes updated at each later one."""
    username = f"{idp.name}_{user_id}"
    user = pool.users.get(username)
    if user is None:
        identities = [
            {
                "userId": user_id,
                "providerName": idp.name,
                "providerType": provider_type(idp),
                "issuer": details(idp).get("oidc_issuer") if provider_type(idp) == "OIDC" else None,
                "primary": True,
                "dateCreated": int(time.time() * 1000),
            }
        ]
        user = cm.CognitoIdpUser(pool.id, username, None, "EXTERNAL_PROVIDER", [{"Name": "identities", "Value": json.dumps(identities)}])
        pool.users[username] = user
        name = group_name(pool, idp)
        group = pool.groups.get(name)
        if group is None:
            group = cm.CognitoIdpGroup(pool.id, name, f"Autogenerated group for users who sign in using {idp.name}", None, None)
            pool.groups[name] = group
        group.users.add(user)
        user.groups.add(group)
    if not user.enabled:
        raise FederationError("invalid_request", "User is disabled.")
    if attributes:
        user.update_attributes(attributes)
    return user


def identities_claim(value: str) -> list[dict[str, Any]] | None:
    """The ID token's `identities` claim from the attribute: the same objects, with `primary` and
    `dateCreated` as strings, as Cognito's ID tokens carry them (first-deploy check)."""
    try:
        items = json.loads(value)
    except ValueError:
        return None
    if not isinstance(items, list):
        return None
    out = []
    for item in items:
        if isinstance(item, dict):
            out.append({k: (str(v).lower() if isinstance(v, bool) else str(v) if k == "dateCreated" else v) for k, v in item.items()})
    return out


def check_provider_details(provider_type_: str, provider_details: dict[str, Any]) -> None:
    """The keys CreateIdentityProvider requires per type (its API reference lists them)."""
    need = {
        "Google": ("client_id", "client_secret", "authorize_scopes"),
        "OIDC": ("client_id", "attributes_request_method", "oidc_issuer", "authorize_scopes"),
    }.get(provider_type_, ())
    missing = [k for k in need if not provider_details.get(k)]
    if provider_type_ == "SAML" and not (provider_details.get("MetadataURL") or provider_details.get("MetadataFile")):
        missing.append("MetadataURL or MetadataFile")
    if missing:
        raise CognitoError("InvalidParameterException", f"ProviderDetails is missing {', '.join(missing)} for a {provider_type_} provider")


class IdentityProviderOperations(CognitoIdpResponse):
    """CreateIdentityProvider / UpdateIdentityProvider with the ProviderDetails keys each type needs
    (moto accepts any), and AttributeMapping's default for SAML (moto maps username to sub for every
    type; a SAML user's id is the NameID)."""

    def create_identity_provider(self) -> Any:
        check_provider_details(self._get_param("ProviderType") or "", self._get_param("ProviderDetails") or {})
        return super().create_identity_provider()

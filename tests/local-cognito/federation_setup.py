#!/usr/bin/env python3
"""Configures federated sign-in on a local pool the way the stack does on a deployed one, through
Cognito's own API: a user pool domain, the three local identity providers of tests/idp/server.mjs
(Google, EntraID as a generic OIDC provider, CorpSAML by metadata URL) with the scopes and attribute
mappings of cdk/federation.json, and the app client's OAuth settings (the authorization code
grant, the scopes of cdk/federation.json, the API's callback URL, those providers).

    .venv/bin/python tests/local-cognito/federation_setup.py --endpoint URL --user-pool-id P --client-id C \\
        --idp-ready FILE --callback-url URL [--logout-url URL]... [--trusted-for-linking NAME]...

--idp-ready is the file holding the ready line of tests/idp/server.mjs. Prints one JSON line: the
pool domain and each provider's name and type.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

DEFINITION = json.loads((Path(__file__).resolve().parents[2] / "cdk" / "federation.json").read_text())
DOMAIN_PREFIX = "local-auth"


def provider_settings(key: str, idp_ready: dict[str, Any]) -> dict[str, Any]:
    """CreateIdentityProvider's arguments for one local provider (cdk/federation.json localProviders)."""
    local = DEFINITION["localProviders"][key]
    kind = local["type"]
    defaults = DEFINITION["providerTypes"][kind]
    upstream = idp_ready[key]
    if kind == "SAML":
        provider_details = {"MetadataURL": upstream["metadataUrl"]}
    else:
        provider_details = {
            "client_id": upstream["clientId"],
            "client_secret": upstream["clientSecret"],
            "authorize_scopes": " ".join(defaults["authorizeScopes"]),
            # For Google, the local stand-in's issuer in place of https://accounts.google.com.
            "oidc_issuer": upstream["issuer"],
        }
        if kind == "OIDC":
            provider_details["attributes_request_method"] = defaults["attributesRequestMethod"]
    return {
        "ProviderName": local["name"],
        "ProviderType": kind,
        "ProviderDetails": provider_details,
        "AttributeMapping": dict(defaults["attributeMapping"]),
    }


def configure(endpoint: str, pool_id: str, client_id: str, idp_ready: dict[str, Any], callback_urls: list[str], logout_urls: list[str]) -> dict[str, Any]:
    import boto3  # the emulator's virtualenv has it (moto)

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    cognito = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=endpoint)
    cognito.create_user_pool_domain(Domain=DOMAIN_PREFIX, UserPoolId=pool_id)
    names = []
    for key in DEFINITION["localProviders"]:
        if key == "description":
            continue
        settings = provider_settings(key, idp_ready)
        cognito.create_identity_provider(UserPoolId=pool_id, **settings)
        names.append({"name": settings["ProviderName"], "type": settings["ProviderType"]})
    current = cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]
    keep = {k: v for k, v in current.items() if k not in ("UserPoolId", "ClientId", "ClientSecret", "CreationDate", "LastModifiedDate")}
    cognito.update_user_pool_client(
        UserPoolId=pool_id,
        ClientId=client_id,
        **{
            **keep,
            "AllowedOAuthFlowsUserPoolClient": True,
            "AllowedOAuthFlows": ["code"],
            "AllowedOAuthScopes": DEFINITION["oauthScopes"]["scopes"],
            "CallbackURLs": callback_urls,
            "LogoutURLs": logout_urls,
            "SupportedIdentityProviders": ["COGNITO", *[n["name"] for n in names]],
        },
    )
    return {"poolDomain": endpoint, "providers": names}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--endpoint", required=True)
    p.add_argument("--user-pool-id", required=True)
    p.add_argument("--client-id", required=True)
    p.add_argument("--idp-ready", required=True, help="file with the ready line of tests/idp/server.mjs")
    p.add_argument("--callback-url", action="append", required=True)
    p.add_argument("--logout-url", action="append", default=[])
    a = p.parse_args(argv)
    ready = json.loads(Path(a.idp_ready).read_text())
    print(json.dumps(configure(a.endpoint, a.user_pool_id, a.client_id, ready, a.callback_url, a.logout_url)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Prints an access token for a fresh confirmed user of the local API, for schemathesis to send on
bearer routes: registers `contract-<random>@example.com`, verifies it with DEV_CONFIRMATION_CODE
(every code the local Cognito emulator accepts) and logs in.

    .venv/bin/python tests/contract/session.py http://127.0.0.1:PORT
"""
import json
import os
import secrets
import sys
import urllib.request


def post(base: str, path: str, body: dict) -> dict:
    req = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)


def main() -> None:
    base = sys.argv[1].rstrip("/")
    email = f"contract-{secrets.token_hex(6)}@example.com"
    password = "Contract-" + secrets.token_urlsafe(12) + "1!"
    post(base, "/auth/register", {"email": email, "password": password})
    post(base, "/auth/verify", {"email": email, "code": os.environ.get("DEV_CONFIRMATION_CODE", "123456")})
    tokens = post(base, "/auth/login", {"email": email, "password": password})
    print(tokens["accessToken"])


if __name__ == "__main__":
    main()

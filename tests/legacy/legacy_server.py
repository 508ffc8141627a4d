"""A small legacy authentication server: the system users are migrated from, as the user migration trigger
(lambda/auth-api/src/triggers/user_migration.rs) sees it. For the tests and `make dev`; the contract it
answers is docs/api.md's "Moving users in from a legacy system".

Passwords are stored as Argon2id hashes (argon2-cffi, the reference implementation's bindings), never in
the clear. Every request must carry the HMAC-SHA256 signature of the user migration trigger
(X-Legacy-Auth-Timestamp, X-Legacy-Auth-Signature: v1=<hex>, over "v1:<timestamp>:<body>") made with the
shared secret, within 5 minutes of the server's clock; anything else is answered 401 and authenticates
nobody.

    python tests/legacy/legacy_server.py --port 8790 --secret-file .dev/legacy-secret \
        --user alice@example.com:Legacy-Passw0rd!

(or the secret in the environment variable LEGACY_AUTH_SECRET instead of --secret-file).

The contract endpoint is POST /authenticate. What the tests use besides it (never part of the contract):
    GET  /_stats          {"requests": n, "verified": n}: requests received, requests whose signature held
    POST /_mode           {"mode": "ok" | "garbage" | "slow" | "error"[, "delaySeconds": s]}: how to answer
                          ("error": the usual answer, with status 500)
    POST /_users          {"username": ..., "password": ..., "emailVerified": bool}: adds a legacy user
    DELETE /_stats        resets the counters
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MAX_SKEW_SECONDS = 300
MAX_BODY = 4096
HASHER = PasswordHasher()  # Argon2id with argon2-cffi's defaults (RFC 9106's second recommended option)


class Legacy:
    """The legacy directory: username -> (Argon2id hash, emailVerified), and how to answer."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret
        self.lock = threading.Lock()
        self.users: dict[str, tuple[str, bool]] = {}
        self.mode = "ok"
        self.delay = 0.0
        self.requests = 0
        self.verified = 0

    def add(self, username: str, password: str, email_verified: bool = True) -> None:
        with self.lock:
            self.users[username.lower()] = (HASHER.hash(password), email_verified)

    def signature_holds(self, timestamp: str | None, signature: str | None, body: bytes) -> bool:
        if not timestamp or not signature or not timestamp.isdigit():
            return False
        if abs(time.time() - int(timestamp)) > MAX_SKEW_SECONDS:
            return False
        expected = hmac.new(self.secret, b"v1:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(("v1=" + expected).encode(), signature.encode())

    def answer(self, request: dict[str, Any]) -> dict[str, Any]:
        """The contract: {"found": true, "emailVerified": bool} or {"found": false}."""
        username = request.get("username")
        action = request.get("action")
        if not isinstance(username, str) or action not in ("authenticate", "lookup"):
            raise ValueError("bad request")
        with self.lock:
            entry = self.users.get(username.lower())
        if entry is None:
            # Hash anyway: an unknown user costs the same as a wrong password.
            if action == "authenticate":
                try:
                    HASHER.verify(DUMMY_HASH, str(request.get("password", "")))
                except VerificationError:
                    pass
            return {"found": False}
        stored, email_verified = entry
        if action == "authenticate":
            password = request.get("password")
            if not isinstance(password, str):
                raise ValueError("bad request")
            try:
                HASHER.verify(stored, password)
            except (VerificationError, InvalidHashError):
                return {"found": False}
        return {"found": True, "emailVerified": email_verified}


DUMMY_HASH = HASHER.hash("not a password of anyone")


def handler_for(legacy: Legacy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt: str, *args: Any) -> None:  # quiet; the tests read /_stats
            pass

        def send_json(self, status: int, body: Any, content_type: str = "application/json") -> None:
            raw = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def read_body(self) -> bytes | None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                return None
            return self.rfile.read(length) if length else b""

        def do_GET(self) -> None:
            if self.path == "/_stats":
                with legacy.lock:
                    return self.send_json(200, {"requests": legacy.requests, "verified": legacy.verified})
            self.send_json(404, {"error": "not found"})

        def do_DELETE(self) -> None:
            if self.path == "/_stats":
                with legacy.lock:
                    legacy.requests = legacy.verified = 0
                return self.send_json(200, {"requests": 0, "verified": 0})
            self.send_json(404, {"error": "not found"})

        def do_POST(self) -> None:
            body = self.read_body()
            if body is None:
                return self.send_json(413, {"error": "too large"})
            if self.path == "/_mode":
                b = json.loads(body or b"{}")
                with legacy.lock:
                    legacy.mode = b.get("mode", "ok")
                    legacy.delay = float(b.get("delaySeconds", 0))
                return self.send_json(200, {"mode": legacy.mode})
            if self.path == "/_users":
                b = json.loads(body)
                legacy.add(b["username"], b["password"], bool(b.get("emailVerified", True)))
                return self.send_json(200, {"added": b["username"]})
            if self.path != "/authenticate":
                return self.send_json(404, {"error": "not found"})
            with legacy.lock:
                legacy.requests += 1
                mode, delay = legacy.mode, legacy.delay
            if not legacy.signature_holds(self.headers.get("X-Legacy-Auth-Timestamp"), self.headers.get("X-Legacy-Auth-Signature"), body):
                return self.send_json(401, {"error": "bad signature"})
            with legacy.lock:
                legacy.verified += 1
            if mode == "slow":
                time.sleep(delay)
            if mode == "garbage":
                return self.send_json(200, b"<html>Service temporarily unavailable</html>", "text/html")
            try:
                request = json.loads(body)
                answer = legacy.answer(request if isinstance(request, dict) else {})
            except ValueError:
                return self.send_json(400, {"error": "bad request"})
            # "error": the contract's answer (a yes for the right password) with status 500, so that a
            # trigger that read the body whatever the status would move the user in.
            self.send_json(500 if mode == "error" else 200, answer)

    return Handler


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--secret-file", help="file holding the shared secret (the trigger's LEGACY_AUTH_SECRET); default: that variable")
    p.add_argument("--user", action="append", default=[], help="username:password of a legacy user (repeatable)")
    p.add_argument("--exit-with-stdin", action="store_true", help="stop when standard input closes (the starting test process ended)")
    args = p.parse_args(argv)
    if args.secret_file:
        with open(args.secret_file, encoding="utf-8") as f:
            secret = f.read().strip().encode()
    else:
        secret = os.environ.get("LEGACY_AUTH_SECRET", "").strip().encode()
    if len(secret) < 32:
        p.error("the shared secret must be at least 32 bytes (the trigger refuses shorter ones)")
    legacy = Legacy(secret)
    for u in args.user:
        name, _, password = u.partition(":")
        legacy.add(name, password)
    server = ThreadingHTTPServer((args.host, args.port), handler_for(legacy))
    server.daemon_threads = True
    if args.exit_with_stdin:
        def watch() -> None:
            sys.stdin.read()
            os._exit(0)

        threading.Thread(target=watch, daemon=True).start()
    # The first line is the address, for whoever started it (the Rust tests read it).
    print(f"http://{server.server_address[0]}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main(sys.argv[1:])

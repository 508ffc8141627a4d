"""The WSGI front the entry module serves: /_local/ control endpoints (faults, the call log, the
Lambda triggers' function endpoint), injected faults, and one lock around moto's state for every
Cognito call (released while a trigger runs: triggers.py). DynamoDB requests (the API's counter of
emailed sign-in codes, cdk/email-code-limit.json) go to moto's own DynamoDB, unchanged and not in
the call log: moto serves DynamoDB in server mode (https://docs.getmoto.org/en/latest/docs/server_mode.html).
"""

from __future__ import annotations

import json
import logging
import threading
import time
import traceback
import uuid
from typing import Any

from moto.moto_server.werkzeug_app import MotoRequestHandler, create_backend_app

import oauth  # beside this file: the user pool domain's endpoints
from controls import CALLS, CALLS_LOCK, CONTROLS, record_call
import messages
import triggers

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
DYNAMODB_TARGET_PREFIX = "DynamoDB_20120810."

log = logging.getLogger("local-cognito")


# --------------------------------------------------------------------------
# WSGI front: control endpoint, faults, one lock around moto's state
# --------------------------------------------------------------------------

STATE_LOCK = threading.RLock()


def _json_response(start_response: Any, status: int, body: Any, extra_headers: list[tuple[str, str]] | None = None, content_type: str = "application/json") -> list[bytes]:
    data = json.dumps(body).encode()
    reasons = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error", 501: "Not Implemented"}
    headers = [
        ("Content-Type", content_type),
        ("Content-Length", str(len(data))),
        ("x-amzn-RequestId", str(uuid.uuid4())),
    ] + (extra_headers or [])
    start_response(f"{status} {reasons.get(status, 'Error')}", headers)
    return [data]


def _cognito_error(start_response: Any, status: int, error_type: str, message: str) -> list[bytes]:
    return _json_response(
        start_response,
        status,
        {"__type": error_type, "message": message},
        [("x-amzn-ErrorType", error_type)],
        content_type="application/x-amz-json-1.1",
    )


class LocalCognitoApp:
    def __init__(self, verbose: bool) -> None:
        self.moto_app = create_backend_app("cognito-idp")
        self.dynamodb_app = create_backend_app("dynamodb")
        self.verbose = verbose

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        triggers.set_request_user_agent(environ.get("HTTP_USER_AGENT"))
        if path.startswith("/_local/"):
            return self.control(environ, start_response, path)
        if path in oauth.PATHS:
            return self.pool_endpoint(environ, start_response, path)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target.startswith(DYNAMODB_TARGET_PREFIX):
            with STATE_LOCK:
                return list(self.dynamodb_app(environ, start_response))
        if not target.startswith(TARGET_PREFIX):
            return self.forward(environ, start_response, None)
        operation = target[len(TARGET_PREFIX):]
        faults = CONTROLS.snapshot()
        if faults["delaySeconds"]:
            time.sleep(faults["delaySeconds"])
        if faults["throttle"]:
            record_call(operation, 400, "TooManyRequestsException")
            self.note(operation, 400, "TooManyRequestsException")
            return _cognito_error(start_response, 400, "TooManyRequestsException", "Rate exceeded")
        injected = faults["errors"].get(operation)
        if injected:
            status = 500 if injected == "InternalErrorException" else 400
            record_call(operation, status, injected)
            self.note(operation, status, injected)
            return _cognito_error(start_response, status, injected, "Injected by /_local/faults")
        return self.forward(environ, start_response, operation)

    def pool_endpoint(self, environ: dict[str, Any], start_response: Any, path: str) -> Any:
        """The user pool domain's OAuth endpoints (oauth.py), under the same lock as every Cognito
        call; listed in the call log by path."""
        with STATE_LOCK:
            try:
                captured: dict[str, Any] = {}

                def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                    captured["status"] = status
                    return start_response(status, headers, exc_info)

                body = oauth.serve(environ, capture)
            except Exception as exc:  # noqa: BLE001 - report, never leak details
                frames = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
                log.error("internal error in %s: %s\n%s", path, type(exc).__name__, frames)
                record_call(path, 500, "server_error")
                data = b"<!doctype html><title>Error</title><p>Internal error in local Cognito</p>"
                start_response("500 Internal Server Error", [("Content-Type", "text/html"), ("Content-Length", str(len(data)))])
                return [data]
        status = int(captured["status"].split()[0])
        record_call(path, status, None)
        self.note(path, status, None)
        return body

    def note(self, operation: str | None, status: int, error_type: str | None) -> None:
        if self.verbose:
            log.info("%s -> %s%s", operation or "(non-API request)", status, f" {error_type}" if error_type else "")

    def forward(self, environ: dict[str, Any], start_response: Any, operation: str | None) -> Any:
        captured: dict[str, Any] = {}
        chunks: list[bytes] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return chunks.append

        with STATE_LOCK:
            try:
                iterable = self.moto_app(environ, capture)
                try:
                    chunks.extend(iterable)
                finally:
                    if hasattr(iterable, "close"):
                        iterable.close()
            except NotImplementedError:
                if operation:
                    record_call(operation, 501, "InternalErrorException")
                log.warning("operation %s is not emulated by local Cognito (moto)", operation)
                return _cognito_error(start_response, 501, "InternalErrorException", f"Local Cognito does not emulate {operation}")
            except Exception as exc:  # noqa: BLE001 - report, never leak details
                if operation:
                    record_call(operation, 500, "InternalErrorException")
                frames = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
                # The exception's message is left out on purpose: it could hold a token or a password.
                log.error("internal error in %s: %s\n%s", operation, type(exc).__name__, frames)
                return _cognito_error(start_response, 500, "InternalErrorException", "Internal error in local Cognito")
        status_code = int(captured["status"].split()[0])
        error_type = None
        if status_code >= 400:
            error_type = next((v for k, v in captured["headers"] if k.lower() == "x-amzn-errortype"), None)
        if operation:
            record_call(operation, status_code, error_type)
        self.note(operation, status_code, error_type)
        start_response(captured["status"], captured["headers"])
        return chunks

    def control(self, environ: dict[str, Any], start_response: Any, path: str) -> Any:
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/_local/faults":
            if method == "GET":
                return _json_response(start_response, 200, CONTROLS.snapshot())
            if method == "DELETE":
                return _json_response(start_response, 200, CONTROLS.reset())
            if method == "POST":
                try:
                    length = int(environ.get("CONTENT_LENGTH") or 0)
                    raw = environ["wsgi.input"].read(length) if length else b""
                    body = json.loads(raw) if raw.strip() else {}
                    settings = CONTROLS.replace(body)
                except (ValueError, json.JSONDecodeError) as exc:
                    return _json_response(start_response, 400, {"error": str(exc)})
                log.info("faults set: %s", json.dumps(settings))
                return _json_response(start_response, 200, settings)
            return _json_response(start_response, 405, {"error": "use GET, POST or DELETE"})
        if path == "/_local/lambda":
            if method == "GET":
                return _json_response(start_response, 200, triggers.settings())
            if method == "DELETE":
                return _json_response(start_response, 200, triggers.reset())
            if method == "POST":
                try:
                    length = int(environ.get("CONTENT_LENGTH") or 0)
                    raw = environ["wsgi.input"].read(length) if length else b""
                    return _json_response(start_response, 200, triggers.configure(json.loads(raw) if raw.strip() else {}))
                except (ValueError, json.JSONDecodeError) as exc:
                    return _json_response(start_response, 400, {"error": str(exc)})
            return _json_response(start_response, 405, {"error": "use GET, POST or DELETE"})
        if path == "/_local/messages":
            if method == "GET":
                return _json_response(start_response, 200, messages.outbox())
            if method == "DELETE":
                return _json_response(start_response, 200, messages.clear())
            return _json_response(start_response, 405, {"error": "use GET or DELETE"})
        if path == "/_local/calls":
            if method == "GET":
                with CALLS_LOCK:
                    return _json_response(start_response, 200, {"calls": list(CALLS)})
            if method == "DELETE":
                with CALLS_LOCK:
                    CALLS.clear()
                return _json_response(start_response, 200, {"calls": []})
            return _json_response(start_response, 405, {"error": "use GET or DELETE"})
        return _json_response(start_response, 404, {"error": f"unknown control path {path}"})


class QuietRequestHandler(MotoRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the SDKs reuse connections

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        if VERBOSE:
            super().log_request(code, size)


VERBOSE = False

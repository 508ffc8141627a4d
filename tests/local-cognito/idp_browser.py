"""Test support for the federation tests: the local identity providers (tests/idp/server.mjs, real
oidc-provider and samlify) as a child process, the pool configured for them (federation_setup.py),
and a small cookie-keeping "browser" that follows redirects hop by hop and fills in the providers'
sign-in and consent forms as a person would.
"""

from __future__ import annotations

import html.parser
import json
import os
import shutil
import subprocess
import threading
import urllib.parse
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
IDP_SERVER = ROOT / "tests" / "idp" / "server.mjs"


def start_idps(cognito_endpoint: str, user_pool_id: str) -> tuple[subprocess.Popen, dict[str, Any]]:
    node = shutil.which("node")
    assert node, "node is needed for the local identity providers (tests/idp)"
    assert (ROOT / "tests/idp/node_modules/oidc-provider").is_dir(), "run `make idp` (npm ci in tests/idp) first"
    proc = subprocess.Popen(
        [node, str(IDP_SERVER), "--cognito", cognito_endpoint, "--user-pool-id", user_pool_id, "--port", "0", "--exit-with-parent"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NODE_NO_WARNINGS": "1"},
    )
    ready = ready_line(proc, "the identity providers")
    threading.Thread(target=proc.stderr.read, daemon=True).start()  # keep its pipe drained
    return proc, ready


def ready_line(proc: subprocess.Popen, what: str, timeout: float = 30) -> dict[str, Any]:
    """The one JSON line a child process prints on stdout when it is ready (the emulator, the
    identity providers); kills it and fails with its stderr when none comes in time."""
    line: list[str] = []
    t = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)
    t.start()
    t.join(timeout)
    if not line or not line[0]:
        proc.kill()
        raise AssertionError(f"{what} did not print its ready line; stderr: {proc.stderr.read()}")
    return json.loads(line[0])


class Form:
    def __init__(self, action: str, method: str) -> None:
        self.action, self.method, self.fields, self.buttons = action, method.upper(), {}, []


class _Forms(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get")))
        elif tag == "input" and self.forms and a.get("name"):
            self.forms[-1].fields[a["name"]] = a.get("value", "")
        elif tag == "button" and self.forms and a.get("name"):
            self.forms[-1].buttons.append((a["name"], a.get("value", "")))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def forms(page: str) -> list[Form]:
    p = _Forms()
    p.feed(page)
    return p.forms


class Browser:
    """Follows redirects one hop at a time (so a test sees each address), keeps cookies per host,
    stops at an address starting with `stop_at` (the app's callback) and returns it unvisited."""

    def __init__(self, stop_at: str) -> None:
        self.session = requests.Session()
        self.stop_at = stop_at
        self.hops: list[str] = []

    def go(self, url: str, method: str = "GET", data: dict[str, str] | None = None) -> tuple[str, requests.Response | None]:
        for _ in range(20):
            if url.startswith(self.stop_at):
                return url, None
            self.hops.append(url)
            r = self.session.request(method, url, data=data, allow_redirects=False, timeout=10)
            if r.status_code in (301, 302, 303, 307):
                url = urllib.parse.urljoin(url, r.headers["Location"])
                method, data = ("GET", None) if r.status_code != 307 else (method, data)
                continue
            return url, r
        raise AssertionError(f"too many redirects: {self.hops}")

    def submit(self, page_url: str, response: requests.Response, values: dict[str, str], button: tuple[str, str] | None = None) -> tuple[str, requests.Response | None]:
        """Fills the page's first form (its hidden fields kept) and submits it with `button`."""
        found = forms(response.text)
        assert found, f"no form on {page_url}: {response.status_code} {response.text[:300]}"
        form = found[0]
        data = {**form.fields, **values}
        if button:
            assert button in form.buttons, f"{button} not among {form.buttons}"
            data[button[0]] = button[1]
        return self.go(urllib.parse.urljoin(page_url, form.action), form.method, data)

    def sign_in(self, authorize_url: str, email: str, password: str, consent: str = "allow") -> str:
        """authorize -> the provider's sign-in -> (OIDC) consent -> ... -> the app's callback URL."""
        url, r = self.go(authorize_url)
        if r is None:
            return url
        url, r = self.submit(url, r, {"login": email, "password": password})
        while r is not None:
            page_forms = forms(r.text)
            if r.status_code != 200 or not page_forms:
                raise AssertionError(f"stuck at {url}: {r.status_code} {r.text[:400]}")
            f = page_forms[0]
            if ("decision", "allow") in f.buttons:
                url, r = self.submit(url, r, {}, ("decision", consent))
            elif "SAMLResponse" in f.fields:  # the IdP's auto-posting form (its script does this in a browser)
                url, r = self.go(urllib.parse.urljoin(url, f.action), "POST", f.fields)
            else:
                raise AssertionError(f"unexpected page at {url}: {r.text[:400]}")
        return url


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).items()}

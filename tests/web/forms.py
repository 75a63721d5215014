"""Posting page forms as a browser would: with the token the server put in the form."""

from __future__ import annotations

import re
from typing import Any

import httpx2 as httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

# TestClient's own default, http://testserver, is not a host unknot answers to (issue 12).
LOCAL = "http://127.0.0.1"
TOKEN = re.compile(r'name="form_token" value="([0-9a-f]+)"')


def local_client(app: FastAPI) -> TestClient:
    """A test client that talks to the app under a loopback name, as a person's browser does."""
    return TestClient(app, base_url=LOCAL)


def form_token(client: TestClient, page: str = "/data") -> str:
    """The token of this client's browser, read from a page's form."""
    found = TOKEN.search(client.get(page).text)
    assert found, f"{page} has no form token"
    return found.group(1)


def post_form(
    client: TestClient, path: str, data: dict[str, Any], **options: Any
) -> httpx.Response:
    """Submit a page form with its token."""
    return client.post(path, data={**data, "form_token": form_token(client)}, **options)

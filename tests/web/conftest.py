"""The in-process web app on a fake clock, as a browser at a loopback address reaches it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.web.forms import local_client
from unknot.clock import FakeClock
from unknot.services.application import Application
from unknot.web.app import create_app


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(clock: FakeClock) -> Iterator[TestClient]:
    with local_client(create_app(Application.from_environment(clock))) as test_client:
        yield test_client

"""The shipped catalog as domain objects, validated once per test run."""

from __future__ import annotations

import pytest

from unknot.catalog.loader import validate_all
from unknot.domain.exercise import Exercise


@pytest.fixture(scope="session")
def catalog() -> dict[str, Exercise]:
    return {e.id: e for e in validate_all(None)}

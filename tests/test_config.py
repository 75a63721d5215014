"""Settings and the light `locations` module agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from unknot import locations
from unknot.config import Settings
from unknot.services.workspace import Workspace


def test_environment_overrides(private_folders: dict[str, Path]) -> None:
    settings = Settings()
    assert settings.data_dir == private_folders["data"] == locations.data_dir()
    assert settings.config_dir == private_folders["config"] == locations.config_dir()
    assert settings.exercises_dir == Workspace.from_environment().exercises_dir
    assert settings.cache_dir == Workspace.from_environment().cache_dir


def test_platform_defaults_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UNKNOT_DATA_DIR")
    monkeypatch.delenv("UNKNOT_CONFIG_DIR")
    settings = Settings()
    assert settings.data_dir == locations.data_dir()
    assert settings.config_dir == locations.config_dir()
    assert "unknot" in str(settings.data_dir)

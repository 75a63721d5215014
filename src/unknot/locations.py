"""Where unknot keeps its files.

Read by `config.Settings` for its defaults, and directly by start-up-critical commands, which
cannot afford pydantic-settings' import (issue 3: `unknot catalog --json` within 150 ms).
A test checks both give the same answers.
"""

import os
from pathlib import Path

APP_NAME = "unknot"
DATA_DIR_VARIABLE = "UNKNOT_DATA_DIR"
CONFIG_DIR_VARIABLE = "UNKNOT_CONFIG_DIR"


def data_dir() -> Path:
    """The user's data directory (database, caches); UNKNOT_DATA_DIR overrides it."""
    override = os.environ.get(DATA_DIR_VARIABLE)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """The user's config directory (own exercises, settings); UNKNOT_CONFIG_DIR overrides it."""
    override = os.environ.get(CONFIG_DIR_VARIABLE)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def user_exercises_dir(config: Path) -> Path:
    """Where a person's own exercise files live."""
    return config / "exercises"


def cache_dir(data: Path) -> Path:
    """Caches that can be deleted at any time."""
    return data / "cache"

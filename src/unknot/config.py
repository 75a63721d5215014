"""Settings, from UNKNOT_-prefixed environment variables (and a .env file in the working folder)."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from unknot import locations


class Settings(BaseSettings):
    """Everything a person or a deployment can configure."""

    model_config = SettingsConfigDict(env_prefix="UNKNOT_", extra="ignore")

    data_dir: Path = Field(default_factory=locations.data_dir)
    """Folder for the database and caches (UNKNOT_DATA_DIR); default: the platform's data dir."""

    config_dir: Path = Field(default_factory=locations.config_dir)
    """Folder for the person's own files (UNKNOT_CONFIG_DIR), e.g. `exercises/`."""

    database_url: str | None = None
    """SQLAlchemy URL of the database (UNKNOT_DATABASE_URL); default: SQLite in data_dir."""

    emergency_number: str | None = None
    """Number to call in an emergency (UNKNOT_EMERGENCY_NUMBER); default by locale, else 112."""

    clock_speed: float = Field(default=1.0, gt=0)
    """How much faster than real time the players run (UNKNOT_CLOCK_SPEED); for tests only."""

    @property
    def exercises_dir(self) -> Path:
        """Where the person's own exercise files are read from."""
        return locations.user_exercises_dir(self.config_dir)

    @property
    def cache_dir(self) -> Path:
        """Caches that can be deleted at any time."""
        return locations.cache_dir(self.data_dir)

"""Configuration: one typed object with defaults, read from environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent
DEFAULT_WAREHOUSE = PROJECT_ROOT / "data" / "warehouse.duckdb"
DEFAULT_CATALOGUE = PROJECT_ROOT / "data" / "indicators.csv"


class SettingsError(ValueError):
    """A setting is present but unusable; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    warehouse_path: Path = DEFAULT_WAREHOUSE
    catalogue_path: Path = DEFAULT_CATALOGUE
    # The plan: a quarterly report is due on or before this day of the quarter's last month.
    report_deadline_day: int = 15
    # Every team should have this many members.
    full_team_size: int = 5


def _whole_number(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number from {low} to {high}, not {raw!r}.") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be a whole number from {low} to {high}, not {raw!r}.")
    return value


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read settings from the environment (CDS_*), falling back to the defaults."""
    env = os.environ if env is None else env
    warehouse = env.get("CDS_WAREHOUSE")
    return Settings(
        warehouse_path=Path(warehouse) if warehouse else DEFAULT_WAREHOUSE,
        report_deadline_day=_whole_number(env, "CDS_REPORT_DEADLINE_DAY", 15, 1, 28),
        full_team_size=_whole_number(env, "CDS_FULL_TEAM_SIZE", 5, 1, 20),
    )

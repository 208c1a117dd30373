"""Configuration: one typed object with defaults, read from environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent
DEFAULT_WAREHOUSE = PROJECT_ROOT / "data" / "warehouse.duckdb"
DEFAULT_CATALOGUE = PROJECT_ROOT / "data" / "indicators.csv"
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


class SettingsError(ValueError):
    """A setting is present but unusable; the message says which and why."""


@dataclass(frozen=True)
class UploadLimits:
    """What an uploaded file may hold, checked before it is parsed (a national monthly file, 100,000 villages and
    about 20 columns, is 7 MB as CSV and 7 MB as .xlsx, 80 MB unpacked)."""

    megabytes: int = 50
    rows: int = 500_000
    columns: int = 200
    cell_characters: int = 5_000
    sheets: int = 30
    # Everything a workbook (a zip archive) holds, once unpacked.
    unpacked_megabytes: int = 500


@dataclass(frozen=True)
class Settings:
    warehouse_path: Path = DEFAULT_WAREHOUSE
    # The plan: a quarterly report is due on or before this day of the quarter's last month.
    report_deadline_day: int = 15
    # Every team should have this many members.
    full_team_size: int = 5
    # Whether pages may be viewed without signing in; None decides from the warehouse (on when every commune is demo).
    public_view: bool | None = None
    # A signed-in session ends after this many minutes without any action.
    idle_minutes: int = 30
    # Failed sign-ins for one user name allowed without delay; each further one doubles the wait from the base delay.
    sign_in_free_attempts: int = 3
    sign_in_delay_seconds: int = 1
    # The same slow-down for failed sign-ins from one client address, whatever the names typed.
    sign_in_free_attempts_per_address: int = 10
    # Failed sign-ins within an hour, from every address together, after which sign-in pauses until fewer remain.
    sign_in_hourly_ceiling: int = 100
    # Automatic snapshots of the warehouse kept (one is taken before every upload and undo; 0: none).
    snapshots_kept: int = 5
    # Days an uploaded file is kept as it was sent (0: not kept); undo does not need it.
    raw_upload_days: int = 90
    # Read results the dashboard keeps in memory (shared by every session), and for how long each is kept.
    cache_entries: int = 1000
    cache_minutes: int = 60
    upload_limits: UploadLimits = UploadLimits()
    # The key that signs the sign-in cookie; empty: a random one kept beside the warehouse (server/sessions.py).
    cookie_secret: str = field(default="", repr=False)


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


def _switch(env: Mapping[str, str], name: str) -> bool | None:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return None
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise SettingsError(f"{name} must be 1 or 0 (true/false, on/off), not {raw!r}.")


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read settings from the environment (CDS_*), falling back to the defaults."""
    env = os.environ if env is None else env
    warehouse = env.get("CDS_WAREHOUSE")
    return Settings(
        warehouse_path=Path(warehouse) if warehouse else DEFAULT_WAREHOUSE,
        report_deadline_day=_whole_number(env, "CDS_REPORT_DEADLINE_DAY", 15, 1, 28),
        full_team_size=_whole_number(env, "CDS_FULL_TEAM_SIZE", 5, 1, 20),
        public_view=_switch(env, "CDS_PUBLIC_VIEW"),
        idle_minutes=_whole_number(env, "CDS_IDLE_MINUTES", 30, 1, 1440),
        sign_in_free_attempts=_whole_number(env, "CDS_SIGNIN_FREE_ATTEMPTS", 3, 1, 20),
        sign_in_delay_seconds=_whole_number(env, "CDS_SIGNIN_DELAY_SECONDS", 1, 0, 60),
        sign_in_free_attempts_per_address=_whole_number(env, "CDS_SIGNIN_FREE_ATTEMPTS_PER_ADDRESS", 10, 1, 1000),
        sign_in_hourly_ceiling=_whole_number(env, "CDS_SIGNIN_HOURLY_CEILING", 100, 1, 100_000),
        snapshots_kept=_whole_number(env, "CDS_SNAPSHOTS_KEPT", 5, 0, 100),
        raw_upload_days=_whole_number(env, "CDS_RAW_UPLOAD_DAYS", 90, 0, 3650),
        cache_entries=_whole_number(env, "CDS_CACHE_ENTRIES", 1000, 0, 1_000_000),
        cache_minutes=_whole_number(env, "CDS_CACHE_MINUTES", 60, 1, 10_080),
        upload_limits=UploadLimits(
            megabytes=_whole_number(env, "CDS_UPLOAD_MAX_MB", 50, 1, 2_000),
            rows=_whole_number(env, "CDS_UPLOAD_MAX_ROWS", 500_000, 100, 10_000_000),
            columns=_whole_number(env, "CDS_UPLOAD_MAX_COLUMNS", 200, 20, 16_384),
            cell_characters=_whole_number(env, "CDS_UPLOAD_MAX_CELL_CHARS", 5_000, 100, 32_767),
            sheets=_whole_number(env, "CDS_UPLOAD_MAX_SHEETS", 30, 1, 255),
            unpacked_megabytes=_whole_number(env, "CDS_UPLOAD_MAX_UNPACKED_MB", 500, 10, 20_000),
        ),
        cookie_secret=env.get("CDS_COOKIE_SECRET", ""),
    )

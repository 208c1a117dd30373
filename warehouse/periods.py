"""Reporting periods: months (`2025-09`) and quarters (`2025-Q3`)."""

from __future__ import annotations

import re
from datetime import date

MONTH_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
QUARTER_PATTERN = re.compile(r"^(\d{4})-Q([1-4])$")


def is_month(period: str) -> bool:
    return MONTH_PATTERN.match(period) is not None


def is_quarter(period: str) -> bool:
    return QUARTER_PATTERN.match(period) is not None


def quarter_of(month: str) -> str:
    """The quarter a month belongs to: `2025-11` → `2025-Q4`."""
    year, number = _month_parts(month)
    return f"{year}-Q{(number - 1) // 3 + 1}"


def months_in(period: str) -> list[str]:
    """The months a period covers, oldest first."""
    if is_month(period):
        return [period]
    year, quarter = quarter_parts(period)
    first = (quarter - 1) * 3 + 1
    return [f"{year}-{number:02d}" for number in range(first, first + 3)]


def last_month(period: str) -> str:
    return months_in(period)[-1]


def quarter_deadline(quarter: str, deadline_day: int) -> date:
    """The day by which a quarter's report must reach the commune (the plan: the 15th of its last month)."""
    year, number = _month_parts(last_month(quarter))
    return date(year, number, deadline_day)


def quarters_of(months: list[str]) -> list[str]:
    """The distinct quarters of some months, oldest first."""
    return sorted({quarter_of(month) for month in months})


def _month_parts(month: str) -> tuple[int, int]:
    match = MONTH_PATTERN.match(month)
    if match is None:
        raise ValueError(f"not a month period (YYYY-MM): {month!r}")
    return int(match.group(1)), int(match.group(2))


def quarter_parts(quarter: str) -> tuple[int, int]:
    """The year and the quarter's number: `2025-Q4` → (2025, 4)."""
    match = QUARTER_PATTERN.match(quarter)
    if match is None:
        raise ValueError(f"not a period (YYYY-MM or YYYY-Qn): {quarter!r}")
    return int(match.group(1)), int(match.group(2))

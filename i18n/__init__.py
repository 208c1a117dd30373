"""The translation table and Vietnamese-first number, percent, date and period formats."""

from __future__ import annotations

import csv
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd
from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal, format_percent

from warehouse.periods import is_month, months_in

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
STRINGS_DIR = Path(__file__).resolve().parent / "strings"
ROMAN_QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}
MISSING_VALUE = "—"


@cache
def strings() -> dict[str, dict[str, str]]:
    """Every user-facing string, by key, from the CSV files of `i18n/strings/` (one file per area)."""
    table: dict[str, dict[str, str]] = {}
    for path in sorted(STRINGS_DIR.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as file:
            for row in csv.DictReader(file):
                key = row["key"]
                if key in table:
                    raise ValueError(f"{path.name}: translation key {key!r} is defined twice")
                table[key] = {language: row[language] for language in LANGUAGES}
    return table


def t(key: str, language: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The string `key` in `language`, with `{name}` placeholders filled from `values`."""
    text = strings()[key][language]
    return text.format(**values) if values else text


def number(value: float | int | None, language: str = DEFAULT_LANGUAGE, decimals: int = 0) -> str:
    """`1234` → `1.234` in Vietnamese, `1,234` in English."""
    if value is None or pd.isna(value):
        return MISSING_VALUE
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=language)


def percent(share: float | None, language: str = DEFAULT_LANGUAGE, decimals: int = 1) -> str:
    """`0.725` → `72,5%` in Vietnamese, `72.5%` in English."""
    if share is None or pd.isna(share):
        return MISSING_VALUE
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    return format_percent(share, format=pattern, locale=language)


def day(value: date | None, language: str = DEFAULT_LANGUAGE) -> str:
    """`15/12/2025` in Vietnamese, `15 Dec 2025` in English."""
    if pd.isna(value):
        return MISSING_VALUE
    return babel_format_date(value, "dd/MM/yyyy" if language == "vi" else "d MMM yyyy", locale=language)


def period_label(period: str, language: str = DEFAULT_LANGUAGE) -> str:
    """`2025-09` → `Tháng 9/2025`; `2025-Q4` → `Quý IV/2025` (English: `Sep 2025`, `Q4 2025`)."""
    year = int(period[:4])
    if is_month(period):
        return t("period.month", language, month=int(period[5:7]), year=year)
    quarter = (int(months_in(period)[0][5:7]) - 1) // 3 + 1
    return t("period.quarter", language, quarter=ROMAN_QUARTERS[quarter], number=quarter, year=year)


def period_in_sentence(period: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The period's name inside a sentence: `tháng 9/2025`, `quý IV/2025` (Vietnamese writes them lowercase there)."""
    label = period_label(period, language)
    return label[:1].lower() + label[1:] if language == "vi" else label

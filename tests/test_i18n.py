import re
from datetime import date

import pytest

import i18n
from tests.conftest import ROOT

LITERAL_KEY = re.compile(r"\b(?:tr|t|Refusal)\(\s*\"([a-z0-9_.]+)\"")
SOURCE_DIRS = ["pages", "ui", "operations", "etl", "warehouse", "geo", "i18n"]


def source_files():
    yield ROOT / "dashboard.py"
    for folder in SOURCE_DIRS:
        yield from (ROOT / folder).rglob("*.py")


def test_every_literal_translation_key_used_in_the_code_exists():
    used = {key for path in source_files() for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))}
    assert used, "the scan found no key: the pattern is broken"
    assert sorted(used - set(i18n.strings())) == []


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_string_has_both_languages(language):
    assert [key for key, entry in i18n.strings().items() if not entry[language].strip()] == []


def test_vietnamese_formats_numbers_percentages_and_dates():
    assert i18n.number(1234) == "1.234"
    assert i18n.number(12998, "en") == "12,998"
    assert i18n.percent(0.725) == "72,5%"
    assert i18n.percent(0.725, "en") == "72.5%"
    assert i18n.percent(0.8, decimals=0) == "80%"
    assert i18n.day(date(2025, 12, 15)) == "15/12/2025"
    assert i18n.number(None) == i18n.MISSING_VALUE


def test_period_labels():
    assert i18n.period_label("2025-09") == "Tháng 9/2025"
    assert i18n.period_label("2025-Q4") == "Quý IV/2025"
    assert i18n.period_label("2025-Q4", "en") == "Q4 2025"

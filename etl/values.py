"""Cell values as staff write them, parsed a whole column at a time: counts, months, days, phone numbers.

Each parser returns a frame with the parsed value and, where a cell can be wrong in several ways, what was wrong;
etl/validate.py turns those into problems naming the row and the column.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from etl.schema import fold_series

MOST_DIGITS = 12


def phone_digits(values: pd.Series) -> pd.Series:
    """Phone numbers as their digits only (`0912 000 001` and `0912.000.001` are the same number)."""
    return values.astype("string").fillna("").str.replace(r"\D", "", regex=True).astype(object)


def on_distinct(text: pd.Series, parse: Callable[[pd.Series], pd.DataFrame]) -> pd.DataFrame:
    """`parse` applied to each distinct value once, spread back over the rows (files repeat values a lot)."""
    codes, distinct = pd.factorize(text, use_na_sentinel=False)
    parsed = parse(pd.Series(distinct, dtype=object).astype(str))
    return parsed.iloc[codes].set_axis(text.index)


def parse_counts(text: pd.Series) -> pd.DataFrame:
    """Whole numbers as written: `1234`, `1.234`, `1,234`, `1 234`; and whether each is good or negative."""
    compact = text.str.replace(" ", "", regex=False).str.replace("\u00a0", "", regex=False)
    plain = compact.str.fullmatch(r"\d+")
    # Thousands separators: `1.234` or `1,234` (a whole count cannot have three decimals).
    grouped = compact.str.fullmatch(r"\d{1,3}(?:\.\d{3})+") | compact.str.fullmatch(r"\d{1,3}(?:,\d{3})+")
    digits = compact.where(plain | grouped, "").str.replace(".", "", regex=False).str.replace(",", "", regex=False)
    good = digits.ne("") & digits.str.len().le(MOST_DIGITS)
    return pd.DataFrame({
        "value": pd.to_numeric(digits.where(good), errors="coerce").astype("Int64"),
        "good": good, "negative": compact.str.fullmatch(r"-\d+(?:[.,]\d+)*"),
    })


def parse_periods(text: pd.Series) -> pd.DataFrame:
    """Months as staff write them (`2025-09`, `09/2025`, `9/2025`, `Tháng 9/2025`, `T9/2025`) → `2025-09`."""
    folded = fold_series(text)
    month_first = folded.str.extract(r"^(?:thang\s*|t\s*)?(\d{1,2}) (?:nam )?(\d{4})$")
    year_first = folded.str.extract(r"^(\d{4}) (\d{1,2})$")
    first_day = folded.str.extract(r"^0?1 (\d{1,2}) (\d{4})$")  # an Excel date on the 1st of the month
    month = month_first[0].fillna(year_first[1]).fillna(first_day[0])
    year = month_first[1].fillna(year_first[0]).fillna(first_day[1])
    return pd.DataFrame({"month": pd.to_numeric(month, errors="coerce"), "year": pd.to_numeric(year, errors="coerce"),
                         "period": year.str.zfill(4) + "-" + month.str.zfill(2)})


def parse_dates(text: pd.Series) -> pd.DataFrame:
    """Days written dd/mm/yyyy (or with `-` or `.`)."""
    unified = text.str.replace(r"[.\-]", "/", regex=True)
    shaped = unified.where(unified.str.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}"), None)
    return pd.to_datetime(shaped, format="%d/%m/%Y", errors="coerce").to_frame("day")

"""Vietnamese alphabetical order of names (An, Bắc, Bình, …, Đại, Đông), the one order of every list of names.

Queries sort in SQL with DuckDB's ICU collation (`ORDER BY name COLLATE vi`); names already in a frame are put in
the same order by these helpers, which ask the same collation, so that a page, a table and the report never
disagree (Python's own sort puts "Bình" before "Bắc", by code points).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import pandas as pd

from warehouse.database import Warehouse

COLLATION = "vi"


@cache
def _collator() -> Warehouse:
    return Warehouse.in_memory()  # only the collation is needed


def vietnamese_order(names: Iterable[object]) -> list[str]:
    """The distinct names (missing ones left out) in Vietnamese alphabetical order."""
    distinct = sorted({str(name) for name in names if not pd.isna(name)})
    if not distinct:
        return []
    return [name for (name,) in _collator().rows(
        f"SELECT name FROM unnest($names) AS listed(name) ORDER BY name COLLATE {COLLATION}, name",
        {"names": distinct})]


def name_rank(names: pd.Series) -> pd.Series:
    """Each name's position in Vietnamese alphabetical order (a `sort_values` key)."""
    rank = {name: position for position, name in enumerate(vietnamese_order(names))}
    return names.map(lambda name: rank.get(str(name), len(rank)) if not pd.isna(name) else len(rank))


def sort_by_name(frame: pd.DataFrame, column: str, first: list[str] | None = None,
                 ascending: list[bool] | None = None) -> pd.DataFrame:
    """The frame's rows by the `first` columns (if any), then by `column`'s names in Vietnamese order."""
    keys = [*(first or []), column]
    order = [*(ascending or [True] * len(first or [])), True]
    return frame.sort_values(keys, ascending=order, kind="stable", ignore_index=True,
                             key=lambda values: name_rank(values) if values.name == column else values)

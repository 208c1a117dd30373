"""The indicator catalogue file (`data/indicators.csv`), read and checked: one row per indicator.

Opening a warehouse copies it into the `indicators` table (warehouse/write/catalogue.py); `etl/schema.py` makes
the monthly file's columns from it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from settings import DEFAULT_CATALOGUE
from warehouse.errors import CatalogueError

CATALOGUE_COLUMNS = [
    "code", "domain", "kind", "target_share", "name_vi", "name_en",
    "short_vi", "short_en", "unit_vi", "unit_en",
]


def read_catalogue(catalogue_path: Path | str = DEFAULT_CATALOGUE) -> pd.DataFrame:
    """The indicator catalogue file, checked: unique codes, a known kind, a target share for household indicators."""
    catalogue = pd.read_csv(catalogue_path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [column for column in CATALOGUE_COLUMNS if column not in catalogue.columns]
    if missing:
        raise CatalogueError(f"{catalogue_path}: missing columns {', '.join(missing)}")
    catalogue = catalogue[CATALOGUE_COLUMNS].apply(lambda column: column.str.strip())
    for row_number, row in enumerate(catalogue.itertuples(index=False), start=2):
        if row.kind not in ("cumulative", "monthly"):
            raise CatalogueError(f"{catalogue_path} row {row_number}: kind must be cumulative or monthly")
        if row.kind == "cumulative" and not row.target_share:
            raise CatalogueError(f"{catalogue_path} row {row_number}: a household indicator needs a target share")
    duplicated = catalogue["code"][catalogue["code"].duplicated()].tolist()
    if duplicated:
        raise CatalogueError(f"{catalogue_path}: indicator codes repeated: {', '.join(duplicated)}")
    catalogue["target_share"] = pd.to_numeric(catalogue["target_share"].replace("", None))
    catalogue["sort_order"] = range(1, len(catalogue) + 1)
    return catalogue

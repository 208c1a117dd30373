"""The `indicators` table made equal to the catalogue file, when the warehouse is opened."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from warehouse.catalogue import CATALOGUE_COLUMNS
from warehouse.write import tables

if TYPE_CHECKING:
    from warehouse.database import Warehouse


def sync(db: Warehouse, catalogue: pd.DataFrame) -> bool:
    """Make the warehouse's catalogue equal to `catalogue`; return whether anything changed."""
    columns = [*CATALOGUE_COLUMNS, "sort_order"]
    stored = db.read(f"SELECT {', '.join(columns)} FROM indicators ORDER BY sort_order")
    wanted = catalogue[columns].reset_index(drop=True)
    if stored.astype(str).equals(wanted.astype(str)):
        return False
    with db.transaction() as cursor:
        cursor.execute("DELETE FROM indicators")
        tables.insert(cursor, "indicators", wanted)
    return True

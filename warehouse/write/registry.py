"""The official registry (`etl/registry.py`): provinces, and communes with their official names and types."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from warehouse.write import audit, tables

if TYPE_CHECKING:
    from warehouse.database import Warehouse

REGISTRY_COLUMNS = ["code", "name", "unit_type", "province"]


def register_communes(
    db: Warehouse, provinces: pd.DataFrame, added: pd.DataFrame, changed: pd.DataFrame, *,
    user: str | None = None, detail: str | None = None,
) -> None:
    """Store provinces (code, name, unit_type), add communes and update the official fields of `changed` ones.

    Only name, unit_type and province are written: a commune's data (villages, reports) and its demo mark stay.
    """
    with db.transaction() as cursor:
        register(cursor, provinces, added)
        if len(changed):
            incoming_rows = changed[REGISTRY_COLUMNS]  # noqa: F841 (read by DuckDB's replacement scan, by name)
            cursor.execute("UPDATE communes SET name = i.name, unit_type = i.unit_type, province = i.province "
                           "FROM incoming_rows i WHERE communes.code = i.code")
        audit.add(cursor, user, "register_communes", detail, datetime.now())


def register_provinces(db: Warehouse, provinces: pd.DataFrame) -> None:
    """Store provinces (code, name, unit_type), replacing the name and type of those already stored."""
    with db.transaction() as cursor:
        register(cursor, provinces, None)


def register(cursor: duckdb.DuckDBPyConnection, provinces: pd.DataFrame | None, added: pd.DataFrame | None) -> None:
    """Store the provinces and add the communes (code, name, unit_type, province), inside the cursor's transaction."""
    if provinces is not None and len(provinces):
        incoming_rows = provinces[["code", "name", "unit_type"]]  # noqa: F841 (read by DuckDB by name)
        cursor.execute("INSERT INTO provinces SELECT code, name, unit_type FROM incoming_rows ON CONFLICT (code) "
                       "DO UPDATE SET name = excluded.name, unit_type = excluded.unit_type")
    if added is not None and len(added):
        rows = added.reindex(columns=REGISTRY_COLUMNS).astype(object)
        tables.insert(cursor, "communes", rows.where(rows.notna(), None).assign(is_demo=False))

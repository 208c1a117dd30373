"""Whole communes replaced at once: the demo commune, and warehouses that tests and benchmarks build."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from warehouse.write import tables

if TYPE_CHECKING:
    from warehouse.database import Warehouse

# Tables of one commune's data, in the order they are loaded.
COMMUNE_TABLES = [
    "communes", "villages", "teams", "members", "reports", "report_values",
    "training_sessions", "training_attendance",
]


def replace_communes(db: Warehouse, rows: Mapping[str, pd.DataFrame]) -> None:
    """Replace everything stored for the communes in `rows['communes']` by the given rows, in one transaction."""
    unknown = set(rows) - set(COMMUNE_TABLES)
    if unknown:
        raise ValueError(f"not commune tables: {sorted(unknown)}")
    codes = rows["communes"]["code"].tolist()
    with db.transaction() as cursor:
        _delete_communes(cursor, codes)
        for table in COMMUNE_TABLES:
            if table in rows and len(rows[table]):
                tables.insert(cursor, table, rows[table])


def _delete_communes(cursor: duckdb.DuckDBPyConnection, codes: list[str]) -> None:
    villages = "SELECT code FROM villages WHERE commune_code IN (SELECT unnest($codes))"
    teams = f"SELECT code FROM teams WHERE village_code IN ({villages})"
    statements = [
        "DELETE FROM training_attendance WHERE commune_code IN (SELECT unnest($codes))",
        "DELETE FROM training_sessions WHERE commune_code IN (SELECT unnest($codes))",
        f"DELETE FROM report_values WHERE village_code IN ({villages})",
        f"DELETE FROM reports WHERE village_code IN ({villages})",
        f"DELETE FROM members WHERE team_code IN ({teams})",
        f"DELETE FROM teams WHERE village_code IN ({villages})",
        "DELETE FROM villages WHERE commune_code IN (SELECT unnest($codes))",
        "DELETE FROM communes WHERE code IN (SELECT unnest($codes))",
    ]
    for statement in statements:
        cursor.execute(statement, {"codes": codes})

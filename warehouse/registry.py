"""Read queries about the registry of provinces and communes as the warehouse stores it (`etl/registry.py` fills it)."""

from __future__ import annotations

import duckdb
import pandas as pd

from warehouse.connection import read_frame


def provinces(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The registered provinces: code, name, unit_type; by code."""
    return read_frame(con, "SELECT code, name, unit_type FROM provinces ORDER BY code")


def communes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every commune of the warehouse with what the registry describes: code, name, unit_type, province, is_demo."""
    return read_frame(con, "SELECT code, name, unit_type, province, is_demo FROM communes ORDER BY code")

"""Read queries about the registry of provinces and communes as the warehouse stores it (`etl/registry.py` fills it)."""

from __future__ import annotations

import pandas as pd

from warehouse.database import Warehouse


def provinces(db: Warehouse) -> pd.DataFrame:
    """The registered provinces: code, name, unit_type; by code."""
    return db.read("SELECT code, name, unit_type FROM provinces ORDER BY code")


def province_name(db: Warehouse, code: str) -> str | None:
    """The registered name of the province `code`, or None when the warehouse does not know it."""
    return db.scalar("SELECT name FROM provinces WHERE code = $code", {"code": code})


def communes(db: Warehouse) -> pd.DataFrame:
    """Every commune of the warehouse with what the registry describes: code, name, unit_type, province, is_demo."""
    return db.read("SELECT code, name, unit_type, province, is_demo FROM communes ORDER BY code")


def villages(db: Warehouse, commune: str | None = None) -> pd.DataFrame:
    """The villages of `commune` (None: every village) by code: code, commune_code, name, households, population."""
    return db.read("SELECT code, commune_code, name, households, population FROM villages "
                   "WHERE $commune IS NULL OR commune_code = $commune ORDER BY code", {"commune": commune})

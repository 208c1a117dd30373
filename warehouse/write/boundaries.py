"""Boundaries of villages and communes. Geometry comes checked and simplified from `geo/`; this only stores it.

With an upload record (a file someone imported) the change is an upload like any other: recorded, and undoable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from warehouse.write import registry, tables
from warehouse.write.registry import REGISTRY_COLUMNS
from warehouse.write.uploads import load_upload

if TYPE_CHECKING:
    from warehouse.database import Warehouse

BOUNDARY_COLUMNS = ["level", "code", "commune_code", "geometry", "display", "area_km2", "is_demo", "upload_id"]


def replace_village_boundaries(
    db: Warehouse, commune: str, boundaries: pd.DataFrame, is_demo: bool = False, upload: Mapping | None = None,
) -> int | None:
    """Replace the village boundaries of `commune` by `boundaries` (code, geometry, display, area_km2).

    With an upload (file_name, checksum, uploaded_by, messages) it is recorded, undoable, and its id returned.
    """
    rows = _boundary_rows(boundaries, "village", commune, is_demo)
    if upload is not None:
        scope = pd.DataFrame({"part": ["village_boundaries"], "key": [commune], "sub_key": [""]})
        record = {**upload, "kind": "boundaries_village", "commune_code": commune, "status": "accepted",
                  "rows_accepted": len(boundaries)}
        return load_upload(db, kind="boundaries_village", upload=record, scope=scope, rows={"boundaries": rows},
                           communes=[commune])
    with db.transaction() as cursor:
        cursor.execute("DELETE FROM boundaries WHERE level = 'village' AND commune_code = ?", [commune])
        tables.insert(cursor, "boundaries", rows)
    return None


def store_commune_boundaries(
    db: Warehouse, boundaries: pd.DataFrame, new_communes: pd.DataFrame | None = None,
    upload: Mapping | None = None, provinces: pd.DataFrame | None = None,
) -> int | None:
    """Store commune boundaries (replacing those of the same codes) and register `new_communes` (code, name, and
    unit_type and province when known) with their `provinces` (code, name, unit_type).

    With an upload (file_name, checksum, uploaded_by, messages) it is recorded, undoable, and its id returned.
    """
    rows = _boundary_rows(boundaries, "commune", None, False)
    added = (new_communes if new_communes is not None else pd.DataFrame(columns=["code", "name"]))
    added = added.reindex(columns=REGISTRY_COLUMNS).astype(object)
    added = added.where(added.notna(), None).assign(is_demo=False)
    if provinces is not None and len(provinces):
        # Provinces are the official list, not data of the upload: undoing it keeps them.
        registry.register_provinces(db, provinces)
    if upload is not None:
        codes = boundaries["code"].tolist()
        scope = pd.DataFrame({"part": ["commune_boundary"] * len(codes) + ["new_commune"] * len(added),
                              "key": codes + added["code"].tolist(), "sub_key": ""})
        record = {**upload, "kind": "boundaries_commune", "commune_code": codes[0] if len(codes) == 1 else None,
                  "status": "accepted", "rows_accepted": len(boundaries)}
        return load_upload(db, kind="boundaries_commune", upload=record, scope=scope,
                           rows={"communes": added, "boundaries": rows}, communes=set(codes))
    with db.transaction() as cursor:
        if len(added):
            tables.insert(cursor, "communes", added)
        cursor.execute("DELETE FROM boundaries WHERE level = 'commune' AND code IN (SELECT unnest($codes))",
                       {"codes": boundaries["code"].tolist()})
        tables.insert(cursor, "boundaries", rows)
    return None


def _boundary_rows(boundaries: pd.DataFrame, level: str, commune: str | None, is_demo: bool) -> pd.DataFrame:
    rows = boundaries[["code", "geometry", "display", "area_km2"]].assign(
        level=level, commune_code=commune, is_demo=is_demo, upload_id=None)
    return rows[BOUNDARY_COLUMNS]

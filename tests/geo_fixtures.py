"""Boundary fixtures for map tests: real files from ../shared/geo and hand-made squares for the tiny commune."""

from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from geo.boundaries import simplify_for_display
from geo.geojson import geojson_text
from tests.conftest import ROOT

SHARED_GEO = ROOT.parent / "shared" / "geo"
HAI_PHONG = SHARED_GEO / "hai_phong_communes_2025.geojson"
GIA_LOC = SHARED_GEO / "gia_loc_commune_2025.geojson"
VIETNAM = SHARED_GEO / "vietnam_communes_2025_simplified.geojson"
GIA_LOC_CODE = "10999"


def side_by_side_squares(codes: list[str], west: float = 106.0, south: float = 20.0, side: float = 0.01
                         ) -> pd.DataFrame:
    """One square per code, in a row from west to east, as the writer stores boundaries."""
    squares = np.array([shapely.box(west + i * side, south, west + (i + 1) * side, south + side)
                        for i in range(len(codes))])
    return pd.DataFrame({
        "code": codes,
        "geometry": shapely.to_wkb(squares),
        "display": [geojson_text(square) for square in simplify_for_display(squares, "village")],
        "area_km2": 1.0,
    })


def require(path: Path) -> Path:
    """The shared file; these tests are meaningless without it, so its absence is a failure, not a skip."""
    assert path.is_file(), f"shared boundary file missing: {path}"
    return path

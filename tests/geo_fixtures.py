"""Boundary fixtures for map tests: the real files shipped in geo/data and hand-made squares for the tiny commune."""


import numpy as np
import pandas as pd
import shapely

from geo import shipped
from geo.boundaries import simplify_for_display
from geo.geojson import geojson_text

HAI_PHONG = shipped.HAI_PHONG_COMMUNES
GIA_LOC = shipped.GIA_LOC_OUTLINE
VIETNAM = shipped.VIETNAM_COMMUNES
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

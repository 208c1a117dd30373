"""The commune boundaries shipped with the project (`geo/data/`: origin and licence in its README)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

DATA = Path(__file__).resolve().parent / "data"
HAI_PHONG_COMMUNES = DATA / "hai_phong_communes_2025.geojson.gz"
GIA_LOC_OUTLINE = DATA / "gia_loc_commune_2025.geojson.gz"
VIETNAM_COMMUNES = DATA / "vietnam_communes_2025.geojson.gz"


def read_layer(path: Path) -> gpd.GeoDataFrame:
    """A shipped (gzip-compressed GeoJSON) layer, in EPSG:4326."""
    return gpd.read_file(gdal_path(path))


def gdal_path(path: Path) -> str:
    """The name GDAL opens a file by: gzip-compressed files through its `/vsigzip/` reader."""
    return f"/vsigzip/{path}" if path.suffix.lower() == ".gz" else str(path)

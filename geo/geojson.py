"""GeoJSON text in and out: light enough for the query layer to import (no geopandas)."""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path

import shapely
from shapely.geometry import mapping

# The 34 provinces' outlines, dissolved from the shipped national commune layer by `python -m geo.provinces`.
PROVINCE_OUTLINES = Path(__file__).resolve().parent / "data" / "vietnam_provinces_2025.geojson.gz"


def geojson_text(geometry: shapely.Geometry) -> str:
    """A geometry as compact GeoJSON text (Python's shortest float form keeps rounded coordinates short)."""
    return json.dumps(mapping(geometry), separators=(",", ":"))


def feature_collection(codes: list[str], geometries: list[str]) -> dict:
    """A GeoJSON FeatureCollection whose feature ids are the codes, from GeoJSON geometry texts."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": code, "properties": {"code": code}, "geometry": json.loads(geometry)}
            for code, geometry in zip(codes, geometries, strict=True)
        ],
    }


@cache
def province_outlines() -> dict[str, dict]:
    """Each province's shipped outline as a GeoJSON geometry, by its two-digit code (read once per process)."""
    layer = json.loads(gzip.decompress(PROVINCE_OUTLINES.read_bytes()))
    return {feature["properties"]["code"]: feature["geometry"] for feature in layer["features"]}

"""GeoJSON text in and out: light enough for the query layer to import (no geopandas)."""

from __future__ import annotations

import json

import shapely
from shapely.geometry import mapping


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

"""The provinces' outlines, dissolved once from the shipped national commune layer into a small shipped file.

    python -m geo.provinces        # writes geo/data/vietnam_provinces_2025.geojson.gz (about 50 KB; 15 s)

The national view draws the 34 provinces from that file: never the 3,321 communes at once. The communes are widened
by 200 m before the union and narrowed again after it, which closes the slivers left between communes simplified one
by one; holes and parts under about 0.2 km² are dropped, and the outlines are simplified to about 500 m.
"""

from __future__ import annotations

import gzip
import json
import sys

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping

from geo import shipped

GAP_CLOSING_DEGREES = 0.002
SMALLEST_PART = 2e-5  # square degrees
TOLERANCE_DEGREES = 0.005
PRECISION_DEGREES = 1e-3


def province_outlines() -> dict[str, shapely.Geometry]:
    """Each province's outline (EPSG:4326), by its two-digit code, from the national commune layer."""
    communes = shipped.national_communes()
    widened = shapely.buffer(communes.geometry.to_numpy(), GAP_CLOSING_DEGREES, join_style="mitre")
    outlines = {}
    for code, rows in sorted(communes.groupby("province").indices.items()):
        union = shapely.buffer(shapely.union_all(widened[rows]), -GAP_CLOSING_DEGREES, join_style="mitre")
        parts = [Polygon(part.exterior) for part in getattr(union, "geoms", [union]) if part.area >= SMALLEST_PART]
        outlines[code] = shapely.set_precision(MultiPolygon(parts).simplify(TOLERANCE_DEGREES), PRECISION_DEGREES)
    return outlines


def feature_collection(outlines: dict[str, shapely.Geometry]) -> dict:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code}, "geometry": mapping(outline)}
        for code, outline in outlines.items()]}


def main() -> int:
    text = json.dumps(feature_collection(province_outlines()), separators=(",", ":"))
    shipped.VIETNAM_PROVINCES.write_bytes(gzip.compress(text.encode(), mtime=0))
    print(f"{shipped.VIETNAM_PROVINCES}: {shipped.VIETNAM_PROVINCES.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())

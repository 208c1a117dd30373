"""Read queries for maps: stored boundaries joined to the numbers each map colours them by.

Boundaries are stored simplified for display (`boundaries.display`, GeoJSON geometry text), so a map reads
a few hundred kilobytes from the warehouse and never re-reads a boundary file.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from geo.geojson import feature_collection, province_outlines
from warehouse import queries
from warehouse.codes import DIGITAL_DOMAINS, HEADLINE_INDICATOR
from warehouse.database import Warehouse
from warehouse.periods import months_in


@dataclass(frozen=True)
class MapLayer:
    """Rows to colour (one per area, in the same order as the GeoJSON features), their GeoJSON, and the target the
    colours are classed around (the catalogue's target share)."""

    rows: pd.DataFrame
    geojson: dict
    is_demo: bool
    target_share: float


def village_boundaries(db: Warehouse, commune: str) -> pd.DataFrame:
    """The stored display boundaries of a commune's villages: code, display, is_demo."""
    return db.read(
        "SELECT b.code, b.display, b.is_demo FROM boundaries b JOIN villages v ON v.code = b.code "
        "WHERE b.level = 'village' AND v.commune_code = $commune ORDER BY b.code",
        {"commune": commune},
    )


def stored_village_boundary_names(db: Warehouse, commune: str) -> pd.DataFrame:
    """Every village boundary stored for the commune (code, name): what a new village file would replace."""
    return db.read(
        "SELECT b.code, coalesce(v.name, b.code) AS name FROM boundaries b LEFT JOIN villages v ON v.code = b.code "
        "WHERE b.level = 'village' AND b.commune_code = $commune ORDER BY b.code",
        {"commune": commune},
    )


def stored_commune_outline(db: Warehouse, commune: str) -> bytes | None:
    """The commune's stored boundary (WKB, EPSG:4326), if one was imported."""
    rows = db.read("SELECT geometry FROM boundaries WHERE level = 'commune' AND code = $commune",
                      {"commune": commune})
    return None if rows.empty else bytes(rows["geometry"].iloc[0])


def has_commune_boundaries(db: Warehouse) -> bool:
    """Whether any commune boundary of a registered commune is stored (the city map needs them)."""
    return bool(db.read(
        "SELECT count(*) AS n FROM boundaries b JOIN communes c ON c.code = b.code WHERE b.level = 'commune'"
    )["n"].iloc[0])


def village_values(db: Warehouse, commune: str, period: str, measure: str) -> pd.DataFrame:
    """Every village's value and coverage of a household indicator or a digital domain for the period.

    Columns village_code, village_name, households, value (none for a domain), coverage, reported.
    A domain's coverage is the mean of its indicators' coverage.
    """
    if measure not in DIGITAL_DOMAINS:
        return queries.coverage_by_village(db, commune, period, measure)[
            ["village_code", "village_name", "households", "value", "coverage", "reported"]]
    villages = queries.coverage_by_village(db, commune, period)[
        ["village_code", "village_name", "households", "reported"]]
    domains = queries.domain_coverage_by_village(db, commune, period)
    domain = domains.loc[domains["domain"] == measure, ["village_code", "coverage"]]
    rows = villages.merge(domain, on="village_code", how="left").assign(value=pd.NA)
    rows["value"] = rows["value"].astype("Int64")
    return rows[["village_code", "village_name", "households", "value", "coverage", "reported"]]


def target_share(db: Warehouse, measure: str) -> float:
    """The target of a household indicator, or of a digital domain (the highest of its household indicators')."""
    return float(db.scalar(
        "SELECT max(target_share) FROM indicators WHERE kind = 'cumulative' AND (code = $measure OR domain = $measure)",
        {"measure": measure}))


def village_map(db: Warehouse, commune: str, period: str, measure: str) -> MapLayer:
    """The commune's villages that have a boundary, with their values for the map, best coverage first."""
    boundaries = village_boundaries(db, commune)
    rows = village_values(db, commune, period, measure)
    rows = rows[rows["village_code"].isin(boundaries["code"])].reset_index(drop=True)
    geometry = boundaries.set_index("code").loc[rows["village_code"], "display"].tolist()
    return MapLayer(rows, feature_collection(rows["village_code"].tolist(), geometry),
                    bool(boundaries["is_demo"].any()), target_share(db, measure))


def latest_reported_month(db: Warehouse) -> str | None:
    """The newest month any village of the warehouse has reported (the city map's period when none is chosen)."""
    return db.read("SELECT max(period) AS period FROM reports")["period"].iloc[0]


def commune_target_shares(db: Warehouse, period: str, province: str | None = None) -> pd.DataFrame:
    """Every commune with a boundary (of `province` only, when given) and the share of its villages meeting the
    target in the period.

    Columns commune_code, commune_name, villages, villages_reported, villages_meeting_target,
    share_meeting_target (none when no village reported), is_demo, display.
    """
    sql = """
    WITH village_value AS (
        SELECT village_code, arg_max(value, period) AS value
        FROM report_values
        WHERE indicator_code = $headline AND period IN (SELECT unnest($months))
        GROUP BY village_code
    ),
    per_commune AS (
        SELECT v.commune_code, count(*) AS villages, count(vv.value) AS villages_reported,
               count(*) FILTER (WHERE vv.value / v.households >= i.target_share) AS villages_meeting_target
        FROM villages v
        CROSS JOIN (SELECT target_share FROM indicators WHERE code = $headline) i
        LEFT JOIN village_value vv ON vv.village_code = v.code
        GROUP BY v.commune_code
    )
    SELECT b.code AS commune_code, c.name AS commune_name,
           coalesce(p.villages, 0) AS villages,
           coalesce(p.villages_reported, 0) AS villages_reported,
           coalesce(p.villages_meeting_target, 0) AS villages_meeting_target,
           CASE WHEN p.villages_reported > 0 THEN p.villages_meeting_target / p.villages END
               AS share_meeting_target,
           c.is_demo, b.display
    FROM boundaries b
    JOIN communes c ON c.code = b.code
    LEFT JOIN per_commune p ON p.commune_code = b.code
    WHERE b.level = 'commune' AND ($province IS NULL OR c.province = $province)
    ORDER BY share_meeting_target DESC NULLS LAST, c.name COLLATE vi
    """
    return db.read(sql, {"headline": HEADLINE_INDICATOR, "months": months_in(period), "province": province})


def city_map(db: Warehouse, period: str, province: str | None = None) -> MapLayer:
    """The communes with a boundary (of `province` only, when given: never the whole country's at once), coloured by
    the share of their villages meeting the target; demo when a demo commune's (invented) figures are among them."""
    rows = commune_target_shares(db, period, province)
    geojson = feature_collection(rows["commune_code"].tolist(), rows["display"].tolist())
    is_demo = bool((rows["is_demo"] & (rows["villages"] > 0)).any())
    return MapLayer(rows.drop(columns=["display", "is_demo"]), geojson, is_demo=is_demo,
                    target_share=target_share(db, HEADLINE_INDICATOR))


def national_map(provinces: pd.DataFrame) -> MapLayer:
    """The provinces of a `city.province_table` with their shipped outlines (34 small shapes, never the communes),
    coloured by households guided; demo when the table's figures include a demo commune's (`attrs['is_demo']`)."""
    outlines = province_outlines()
    rows = provinces[provinces["province"].isin(list(outlines))].reset_index(drop=True)
    geojson = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": code, "properties": {"code": code}, "geometry": outlines[code]}
        for code in rows["province"]]}
    return MapLayer(rows, geojson, bool(provinces.attrs.get("is_demo", False)),
                    float(provinces.attrs["target_share"]))

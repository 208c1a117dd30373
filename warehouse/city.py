"""Read queries of the city view: every commune of a province side by side, the city's totals, trends and projection.

Built on the commune pages' own queries (warehouse/queries.py, analysis.py) run over a list of communes, so that a
commune's numbers here are those of its own pages and of its quarterly report. Definitions:

- a commune's headline = households guided ÷ all its households, a village that did not report counting 0;
- a commune has data for a period when at least one of its villages reported in it; only those get a headline,
  a rank and count in the median;
- rank: 1 for the highest headline (equal headlines share a rank), out of every commune of the province;
- a commune's quarterly report = its villages' reports for the quarter's last month: on time when every one arrived
  by the deadline, missing when none arrived and the deadline has passed, late when some arrived after the deadline
  or some are still missing after it, not due while the deadline has not passed and some have not arrived;
- training attendance = attendances ÷ (members × sessions the commune held), every session so far.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from geo.geojson import feature_collection
from warehouse import analysis, queries
from warehouse.codes import DIGITAL_DOMAINS, HEADLINE_INDICATOR, LATE, MISSING, NOT_DUE, ON_TIME
from warehouse.collation import sort_by_name
from warehouse.database import Warehouse
from warehouse.geography import MapLayer
from warehouse.periods import is_month, quarter_deadline, quarter_of
from warehouse.queries import LOW_COVERAGE

# Bands of the distribution of communes per month (the last one: at or above the catalogue's target).
BELOW_HALF, BELOW_TARGET, MEETING_TARGET, WITHOUT_DATA = "below_half", "below_target", "meeting_target", "no_data"

COMMUNE_COLUMNS = [
    "commune_code", "commune_name", "unit_type", "is_demo", "has_data", "villages", "households",
    "villages_reported", "households_guided", "guided_share", "villages_meeting_target", "meets_target",
    *DIGITAL_DOMAINS, "teams", "members", "training_rate", "latest_report",
    "reports_on_time", "reports_late", "reports_missing", "quarterly_report", "rank",
]


@dataclass(frozen=True)
class CityTotals:
    """The city's numbers over the commune table."""

    communes: int
    communes_with_data: int
    households: int
    households_guided: int
    communes_meeting_target: int
    communes_not_reported: int
    median_share: float | None
    target_share: float
    quarter: str

    @property
    def guided_share(self) -> float | None:
        return self.households_guided / self.households if self.households else None


@dataclass(frozen=True)
class CommuneStanding:
    """A commune against its city: its headline, the city's median, its rank out of the city's communes."""

    commune_code: str
    guided_share: float | None
    median_share: float | None
    rank: int | None
    communes: int
    target_share: float


def province_communes(db: Warehouse, province: str) -> pd.DataFrame:
    """The communes of a province: code, name, unit_type, is_demo; in Vietnamese alphabetical order."""
    return db.read(
        "SELECT code, name, unit_type, is_demo FROM communes WHERE province = $province "
        "ORDER BY name COLLATE vi, code",
        {"province": province},
    )


def commune_province(db: Warehouse, commune: str) -> str | None:
    """The province a commune belongs to, if the registry says."""
    return db.scalar("SELECT province FROM communes WHERE code = $commune", {"commune": commune})


def has_demo_data(db: Warehouse, province: str) -> bool:
    """Whether a demo commune of the province holds data (its figures are invented)."""
    return bool(db.scalar(
        "SELECT count(*) FROM communes c WHERE c.province = $province AND c.is_demo "
        "AND EXISTS (SELECT 1 FROM villages v WHERE v.commune_code = c.code)",
        {"province": province},
    ))


def headline_target(db: Warehouse) -> float:
    """The catalogue's target share of the headline indicator."""
    return float(db.scalar("SELECT target_share FROM indicators WHERE code = $code", {"code": HEADLINE_INDICATOR}))


def commune_table(db: Warehouse, province: str, period: str, deadline_day: int, today: date) -> pd.DataFrame:
    """One row per commune of the province for the period (a month, or a quarter: its latest month per village).

    Columns COMMUNE_COLUMNS; sorted by headline (guided_share) best first, communes without data last, then by name.
    guided_share, the domains and rank are missing for a commune without data; training_rate when it held no session.
    `quarterly_report` is on_time / late / missing / not_due (none for a commune without villages before the
    deadline). attrs: target_share, quarter, period.
    """
    return communes_table(db, province_communes(db, province), period, deadline_day, today)


def communes_table(db: Warehouse, communes: pd.DataFrame, period: str, deadline_day: int, today: date) -> pd.DataFrame:
    """`commune_table` for any communes (code, name, unit_type, is_demo), ranked among themselves."""
    codes = communes["code"].tolist()
    target = headline_target(db)
    quarter = quarter_of(period) if is_month(period) else period

    headlines = _headlines(codes, queries.coverage_by_village_of_communes(db, codes, period))
    domains = queries.domain_coverage_of_communes(db, codes, period).pivot(
        index="commune_code", columns="domain", values="coverage")
    timeliness = _quarterly_reports(db, codes, quarter, deadline_day, today)

    table = communes.rename(columns={"code": "commune_code", "name": "commune_name"}).set_index("commune_code")
    table = table.join(headlines).join(domains.reindex(columns=list(DIGITAL_DOMAINS)))
    table = table.join(_registry_counts(db, codes)).join(timeliness).reset_index()
    for column in ("teams", "members", "reports_on_time", "reports_late", "reports_missing"):
        table[column] = table[column].fillna(0).astype("int64")
    for domain in DIGITAL_DOMAINS:
        table[domain] = table[domain].where(table["has_data"])
    table["meets_target"] = table["guided_share"].ge(target) & table["has_data"]
    deadline_passed = today > quarter_deadline(quarter, deadline_day)
    table["quarterly_report"] = table["quarterly_report"].where(
        table["villages"] > 0, MISSING if deadline_passed else None)
    table = sort_by_name(table, "commune_name", first=["has_data", "guided_share"], ascending=[False, False])
    table = table[COMMUNE_COLUMNS]
    table.attrs.update(target_share=target, quarter=quarter, period=period)
    return table


def _headlines(codes: list[str], villages: pd.DataFrame) -> pd.DataFrame:
    """Each of `codes` (by commune_code) from its villages' coverage: villages, households, villages reported,
    households guided, villages meeting the target (0 without villages), has_data, guided_share and rank."""
    per_commune = villages.assign(value=villages["value"].fillna(0)).groupby("commune_code").agg(
        villages=("village_code", "size"), households=("households", "sum"),
        villages_reported=("reported", "sum"), households_guided=("value", "sum"),
        villages_meeting_target=("meets_target", "sum"),
    )
    return _ranked_headlines(codes, per_commune)


def _ranked_headlines(codes: list[str], per_commune: pd.DataFrame) -> pd.DataFrame:
    """`_headlines` from the sums of each commune's villages (`queries.headline_by_commune`)."""
    table = per_commune.reindex(pd.Index(codes, name="commune_code")).fillna(0).astype("int64")
    table["has_data"] = table["villages_reported"] > 0
    table["guided_share"] = (table["households_guided"] / table["households"].where(table["households"] > 0)).where(
        table["has_data"])
    table["rank"] = table["guided_share"].rank(method="min", ascending=False).astype("Int64")
    return table


def _registry_counts(db: Warehouse, codes: list[str]) -> pd.DataFrame:
    """Teams, members, the newest month reported and training attendance of each commune."""
    sql = """
    WITH commune AS (SELECT unnest($communes) AS commune_code),
    village AS (SELECT code, commune_code FROM villages WHERE commune_code IN (SELECT commune_code FROM commune)),
    team AS (SELECT v.commune_code, t.code FROM teams t JOIN village v ON v.code = t.village_code),
    member AS (SELECT tm.commune_code, m.code FROM members m JOIN team tm ON tm.code = m.team_code),
    team_count AS (SELECT commune_code, count(*) AS teams FROM team GROUP BY commune_code),
    member_count AS (SELECT commune_code, count(*) AS members FROM member GROUP BY commune_code),
    latest AS (
        SELECT v.commune_code, max(r.period) AS latest_report
        FROM reports r JOIN village v ON v.code = r.village_code GROUP BY v.commune_code
    ),
    held AS (SELECT commune_code, count(*) AS sessions FROM training_sessions GROUP BY commune_code),
    attended AS (
        SELECT mb.commune_code, count(*) AS attendances
        FROM training_attendance a
        JOIN training_sessions s ON s.code = a.session_code AND s.commune_code = a.commune_code
        JOIN member mb ON mb.code = a.member_code AND mb.commune_code = s.commune_code
        WHERE a.attended GROUP BY mb.commune_code
    )
    SELECT c.commune_code, coalesce(tc.teams, 0) AS teams, coalesce(mc.members, 0) AS members, l.latest_report,
           coalesce(att.attendances, 0) AS attendances, coalesce(h.sessions, 0) AS sessions
    FROM commune c
    LEFT JOIN team_count tc USING (commune_code)
    LEFT JOIN member_count mc USING (commune_code)
    LEFT JOIN latest l USING (commune_code)
    LEFT JOIN held h USING (commune_code)
    LEFT JOIN attended att USING (commune_code)
    """
    frame = db.read(sql, {"communes": codes}).set_index("commune_code")
    possible = frame["members"] * frame["sessions"]
    frame["training_rate"] = frame["attendances"] / possible.where(possible > 0)
    return frame[["teams", "members", "latest_report", "training_rate"]]


def _quarterly_reports(db: Warehouse, codes: list[str], quarter: str, deadline_day: int, today: date) -> pd.DataFrame:
    """Each commune's villages' quarterly reports counted by status, and the commune's own status."""
    villages = queries.report_timeliness_of_communes(db, codes, quarter, deadline_day, today)
    counts = pd.crosstab(villages["commune_code"], villages["status"]).reindex(
        columns=[ON_TIME, LATE, MISSING, NOT_DUE], fill_value=0)
    frame = pd.DataFrame({
        "reports_on_time": counts[ON_TIME], "reports_late": counts[LATE], "reports_missing": counts[MISSING],
    })
    frame["quarterly_report"] = [
        _commune_report_status(on_time, late, missing, not_due)
        for on_time, late, missing, not_due in counts[[ON_TIME, LATE, MISSING, NOT_DUE]].itertuples(index=False)
    ]
    return frame


def _commune_report_status(on_time: int, late: int, missing: int, not_due: int) -> str:
    if missing == not_due == 0:
        return LATE if late else ON_TIME
    if not_due:  # the deadline has not passed
        return NOT_DUE
    return MISSING if on_time == late == 0 else LATE


def city_totals(table: pd.DataFrame) -> CityTotals:
    """The city's totals over a `commune_table`: households guided of all its households, communes meeting the
    target, communes whose quarterly report is missing, the median headline of the communes with data."""
    with_data = table[table["has_data"]]
    return CityTotals(
        communes=len(table),
        communes_with_data=len(with_data),
        households=int(table["households"].sum()),
        households_guided=int(table["households_guided"].sum()),
        communes_meeting_target=int(table["meets_target"].sum()),
        communes_not_reported=int((table["quarterly_report"] == MISSING).sum()),
        median_share=city_median(table),
        target_share=float(table.attrs["target_share"]),
        quarter=str(table.attrs["quarter"]),
    )


def city_median(table: pd.DataFrame, column: str = "guided_share") -> float | None:
    """The median of a column of a `commune_table` over the communes with data (none when no commune has data)."""
    values = table.loc[table["has_data"], column].dropna()
    return float(values.median()) if len(values) else None


def commune_standing(table: pd.DataFrame, commune: str) -> CommuneStanding | None:
    """Where one commune of a `commune_table` stands: headline, city median, rank ("37/114"); None if not listed."""
    row = table[table["commune_code"] == commune]
    if row.empty:
        return None
    share, rank = row["guided_share"].iloc[0], row["rank"].iloc[0]
    return CommuneStanding(
        commune_code=commune,
        guided_share=None if pd.isna(share) else float(share),
        median_share=city_median(table),
        rank=None if pd.isna(rank) else int(rank),
        communes=len(table),
        target_share=float(table.attrs["target_share"]),
    )


def standings_in_province(db: Warehouse, province: str, period: str) -> dict[str, CommuneStanding]:
    """Every commune of the province against the others for the period, by code: `commune_standing` of its
    `commune_table`, worked out from the headline alone (one query, where the table takes five)."""
    codes = [code for (code,) in db.rows("SELECT code FROM communes WHERE province = $province ORDER BY code",
                                         {"province": province})]
    table = _ranked_headlines(codes, queries.headline_by_commune(db, codes, period).set_index("commune_code"))
    median, target = city_median(table), headline_target(db)
    return {
        code: CommuneStanding(commune_code=code, guided_share=None if pd.isna(share) else float(share),
                              median_share=median, rank=None if pd.isna(rank) else int(rank), communes=len(table),
                              target_share=target)
        for code, share, rank in zip(table.index, table["guided_share"], table["rank"], strict=True)
    }


def indicator_shares_by_commune(db: Warehouse, province: str, period: str) -> pd.DataFrame:
    """Each household indicator's coverage in every commune of the province with data in the period.

    A commune's coverage of an indicator = its villages' values ÷ all its households (unreported counting 0), as
    on the domains page. Columns: commune_code, indicator_code, domain, share.
    """
    codes = province_communes(db, province)["code"].tolist()
    indicators = analysis.household_indicators(db)
    every_village = queries.coverage_by_village_of_indicators(db, codes, period, indicators["code"].tolist())
    by_indicator = dict(iter(every_village.groupby("indicator_code", sort=False)))
    parts = []
    for indicator in indicators.itertuples():
        villages = by_indicator.get(indicator.code, every_village.iloc[0:0])
        per_commune = villages.assign(value=villages["value"].fillna(0)).groupby("commune_code").agg(
            value=("value", "sum"), households=("households", "sum"), reported=("reported", "any"))
        with_data = per_commune[per_commune["reported"]]
        parts.append(pd.DataFrame({"commune_code": with_data.index, "indicator_code": indicator.code,
                                   "domain": indicator.domain,
                                   "share": (with_data["value"] / with_data["households"]).to_numpy()}))
    columns = ["commune_code", "indicator_code", "domain", "share"]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def indicator_medians(db: Warehouse, province: str, period: str) -> pd.DataFrame:
    """Each household indicator's median coverage over the province's communes with data in the period
    (see `indicator_shares_by_commune`). Columns: indicator_code, domain, median, communes."""
    shares = indicator_shares_by_commune(db, province, period)
    indicators = analysis.household_indicators(db)[["code", "domain"]].rename(columns={"code": "indicator_code"})
    medians = shares.groupby("indicator_code", as_index=False).agg(median=("share", "median"),
                                                                   communes=("share", "size"))
    frame = indicators.merge(medians, on="indicator_code", how="left")
    frame["communes"] = frame["communes"].fillna(0).astype("int64")
    return frame[["indicator_code", "domain", "median", "communes"]]


def province_months(db: Warehouse, province: str) -> list[str]:
    """Months for which at least one village of the province reported, oldest first."""
    # Every province's months in one statement, the same for every province: a page asking for each of the 34 (the
    # national view) has it read once by the cache of statements (ui.cached.SharedReads), where 34 took 0.45 s.
    months = db.read(
        "SELECT DISTINCT c.province, r.period FROM reports r JOIN villages v ON v.code = r.village_code "
        "JOIN communes c ON c.code = v.commune_code ORDER BY r.period",
    )
    return months.loc[months["province"] == province, "period"].tolist()


def city_series(db: Warehouse, province: str) -> pd.DataFrame:
    """The city month by month: households guided of all households, and how many communes fall in each band.

    Columns: period, households, households_guided, guided_share, below_half (< 50 %), below_target,
    meeting_target (≥ the target), no_data (no village reported that month, or no village registered).
    """
    codes = province_communes(db, province)["code"].tolist()
    target = headline_target(db)
    rows = []
    for month in province_months(db, province):
        villages = queries.coverage_by_village_of_communes(db, codes, month)
        per_commune = villages.assign(value=villages["value"].fillna(0)).groupby("commune_code").agg(
            value=("value", "sum"), households=("households", "sum"), reported=("reported", "any"))
        shares = (per_commune["value"] / per_commune["households"])[per_commune["reported"]]
        bands = shares.map(lambda share: coverage_band(share, target)).value_counts()
        households, guided = int(per_commune["households"].sum()), int(per_commune["value"].sum())
        rows.append({
            "period": month, "households": households, "households_guided": guided,
            "guided_share": guided / households if households else None,
            BELOW_HALF: int(bands.get(BELOW_HALF, 0)), BELOW_TARGET: int(bands.get(BELOW_TARGET, 0)),
            MEETING_TARGET: int(bands.get(MEETING_TARGET, 0)), WITHOUT_DATA: len(codes) - len(shares),
        })
    frame = pd.DataFrame(rows, columns=["period", "households", "households_guided", "guided_share", BELOW_HALF,
                                        BELOW_TARGET, MEETING_TARGET, WITHOUT_DATA])
    frame.attrs["target_share"] = target
    return frame


def coverage_band(share: float | None, target_share: float) -> str:
    """The band of a commune's headline: under half its households, under the target, at or above it; no data."""
    if share is None or pd.isna(share):
        return WITHOUT_DATA
    if share < min(LOW_COVERAGE, target_share):
        return BELOW_HALF
    return MEETING_TARGET if share >= target_share else BELOW_TARGET


def projected_communes(
    db: Warehouse, province: str, to_month: str = analysis.CAMPAIGN_END_MONTH
) -> pd.DataFrame:
    """Each commune with villages, its headline projected to the end of `to_month` by the villages' projection
    (analysis.project_value; unreported villages 0) and whether it is at risk (projected under the target).

    Columns: commune_code, commune_name, unit_type, households, value, projected_share, has_data, at_risk;
    the communes at risk first, lowest projection first.
    """
    communes = province_communes(db, province)
    villages = analysis.projected_coverage_of_communes(db, communes["code"].tolist(), to_month)
    per_commune = villages.groupby("commune_code", as_index=False).agg(
        households=("households", "sum"), value=("value", "sum"),
        has_data=("last_period", lambda periods: bool(periods.notna().any())))
    per_commune["projected_share"] = per_commune["value"] / per_commune["households"]
    target = headline_target(db)
    per_commune["at_risk"] = per_commune["projected_share"] < target
    frame = communes.rename(columns={"code": "commune_code", "name": "commune_name"}).merge(
        per_commune, on="commune_code")
    frame = sort_by_name(frame, "commune_name", first=["at_risk", "projected_share"], ascending=[False, True])
    frame = frame[["commune_code", "commune_name", "unit_type", "households", "value", "projected_share", "has_data",
                   "at_risk"]]
    frame.attrs.update(target_share=target, to_month=to_month)
    return frame



def commune_outlines(db: Warehouse, province: str) -> pd.DataFrame:
    """The province's communes with a stored boundary: code, name, province, unit_type, is_demo, has_villages,
    geometry (WKB); by code."""
    return db.read(
        "SELECT c.code, c.name, c.province, c.unit_type, c.is_demo, "
        "EXISTS (SELECT 1 FROM villages v WHERE v.commune_code = c.code) AS has_villages, b.geometry "
        "FROM communes c JOIN boundaries b ON b.level = 'commune' AND b.code = c.code "
        "WHERE c.province = $province ORDER BY c.code",
        {"province": province},
    )


def province_map(db: Warehouse, province: str, table: pd.DataFrame) -> MapLayer:
    """The province's communes that have a stored boundary, with their row of `table` (a `commune_table`), for a map
    coloured by the headline; demo when a demo commune's figures are among them."""
    boundaries = db.read(
        "SELECT b.code, b.display FROM boundaries b JOIN communes c ON c.code = b.code "
        "WHERE b.level = 'commune' AND c.province = $province",
        {"province": province},
    ).set_index("code")["display"]
    rows = table[table["commune_code"].isin(boundaries.index)].reset_index(drop=True).assign(communes=len(table))
    geojson = feature_collection(rows["commune_code"].tolist(), boundaries.loc[rows["commune_code"]].tolist())
    return MapLayer(rows, geojson, is_demo=bool((rows["is_demo"] & rows["has_data"]).any()),
                    target_share=float(table.attrs["target_share"]))


PROVINCE_COLUMNS = [
    "province", "province_name", "communes", "communes_with_data", "households", "households_guided", "guided_share",
    "communes_meeting_target", "communes_not_reported", "median_share", "is_demo",
]


def province_table(
    db: Warehouse, period: str, deadline_day: int, today: date, provinces: list[str] | None = None,
) -> pd.DataFrame:
    """One row per registered province (only `provinces` when given): the `city_totals` of its communes' rows of
    `commune_table`, so that a province's row says what its city view says (the communes of every province are read
    at once). Sorted by households guided (best first), provinces without data last, then by code.
    Columns PROVINCE_COLUMNS; guided_share and median_share missing without data; is_demo when a demo commune's
    (invented) figures are among the province's. attrs: target_share, period, is_demo (any)."""
    registered = db.read("SELECT code, name FROM provinces ORDER BY code")
    if provinces is not None:
        registered = registered[registered["code"].isin(list(provinces))]
    communes = db.read(
        "SELECT code, name, unit_type, is_demo, province FROM communes WHERE province IN (SELECT unnest($codes)) "
        "ORDER BY name COLLATE vi, code", {"codes": registered["code"].tolist()})
    table = communes_table(db, communes, period, deadline_day, today)
    table["province"] = table["commune_code"].map(communes.set_index("code")["province"])
    by_province = dict(iter(table.groupby("province", sort=False)))
    rows = []
    for code, name in registered.itertuples(index=False):
        rows_of_province = by_province.get(code, table.iloc[0:0])
        rows_of_province.attrs = table.attrs
        totals = city_totals(rows_of_province)
        rows.append({
            "province": code, "province_name": name, "communes": totals.communes,
            "communes_with_data": totals.communes_with_data, "households": totals.households,
            "households_guided": totals.households_guided,
            "guided_share": totals.guided_share if totals.communes_with_data else None,
            "communes_meeting_target": totals.communes_meeting_target,
            "communes_not_reported": totals.communes_not_reported, "median_share": totals.median_share,
            "is_demo": bool((rows_of_province["is_demo"] & rows_of_province["has_data"]).any()),
        })
    result = pd.DataFrame(rows, columns=PROVINCE_COLUMNS)
    result["guided_share"] = result["guided_share"].astype("Float64")
    result["median_share"] = result["median_share"].astype("Float64")
    result = result.sort_values(["guided_share", "province"], ascending=[False, True], na_position="last",
                                ignore_index=True)
    result.attrs.update(target_share=table.attrs["target_share"], period=period,
                        is_demo=bool(result["is_demo"].any()))
    return result

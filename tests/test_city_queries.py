"""The city view's queries against the hand-computed city of tests/city_fixture.py, and agreement with the commune
pages' own queries (a commune's numbers in the city table are those of its pages and its quarterly report)."""

from datetime import date

import pandas as pd
import pytest

from tests import analysis_fixture, city_fixture
from tests.city_fixture import ANH_SANG, BINH_YEN, CHO_MOI, CON_CO, DONG_HAI, PROVINCE
from warehouse import analysis, city, queries
from warehouse.database import Warehouse
from warehouse.write.communes import replace_communes

DEADLINE_DAY = 15


@pytest.fixture
def db(warehouse_path) -> Warehouse:
    warehouse = Warehouse.open(warehouse_path)
    replace_communes(warehouse, city_fixture.tables())
    return warehouse


def table(db: Warehouse, period: str = "2025-12", today: date = city_fixture.AFTER_DEADLINE) -> pd.DataFrame:
    return city.commune_table(db, PROVINCE, period, DEADLINE_DAY, today)


def test_every_commune_of_the_province_is_listed_best_first_and_those_without_data_last_by_name(db):
    rows = table(db)
    assert rows["commune_code"].tolist() == [ANH_SANG, CHO_MOI, BINH_YEN, CON_CO, DONG_HAI]
    assert rows["has_data"].tolist() == [True, True, True, False, False]
    assert rows["unit_type"].tolist() == ["phuong", "phuong", "xa", "dac_khu", "xa"]


def test_the_headline_counts_unreported_villages_as_zero(db):
    rows = table(db).set_index("commune_code")
    assert rows.loc[ANH_SANG, "guided_share"] == pytest.approx(170 / 200)
    assert rows.loc[CHO_MOI, "guided_share"] == pytest.approx(0.6)
    assert rows.loc[BINH_YEN, ["households_guided", "households", "villages", "villages_reported"]].tolist() == [
        80, 400, 3, 2]
    assert rows.loc[BINH_YEN, "guided_share"] == pytest.approx(0.2)
    assert pd.isna(rows.loc[CON_CO, "guided_share"]) and pd.isna(rows.loc[DONG_HAI, "guided_share"])


def test_a_quarter_takes_each_villages_latest_month(db):
    rows = table(db, "2025-Q4").set_index("commune_code")
    assert rows.loc[BINH_YEN, "guided_share"] == pytest.approx(180 / 400)


def test_villages_meeting_the_target_domains_members_and_training(db):
    rows = table(db).set_index("commune_code")
    assert rows["villages_meeting_target"].tolist() == [2, 0, 0, 0, 0]
    assert rows["meets_target"].tolist() == [True, False, False, False, False]
    assert rows.loc[ANH_SANG, "chinh_quyen_so"] == pytest.approx(0.7 / 3)
    assert rows.loc[ANH_SANG, "kinh_te_so"] == 0
    assert pd.isna(rows.loc[CON_CO, "chinh_quyen_so"])
    assert rows["members"].tolist() == [10, 0, 5, 0, 0]
    assert rows["teams"].tolist() == [2, 0, 1, 0, 0]
    assert rows.loc[ANH_SANG, "training_rate"] == pytest.approx(0.8)
    assert pd.isna(rows.loc[BINH_YEN, "training_rate"])
    assert rows["latest_report"].tolist()[:3] == ["2025-12"] * 3
    assert pd.isna(rows.loc[CON_CO, "latest_report"])


def test_quarterly_reports_on_time_late_and_missing(db):
    rows = table(db).set_index("commune_code")
    assert rows["quarterly_report"].tolist() == ["on_time", "on_time", "late", "missing", "missing"]
    assert rows.loc[BINH_YEN, ["reports_on_time", "reports_late", "reports_missing"]].tolist() == [1, 1, 1]


def test_before_the_deadline_nothing_is_missing_yet(db):
    rows = table(db, today=date(2025, 12, 12)).set_index("commune_code")
    assert rows.loc[ANH_SANG, "quarterly_report"] == "on_time"
    assert rows.loc[BINH_YEN, "quarterly_report"] == "not_due"
    assert rows.loc[CON_CO, "quarterly_report"] == "not_due"
    assert pd.isna(rows.loc[DONG_HAI, "quarterly_report"])
    assert city.city_totals(table(db, today=date(2025, 12, 12))).communes_not_reported == 0


def test_city_totals_median_and_rank(db):
    rows = table(db)
    totals = city.city_totals(rows)
    assert (totals.communes, totals.communes_with_data) == (5, 3)
    assert (totals.households_guided, totals.households) == (310, 750)
    assert totals.guided_share == pytest.approx(310 / 750)
    assert totals.communes_meeting_target == 1
    assert totals.communes_not_reported == 2
    assert totals.median_share == pytest.approx(0.6)
    assert (totals.target_share, totals.quarter) == (0.8, "2025-Q4")
    standing = city.commune_standing(rows, BINH_YEN)
    assert (standing.rank, standing.communes) == (3, 5)
    assert standing.guided_share == pytest.approx(0.2) and standing.median_share == pytest.approx(0.6)
    assert city.commune_standing(rows, CON_CO).rank is None
    assert city.commune_standing(rows, "00000") is None


def test_equal_headlines_share_a_rank(db):
    with db.transaction() as cursor:  # Chợ Mới's December: 85 of 100, as Ánh Sáng's 170 of 200
        cursor.execute("UPDATE report_values SET value = 85 WHERE village_code = 'E1' AND period = '2025-12' "
                       "AND indicator_code = 'ho_da_huong_dan'")
    rows = table(db)
    assert rows["rank"].tolist()[:3] == [1, 1, 3]
    assert rows["commune_name"].tolist()[:2] == ["Phường Ánh Sáng", "Phường Chợ Mới"]


def test_the_target_is_the_catalogues(db):
    with db.transaction() as cursor:
        cursor.execute("UPDATE indicators SET target_share = 0.5 WHERE code = 'ho_da_huong_dan'")
    rows = table(db)
    assert rows["meets_target"].tolist() == [True, True, False, False, False]
    assert city.city_totals(rows).communes_meeting_target == 2
    assert city.coverage_band(0.55, 0.5) == city.MEETING_TARGET


def test_monthly_city_series_and_distribution_of_communes(db):
    series = city.city_series(db, PROVINCE).set_index("period")
    assert series.index.tolist() == ["2025-11", "2025-12"]
    assert series.loc["2025-11", ["households_guided", "households"]].tolist() == [320, 750]
    assert series.loc["2025-12", "guided_share"] == pytest.approx(310 / 750)
    bands = [city.BELOW_HALF, city.BELOW_TARGET, city.MEETING_TARGET, city.WITHOUT_DATA]
    assert series.loc["2025-11", bands].tolist() == [1, 2, 0, 2]
    assert series.loc["2025-12", bands].tolist() == [1, 1, 1, 2]


def test_projection_to_the_end_of_the_campaign_and_the_communes_at_risk(db):
    projection = city.projected_communes(db, PROVINCE)
    assert projection["commune_code"].tolist() == [CON_CO, BINH_YEN, CHO_MOI, ANH_SANG]
    assert projection["projected_share"].tolist() == pytest.approx([0.0, 0.45, 0.6, 0.85])
    assert projection["at_risk"].tolist() == [True, True, True, False]
    assert projection["has_data"].tolist() == [False, True, True, True]


def test_indicator_medians_over_the_communes_with_data(db):
    medians = city.indicator_medians(db, PROVINCE, "2025-12").set_index("indicator_code")
    # VNeID in December: Ánh Sáng 140/200 = 70 %, Chợ Mới 30 %, Bình Yên 30/400 = 7,5 %.
    assert medians.loc["ho_vneid", "median"] == pytest.approx(0.3)
    assert medians.loc["ho_da_huong_dan", "median"] == pytest.approx(0.6)
    assert medians.loc["ho_vneid", "communes"] == 3


def _agrees_with_commune_pages(db: Warehouse, province: str, period: str, today: date) -> None:
    rows = city.commune_table(db, province, period, DEADLINE_DAY, today).set_index("commune_code")
    projection = city.projected_communes(db, province).set_index("commune_code")
    checked = 0
    for code in rows.index[rows["villages"] > 0]:
        summary = queries.commune_summary(db, code, period, DEADLINE_DAY, today)
        row = rows.loc[code]
        assert (row["households"], row["households_guided"], row["villages"], row["villages_reported"],
                row["villages_meeting_target"], row["teams"], row["members"]) == (
            summary.households, summary.households_guided, summary.villages, summary.villages_reported,
            summary.villages_meeting_target, summary.teams, summary.members)
        if row["has_data"]:
            assert row["guided_share"] == pytest.approx(summary.guided_share)
            domains = queries.domain_coverage_of_commune(db, code, period).set_index("domain")["coverage"]
            for domain, coverage in domains.items():
                assert row[domain] == pytest.approx(coverage)
        timeliness = queries.report_timeliness(db, code, summary.quarter, DEADLINE_DAY, today)["status"]
        assert row["reports_on_time"] == summary.reports_on_time == (timeliness == "on_time").sum()
        assert row["reports_late"] == (timeliness == "late").sum()
        teams = analysis.training_attendance_by_team(db, code)
        possible = (teams["members"] * teams["sessions_held"]).sum()
        if possible:
            assert row["training_rate"] == pytest.approx(teams["attendances"].sum() / possible)
        villages = analysis.projected_coverage(db, code)
        assert projection.loc[code, "projected_share"] == pytest.approx(
            villages["value"].sum() / villages["households"].sum())
        checked += 1
    assert checked


def test_the_city_table_agrees_with_each_communes_own_pages(db):
    for period in ("2025-11", "2025-12", "2025-Q4"):
        _agrees_with_commune_pages(db, PROVINCE, period, city_fixture.AFTER_DEADLINE)


def test_the_analysis_commune_agrees_too(warehouse_path):
    db = Warehouse.open(warehouse_path)
    tables = analysis_fixture.tables()
    tables["communes"] = tables["communes"].assign(province="66")
    replace_communes(db, tables)
    for period in ("2025-09", "2025-11", "2025-Q3", "2025-Q4"):
        _agrees_with_commune_pages(db, "66", period, date(2025, 12, 20))


@pytest.mark.parametrize("period", ["2025-11", "2025-12", "2025-Q4"])
def test_each_communes_standing_read_alone_is_the_city_tables(db, period):
    with db.transaction() as cursor:  # a tie too: Chợ Mới's December as Ánh Sáng's
        cursor.execute("UPDATE report_values SET value = 85 WHERE village_code = 'E1' AND period = '2025-12' "
                       "AND indicator_code = 'ho_da_huong_dan'")
    rows = table(db, period)
    standings = city.standings_in_province(db, PROVINCE, period)
    assert sorted(standings) == sorted(rows["commune_code"])
    for code in rows["commune_code"]:
        assert standings[code] == city.commune_standing(rows, code)
    assert city.standings_in_province(db, "99", period) == {}

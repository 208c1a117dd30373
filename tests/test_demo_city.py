"""The demo city: Hải Phòng's communes with invented data, Gia Lộc unchanged, never mixed with a real commune."""

from datetime import date

import pandas as pd
import pytest

from cli import main
from etl import demo, demo_city
from tests import tiny_commune
from tests.upload_files import MONTHLY_HEADER, csv_text, upload
from warehouse import accounts, analysis, city, queries
from warehouse.database import Warehouse
from warehouse.write.communes import replace_communes

AFTER_THE_YEAR = date(2026, 1, 20)


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    assert main(["demo", "--db", str(path)]) == 0
    yield path
    Warehouse.close_all()


@pytest.fixture(scope="module")
def table(demo_path):
    return city.commune_table(Warehouse.open(demo_path), demo.PROVINCE_CODE, "2025-Q4", 15, AFTER_THE_YEAR)


def test_all_114_communes_are_listed_and_all_but_a_few_have_demo_data(demo_path, table):
    assert len(table) == 114
    assert (~table["has_data"]).sum() == demo_city.WITHOUT_DATA
    with_villages = table[table["villages"] > 0]
    assert with_villages["is_demo"].all()
    assert (table.loc[table["villages"] == 0, "is_demo"] == False).all()  # noqa: E712 (registered only)
    assert accounts.every_commune_is_demo(Warehouse.open(demo_path))


def test_wards_are_ahead_remote_communes_and_special_zones_behind(table):
    median = table[table["has_data"]].groupby("unit_type")["guided_share"].median()
    assert median["phuong"] > 0.8 > median["xa"] > median["dac_khu"]
    assert table["guided_share"].min() < 0.5
    assert 20 <= table["meets_target"].sum() <= 70


def test_some_quarterly_reports_are_late_and_some_missing(table):
    reports = table["quarterly_report"].value_counts()
    assert reports["on_time"] >= 30
    assert reports["late"] >= 10
    assert reports["missing"] >= demo_city.WITHOUT_DATA + 3


def test_the_city_trend_rises_month_by_month(demo_path):
    series = city.city_series(Warehouse.open(demo_path), demo.PROVINCE_CODE)
    assert series["period"].tolist() == demo.MONTHS
    assert series["guided_share"].is_monotonic_increasing
    assert series["meeting_target"].iloc[-1] > 0 and series["below_half"].iloc[0] > 0


def test_gia_loc_keeps_its_demo_exactly(demo_path):
    db = Warehouse.open(demo_path)
    generated = demo.generate()
    stored = db.read("SELECT village_code, period, indicator_code, value FROM report_values "
                     "WHERE village_code LIKE '10999-%' ORDER BY ALL")
    expected = generated["report_values"].sort_values(["village_code", "period", "indicator_code"],
                                                      ignore_index=True)
    pd.testing.assert_frame_equal(stored, expected, check_dtype=False)
    assert db.scalar("SELECT count(*) FROM members m JOIN teams t ON t.code = m.team_code "
                     "WHERE t.village_code LIKE '10999-%'") == len(generated["members"])


def test_the_same_seed_gives_the_same_city(demo_path):
    outlines = city.commune_outlines(Warehouse.open(demo_path), demo.PROVINCE_CODE)
    outlines = outlines[outlines["code"] != demo.COMMUNE_CODE]
    first, again = demo_city.generate(outlines), demo_city.generate(outlines)
    for name, frame in first.items():
        pd.testing.assert_frame_equal(frame, again[name])
    assert (first["villages"].groupby("commune_code").size() < 28).all()  # Gia Lộc, the largest, opens first


def test_with_a_real_commune_in_the_warehouse_the_city_gets_no_demo_data(warehouse_path, capsys):
    replace_communes(Warehouse.open(warehouse_path), tiny_commune.tables())
    assert main(["demo", "--db", str(warehouse_path)]) == 0
    assert "vì kho có xã với dữ liệu thật" in capsys.readouterr().out
    db = Warehouse.open(warehouse_path)
    assert db.scalar("SELECT count(DISTINCT commune_code) FROM villages") == 2  # Gia Lộc and the real one


def test_an_upload_into_a_demo_commune_makes_the_warehouse_real(tmp_path):
    path = tmp_path / "demo.duckdb"
    assert main(["demo", "--db", str(path)]) == 0
    db = Warehouse.open(path)
    village = db.scalar("SELECT min(v.code) FROM villages v JOIN communes c ON c.code = v.commune_code "
                        "WHERE c.is_demo AND c.code <> '10999'")
    outcome = upload(path, csv_text([MONTHLY_HEADER, [village, "12/2025", "12/12/2025", "1", "1", "1", ""]]),
                     allow_lower=True)
    assert outcome.status == "accepted", outcome.errors
    assert not accounts.every_commune_is_demo(db)


def test_the_demo_staff_uploading_into_the_demo_keeps_it_a_demo(tmp_path):
    path = tmp_path / "demo.duckdb"
    assert main(["demo", "--db", str(path)]) == 0
    outcome = upload(path, csv_text([MONTHLY_HEADER, ["10999-01", "12/2025", "12/12/2025", "1", "1", "1", ""]]),
                     allow_lower=True, uploaded_by="demo-staff")
    assert outcome.status == "accepted", outcome.errors
    assert accounts.every_commune_is_demo(Warehouse.open(path))


@pytest.mark.parametrize("period", ["2025-12", "2025-Q4"])
def test_several_indicators_read_at_once_are_each_indicators_own_coverage(demo_path, period):
    db = Warehouse.open(demo_path)
    indicators = analysis.household_indicators(db)["code"].tolist()
    communes = city.province_communes(db, demo.PROVINCE_CODE)["code"].tolist()[:20]
    together = queries.coverage_by_village_of_indicators(db, communes, period, indicators)
    one_by_one = pd.concat([queries.coverage_by_village_of_communes(db, communes, period, code).assign(
        indicator_code=code) for code in indicators], ignore_index=True)
    assert together["indicator_code"].unique().tolist() == indicators
    pd.testing.assert_frame_equal(together, one_by_one[together.columns])


def test_the_citys_indicator_shares_are_each_communes_own_coverage(demo_path):
    db = Warehouse.open(demo_path)
    shares = city.indicator_shares_by_commune(db, demo.PROVINCE_CODE, "2025-12")
    assert shares["commune_code"].nunique() > 1
    own = shares[shares["commune_code"] == demo.COMMUNE_CODE].set_index("indicator_code")["share"]
    for indicator in analysis.household_indicators(db)["code"]:
        villages = queries.coverage_by_village(db, demo.COMMUNE_CODE, "2025-12", indicator)
        assert own[indicator] == villages["value"].fillna(0).sum() / villages["households"].sum()


@pytest.mark.parametrize("period", ["2025-11", "2025-Q4"])
def test_the_headline_summed_per_commune_is_the_sum_of_its_villages(demo_path, period):
    db = Warehouse.open(demo_path)
    communes = city.province_communes(db, demo.PROVINCE_CODE)["code"].tolist()
    villages = queries.coverage_by_village_of_communes(db, communes, period)
    expected = villages.assign(value=villages["value"].fillna(0)).groupby("commune_code").agg(
        villages=("village_code", "size"), households=("households", "sum"), villages_reported=("reported", "sum"),
        households_guided=("value", "sum"), villages_meeting_target=("meets_target", "sum"))
    summed = queries.headline_by_commune(db, communes, period).set_index("commune_code")
    assert summed.index.tolist() == expected.index.tolist()
    assert (summed["households_guided"] > 0).all()
    for column in expected.columns:
        assert summed[column].tolist() == expected[column].astype("int64").tolist(), column

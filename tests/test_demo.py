import subprocess
import sys

import pandas as pd
import pytest

from etl import demo
from tests.conftest import ROOT
from warehouse import queries
from warehouse.catalogue import read_catalogue
from warehouse.database import Warehouse
from warehouse.write.communes import replace_communes

HOUSEHOLD_INDICATORS = set(read_catalogue().query("kind == 'cumulative'")["code"])


@pytest.fixture(scope="module")
def tables():
    return demo.generate()


def test_the_same_seed_gives_the_same_commune_and_another_seed_differs(tables):
    again = demo.generate()
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, again[name])
    assert not tables["report_values"].equals(demo.generate(seed=7)["report_values"])


def test_gia_loc_has_25_to_30_villages_and_about_13000_households(tables):
    villages = tables["villages"]
    assert 25 <= len(villages) <= 30
    assert (villages["households"] > 0).all()
    assert villages["households"].sum() == pytest.approx(13_000, rel=0.02)
    assert villages["population"].sum() == pytest.approx(46_700, rel=0.02)
    assert villages["code"].str.match(r"^10999-\d{2}$").all()


def test_household_values_never_exceed_households_nor_fall_from_month_to_month(tables):
    values = tables["report_values"].merge(tables["villages"], left_on="village_code", right_on="code")
    household_values = values[values["indicator_code"].isin(HOUSEHOLD_INDICATORS)]
    assert (household_values["value"] <= household_values["households"]).all()
    falls = household_values.sort_values("period").groupby(["village_code", "indicator_code"])["value"].diff()
    assert (falls.dropna() >= 0).all()


def test_the_registry_checks_and_reporting_problems_have_examples(tables):
    team_sizes = tables["members"].groupby("team_code").size()
    assert sorted(team_sizes.value_counts().items()) == [(4, 1), (5, len(team_sizes) - 1)]
    youth_union = tables["members"].groupby("team_code")["affiliation"].apply(lambda a: "doan_thanh_nien" in set(a))
    assert (~youth_union).sum() == 1
    reports_per_village = tables["reports"].groupby("village_code").size()
    assert sorted(reports_per_village.value_counts().items()) == [(3, 1), (4, len(reports_per_village) - 1)]
    december = tables["reports"].query("period == '2025-12'")
    assert (pd.to_datetime(december["reported_on"]).dt.day > 15).sum() >= 2


def test_the_demo_has_villages_above_and_below_the_target(tables, warehouse_path):

    replace_communes(Warehouse.open(warehouse_path), tables)
    coverage = queries.coverage_by_village(Warehouse.open(warehouse_path), demo.COMMUNE_CODE, "2025-12")
    assert 5 <= coverage["meets_target"].sum() <= len(coverage) - 5
    assert (coverage["coverage"] < 0.5).any()
    assert queries.communes(Warehouse.open(warehouse_path))["is_demo"].tolist() == [True]


def run_etl(*arguments):
    return subprocess.run([sys.executable, "-m", "etl", *arguments], cwd=ROOT, capture_output=True, text=True)


def test_demo_command_creates_the_warehouse_and_if_missing_leaves_it_alone(tmp_path):
    path = tmp_path / "demo.duckdb"
    created = run_etl("demo", "--db", str(path))
    assert created.returncode == 0, created.stderr
    assert "28 thôn" in created.stdout
    assert path.exists()
    modified = path.stat().st_mtime_ns
    kept = run_etl("demo", "--db", str(path), "--if-missing")
    assert kept.returncode == 0 and "giữ nguyên" in kept.stdout
    assert path.stat().st_mtime_ns == modified

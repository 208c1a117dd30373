from datetime import date

import pytest

from tests import analysis_fixture as fixture
from tests.analysis_fixture import BAC, DONG, NAM, TAY
from warehouse import analysis
from warehouse.codes import LATE, MISSING, NOT_DUE, ON_TIME
from warehouse.database import Warehouse
from warehouse.write.communes import replace_communes

TODAY = date(2026, 1, 10)


@pytest.fixture
def analysis_warehouse(warehouse_path):
    replace_communes(Warehouse.open(warehouse_path), fixture.tables())
    return warehouse_path


@pytest.fixture
def con(analysis_warehouse):
    return Warehouse.open(analysis_warehouse)


def by_village(frame, column, key="village_code"):
    return dict(zip(frame[key], frame[column], strict=True))


def test_indicator_coverage_by_village_gives_every_indicator_of_the_domain(con):
    cells = analysis.indicator_coverage_by_village(con, fixture.CODE, "2025-11", "chinh_quyen_so")
    dong = cells[cells["village_code"] == DONG]
    assert by_village(dong, "coverage", "indicator_code") == pytest.approx(
        {"ho_vneid": 0.6, "ho_dvc_truc_tuyen": 0.4, "ho_ung_dung_chinh_quyen": 0.2}
    )
    tay = cells[cells["village_code"] == TAY].set_index("indicator_code")["coverage"]
    assert tay["ho_vneid"] == pytest.approx(0.5)
    assert tay.isna().sum() == 2


def test_reporting_matrix_classifies_reports_around_the_15th_deadline(con):
    matrix = analysis.reporting_matrix(con, fixture.CODE, 15, TODAY)
    september = matrix[matrix["period"] == "2025-09"]
    # Dated the 14th and the 15th: on time; the 16th: late; none: missing.
    assert by_village(september, "status") == {DONG: ON_TIME, TAY: ON_TIME, NAM: LATE, BAC: MISSING}
    october = matrix[matrix["period"] == "2025-10"]
    assert by_village(october, "status") == {DONG: "received", TAY: "received", NAM: MISSING, BAC: MISSING}
    assert sorted(matrix["period"].unique()) == ["2025-09", "2025-10", "2025-11"]


def test_the_deadline_day_is_configuration(con):
    matrix = analysis.reporting_matrix(con, fixture.CODE, 14, TODAY)
    september = matrix[matrix["period"] == "2025-09"]
    assert by_village(september, "status")[TAY] == LATE


def test_before_the_deadline_an_absent_quarterly_report_is_not_yet_due(con):
    matrix = analysis.reporting_matrix(con, fixture.CODE, 15, date(2025, 9, 15))
    assert by_village(matrix[matrix["period"] == "2025-09"], "status")[BAC] == NOT_DUE


def test_reporting_rates_are_completeness_and_timeliness_per_month(con):
    rates = analysis.reporting_rates(con, fixture.CODE, 15, TODAY).set_index("period")
    assert rates.loc["2025-09", "completeness"] == pytest.approx(0.75)
    assert rates.loc["2025-09", "timeliness"] == pytest.approx(0.5)
    assert rates.loc["2025-10", "completeness"] == pytest.approx(0.5)
    assert rates.loc["2025-11", "received"] == 3
    assert rates["timeliness"].isna().tolist() == [False, True, True]


@pytest.mark.parametrize(
    ("series", "households", "expected"),
    [
        ([("2025-09", 30), ("2025-10", 50), ("2025-11", 70)], 100, 90),  # +20 a month
        ([("2025-08", 5), ("2025-09", 30), ("2025-10", 50), ("2025-11", 70)], 100, 90),  # only the last three
        ([("2025-09", 10), ("2025-11", 12)], 50, 13),  # a gap: months are calendar months
        ([("2025-09", 60), ("2025-10", 80), ("2025-11", 100)], 110, 110),  # capped at the households
        ([("2025-09", 70), ("2025-10", 60), ("2025-11", 50)], 100, 50),  # never below the last value
        ([("2025-11", 40)], 100, 40),  # one month: no trend
        ([("2025-11", 40), ("2025-12", 45)], 100, 45),  # December reported: that is the answer
        ([], 100, 0),
    ],
)
def test_projection_extends_a_least_squares_line_to_december(series, households, expected):
    assert analysis.project_value(series, households) == pytest.approx(expected)


def test_projected_coverage_lists_the_villages_at_risk(con):
    projection = analysis.projected_coverage(con, fixture.CODE)
    assert by_village(projection, "coverage") == pytest.approx({DONG: 0.9, TAY: 0.5, NAM: 0.26, BAC: 0.0})
    assert by_village(projection, "at_risk") == {DONG: False, TAY: True, NAM: True, BAC: True}


def test_commune_coverage_over_time_counts_unreported_villages_as_zero(con):
    monthly = analysis.commune_coverage_over_time(con, fixture.CODE)
    assert monthly["coverage"].tolist() == pytest.approx([80 / 430, 110 / 430, 162 / 430])
    quarterly = analysis.commune_coverage_over_time(con, fixture.CODE, quarterly=True)
    assert by_village(quarterly, "coverage", "period") == pytest.approx({"2025-Q3": 80 / 430, "2025-Q4": 162 / 430})


def test_quarter_over_quarter_change_is_in_points(con):
    change = analysis.quarter_over_quarter_change(con, fixture.CODE)
    assert by_village(change, "change")[DONG] == pytest.approx(0.4)
    assert by_village(change, "change")[NAM] == pytest.approx(0.04)
    assert change.attrs == {"previous": "2025-Q3", "latest": "2025-Q4"}


def test_training_attendance_per_session_and_team(con):
    sessions = analysis.training_attendance_by_session(con, fixture.CODE)
    assert sessions["attended"].tolist() == [4, 3]
    assert sessions["rate"].tolist() == pytest.approx([4 / 7, 3 / 7])
    teams = analysis.training_attendance_by_team(con, fixture.CODE)
    assert by_village(teams, "rate") == pytest.approx({DONG: 0.5, TAY: 0.5, NAM: 1.0, BAC: 0.0})


def test_members_never_trained_and_the_affiliation_mix(con):
    assert analysis.members_never_trained(con, fixture.CODE)["full_name"].tolist() == ["Phạm Văn Dũng", "Lê Văn Cường"]
    mix = analysis.affiliation_mix_by_team(con, fixture.CODE)
    assert by_village(mix, "has_core_member") == {DONG: True, TAY: False, NAM: True, BAC: False}
    assert by_village(mix, "doan_thanh_nien") == {DONG: 1, TAY: 0, NAM: 1, BAC: 0}


def test_village_detail_queries(con):
    assert analysis.village_members(con, DONG)["full_name"].tolist() == ["Nguyễn Văn An", "Trần Thị Bình",
                                                                          "Lê Văn Cường"]
    series = analysis.village_series(con, DONG)
    guided = series[series["indicator_code"] == "ho_da_huong_dan"]
    assert guided["coverage"].tolist() == pytest.approx([0.3, 0.5, 0.7])
    training = analysis.village_training_attendance(con, DONG)
    assert training["sessions_attended"].tolist() == [2, 1, 0]
    history = analysis.village_report_history(con, TAY, 15, TODAY)
    assert history["period"].tolist() == ["2025-11", "2025-10", "2025-09"]
    assert history["status"].tolist() == ["received", "received", ON_TIME]
    assert history["note"].iloc[2] == fixture.FORMULA_NOTE


def test_queries_are_empty_not_failing_for_a_commune_without_reports(con):
    assert analysis.reporting_matrix(con, "00000", 15, TODAY).empty
    assert analysis.reporting_rates(con, "00000", 15, TODAY).empty
    assert analysis.commune_coverage_over_time(con, "00000").empty
    assert analysis.quarter_over_quarter_change(con, "00000").empty

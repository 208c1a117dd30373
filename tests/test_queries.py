from datetime import date

import pandas as pd
import pytest

from tests import tiny_commune
from warehouse import queries
from warehouse.codes import LATE, MISSING, NOT_DUE, ON_TIME
from warehouse.database import Warehouse
from warehouse.write.communes import replace_communes

A, B, C = (f"{tiny_commune.CODE}-0{n}" for n in (1, 2, 3))
AFTER_Q4 = date(2026, 1, 10)


@pytest.fixture
def con(tiny_warehouse):
    return Warehouse.open(tiny_warehouse)


def by_village(frame, column):
    return dict(zip(frame["village_code"], frame[column], strict=True))


def test_month_coverage_is_value_over_households_and_unreported_villages_have_none(con):
    coverage = queries.coverage_by_village(con, tiny_commune.CODE, "2025-12")
    assert by_village(coverage, "coverage")[A] == pytest.approx(0.85)
    assert by_village(coverage, "reported") == {A: True, B: False, C: False}
    assert coverage["value"].isna().sum() == 2
    assert coverage["village_code"].tolist()[0] == A


def test_quarter_takes_each_villages_latest_month_in_the_quarter(con):
    coverage = queries.coverage_by_village(con, tiny_commune.CODE, "2025-Q4")
    assert by_village(coverage, "value")[A] == 85
    assert by_village(coverage, "coverage")[B] == pytest.approx(0.45)
    assert by_village(coverage, "meets_target") == {A: True, B: False, C: False}


def test_coverage_of_another_indicator(con):
    coverage = queries.coverage_by_village(con, tiny_commune.CODE, "2025-11", indicator="ho_vneid")
    assert by_village(coverage, "coverage")[B] == pytest.approx(0.4)


def test_domain_coverage_is_the_mean_of_the_domains_indicators(con):
    domains = queries.domain_coverage_by_village(con, tiny_commune.CODE, "2025-12")
    row = domains[(domains["village_code"] == A) & (domains["domain"] == "chinh_quyen_so")].iloc[0]
    assert row["coverage"] == pytest.approx((0.70 + 0.50 + 0.30) / 3)
    assert row["indicators"] == 3


def test_commune_domain_coverage_counts_all_households_and_every_indicator(con):
    domains = queries.domain_coverage_of_commune(con, tiny_commune.CODE, "2025-Q4")
    assert domains["domain"].tolist() == ["chinh_quyen_so", "kinh_te_so", "xa_hoi_so"]
    government = domains.iloc[0]
    # (70 + 80) / 350 for VNeID, 50 / 350 for online services, 30 / 350 for the city app.
    assert government["coverage"] == pytest.approx((150 / 350 + 50 / 350 + 30 / 350) / 3)
    assert domains.iloc[1]["coverage"] == 0


def test_summary_counts_for_a_month(con):
    summary = queries.commune_summary(con, tiny_commune.CODE, "2025-12", deadline_day=15, today=AFTER_Q4)
    assert (summary.villages, summary.households, summary.teams, summary.members) == (3, 350, 3, 14)
    assert (summary.villages_reported, summary.households_guided, summary.villages_meeting_target) == (1, 85, 1)
    assert summary.guided_share == pytest.approx(85 / 350)
    assert (summary.quarter, summary.reports_on_time, summary.reports_due) == ("2025-Q4", 1, 3)


def test_quarterly_report_on_the_deadline_day_is_on_time_and_a_day_later_is_late(con):
    on_the_day = queries.report_timeliness(con, tiny_commune.CODE, "2025-Q4", deadline_day=15, today=AFTER_Q4)
    assert by_village(on_the_day, "status") == {A: ON_TIME, B: MISSING, C: MISSING}
    earlier_deadline = queries.report_timeliness(con, tiny_commune.CODE, "2025-Q4", deadline_day=14, today=AFTER_Q4)
    assert by_village(earlier_deadline, "status")[A] == LATE


def test_missing_report_is_not_yet_due_before_the_deadline(con):
    timeliness = queries.report_timeliness(con, tiny_commune.CODE, "2025-Q4", 15, today=date(2025, 12, 15))
    assert by_village(timeliness, "status")[B] == NOT_DUE


def test_alerts_name_low_coverage_missing_reports_small_teams_and_teams_without_youth_union(con):
    alerts = queries.alerts(con, tiny_commune.CODE, "2025-Q4", full_team_size=5)
    found = {(row.kind, row.village_code) for row in alerts.itertuples()}
    assert found == {("low_coverage", B), ("no_report", C), ("small_team", B), ("no_core_member", C)}


def test_reported_months_and_communes(con):
    assert queries.reported_months(con, tiny_commune.CODE) == ["2025-11", "2025-12"]
    assert queries.communes(con)["code"].tolist() == [tiny_commune.CODE]


def test_villages_are_listed_in_vietnamese_alphabetical_order(warehouse_path):

    tables = tiny_commune.tables()
    tables["villages"]["name"] = ["Thôn Tây", "Thôn Đông", "Thôn Dương"]
    replace_communes(Warehouse.open(warehouse_path), tables)
    teams = queries.team_sizes(Warehouse.open(warehouse_path), tiny_commune.CODE)
    # Đ follows D in the Vietnamese alphabet; by code point it would come after T.
    assert teams["village_name"].tolist() == ["Thôn Dương", "Thôn Đông", "Thôn Tây"]


def test_the_reports_communication_table_lists_villages_in_vietnamese_order(warehouse_path):
    from warehouse import report_queries

    tables = tiny_commune.tables()
    tables["villages"]["name"] = ["Thôn Tây", "Thôn Đông", "Thôn Dương"]
    replace_communes(Warehouse.open(warehouse_path), tables)
    sums = report_queries.communication_by_village(Warehouse.open(warehouse_path), tiny_commune.CODE, "2025-Q4")
    assert sums["village_name"].tolist() == ["Thôn Dương", "Thôn Đông", "Thôn Tây"]
    assert sums.set_index("village_name").loc["Thôn Tây", "info_sessions"] == 5  # A: 2 in November + 3 in December


@pytest.mark.parametrize("today", [date(2026, 1, 10), date(2026, 1, 15), date(2026, 1, 16)])
def test_every_reports_timeliness_at_once_is_each_reports_own(today):
    deadline = date(2026, 1, 15)
    received = pd.Series(pd.to_datetime([None, "2026-01-14", "2026-01-15", "2026-01-15 18:30", "2026-01-16",
                                         "2025-12-01", None], format="ISO8601"))
    assert queries.timeliness_of(received, deadline, today) == [
        queries.timeliness(reported_on, deadline, today) for reported_on in received]
    assert queries.timeliness_of(received.iloc[0:0], deadline, today) == []

"""The overview's headline, checked against figures worked out by hand from tests/tiny_commune.py.

350 households; the target is 80%, i.e. 280 households. November: A 60 + B 90 = 150 guided. December: A 85 (B and
C did not report and count as 0). Q4: each village's latest month, A 85 + B 90 = 175.
"""

import pytest

from tests import tiny_commune
from warehouse.database import Warehouse
from warehouse.headline import Headline, guided_headline, months_between, period_before


@pytest.fixture
def db(tiny_warehouse):
    return Warehouse.open(tiny_warehouse)


def test_november_misses_130_households_with_december_left(db):
    headline = guided_headline(db, tiny_commune.CODE, "2025-11")
    assert (headline.guided, headline.households, headline.households_at_target) == (150, 350, 280)
    assert headline.share == pytest.approx(150 / 350)
    assert headline.missing == 130
    assert headline.months_left == 1
    assert headline.per_month_needed == 130
    # No village reported in October: there is nothing to compare with.
    assert headline.previous_period is None and headline.change is None


def test_december_compares_with_november_and_has_no_month_left(db):
    headline = guided_headline(db, tiny_commune.CODE, "2025-12")
    assert headline.guided == 85
    assert headline.missing == 195
    assert headline.previous_period == "2025-11"
    assert headline.change == pytest.approx((85 - 150) / 350)  # −18,6 points: B has not reported December yet
    assert headline.months_left == 0 and headline.per_month_needed is None


def test_a_quarter_takes_each_villages_latest_month(db):
    headline = guided_headline(db, tiny_commune.CODE, "2025-Q4")
    assert headline.guided == 175
    assert headline.missing == 105
    assert headline.previous_period is None  # nothing reported in Q3


def test_households_per_month_round_up_and_stop_at_the_target():
    october = Headline("2025-10", households=1000, guided=700, target_share=0.8, previous_period=None,
                       previous_guided=None, months_left=2)
    assert october.missing == 100 and october.per_month_needed == 50
    september = Headline("2025-09", households=1000, guided=699, target_share=0.8, previous_period="2025-08",
                         previous_guided=649, months_left=3)
    assert september.missing == 101 and september.per_month_needed == 34  # 33,67 rounded up
    assert september.change == pytest.approx(0.05)
    reached = Headline("2025-11", households=351, guided=281, target_share=0.8, previous_period=None,
                       previous_guided=None, months_left=1)
    assert reached.households_at_target == 281  # 80% of 351 is 280,8: one more household
    assert reached.missing == 0 and reached.reached and reached.per_month_needed == 0


def test_the_period_before_and_months_between():
    assert period_before("2025-01") == "2024-12"
    assert period_before("2025-11") == "2025-10"
    assert period_before("2025-Q1") == "2024-Q4"
    assert period_before("2025-Q4") == "2025-Q3"
    assert months_between("2025-09", "2025-12") == 3
    assert months_between("2024-12", "2025-12") == 12
    assert months_between("2026-01", "2025-12") == -1

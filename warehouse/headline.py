"""The overview's headline: the commune's share of households guided against the target, what is missing, the
change since the period before, and the households per month still needed by the end of the campaign."""

from __future__ import annotations

import math
from dataclasses import dataclass

from warehouse import queries
from warehouse.analysis import CAMPAIGN_END_MONTH
from warehouse.codes import HEADLINE_INDICATOR
from warehouse.database import Warehouse
from warehouse.periods import is_month, last_month, quarter_of


@dataclass(frozen=True)
class Headline:
    period: str
    households: int
    guided: int
    target_share: float
    previous_period: str | None  # the month (or quarter) before, when it has reports
    previous_guided: int | None
    months_left: int  # months after the period's last month up to the campaign's end

    @property
    def share(self) -> float | None:
        return self.guided / self.households if self.households else None

    @property
    def households_at_target(self) -> int:
        """The households guided when the commune reaches the target (rounded up: 80% of 351 is 281)."""
        return math.ceil(self.target_share * self.households - 1e-9)

    @property
    def missing(self) -> int:
        """Households still to guide to reach the target; 0 once it is reached."""
        return max(self.households_at_target - self.guided, 0)

    @property
    def change(self) -> float | None:
        """The change of the share since the period before, as a share (0.05 = 5 points); None without one."""
        if self.previous_guided is None or not self.households:
            return None
        return (self.guided - self.previous_guided) / self.households

    @property
    def per_month_needed(self) -> int | None:
        """Households to guide each month left to reach the target by the campaign's end (rounded up); None when no
        month is left."""
        if self.months_left <= 0:
            return None
        return math.ceil(self.missing / self.months_left)

    @property
    def reached(self) -> bool:
        return self.missing == 0 and self.households > 0


def period_before(period: str) -> str:
    """The month before a month, the quarter before a quarter: `2025-01` → `2024-12`, `2025-Q1` → `2024-Q4`."""
    year, rest = int(period[:4]), period[5:]
    if is_month(period):
        month = int(rest)
        return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
    quarter = int(rest[1:])
    return f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}"


def months_between(first: str, second: str) -> int:
    """Whole months from month `first` to month `second` (negative when `second` comes first)."""
    return (int(second[:4]) - int(first[:4])) * 12 + int(second[5:7]) - int(first[5:7])


def guided_headline(db: Warehouse, commune: str, period: str, indicator: str = HEADLINE_INDICATOR) -> Headline:
    """The commune's headline for a month or quarter: a village that has not reported counts as 0, as on the
    overview's cards; the change compares with the period before only when some village reported in it."""
    coverage = queries.coverage_by_village(db, commune, period, indicator)
    target_share = float(queries.indicator_catalogue(db).set_index("code").loc[indicator, "target_share"])
    previous = period_before(period)
    reported = queries.reported_months(db, commune)
    previous_reported = any(month == previous or quarter_of(month) == previous for month in reported)
    previous_guided = None
    if previous_reported:
        previous_guided = int(queries.coverage_by_village(db, commune, previous, indicator)["value"].sum())
    return Headline(
        period=period, households=int(coverage["households"].sum()), guided=int(coverage["value"].sum()),
        target_share=target_share, previous_period=previous if previous_reported else None,
        previous_guided=previous_guided, months_left=max(months_between(last_month(period), CAMPAIGN_END_MONTH), 0),
    )

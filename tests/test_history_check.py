"""The history check of a monthly file warns about exactly the cells a plain reading of the rule names: a household
figure below the village's latest earlier one, or a figure above `factor` times the median of at least
`least_months` earlier ones, with the same previous value, period and median shown."""

import statistics
from collections import defaultdict

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import tiny_commune
from warehouse import uploads as upload_queries
from warehouse.database import Warehouse
from warehouse.write.communes import replace_communes

VILLAGES = [f"{tiny_commune.CODE}-0{number}" for number in (1, 2, 3)]
UNKNOWN_VILLAGE = f"{tiny_commune.CODE}-09"
PERIODS = ["2025-06", "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01"]
INDICATORS = ["ho_da_huong_dan", "ho_vneid", "luot_tuyen_truyen"]
HOUSEHOLDS = ["ho_da_huong_dan", "ho_vneid"]
# Small values, so that equal values, zeros and figures three times the median all happen often; a few far apart.
VALUES = st.one_of(st.integers(min_value=0, max_value=40), st.sampled_from([0, 1, 10, 30]))

# Stored figures scattered: any village, any month, any indicator may be missing.
SCATTERED = st.dictionaries(st.tuples(st.sampled_from(VILLAGES), st.sampled_from(PERIODS),
                                      st.sampled_from(INDICATORS)), VALUES, max_size=60)


@st.composite
def runs_of_months(draw: st.DrawFn) -> dict[tuple[str, str, str], int]:
    """Stored figures as villages send them: every figure from some month up to some later one, every month, with
    at most a few figures missing."""
    stored = {}
    for village in VILLAGES:
        first = draw(st.integers(0, len(PERIODS)))
        last = draw(st.integers(first, len(PERIODS)))
        for indicator in INDICATORS:
            for period in PERIODS[first:last]:
                stored[village, period, indicator] = draw(VALUES)
    for missing in draw(st.lists(st.sampled_from(sorted(stored)), max_size=3)) if stored else []:
        stored.pop(missing, None)
    return stored


STORED = st.one_of(SCATTERED, runs_of_months())
# A file's rows: several months of one village, months before any history, unknown or missing villages and months,
# empty cells; corrections (a month already stored) included.
FILE_ROWS = st.lists(st.tuples(st.sampled_from([*VILLAGES, UNKNOWN_VILLAGE, None]),
                               st.sampled_from([*PERIODS, "2026-02", None]),
                               st.lists(st.one_of(st.none(), VALUES, st.integers(min_value=0, max_value=200)),
                                        min_size=len(INDICATORS), max_size=len(INDICATORS))),
                     min_size=1, max_size=12)
CHECKED = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def warehouse(warehouse_path):
    """One warehouse for all of a test's examples: each stores its own figures in it."""
    return Warehouse.open(warehouse_path)


def store(db: Warehouse, stored: dict[tuple[str, str, str], int]) -> None:
    """The tiny commune with exactly the `stored` figures (and a report for each village-month of them)."""
    values = pd.DataFrame([{"village_code": village, "period": period, "indicator_code": indicator, "value": value}
                           for (village, period, indicator), value in stored.items()],
                          columns=["village_code", "period", "indicator_code", "value"])
    reports = values[["village_code", "period"]].drop_duplicates().assign(reported_on=pd.Timestamp("2026-02-10"),
                                                                          note=None)
    replace_communes(db, {**tiny_commune.tables(), "reports": reports, "report_values": values})


def file_figures(rows: list[tuple[str | None, str | None, list[int | None]]]) -> pd.DataFrame:
    """The frame `check_history` hands over: position, village_code, period, one nullable column per indicator."""
    frame = pd.DataFrame({"village_code": [row[0] for row in rows], "period": [row[1] for row in rows]})
    for index, indicator in enumerate(INDICATORS):
        frame[indicator] = pd.array([row[2][index] for row in rows], dtype="Int64")
    return frame.rename_axis("position").reset_index()


def reference(stored: dict[tuple[str, str, str], int], rows: list, factor: float, least_months: int) -> list[tuple]:
    """The rule read plainly, cell by cell: (position, indicator, previous value and period, median, fell,
    unusual) of every cell warned about."""
    history = defaultdict(list)
    for (village, period, indicator), value in stored.items():
        history[village, indicator].append((period, value))
    warned = []
    for position, (village, period, values) in enumerate(rows):
        if village is None or period is None:
            continue
        for indicator, value in zip(INDICATORS, values, strict=True):
            earlier = sorted(entry for entry in history[village, indicator] if entry[0] < period)
            if value is None or not earlier:
                continue
            previous_period, previous_value = earlier[-1]
            median = statistics.median(figure for _, figure in earlier)
            fell = indicator in HOUSEHOLDS and value < previous_value
            unusual = len(earlier) >= least_months and value > factor * median
            if fell or unusual:
                warned.append((position, indicator, previous_value, previous_period, float(median), fell, unusual))
    return sorted(warned)


def checked(db: Warehouse, rows: list, factor: float, least_months: int) -> list[tuple]:
    doubtful = upload_queries.figures_against_history(db, file_figures(rows), HOUSEHOLDS, factor=factor,
                                                      least_months=least_months)
    return sorted((int(row.position), row.indicator_code, int(row.previous_value), row.previous_period,
                   float(row.median_value), bool(row.fell), bool(row.unusual)) for row in doubtful.itertuples())


@CHECKED
@given(stored=STORED, rows=FILE_ROWS, factor=st.sampled_from([3, 2, 1.5]), least_months=st.integers(1, 4))
def test_the_history_check_warns_about_exactly_the_cells_the_rule_names(warehouse, stored, rows, factor,
                                                                        least_months):
    store(warehouse, stored)
    assert checked(warehouse, rows, factor, least_months) == reference(stored, rows, factor, least_months)


def test_a_median_between_two_months_is_their_mean(warehouse):
    """Four earlier months 2, 4, 10, 40: the median is 7, so 21 is usual and 22 unusual; a household figure below
    its latest month (40) fell."""
    village = VILLAGES[0]
    store(warehouse, {(village, period, "luot_tuyen_truyen"): value
                      for period, value in zip(PERIODS[:4], [2, 40, 10, 4], strict=True)}
          | {(village, PERIODS[3], "ho_vneid"): 40})
    rows = [(village, PERIODS[4], [None, None, 21]), (village, PERIODS[4], [None, 39, 22])]
    assert checked(warehouse, rows, 3, 2) == [
        (1, "ho_vneid", 40, PERIODS[3], 40.0, True, False),
        (1, "luot_tuyen_truyen", 4, PERIODS[3], 7.0, False, True)]


# Each village's every month holds every figure, as most do: the recent months alone could clear a cell.
@pytest.mark.parametrize(("earlier", "value", "fell", "unusual"), [
    ([1, 1, 10], 20, False, True),  # the median is 1, though the latest month alone would clear 20
    ([1, 1, 10], 3, True, False),
    ([1, 1, 1, 1, 10, 10, 10, 10], 17, False, True),  # the median is 5.5: above 16.5
    ([1, 1, 1, 1, 10, 10, 10, 10], 16, False, False),
    ([10, 10, 10, 10, 1, 1, 1, 1], 17, False, True),  # falling figures: the latest months are the smallest
    ([10, 10, 10, 1, 1, 1, 1, 1], 4, False, True),
    ([10, 10, 10, 10, 10, 1, 1, 1], 30, False, False),
    ([30, 35, 40], 38, True, False),  # below the latest month, above the others
    ([30, 35, 40], 40, False, False),
])
def test_a_figure_is_unusual_against_the_median_of_every_earlier_month(warehouse, earlier, value, fell, unusual):
    stored = {(VILLAGES[1], period, indicator): figure
              for period, figure in zip(PERIODS, earlier, strict=False) for indicator in INDICATORS}
    store(warehouse, stored)
    rows = [(VILLAGES[1], "2026-02", [None, value, value])]  # households with VNeID, outreach sessions
    warned = checked(warehouse, rows, 3, 2)
    assert [(row[1], row[-2], row[-1]) for row in warned] == (
        [("ho_vneid", fell, unusual)] if fell or unusual else []) + (
        [("luot_tuyen_truyen", False, True)] if unusual else [])
    assert warned == reference(stored, rows, 3, 2)

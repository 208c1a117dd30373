"""Read queries only the quarterly report needs: the staff's texts and the quarter's communication counts.

Every number a page also shows (coverage, training, reporting timeliness, the projection) comes from the pages' own
functions in warehouse/queries.py and warehouse/analysis.py, called by quarterly_report/builder.py, never from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from warehouse import queries
from warehouse.database import Warehouse

INFO_SESSIONS, PRINTED_MATERIALS = "luot_tuyen_truyen", "an_pham_phat_hanh"


@dataclass(frozen=True)
class ReportTexts:
    """What staff type for a quarterly report: its free-text sections, number and signatory."""

    difficulties: str = ""
    next_tasks: str = ""
    proposals: str = ""
    report_number: str = ""
    signatory: str = ""


def report_texts(db: Warehouse, commune: str, quarter: str) -> ReportTexts:
    """The texts staff saved for the commune's report of the quarter (empty texts when none were saved)."""
    frame = db.read(
        "SELECT difficulties, next_tasks, proposals, report_number, signatory FROM report_texts "
        "WHERE commune_code = $commune AND quarter = $quarter",
        {"commune": commune, "quarter": quarter},
    )
    return ReportTexts(**frame.iloc[0].to_dict()) if len(frame) else ReportTexts()


def communication_by_village(db: Warehouse, commune: str, quarter: str) -> pd.DataFrame:
    """Information sessions and printed materials of each village summed over the quarter (pages' own sums).

    Columns: village_code, village_name, info_sessions, printed_materials (missing when the village reported none).
    """
    parts = []
    for indicator, column in ((INFO_SESSIONS, "info_sessions"), (PRINTED_MATERIALS, "printed_materials")):
        sums = queries.coverage_by_village(db, commune, quarter, indicator)
        parts.append(sums.set_index(["village_code", "village_name"])["value"].rename(column))
    sums = pd.concat(parts, axis=1).reset_index()
    # In the villages' Vietnamese alphabetical order (a left merge keeps the left side's order).
    return queries.villages(db, commune)[["village_code"]].merge(sums, on="village_code", how="left")

"""The demo commune's figures as the overview shows them, read from a warehouse the dashboard does not hold yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

import settings
from etl import demo
from warehouse import queries
from warehouse.database import Warehouse


@dataclass(frozen=True)
class DemoFigures:
    """What the overview of the latest demo month shows."""

    summary: queries.CommuneSummary
    villages: pd.DataFrame  # queries.coverage_by_village of the latest month
    previous_month: pd.DataFrame  # the same for the month before


def read_demo_figures(warehouse: Path) -> DemoFigures:
    """The demo's figures of its latest month (and the villages' values of the month before) in `warehouse`."""
    latest, previous = demo.MONTHS[-1], demo.MONTHS[-2]
    deadline_day = settings.load_settings().report_deadline_day
    with Warehouse.inspect(warehouse) as db:
        return DemoFigures(
            queries.commune_summary(db, demo.COMMUNE_CODE, latest, deadline_day, date.today()),
            queries.coverage_by_village(db, demo.COMMUNE_CODE, latest),
            queries.coverage_by_village(db, demo.COMMUNE_CODE, previous),
        )

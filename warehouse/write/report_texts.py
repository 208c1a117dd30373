"""What staff type for a commune's quarterly report, kept so that the report can be edited and made again."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING

from warehouse.periods import is_quarter
from warehouse.report_queries import ReportTexts
from warehouse.write import audit

if TYPE_CHECKING:
    from warehouse.database import Warehouse


def save_report_texts(
    db: Warehouse, commune: str, quarter: str, texts: ReportTexts, saved_by: str | None = None,
) -> None:
    """Keep what staff typed for the commune's report of the quarter, replacing what was saved before (audited)."""
    if not is_quarter(quarter):
        raise ValueError(f"not a quarter (YYYY-Qn): {quarter!r}")
    values = {name: value.strip() for name, value in asdict(texts).items()}
    with db.transaction() as cursor:
        cursor.execute(
            """
            INSERT INTO report_texts (commune_code, quarter, difficulties, next_tasks, proposals, report_number,
                                      signatory, saved_at)
            VALUES ($commune, $quarter, $difficulties, $next_tasks, $proposals, $report_number, $signatory,
                    current_timestamp)
            ON CONFLICT (commune_code, quarter) DO UPDATE SET
                difficulties = excluded.difficulties, next_tasks = excluded.next_tasks,
                proposals = excluded.proposals, report_number = excluded.report_number,
                signatory = excluded.signatory, saved_at = excluded.saved_at
            """,
            {"commune": commune, "quarter": quarter, **values},
        )
        audit.add(cursor, saved_by, "report_texts_saved", f"{commune} {quarter}", datetime.now())

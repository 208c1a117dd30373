"""The quarterly report: saving the text staff write for it, and recording that it was exported."""

from __future__ import annotations

from warehouse.database import Warehouse
from warehouse.report_queries import ReportTexts
from warehouse.write import audit
from warehouse.write.report_texts import save_report_texts


def save_report_text(db: Warehouse, commune: str, quarter: str, texts: ReportTexts, by: str | None) -> None:
    """Keep what `by` typed for the commune's report of the quarter, replacing what was saved before (audited)."""
    save_report_texts(db, commune, quarter, texts, by)


def record_report_export(db: Warehouse, by: str | None, commune: str, quarter: str) -> None:
    """Write to the audit log that `by` exported the commune's report of the quarter."""
    audit.record(db, by, "report_exported", f"{commune} {quarter}")

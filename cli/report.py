"""`python -m etl report`: a commune's quarterly report as Word, its annexes as Excel."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import i18n
from cli.common import AddCommand, audit_soon
from cli.exit_codes import EXIT_OK, EXIT_REFUSED, EXIT_USAGE
from settings import load_settings
from warehouse.database import Warehouse
from warehouse.periods import is_quarter


def add_commands(command: AddCommand) -> None:
    """Declare `report` (it only reads: it may read a copy while the dashboard has the warehouse)."""
    report_command = command("report", _report, "write a commune's quarterly report as Word and its annexes as Excel")
    report_command.add_argument("--commune", required=True, help="commune code, e.g. 10999")
    report_command.add_argument("--quarter", required=True, help="quarter, e.g. 2025-Q4")
    report_command.add_argument("--out", required=True, help="the Word file to write (.docx)")
    report_command.add_argument("--xlsx", help="the Excel file to write (default: --out with .xlsx)")
    report_command.set_defaults(reads_only=True)


def _report(arguments: argparse.Namespace) -> int:
    # Imported here so that the loading commands do not pay for python-docx and openpyxl.
    from quarterly_report import ReportRefused, build_quarterly_report, render_docx, render_xlsx

    lang = arguments.lang
    docx_path = Path(arguments.out)
    xlsx_path = Path(arguments.xlsx) if arguments.xlsx else docx_path.with_suffix(".xlsx")
    if not is_quarter(arguments.quarter):
        print(i18n.t("report.refused.bad_quarter", lang, quarter=arguments.quarter), file=sys.stderr)
        return EXIT_USAGE
    if docx_path.resolve() == xlsx_path.resolve():
        print(i18n.t("report.cli.same_file", lang, path=docx_path), file=sys.stderr)
        return EXIT_USAGE
    if not Path(arguments.db).exists():
        print(i18n.t("report.cli.no_warehouse", lang, path=arguments.db), file=sys.stderr)
        return EXIT_REFUSED
    db = Warehouse.open(arguments.db)
    try:  # refused: a quarter without data, or a Word template the program cannot fill
        report = build_quarterly_report(db, arguments.commune, arguments.quarter, load_settings(), date.today())
        files = {docx_path: render_docx(report, lang), xlsx_path: render_xlsx(report, lang)}
    except ReportRefused as refusal:
        print(i18n.t(refusal.key, lang, **refusal.values), file=sys.stderr)
        return EXIT_REFUSED
    written: list[Path] = []
    for path, content in files.items():
        try:
            path.write_bytes(content)
        except OSError as error:
            for done in written:  # all or nothing: never leave half a report behind
                done.unlink(missing_ok=True)
            print(i18n.t("report.cli.write_failed", lang, path=path, reason=error.strerror or error), file=sys.stderr)
            return EXIT_REFUSED
        written.append(path)
    audit_soon(arguments.source_db, "report_exported", f"{arguments.commune} {arguments.quarter}")
    print(i18n.t("report.cli.written", lang, commune=report.commune_name,
                 quarter=i18n.ROMAN_QUARTERS[report.quarter_number], year=report.year, docx=docx_path, xlsx=xlsx_path))
    return EXIT_OK

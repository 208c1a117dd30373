"""`python -m etl import|uploads|undo`: load report files, list the uploads, undo one."""

from __future__ import annotations

import argparse
import getpass
import json
import sys

import i18n
from cli.common import AddCommand
from cli.exit_codes import EXIT_OK, EXIT_REFUSED
from etl import schema
from etl.load import REFUSED, FileOutcome, import_path, message, undo
from settings import load_settings
from warehouse import uploads
from warehouse.database import Warehouse
from warehouse.write.uploads import UndoRefused


def add_commands(command: AddCommand) -> None:
    """Declare `import`, `uploads` (which only reads) and `undo`."""
    import_command = command("import", _import, "validate report files and load the accepted ones")
    import_command.add_argument("paths", nargs="+", metavar="PATH", help="CSV, .xlsx or .xls files")
    import_command.add_argument("--kind", choices=schema.KINDS, help="the kind of file (default: from the header)")
    import_command.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    import_command.add_argument("--json", action="store_true", help="print one JSON document")
    import_command.add_argument("--allow-lower", action="store_true",
                                help="confirm that the files may lower or clear stored figures")
    import_command.add_argument("--user", default=getpass.getuser(), help="who uploads (default: %(default)s)")

    uploads_command = command("uploads", _uploads, "the upload history, newest first")
    uploads_command.add_argument("--json", action="store_true", help="print one JSON document")
    uploads_command.set_defaults(reads_only=True)

    undo_command = command("undo", _undo, "restore what an upload replaced")
    undo_command.add_argument("upload_id", type=int, metavar="UPLOAD_ID")
    undo_command.add_argument("--user", default=getpass.getuser(), help="who undoes (default: %(default)s)")


def _import(arguments: argparse.Namespace) -> int:
    settings, db = load_settings(), Warehouse.open(arguments.db)
    outcomes = [
        import_path(path, db, uploaded_by=arguments.user, kind=arguments.kind, dry_run=arguments.dry_run,
                    deadline_day=settings.report_deadline_day, limits=settings.upload_limits,
                    allow_lower=arguments.allow_lower)
        for path in arguments.paths
    ]
    if arguments.json:
        document = {"files": [outcome.document(arguments.lang) for outcome in outcomes]}
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        for outcome in outcomes:
            _print_outcome(outcome, arguments.lang, arguments.dry_run)
    return EXIT_REFUSED if any(outcome.status == REFUSED for outcome in outcomes) else EXIT_OK


def _print_outcome(outcome: FileOutcome, lang: str, dry_run: bool) -> None:
    kind = i18n.t(f"import.kind.{outcome.kind}", lang) if outcome.kind else "?"
    # A dry run loads nothing: an acceptable file is "valid", not "loaded".
    status = "valid" if dry_run and outcome.status != REFUSED else outcome.status
    print(i18n.t("import.cli.file", lang, path=outcome.path, status=i18n.t(f"import.status.{status}", lang),
                 kind=kind, rows=i18n.number(outcome.rows, lang)))
    if outcome.upload_id is not None:
        print(i18n.t("import.cli.upload_id", lang, upload=outcome.upload_id))
    elif dry_run and outcome.status != REFUSED:
        print(i18n.t("import.cli.dry_run", lang))
    if outcome.changes:
        print(i18n.t("import.cli.changes", lang, **{change: i18n.number(count, lang)
                                                   for change, count in outcome.changes.items()}))
    for label, problems in (("import.cli.error", outcome.errors), ("import.cli.warning", outcome.warnings)):
        for problem in problems:
            where = (i18n.t("import.cli.where", lang, row=problem.row, column=problem.column) if problem.column
                     else i18n.t("import.cli.where_row", lang, row=problem.row))
            prefix = f"{i18n.t(label, lang)} ({where})" if problem.row is not None else i18n.t(label, lang)
            print(f"{prefix}: {message(problem, lang)}")


def _uploads(arguments: argparse.Namespace) -> int:
    history = uploads.upload_history(Warehouse.open(arguments.db))
    if arguments.json:
        records = json.loads(history.to_json(orient="records", date_format="iso", force_ascii=False))
        print(json.dumps({"uploads": records}, ensure_ascii=False, indent=2))
        return EXIT_OK
    if history.empty:
        print(i18n.t("import.cli.no_uploads", arguments.lang))
    for row in history.itertuples(index=False):
        print(i18n.t(
            "import.cli.upload_line", arguments.lang, id=row.id, uploaded_at=f"{row.uploaded_at:%d/%m/%Y %H:%M}",
            kind=i18n.t(f"import.kind.{row.kind}", arguments.lang), file_name=row.file_name,
            rows=i18n.number(row.rows_accepted, arguments.lang),
            status=i18n.t(f"import.status.{row.status}", arguments.lang), uploaded_by=row.uploaded_by,
        ))
    return EXIT_OK


def _undo(arguments: argparse.Namespace) -> int:
    try:
        print(undo(Warehouse.open(arguments.db), arguments.upload_id, arguments.user, arguments.lang))
    except UndoRefused as refused:
        print(refused.reason, file=sys.stderr)
        return EXIT_REFUSED
    return EXIT_OK

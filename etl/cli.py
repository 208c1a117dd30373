"""The `python -m etl` command line. Exit status: 0 done, 1 refused or failed, 2 usage error."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from datetime import date, datetime
from pathlib import Path

import i18n
from etl import boundaries, communes_command, demo, demo_city, registry, schema, storage, templates, users_command
from etl.exit_codes import EXIT_OK, EXIT_REFUSED, EXIT_USAGE
from etl.load import REFUSED, FileOutcome, import_path, message, undo
from geo import demo as demo_geography
from geo import shipped
from settings import SettingsError, load_settings
from warehouse import accounts, backup, city, queries, uploads
from warehouse.database import Warehouse
from warehouse.errors import CatalogueError, WarehouseLocked, WarehouseNewerThanProgram, WarehouseUnavailable
from warehouse.files import make_private
from warehouse.periods import is_month, is_quarter
from warehouse.write import accounts as account_writes
from warehouse.write import audit
from warehouse.write import boundaries as boundary_writes
from warehouse.write import communes as commune_writes
from warehouse.write.migrations import latest_version
from warehouse.write.uploads import UndoRefused


def _demo(arguments: argparse.Namespace) -> int:
    path = Path(arguments.db)
    if arguments.if_missing and path.exists():
        print(i18n.t("cli.demo.exists", arguments.lang, path=path))
        return EXIT_OK
    db = Warehouse.open(path)
    tables = demo.generate(seed=arguments.seed)
    commune_writes.replace_communes(db, tables)
    village_shapes = demo_geography.village_boundaries(tables["villages"]["code"].tolist(), seed=arguments.seed)
    boundary_writes.replace_village_boundaries(db, demo.COMMUNE_CODE, village_shapes, is_demo=True)
    print(i18n.t(
        "cli.demo.created", arguments.lang, commune=demo.COMMUNE_NAME, path=path,
        villages=len(tables["villages"]), members=len(tables["members"]), reports=len(tables["reports"]),
    ))
    print(i18n.t("maps.cli.demo_boundaries", arguments.lang, count=len(village_shapes)))
    _demo_city(db, arguments.seed, arguments.lang)
    _demo_accounts(db, arguments.lang)
    return EXIT_OK


def _demo_city(db: Warehouse, seed: int, lang: str) -> None:
    """Register the demo commune's city, store the shipped city boundaries and give its communes invented data."""
    registration = registry.register(db, [demo.PROVINCE_CODE], user="demo")
    province = registration.provinces["name"].iloc[0]
    if registration.refused:
        # A warehouse that already holds the city's communes under other names keeps them: the command shows why.
        print(i18n.t("cli.demo.city_not_registered", lang, province=province, code=demo.PROVINCE_CODE))
        return
    print(i18n.t("cli.demo.city_registered", lang, province=province, count=len(registration.communes),
                 added=registration.count(registry.ADDED)))
    layer = boundaries.store_commune_layer(db, shipped.HAI_PHONG_COMMUNES)
    print(i18n.t("cli.demo.city_boundaries", lang, count=len(layer.boundaries), province=province))
    _demo_city_data(db, province, seed, lang)


def _demo_city_data(db: Warehouse, province: str, seed: int, lang: str) -> None:
    """Give the city's other communes invented data, unless a commune of the warehouse holds real data."""
    if not accounts.every_commune_is_demo(db):
        print(i18n.t("city.cli.demo_skipped", lang))
        return
    outlines = city.commune_outlines(db, demo.PROVINCE_CODE)
    outlines = outlines[outlines["code"] != demo.COMMUNE_CODE]
    tables = demo_city.generate(outlines, seed=seed)
    commune_writes.replace_communes(db, tables)
    print(i18n.t("city.cli.demo_created", lang, province=province, communes=len(tables["communes"]),
                 villages=i18n.number(len(tables["villages"]), lang),
                 reports=i18n.number(len(tables["reports"]), lang),
                 without_data=len(outlines) - len(tables["communes"])))


def _report(arguments: argparse.Namespace) -> int:
    # Imported here so that the loading commands do not pay for python-docx and openpyxl.
    from quarterly_report import ReportRefused, build_quarterly_report, render_docx, render_xlsx
    from quarterly_report.department import build_city_report, render_city_docx, render_city_xlsx

    lang = arguments.lang
    docx_path = Path(arguments.out)
    if docx_path.suffix.lower() != ".docx":  # `--out bao-cao` writes bao-cao.docx and bao-cao.xlsx
        docx_path = docx_path.with_name(docx_path.name + ".docx")
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
        if arguments.province is not None:
            province = registry.province_code(arguments.province) or arguments.province
            city_report = build_city_report(db, province, arguments.quarter, load_settings(), date.today())
            files = {docx_path: render_city_docx(city_report, lang), xlsx_path: render_city_xlsx(city_report, lang)}
            subject, scope = city_report.province_name, province
        else:
            report = build_quarterly_report(db, arguments.commune, arguments.quarter, load_settings(), date.today())
            files = {docx_path: render_docx(report, lang), xlsx_path: render_xlsx(report, lang)}
            subject, scope = report.commune_name, arguments.commune
    except ReportRefused as refusal:
        print(i18n.t(refusal.key, lang, **refusal.values), file=sys.stderr)
        return EXIT_REFUSED
    written = []
    for path, content in files.items():
        try:
            path.write_bytes(content)
        except OSError as error:
            for done in written:  # all or nothing: never leave half a report behind
                done.unlink(missing_ok=True)
            print(i18n.t("report.cli.write_failed", lang, path=path, reason=error.strerror or error), file=sys.stderr)
            return EXIT_REFUSED
        written.append(path)
    _audit_soon(arguments.source_db, "report_exported", f"{scope} {arguments.quarter}")
    print(i18n.t("report.cli.written", lang, commune=subject, quarter=i18n.ROMAN_QUARTERS[int(arguments.quarter[-1])],
                 year=arguments.quarter[:4], docx=docx_path, xlsx=xlsx_path))
    return EXIT_OK


def _demo_accounts(db: Warehouse, lang: str) -> None:
    """(Re)create the demo accounts, one per role, unless the warehouse also holds real communes."""
    if not accounts.every_commune_is_demo(db):
        print(i18n.t("auth.cli.demo_accounts_skipped", lang))
        return
    for username, role, communes in demo.DEMO_ACCOUNTS:
        account_writes.add_user(db, username, role, communes, demo.DEMO_PASSWORD, is_demo=True, replace=True)
    print(i18n.t("auth.cli.demo_accounts", lang, users=", ".join(username for username, _, _ in demo.DEMO_ACCOUNTS)))


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


def _template(arguments: argparse.Namespace) -> int:
    db = Warehouse.open(arguments.db)
    names = queries.communes(db).set_index("code")["name"]
    if arguments.commune not in names:
        print(i18n.t("import.cli.unknown_commune", arguments.lang, commune=arguments.commune), file=sys.stderr)
        return EXIT_USAGE
    if arguments.period is not None and not is_month(arguments.period):
        print(i18n.t("import.cli.bad_period", arguments.lang), file=sys.stderr)
        return EXIT_USAGE
    file_format = arguments.format or ("xlsx" if arguments.out.lower().endswith(".xlsx") else "csv")
    frame = templates.template_frame(db, arguments.kind, arguments.commune, arguments.period)
    title = templates.template_title(arguments.kind, names[arguments.commune], arguments.period)
    Path(arguments.out).write_bytes(templates.template_bytes(frame, title, file_format))
    print(i18n.t("import.cli.template_written", arguments.lang, kind=i18n.t(f"import.kind.{arguments.kind}",
                                                                            arguments.lang), path=arguments.out))
    return EXIT_OK


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


def _backup(arguments: argparse.Namespace) -> int:
    lang, path, out = arguments.lang, Path(arguments.db), Path(arguments.out)
    try:
        manifest = backup.backup(path, out)
    except backup.BackupRefused as refused:
        print(i18n.t(refused.key, lang, **refused.values), file=sys.stderr)
        return EXIT_REFUSED
    _audit_soon(path, "backup", str(out.resolve()))
    print(i18n.t("storage.backup.done", lang, path=path, out=out, tables=len(manifest["tables"]),
                 rows=i18n.number(sum(rows for rows, _ in manifest["tables"].values()), lang),
                 command=backup.restore_command(path, out)))
    return EXIT_OK


def _restore(arguments: argparse.Namespace) -> int:
    lang, path, folder = arguments.lang, Path(arguments.db), Path(arguments.folder)
    try:
        restored = backup.restore(folder, path, force=arguments.force, latest_version=latest_version())
    except backup.BackupRefused as refused:
        print(i18n.t(refused.key, lang, **refused.values), file=sys.stderr)
        return EXIT_REFUSED
    # Opening upgrades a snapshot taken before a migration.
    audit.record(Warehouse.open(path), getpass.getuser(), "restore", str(folder.resolve()))
    rows = sum(count for count, _ in restored.tables.values())
    taken = restored.created_at
    print(i18n.t("storage.restore.done", lang, path=path, folder=folder,
                 created_at=f"{i18n.day(taken.date(), lang)} {taken:%H:%M}",
                 tables=len(restored.tables), rows=i18n.number(rows, lang)))
    if restored.kept_aside is not None:
        print(i18n.t("storage.restore.kept_aside", lang, aside=restored.kept_aside))
    return EXIT_OK


def _audit_soon(warehouse: Path, action: str, detail: str) -> None:
    """Write an audit row now or, while another process (the dashboard) has the warehouse open, leave it beside the
    warehouse for that process's next write."""
    try:
        audit.record(Warehouse.open(warehouse), getpass.getuser(), action, detail)
    except WarehouseLocked:
        audit.keep_for_later(warehouse, getpass.getuser(), action, detail)


def _reads_only(arguments: argparse.Namespace) -> bool:
    """Whether the command only reads the warehouse (it may then read a copy while the dashboard has the file)."""
    return getattr(arguments, "reads_only", False) or (arguments.command == "import" and arguments.dry_run)


def _readable_warehouse(arguments: argparse.Namespace, stack: ExitStack) -> Path:
    """The warehouse itself or, while another process has it open, a copy taken now (said on standard error)."""
    path = Path(arguments.db)
    if not path.exists():
        return path  # the command says so, or creates it, as it would anyway
    try:
        Warehouse.open(path)
        return path
    except WarehouseLocked:
        copy = stack.enter_context(backup.readable_copy(path))
    print(i18n.t("storage.read_from_copy", arguments.lang, path=path, time=f"{datetime.now():%H:%M:%S}"),
          file=sys.stderr)
    return copy


def _with_common_options(
    parser: argparse.ArgumentParser, run: Callable[[argparse.Namespace], int], default_db: Path
) -> argparse.ArgumentParser:
    """The options every command has (--db, --lang) and the function that runs it."""
    parser.add_argument("--db", default=str(default_db), help="warehouse file (default: %(default)s)")
    parser.add_argument("--lang", choices=i18n.LANGUAGES, default=i18n.DEFAULT_LANGUAGE)
    parser.set_defaults(run=run)
    return parser


def build_parser(default_db: Path) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description="Chuyển đổi số cộng đồng: nạp dữ liệu.")
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, run: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        return _with_common_options(commands.add_parser(name, help=help_text), run, default_db)

    demo_command = command("demo", _demo, "create or recreate the demo commune (Gia Lộc, invented data)")
    demo_command.add_argument("--if-missing", action="store_true", help="do nothing when the warehouse exists")
    demo_command.add_argument("--seed", type=int, default=demo.DEFAULT_SEED)
    boundaries.add_arguments(command("boundaries", boundaries.run, "import village or commune boundaries"))
    communes_command.add_arguments(command(
        "communes", communes_command.run, "register a province's communes with their official names and types"))

    report_command = command("report", _report, "write a commune's quarterly report (or the Department's summary of a "
                                                 "province) as Word and its annexes as Excel")
    subject = report_command.add_mutually_exclusive_group(required=True)
    subject.add_argument("--commune", help="commune code, e.g. 10999")
    subject.add_argument("--province", help="province code, e.g. 31: the Department's summary of its communes")
    report_command.add_argument("--quarter", required=True, help="quarter, e.g. 2025-Q4")
    report_command.add_argument("--out", required=True, help="the Word file to write (.docx)")
    report_command.add_argument("--xlsx", help="the Excel file to write (default: --out with .xlsx)")

    users = commands.add_parser("users", help="manage the accounts that may sign in to the dashboard")
    actions = users.add_subparsers(dest="action", required=True)
    users_command.add_actions(
        lambda name, run, help_text: _with_common_options(actions.add_parser(name, help=help_text), run, default_db)
    )

    import_command = command("import", _import, "validate report files and load the accepted ones")
    import_command.add_argument("paths", nargs="+", metavar="PATH", help="CSV, .xlsx or .xls files")
    import_command.add_argument("--kind", choices=schema.KINDS, help="the kind of file (default: from the header)")
    import_command.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    import_command.add_argument("--json", action="store_true", help="print one JSON document")
    import_command.add_argument("--allow-lower", action="store_true",
                                help="confirm that the files may lower or clear stored figures")
    import_command.add_argument("--user", default=getpass.getuser(), help="who uploads (default: %(default)s)")

    template_command = command("template", _template, "write a template pre-filled with a commune's villages")
    template_command.add_argument("kind", choices=schema.KINDS)
    template_command.add_argument("--commune", required=True, help="commune code, e.g. 10999")
    template_command.add_argument("--period", help="month YYYY-MM (monthly template)")
    template_command.add_argument("--format", choices=templates.FORMATS, help="default: from --out")
    template_command.add_argument("--out", required=True, help="the file to write")

    uploads_command = command("uploads", _uploads, "the upload history, newest first")
    uploads_command.add_argument("--json", action="store_true", help="print one JSON document")

    undo_command = command("undo", _undo, "restore what an upload replaced")
    undo_command.add_argument("upload_id", type=int, metavar="UPLOAD_ID")
    undo_command.add_argument("--user", default=getpass.getuser(), help="who undoes (default: %(default)s)")

    backup_command = command("backup", _backup, "write a checked copy of the warehouse (also while the dashboard runs)")
    backup_command.add_argument("--out", required=True, metavar="DIR", help="a new or empty folder")
    restore_command = command("restore", _restore, "replace the warehouse by a backup or snapshot (dashboard stopped)")
    restore_command.add_argument("folder", metavar="DIR", help="a folder written by backup, or one in snapshots/")
    restore_command.add_argument("--force", action="store_true",
                                 help="replace an existing warehouse (it is kept beside, renamed)")
    for reader in (report_command, template_command, uploads_command):
        reader.set_defaults(reads_only=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        settings = load_settings()
    except SettingsError as error:
        print(i18n.t("error.settings", reason=error), file=sys.stderr)
        return EXIT_USAGE
    arguments = build_parser(settings.warehouse_path).parse_args(argv)
    warehouse = arguments.source_db = Path(arguments.db)
    try:
        with ExitStack() as stack:
            if _reads_only(arguments):
                arguments.db = str(_readable_warehouse(arguments, stack))
            return arguments.run(arguments)
    except (CatalogueError, WarehouseNewerThanProgram) as error:
        print(i18n.t("error.warehouse_unusable", arguments.lang, reason=error), file=sys.stderr)
        return EXIT_REFUSED
    except Exception as error:
        sentence = storage.problem(error, warehouse, arguments.lang, in_dashboard=False)
        if sentence is None and isinstance(error, WarehouseUnavailable):
            sentence = i18n.t("error.warehouse_unavailable", arguments.lang, path=error.path, reason=error.reason)
        if sentence is None:
            sentence = _log_unexpected(warehouse, arguments.lang)
        print(sentence, file=sys.stderr)
        return EXIT_REFUSED


def _log_unexpected(warehouse: Path, lang: str) -> str:
    """Write the traceback to a log beside the warehouse, never to the screen; the sentence to print."""
    log = warehouse.resolve().parent / "etl-errors.log"
    try:
        with log.open("a", encoding="utf-8") as file:
            traceback.print_exc(file=file)
        make_private(log)
    except OSError:
        # The log's disk may be the full one: the sentence must still reach the user.
        return i18n.t("storage.unexpected_no_log", lang)
    return i18n.t("import.cli.unexpected", lang, log=log)

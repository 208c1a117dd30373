"""The `python -m etl` command line: the common options, the commands of each family, errors told in a sentence."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

import i18n
from cli import backup, boundaries, communes, demo, report, template, uploads, users
from cli.exit_codes import EXIT_REFUSED, EXIT_USAGE
from etl import storage
from settings import SettingsError, load_settings
from warehouse import backup as backups
from warehouse.database import Warehouse
from warehouse.errors import CatalogueError, WarehouseLocked, WarehouseNewerThanProgram, WarehouseUnavailable
from warehouse.files import make_private


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
        copy = stack.enter_context(backups.readable_copy(path))
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

    demo.add_commands(command)
    boundaries.add_arguments(command("boundaries", boundaries.run, "import village or commune boundaries"))
    communes.add_arguments(command(
        "communes", communes.run, "register a province's communes with their official names and types"))
    report.add_commands(command)
    users_command = commands.add_parser("users", help="manage the accounts that may sign in to the dashboard")
    actions = users_command.add_subparsers(dest="action", required=True)
    users.add_actions(
        lambda name, run, help_text: _with_common_options(actions.add_parser(name, help=help_text), run, default_db)
    )
    uploads.add_commands(command)
    template.add_commands(command)
    backup.add_commands(command)
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

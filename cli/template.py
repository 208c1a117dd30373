"""`python -m etl template`: a template to fill in, pre-filled with a commune's villages (and a month's figures)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import i18n
from cli.common import AddCommand
from cli.exit_codes import EXIT_OK, EXIT_USAGE
from etl import schema, templates
from warehouse import queries
from warehouse.database import Warehouse
from warehouse.periods import is_month


def add_commands(command: AddCommand) -> None:
    """Declare `template` (it only reads: it may read a copy while the dashboard has the warehouse)."""
    template_command = command("template", _template, "write a template pre-filled with a commune's villages")
    template_command.add_argument("kind", choices=schema.KINDS)
    template_command.add_argument("--commune", required=True, help="commune code, e.g. 10999")
    template_command.add_argument("--period", help="month YYYY-MM (monthly template)")
    template_command.add_argument("--format", choices=templates.FORMATS, help="default: from --out")
    template_command.add_argument("--out", required=True, help="the file to write")
    template_command.set_defaults(reads_only=True)


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

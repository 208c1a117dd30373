"""`python -m etl communes --province 31 | --all`: register communes with their official names and types.

Prints what it added and what it changed; a rename of a stored unit is refused (nothing changes) unless
`--accept-renames` is given, and then applied and listed.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date
from typing import Any

import i18n
from cli.exit_codes import EXIT_OK, EXIT_REFUSED, EXIT_USAGE
from etl import registry
from warehouse.database import Warehouse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's own options (the command line adds --db and --lang)."""
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--province", metavar="CODE", help="the province's official code, e.g. 31 (Hải Phòng)")
    which.add_argument("--all", action="store_true", help="every province (34; 3,321 communes)")
    parser.add_argument("--accept-renames", action="store_true",
                        help="apply the registry's new name, type or province of communes already stored")
    parser.add_argument("--json", action="store_true", help="print every commune of the provinces as JSON")
    parser.add_argument("--user", default=getpass.getuser(), help="who registers, for the audit log")


def run(arguments: argparse.Namespace) -> int:
    """Register the province's (or every province's) communes; print what was added and changed."""
    lang = arguments.lang
    if arguments.all:
        codes = registry.provinces()["code"].tolist()
    else:
        code = registry.province_code(arguments.province)
        if code is None:
            print(i18n.t("registry.cli.unknown_province", lang, code=arguments.province,
                         codes=", ".join(registry.provinces()["code"])), file=sys.stderr)
            return EXIT_USAGE
        codes = [code]
    result = registry.register(Warehouse.open(arguments.db), codes, accept_renames=arguments.accept_renames,
                               user=arguments.user)
    if arguments.json:
        print(json.dumps(document(result, lang), ensure_ascii=False, indent=2))
    else:
        print_text(result, lang)
    return EXIT_REFUSED if result.refused else EXIT_OK


def unit_type_name(unit_type: str | None, lang: str) -> str:
    return i18n.t(f"registry.unit_type.{unit_type}", lang) if unit_type else i18n.t("registry.blank", lang)


def document(result: registry.Registration, lang: str) -> dict:
    """The registration as one JSON document: every commune of the provinces with its status and changes."""
    def changes(row: Any) -> list[dict]:
        return [{"field": change["field"], "old": change["old"], "new": change["new"],
                 "overwrites": change["overwrites"]} for change in row.changes]

    return {
        "source": result.source,
        "status": "refused" if result.refused else "accepted",
        "accept_renames": result.accepted_renames,
        "counts": {status: result.count(status) for status in (registry.ADDED, registry.UNCHANGED, registry.CHANGED)},
        "provinces": [{"code": row.code, "name": row.name, "type": row.unit_type,
                       "type_name": unit_type_name(row.unit_type, lang), "status": row.status,
                       "changes": changes(row)} for row in result.provinces.itertuples()],
        "communes": [{"code": row.code, "name": row.name, "type": row.unit_type,
                      "type_name": unit_type_name(row.unit_type, lang), "province": row.province,
                      "status": row.status, "changes": changes(row)} for row in result.communes.itertuples()],
        "not_in_registry": result.not_in_registry.to_dict(orient="records"),
    }


def _value(field: str, value: str | None, lang: str) -> str:
    if value is None:
        return i18n.t("registry.blank", lang)
    return unit_type_name(value, lang) if field == "unit_type" else value


def print_text(result: registry.Registration, lang: str) -> None:
    """What was added and changed, province by province, and the refusal when renames were not accepted."""
    def say(key: str, **values: object) -> None:
        print(i18n.t(key, lang, **values))

    source = result.source
    say("registry.cli.source", package=source["package"], version=source["version"],
        data_date=i18n.day(date.fromisoformat(source["data_version"]), lang))
    for province in result.provinces.itertuples():
        communes = result.communes[result.communes["province"] == province.code]
        counts = communes["status"].value_counts()
        say("registry.cli.province", name=province.name, code=province.code,
            count=i18n.number(len(communes), lang),
            added=i18n.number(counts.get(registry.ADDED, 0), lang),
            unchanged=i18n.number(counts.get(registry.UNCHANGED, 0), lang),
            changed=i18n.number(counts.get(registry.CHANGED, 0), lang))
        for row in communes.itertuples():
            if row.status == registry.ADDED:
                say("registry.cli.added", code=row.code, name=row.name, type=unit_type_name(row.unit_type, lang))
        for row in (province, *communes.itertuples()):
            for change in row.changes:
                say("registry.cli.overwrite" if change["overwrites"] else "registry.cli.fill",
                    code=row.code, name=row.name, field=i18n.t(f"registry.field.{change['field']}", lang),
                    old=_value(change["field"], change["old"], lang), new=_value(change["field"], change["new"], lang))
    if len(result.not_in_registry):
        items = ", ".join(f"{row.code} {row.name}" for row in result.not_in_registry.itertuples())
        say("registry.cli.not_in_registry", count=len(result.not_in_registry), items=items)
    if result.refused:
        say("registry.cli.refused", count=i18n.number(len(result.renames), lang))
    elif result.accepted_renames and len(result.renames):
        say("registry.cli.renames_applied", count=i18n.number(len(result.renames), lang))

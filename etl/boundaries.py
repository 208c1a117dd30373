"""`python -m etl boundaries FILE --level village|commune`: boundary file → checked, matched → the warehouse.

Villages are matched against the villages of `--commune`; communes against the communes of the warehouse.
A commune boundary with no registry entry is reported and not stored, unless `--register` asks to add such
communes: those whose code the official registry (`etl/registry.py`) knows, with its name, type and province.
A refused file changes nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import pandas as pd

import i18n
from etl import registry as official_registry
from etl.exit_codes import EXIT_OK, EXIT_REFUSED, EXIT_USAGE
from geo.boundaries import BoundaryImport, prepare_boundaries
from warehouse import writer
from warehouse.geography import commune_registry, village_registry

KIND = "boundaries"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's own options (the command line adds --db and --lang)."""
    parser.add_argument("file", help="GeoJSON, zipped Shapefile (.zip) or GeoPackage (.gpkg), any CRS")
    parser.add_argument("--level", choices=("village", "commune"), required=True)
    key = parser.add_mutually_exclusive_group(required=True)
    key.add_argument("--code-field", help="property holding the registry code")
    key.add_argument("--name-field", help="property holding the name (compared without diacritics and case)")
    parser.add_argument("--commune", help="for --level village: the code of the villages' commune")
    parser.add_argument("--register", action="store_true",
                        help="for --level commune with --code-field: add communes missing from the warehouse, "
                        "with their official names (python -m etl communes registers whole provinces)")
    parser.add_argument("--label-field", help="no longer used: names come from the official registry")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def run(arguments: argparse.Namespace) -> int:
    """Import one boundary file; print what matched and what did not."""
    language, path = arguments.lang, Path(arguments.db)
    con = writer.prepare(path)
    if arguments.level == "village":
        if not arguments.commune:
            print(i18n.t("maps.cli.commune_required", language), file=sys.stderr)
            return EXIT_USAGE
        if arguments.commune not in set(commune_registry(con)["code"]):
            print(i18n.t("maps.cli.unknown_commune", language, commune=arguments.commune), file=sys.stderr)
            return EXIT_REFUSED
        registry = village_registry(con, arguments.commune)
    else:
        registry = commune_registry(con)
    register = arguments.register and arguments.level == "commune"
    if arguments.label_field:
        print(i18n.t("maps.cli.label_field_unused", language), file=sys.stderr)
    if register and not arguments.code_field:
        print(i18n.t("maps.cli.register_needs_code", language), file=sys.stderr)
        return EXIT_USAGE
    stored = registry
    if register:  # features may also match the official registry; those matches are registered
        official = official_registry.all_communes()
        registry = pd.concat([stored, official.loc[~official["code"].isin(stored["code"]), ["code", "name"]]])
    result = prepare_boundaries(
        Path(arguments.file), arguments.level, registry, code_field=arguments.code_field,
        name_field=arguments.name_field, language=language,
    )
    if register:
        _official_matches_to_register(result, set(stored["code"]))
    upload_id = None if result.refused else _store(path, arguments, result)
    report = _report(result, upload_id)
    if arguments.json:
        print(json.dumps({"files": [report]}, ensure_ascii=False, indent=2))
    else:
        _print_text(result, language)
        if arguments.level == "commune" and not register:
            _hint_official_codes(result, language)
    return EXIT_REFUSED if result.refused else EXIT_OK


def store_commune_layer(path: Path | str, file: Path, code_field: str = "code") -> BoundaryImport:
    """Import a commune boundary file matched by code against the warehouse's communes (the demo's city map)."""
    result = prepare_boundaries(file, "commune", commune_registry(writer.prepare(path)), code_field=code_field)
    if not result.refused and len(result.boundaries):
        writer.store_commune_boundaries(path, result.boundaries)
    return result


def _hint_official_codes(result: BoundaryImport, language: str) -> None:
    """Say how to register unmatched features whose code the official registry knows."""
    official = official_registry.all_communes().set_index("code")
    known = [entry["value"] for entry in result.boundaries_without_registry if entry["value"] in official.index]
    if known:
        provinces = ", ".join(sorted(set(official.loc[known, "province"])))
        print(i18n.t("maps.cli.official_codes_hint", language, count=len(known), provinces=provinces))


def _store(path: Path, arguments: argparse.Namespace, result: BoundaryImport) -> int | None:
    upload = {
        "file_name": result.path.name, "checksum": hashlib.sha256(result.path.read_bytes()).hexdigest(),
        "kind": f"{KIND}_{result.level}", "uploaded_by": "cli",
        "messages": json.dumps([problem.as_dict() for problem in result.warnings], ensure_ascii=False),
    }
    if result.level == "village":
        return writer.replace_village_boundaries(path, arguments.commune, result.boundaries, upload=upload)
    official = official_registry.all_communes()
    new_communes = official[official["code"].isin([entry["code"] for entry in result.registered])]
    provinces = official_registry.provinces()
    return writer.store_commune_boundaries(path, result.boundaries, new_communes, upload,
                                           provinces=provinces[provinces["code"].isin(new_communes["province"])])


def _official_matches_to_register(result: BoundaryImport, stored_codes: set[str]) -> None:
    """Move the features matched only in the official registry from `matched` to `registered`."""
    result.registered = [{"code": entry["code"], "name": entry["name"]} for entry in result.matched
                         if entry["code"] not in stored_codes]
    result.matched = [entry for entry in result.matched if entry["code"] in stored_codes]
    result.registry_without_boundary = [entry for entry in result.registry_without_boundary
                                        if entry["code"] in stored_codes]


def _report(result: BoundaryImport, upload_id: int | None) -> dict:
    return {
        "path": str(result.path), "kind": KIND, "level": result.level,
        "status": "refused" if result.refused else "accepted",
        "rows": 0 if result.refused else len(result.boundaries), "upload_id": upload_id,
        "errors": [problem.as_dict() for problem in result.errors],
        "warnings": [problem.as_dict() for problem in result.warnings],
        "matched": result.matched,
        "registry_without_boundary": result.registry_without_boundary,
        "boundaries_without_registry": result.boundaries_without_registry,
        "registered": result.registered,
        "figure_json_bytes": {"before": result.figure_bytes_before, "after": result.figure_bytes_after},
    }


def _print_text(result: BoundaryImport, language: str) -> None:
    def say(key: str, **values: object) -> None:
        print(i18n.t(key, language, **values))

    for problem in result.errors + result.warnings:
        if problem.row is None:
            say("maps.cli.file_problem", message=problem.message)
        else:
            say("maps.cli.problem", row=problem.row, column=problem.column, message=problem.message)
    if result.refused:
        say("maps.cli.refused", path=result.path)
        return
    level = i18n.t(f"maps.level.{result.level}", language)
    say("maps.cli.stored", path=result.path, rows=i18n.number(len(result.boundaries), language), level=level)
    say("maps.cli.matched", count=i18n.number(len(result.matched), language))
    if result.registered:
        say("maps.cli.registered", count=i18n.number(len(result.registered), language))
    if result.registry_without_boundary:
        items = ", ".join(f"{entry['code']} {entry['name']}" for entry in result.registry_without_boundary)
        say("maps.cli.registry_without_boundary", count=len(result.registry_without_boundary), items=items)
    if result.boundaries_without_registry:
        items = ", ".join(i18n.t("maps.cli.unmatched_feature", language, **entry)
                          for entry in result.boundaries_without_registry)
        say("maps.cli.boundaries_without_registry", count=len(result.boundaries_without_registry), items=items)
    say("maps.cli.size", before=i18n.number(result.figure_bytes_before / 1000, language, 1),
        after=i18n.number(result.figure_bytes_after / 1000, language, 1))

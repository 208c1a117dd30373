"""`python -m etl boundaries FILE --level village|commune`: boundary file → checked, placed, matched → the warehouse.

Villages are matched against the villages of `--commune` and must lie inside its outline (stored, else shipped);
communes are matched against the communes of the warehouse and must lie inside their province. A commune boundary
with no registry entry is reported and not stored, unless `--register` asks to add such communes: those whose code
the official registry (`etl/registry.py`) knows, with its name, type and province. A village file that matches
nothing, or would delete stored boundaries, is refused unless `--replace` asks for it. A refused file changes
nothing; an accepted one can be undone.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import shapely

import i18n
from cli.exit_codes import EXIT_OK, EXIT_REFUSED, EXIT_USAGE
from etl import registry as official_registry
from etl.load import message, problem_document
from geo.boundaries import BoundaryImport, check_replacement, prepare_boundaries
from geo.geojson import feature_collection, geojson_text
from geo.placement import Place
from geo.shipped import shipped_commune_outline
from warehouse import registry as stored_registry
from warehouse.database import Warehouse
from warehouse.geography import (
    stored_commune_outline,
    stored_village_boundary_names,
)
from warehouse.write import boundaries as boundary_writes

KIND = "boundaries"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's own options (the command line adds --db and --lang)."""
    parser.add_argument("file", help="GeoJSON, zipped Shapefile (.zip), GeoPackage (.gpkg), KML or KMZ, any CRS")
    parser.add_argument("--level", choices=("village", "commune"), required=True)
    key = parser.add_mutually_exclusive_group(required=True)
    key.add_argument("--code-field", help="property holding the registry code (any case)")
    key.add_argument("--name-field", help="property holding the name (exact first, then without diacritics)")
    parser.add_argument("--commune", help="for --level village: the code of the villages' commune")
    parser.add_argument("--layer", help="the layer to read when the file has several (the refusal lists them)")
    parser.add_argument("--replace", action="store_true",
                        help="for --level village: replace the commune's village boundaries even when stored "
                        "boundaries missing from the file are deleted (undo with python -m etl undo)")
    parser.add_argument("--register", action="store_true",
                        help="for --level commune with --code-field: add communes missing from the warehouse, "
                        "with their official names (python -m etl communes registers whole provinces)")
    parser.add_argument("--label-field", help="no longer used: names come from the official registry")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def commune_place(db: Warehouse, commune: str, name: str) -> Place | None:
    """The commune's outline to place its villages in: the stored boundary, else the shipped one, else None."""
    stored = stored_commune_outline(db, commune)
    if stored is not None:
        return Place(name, shapely.from_wkb(stored))
    shipped = shipped_commune_outline(commune)
    return None if shipped is None else Place(name, shipped[1])


def run(arguments: argparse.Namespace) -> int:
    """Import one boundary file; print what matched and what did not."""
    language, db = arguments.lang, Warehouse.open(arguments.db)
    place, stored = None, pd.DataFrame({"code": [], "name": []})
    if arguments.level == "village":
        if not arguments.commune:
            return _refuse(arguments, i18n.t("maps.cli.commune_required", language), EXIT_USAGE)
        communes = stored_registry.communes(db)[["code", "name"]].set_index("code")["name"]
        if arguments.commune not in communes:
            return _refuse(arguments, i18n.t("maps.cli.unknown_commune", language, commune=arguments.commune),
                           EXIT_REFUSED)
        registry = stored_registry.villages(db, arguments.commune)[["code", "name"]]
        place = commune_place(db, arguments.commune, communes[arguments.commune])
        stored = stored_village_boundary_names(db, arguments.commune)
    else:
        registry = stored_registry.communes(db)[["code", "name"]]
    register = arguments.register and arguments.level == "commune"
    if arguments.label_field:
        print(i18n.t("maps.cli.label_field_unused", language), file=sys.stderr)
    if register and not arguments.code_field:
        print(i18n.t("maps.cli.register_needs_code", language), file=sys.stderr)
        return EXIT_USAGE
    known = registry
    if register:  # features may also match the official registry; those matches are registered
        official = official_registry.all_communes()
        registry = pd.concat([known, official.loc[~official["code"].isin(known["code"]), ["code", "name"]]])
    result = prepare_boundaries(
        Path(arguments.file), arguments.level, registry, code_field=arguments.code_field,
        name_field=arguments.name_field, language=language, layer=arguments.layer, place=place,
    )
    check_replacement(result, stored, arguments.replace, language)
    if register:
        _official_matches_to_register(result, set(known["code"]))
    upload_id = None if result.refused else _store(db, arguments, result)
    if arguments.json:
        print(json.dumps({"files": [_report(result, upload_id, language)]}, ensure_ascii=False, indent=2))
    else:
        _print_text(result, upload_id, language)
        if arguments.level == "commune" and not register:
            _hint_official_codes(result, language)
    return EXIT_REFUSED if result.refused else EXIT_OK


def _refuse(arguments: argparse.Namespace, sentence: str, status: int) -> int:
    """A refusal before the file is read: as JSON with --json, else on standard error."""
    if arguments.json:
        report = {"path": arguments.file, "kind": KIND, "level": arguments.level, "status": "refused", "rows": 0,
                  "upload_id": None, "errors": [{"row": None, "column": None, "message": sentence}],
                  "warnings": []}
        print(json.dumps({"files": [report]}, ensure_ascii=False, indent=2))
    else:
        print(sentence, file=sys.stderr)
    return status


def store_commune_layer(db: Warehouse, file: Path, code_field: str = "code") -> BoundaryImport:
    """Import a commune boundary file matched by code against the warehouse's communes (the demo's city map)."""
    result = prepare_boundaries(file, "commune", stored_registry.communes(db)[["code", "name"]], code_field=code_field)
    if not result.refused and len(result.boundaries):
        boundary_writes.store_commune_boundaries(db, result.boundaries)
    return result


def _hint_official_codes(result: BoundaryImport, language: str) -> None:
    """Say how to register unmatched features whose code the official registry knows."""
    official = official_registry.all_communes().set_index("code")
    known = [entry["value"] for entry in result.boundaries_without_registry if entry["value"] in official.index]
    if known:
        provinces = ", ".join(sorted(set(official.loc[known, "province"])))
        print(i18n.t("maps.cli.official_codes_hint", language, count=len(known), provinces=provinces))


def _store(db: Warehouse, arguments: argparse.Namespace, result: BoundaryImport) -> int | None:
    upload = {
        "file_name": result.path.name, "checksum": hashlib.sha256(result.path.read_bytes()).hexdigest(),
        "uploaded_by": "cli",
        "messages": json.dumps([problem_document(problem, arguments.lang) for problem in result.warnings],
                               ensure_ascii=False),
    }
    if result.level == "village":
        return boundary_writes.replace_village_boundaries(db, arguments.commune, result.boundaries, upload=upload)
    official = official_registry.all_communes()
    new_communes = official[official["code"].isin([entry["code"] for entry in result.registered])]
    provinces = official_registry.provinces()
    provinces = provinces[provinces["code"].isin(new_communes["province"])]
    return boundary_writes.store_commune_boundaries(db, result.boundaries, new_communes, upload, provinces=provinces)


def _official_matches_to_register(result: BoundaryImport, stored_codes: set[str]) -> None:
    """Move the features matched only in the official registry from `matched` to `registered`."""
    result.registered = [{"code": entry["code"], "name": entry["name"]} for entry in result.matched
                         if entry["code"] not in stored_codes]
    result.matched = [entry for entry in result.matched if entry["code"] in stored_codes]
    result.registry_without_boundary = [entry for entry in result.registry_without_boundary
                                        if entry["code"] in stored_codes]


def figure_json_bytes(codes: list[str], geometries: list[str]) -> int:
    """Size of the JSON of a map figure drawing these geometries: what a browser would download."""
    figure = go.Figure(go.Choroplethmap(
        geojson=feature_collection(codes, geometries), locations=codes, z=[0] * len(codes),
    ))
    return len(figure.to_json())


def figure_sizes(result: BoundaryImport) -> tuple[int, int]:
    """The map figure's JSON size with the boundaries as imported and as simplified for display (0, 0 for a file
    refused before its boundaries were placed)."""
    if "display" not in result.boundaries:
        return 0, 0
    codes = result.boundaries["code"].tolist()
    imported = [geojson_text(geometry) for geometry in shapely.from_wkb(result.boundaries["geometry"])]
    return figure_json_bytes(codes, imported), figure_json_bytes(codes, result.boundaries["display"].tolist())


def _report(result: BoundaryImport, upload_id: int | None, language: str) -> dict:
    before, after = figure_sizes(result)
    return {
        "path": str(result.path), "kind": KIND, "level": result.level,
        "status": "refused" if result.refused else "accepted",
        "rows": 0 if result.refused else len(result.boundaries), "upload_id": upload_id,
        "layer": result.layer, "crs": result.crs, "encoding": result.encoding,
        "errors": [problem_document(problem, language) for problem in result.errors],
        "warnings": [problem_document(problem, language) for problem in result.warnings],
        "matched": result.matched,
        "registry_without_boundary": result.registry_without_boundary,
        "boundaries_without_registry": result.boundaries_without_registry,
        "registered": result.registered,
        "removed": result.removed,
        "figure_json_bytes": {"before": before, "after": after},
    }


def _print_text(result: BoundaryImport, upload_id: int | None, language: str) -> None:
    def say(key: str, **values: object) -> None:
        print(i18n.t(key, language, **values))

    for problem in result.errors + result.warnings:
        if problem.row is None:
            say("maps.cli.file_problem", message=message(problem, language))
        else:
            say("maps.cli.problem", row=problem.row, column=problem.column, message=message(problem, language))
    if result.refused:
        say("maps.cli.refused", path=result.path)
        return
    level = i18n.t(f"maps.level.{result.level}", language)
    say("maps.cli.stored", path=result.path, rows=i18n.number(len(result.boundaries), language), level=level)
    say("maps.cli.upload_id", upload=upload_id)
    say("maps.cli.layer", layer=result.layer, crs=result.crs)
    if result.removed:
        items = ", ".join(f"{entry['code']} {entry['name']}" for entry in result.removed)
        say("maps.cli.removed", count=i18n.number(len(result.removed), language), items=items)
    say("maps.cli.matched", count=i18n.number(len(result.matched), language))
    if result.registered:
        say("maps.cli.registered", count=i18n.number(len(result.registered), language))
    if result.registry_without_boundary:
        items = ", ".join(f"{entry['code']} {entry['name']}" for entry in result.registry_without_boundary)
        say("maps.cli.registry_without_boundary", count=len(result.registry_without_boundary), items=items)
    if result.boundaries_without_registry:
        items = ", ".join(
            i18n.t("maps.cli.candidates", language, feature=entry["feature"], value=entry["value"],
                   names=" / ".join(candidate["name"] for candidate in entry["candidates"]))
            if entry.get("candidates") else i18n.t("maps.cli.unmatched_feature", language, **entry)
            for entry in result.boundaries_without_registry)
        say("maps.cli.boundaries_without_registry", count=len(result.boundaries_without_registry), items=items)
    before, after = figure_sizes(result)
    say("maps.cli.size", before=i18n.number(before / 1000, language, 1), after=i18n.number(after / 1000, language, 1))

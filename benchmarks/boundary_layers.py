"""Benchmark of the city and national commune layers: import, storage, query and figure sizes and timings.

Run: `python -m benchmarks.boundary_layers [FILE ...]` (default: Hải Phòng's 114 communes and all 3,321 communes
of Vietnam, as shipped in geo/data). Each file is imported into a fresh temporary warehouse, registering its
communes.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from cli.boundaries import figure_sizes
from geo.boundaries import prepare_boundaries
from geo.shipped import HAI_PHONG_COMMUNES, VIETNAM_COMMUNES
from ui.maps import city_map_figure
from warehouse import geography
from warehouse.database import Warehouse
from warehouse.write.boundaries import store_commune_boundaries

DEFAULT_FILES = [HAI_PHONG_COMMUNES, VIETNAM_COMMUNES]


def _timed(action: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def measure(path: Path) -> dict:
    """Sizes and timings of one commune boundary file going through import, storage, query and figure."""
    with tempfile.TemporaryDirectory() as folder:
        db = Warehouse.open(Path(folder) / "bench.duckdb")
        empty_registry = pd.DataFrame({"code": [], "name": []})
        result, prepare_seconds = _timed(lambda: prepare_boundaries(
            path, "commune", empty_registry, code_field="code", register_unknown=True))
        new_communes = pd.DataFrame(result.registered)
        _, store_seconds = _timed(lambda: store_commune_boundaries(db, result.boundaries, new_communes))
        layer, query_seconds = _timed(lambda: geography.city_map(db, "2025-12"))
        figure, figure_seconds = _timed(lambda: city_map_figure(layer, "vi"))
        figure_json, serialise_seconds = _timed(figure.to_json)
        db.close()
        figure_bytes_before, figure_bytes_after = figure_sizes(result)
        return {
            "file": path.name, "communes": len(result.boundaries),
            "file_MB": path.stat().st_size / 1e6,
            "figure_KB_before": figure_bytes_before / 1e3,
            "figure_KB_after": figure_bytes_after / 1e3,
            "page_figure_KB": len(figure_json) / 1e3,
            "read_match_simplify_s": prepare_seconds, "store_s": store_seconds, "query_s": query_seconds,
            "build_figure_s": figure_seconds, "serialise_s": serialise_seconds,
        }


def main(arguments: list[str]) -> int:
    files = [Path(argument) for argument in arguments] or DEFAULT_FILES
    rows = [measure(path) for path in files]
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.float_format", "{:.2f}".format):
        print(pd.DataFrame(rows).set_index("file").T)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

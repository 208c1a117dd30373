"""`make bench` prints one table holding every figure the issue's "Done when" names, each target met or not; and the
concurrency script loads pages from a real server."""

from __future__ import annotations

import json
import os
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor

from benchmarks import bench, load, pages, warehouses
from tests.conftest import ROOT

SCALES = warehouses.SCALES


def page_figures(warm: float = 0.05, figure: int = 20_000) -> dict:
    return {name: {"cold": 0.3, "warm": warm, "cold_cpu": 0.25, "warm_cpu": 0.04, "first": 0.2, "first_cpu": 0.18,
                   "figure_bytes": figure} for name in pages.PAGES}


def map_figures(scale: str, figure: int = 300_000) -> dict:
    return {name: {"cold": 0.5, "warm": 0.2, "cold_cpu": 0.45, "figure_bytes": figure} for name in pages.MAPS
            if scale != "commune" or name not in pages.CITY_MAPS}


def figures(**changes: object) -> dict:
    """What `bench.measure` returns for a run meeting every target, with `changes`."""
    found = {
        "pages": {scale: page_figures() for scale in SCALES},
        "maps": {scale: map_figures(scale) for scale in SCALES},
        "cache_bytes": dict.fromkeys(SCALES, 100_000),
        "imports": {"new_month_s": 3.1, "new_month_peak_mb": 900.0, "correction_s": 4.2, "correction_peak_mb": 950.0,
                    "undo_s": 2.5, "undo_peak_mb": 700.0, "later_new_month_max_s": 3.4,
                    "later_correction_max_s": 4.4, "months": 12, "file_per_data": 1.7},
        "concurrency": {"sessions": 20, "median_s": 0.9, "p95_s": 1.2, "server_cpu_per_load_s": 0.03,
                        "load_average": 3.5},
        "load_average": 3.5,
    }
    found.update(changes)
    return found


def line(table: str, label: str) -> str:
    found = [row for row in table.splitlines() if row.startswith(label)]
    assert len(found) == 1, f"no single row {label!r} in\n{table}"
    return found[0]


def test_the_table_has_a_row_for_every_figure_of_done_when():
    table = bench.table(figures())
    for name in pages.PAGES:
        assert line(table, f"page {name}: cold ")
        assert line(table, f"page {name}: warm ").endswith("yes")
        assert line(table, f"page {name}: cold, CPU") and line(table, f"page {name}: warm, CPU")
        assert line(table, f"page {name}: first visit ") and line(table, f"page {name}: first visit, CPU")
    for name in pages.MAPS:
        assert line(table, f"map {name}: figure").endswith("yes")
        assert line(table, f"map {name}: page warm").endswith("yes")
        assert line(table, f"map {name}: page cold, CPU")
    for label in ("new month", "correction", "undo"):
        assert line(table, f"national import: {label} ").endswith("yes")
        assert "MB" in line(table, f"national import: {label}, peak memory")
    assert line(table, "national import: slowest later new month").endswith("yes")
    assert line(table, "national import: slowest later correction").endswith("yes")
    assert line(table, "file ÷ data after 12 months").endswith("yes")
    assert line(table, "20 simultaneous overviews: median").endswith("yes")
    assert line(table, "server CPU per overview load")
    assert "at load average 3.5 on" in table
    assert "targets met)" in table and " 0 of " not in table


def test_a_page_slower_nationally_than_one_and_a_half_times_its_commune_time_is_not_met():
    found = figures()
    found["pages"]["commune"]["trends"]["warm"] = 0.1
    found["pages"]["nation"]["trends"]["warm"] = 0.2  # under 0.3 s, but 2× the commune's
    table = bench.table(found)
    assert line(table, "page trends: warm ").endswith("NO")
    assert "2.00" in line(table, "page trends: warm ")
    assert line(table, "page overview: warm ").endswith("yes")


def test_a_map_over_one_megabyte_or_not_drawn_is_not_met():
    found = figures()
    found["maps"]["nation"]["national map"]["figure_bytes"] = 9_800_000
    found["maps"]["haiphong"]["city page map"]["figure_bytes"] = 0  # the page drew no map
    table = bench.table(found)
    assert line(table, "map national map: figure").endswith("NO")
    assert "9800.0" in line(table, "map national map: figure")
    assert line(table, "map city page map: figure").endswith("NO")
    assert line(table, "map village map: figure").endswith("yes")


def test_slow_imports_a_bloated_file_and_slow_concurrent_sessions_are_not_met():
    found = figures(concurrency={"sessions": 20, "median_s": 9.4, "p95_s": 11.0, "server_cpu_per_load_s": 0.13,
                                 "load_average": 19.0})
    found["imports"].update(correction_s=49.0, later_correction_max_s=37.0, file_per_data=6.4)
    table = bench.table(found)
    assert line(table, "national import: correction ").endswith("NO")
    assert line(table, "national import: new month ").endswith("yes")
    assert line(table, "national import: slowest later correction").endswith("NO")
    assert line(table, "file ÷ data").endswith("NO")
    assert line(table, "20 simultaneous overviews: median").endswith("NO")
    assert "19.0" in line(table, "machine load average while serving")


def test_figures_not_measured_are_left_out_not_counted_as_met():
    found = figures()
    del found["imports"], found["concurrency"]
    table = bench.table(found)
    assert "national import" not in table and "simultaneous" not in table
    labels = [label for label, _ in bench.targets(found)]
    assert not any("import" in label or "simultaneous" in label for label in labels)


def test_json_holds_every_figure_and_each_target(monkeypatch, capsys):
    monkeypatch.setattr(warehouses, "cached", lambda scale: None)
    monkeypatch.setattr(bench, "measure", lambda arguments: figures())
    monkeypatch.setattr(sys, "argv", ["bench", "--json"])
    bench.main()
    printed = json.loads(capsys.readouterr().out)
    assert set(printed["pages"]) == set(SCALES) and set(printed["pages"]["nation"]) == set(pages.PAGES)
    assert set(printed["maps"]["nation"]) == set(pages.MAPS)
    assert printed["concurrency"]["median_s"] == 0.9 and printed["imports"]["undo_s"] == 2.5
    assert printed["targets"] and all(printed["targets"].values())


def test_the_concurrency_script_loads_every_session_s_page_from_a_running_server(tiny_warehouse, monkeypatch):
    monkeypatch.delenv("CDS_PUBLIC_VIEW", raising=False)
    with load.serving(tiny_warehouse) as (url, pid), ThreadPoolExecutor(1) as thread:
        # A thread of its own: the browser walks' Playwright keeps an event loop running in this one.
        found = thread.submit(load.measure, url, sessions=3, rounds=1, query="", pid=pid).result()
    assert found["sessions"] == 3 and found["failed"] == 0
    assert found["bytes_per_load"] > 1_000  # the page's elements came, not just a handshake
    assert found["median_s"] > 0 and found["server_cpu_per_load_s"] > 0
    assert "CDS_PUBLIC_VIEW" not in os.environ  # the server's setting does not leak into this process


def test_the_server_watches_no_source_files():
    # Watching them made every new session walk every loaded module (4× the server's CPU per overview load).
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["fileWatcherType"] == "none"

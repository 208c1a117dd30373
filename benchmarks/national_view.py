"""Hải Phòng's city view and the national view on a national warehouse: figure bytes and render time, cold and warm.

    python -m benchmarks.national_view [--provinces N] [--warehouse FILE]

Builds (not timed) a warehouse with the existing builders: every province registered from the official registry
(34 provinces, 3,321 communes), the shipped boundaries of every commune (the national layer, Hải Phòng's own layer
over it), and invented data for every commune that has an outline (the demo city's generator, `etl/demo_city.py`,
province by province). `--warehouse FILE` keeps it (and reuses it when it exists); `--provinces N` fills only the
first N provinces with data, Hải Phòng always among them.

Then, signed in as an admin in Streamlit's AppTest (the server's work for one page view, no browser): the city page
of Hải Phòng and the national page, each run once cold and then warm (median of 3), with the size of every map
figure the page sends (its Plotly JSON). Also the query layer alone (commune table, totals, map layer) for both.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

from cli.boundaries import store_commune_layer
from etl import demo_city, registry
from geo import shipped
from tests.conftest import ROOT
from ui.maps import commune_headline_map_figure
from ui.national import province_map_figure
from warehouse import city, geography
from warehouse.database import Warehouse
from warehouse.write.accounts import add_user
from warehouse.write.communes import replace_communes

HAI_PHONG = "31"
GIA_LOC = "10999"
PERIOD = "2025-12"
TODAY = date(2026, 1, 10)
PASSWORD = "do-tre-trang-2025"
WARM_RUNS = 3


def build(path: Path, provinces: int) -> None:
    """The national warehouse described in the module's docstring, at `path`."""
    started = time.perf_counter()
    db = Warehouse.open(path)
    codes = registry.provinces()["code"].tolist()
    registry.register(db, codes, user="bench")
    for layer in (shipped.VIETNAM_COMMUNES, shipped.HAI_PHONG_COMMUNES):
        stored = store_commune_layer(db, layer)
        print(f"  boundaries from {layer.name}: {len(stored.boundaries):,} stored")
    filled = [HAI_PHONG, *[code for code in codes if code != HAI_PHONG][:provinces - 1]]
    for number, code in enumerate(filled, start=1):
        outlines = city.commune_outlines(db, code)
        if outlines.empty:
            continue
        replace_communes(db, demo_city.generate(outlines, seed=int(code)))
        print(f"  {number}/{len(filled)} province {code}: {len(outlines)} communes filled "
              f"({time.perf_counter() - started:.0f} s)")
    add_user(db, "bench-admin", "admin", None, PASSWORD)
    villages, values = db.scalar("SELECT count(*) FROM villages"), db.scalar("SELECT count(*) FROM report_values")
    print(f"warehouse built in {time.perf_counter() - started:.0f} s: "
          f"{db.scalar('SELECT count(*) FROM communes'):,} communes, {villages:,} villages, {values:,} report values")
    db.close()


def figure_bytes(app: AppTest) -> list[int]:
    """The size of each Plotly figure the page's run sends to the browser."""
    return [len(chart.proto.spec) for chart in app.get("plotly_chart")]


def page_timings(path: Path, page: str, commune: str) -> tuple[float, float, list[int]]:
    """Seconds for the page's first run (cold) and the median of the next runs (warm), and its figures' bytes."""
    os.environ.update(CDS_WAREHOUSE=str(path), CDS_PUBLIC_VIEW="0")
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600).run()
    app.switch_page("pages/sign_in.py").run()
    app.text_input[0].input("bench-admin")
    app.text_input[1].input(PASSWORD)
    app.form_submit_button[0].click().run()
    app.query_params["commune"] = commune
    app.query_params["period"] = PERIOD
    app.switch_page(page)
    started = time.perf_counter()
    app.run()
    cold = time.perf_counter() - started
    assert not app.exception, app.exception
    warm = []
    for _ in range(WARM_RUNS):
        started = time.perf_counter()
        app.run()
        warm.append(time.perf_counter() - started)
    return cold, statistics.median(warm), figure_bytes(app)


def query_timings(path: Path) -> None:
    """The query layer and figure alone, for both views (warm: the median of 3 after a first call)."""
    db = Warehouse.open(path)

    def city_view() -> int:
        table = city.commune_table(db, HAI_PHONG, PERIOD, 15, TODAY)
        city.city_totals(table)
        return len(commune_headline_map_figure(city.province_map(db, HAI_PHONG, table), "vi").to_json())

    def national_view() -> int:
        provinces = city.province_table(db, PERIOD, 15, TODAY)
        return len(province_map_figure(geography.national_map(provinces), "vi").to_json())

    for name, view in (("Hải Phòng city view", city_view), ("national view", national_view)):
        started = time.perf_counter()
        size = view()
        cold = time.perf_counter() - started
        warm = []
        for _ in range(WARM_RUNS):
            started = time.perf_counter()
            view()
            warm.append(time.perf_counter() - started)
        print(f"query layer + figure, {name}: cold {cold:.2f} s, warm {statistics.median(warm):.2f} s; "
              f"map figure {size / 1e6:.2f} MB")
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", type=int, default=34, help="provinces filled with data (default: all 34)")
    parser.add_argument("--warehouse", help="keep the warehouse in this file (reused when it exists)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(arguments.warehouse) if arguments.warehouse else Path(folder) / "national.duckdb"
        if not path.exists():
            build(path, arguments.provinces)
        query_timings(path)
        for name, page in (("Hải Phòng city page", "pages/city.py"), ("national page", "pages/national.py")):
            cold, warm, sizes = page_timings(path, page, GIA_LOC)
            shown = ", ".join(f"{size / 1e6:.2f} MB" for size in sizes) or "none"
            print(f"{name} (AppTest, server side): cold {cold:.2f} s, warm {warm:.2f} s; map figures sent: {shown}")


if __name__ == "__main__":
    main()

"""Whether checking a large upload slows other users down: one visitor loads the overview again and again while an
admin has a national monthly file (100,000 villages) checked on the upload page.

    python -m benchmarks.page_latency [--villages 100000] [--loads 8] [--format csv|xlsx]

First the interpreter lock alone: a Python task timed while the file is parsed in the same process (another
thread, as another session's script would be), then while it is parsed in a process of its own. Then starts
`streamlit run dashboard.py` on a free localhost port against a temporary warehouse (the demo commune and 100,000
villages) and drives it with headless Chromium (Playwright, the operating system's browser, as the browser tests
do): prints the overview's load time without an import running and while the file is checked on the upload page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import numpy as np
from playwright.sync_api import Page, sync_playwright

import i18n
from etl import bench, demo
from etl.read import read_sheets, read_sheets_elsewhere
from tests.e2e.browser import (
    LAUNCH_ARGS,
    find_chromium,
    navigation_links,
    open_from_menu,
    open_page,
    running_dashboard,
    sign_in,
)
from warehouse.database import Warehouse
from warehouse.write.accounts import add_user
from warehouse.write.communes import replace_communes

PASSWORD = "do-tre-trang-2025"
TODAY = date(2025, 10, 20)


def build(folder: Path, villages: int, file_format: str) -> tuple[Path, Path]:
    """A warehouse with the demo commune (the page a visitor loads) and `villages` more, and their monthly file."""
    warehouse, upload = folder / "latency.duckdb", folder / "thang10.csv"
    rng = np.random.default_rng(3)
    db = Warehouse.open(warehouse)
    frame = bench.build_warehouse(db, villages, rng)
    bench.write_monthly_file(upload, frame, rng)
    if file_format == "xlsx":
        upload = bench.as_workbook(upload)
    replace_communes(db, demo.generate())
    add_user(db, "bench-admin", "admin", None, PASSWORD)
    db.close()  # the dashboard must be the only process with the warehouse open
    return warehouse, upload


def python_task_seconds() -> float:
    """A fixed piece of pure Python work, as a page's script does between its queries."""
    started = time.perf_counter()
    sum(number * number for number in range(1_000_000))
    return time.perf_counter() - started


def interpreter_lock_effect(upload: Path) -> None:
    """The same Python task in this process alone, while the file is parsed in this process (another thread), and
    while it is parsed in a process of its own: the share of the slowdown the interpreter lock makes."""
    data = upload.read_bytes()
    alone = statistics.median(python_task_seconds() for _ in range(5))
    for label, read in (("in this process", lambda: list(read_sheets(data, upload.name))),
                        ("in a process of its own", lambda: read_sheets_elsewhere(data, upload.name))):
        reader = threading.Thread(target=read)
        reader.start()
        during = []
        while reader.is_alive():
            during.append(python_task_seconds())
        reader.join()
        print(f"a {alone:.2f} s Python task while the file is parsed {label}: median "
              f"{statistics.median(during):.2f} s, max {max(during):.2f} s ({len(during)} runs)")


def load_seconds(page: Page, url: str) -> float:
    started = time.perf_counter()
    open_page(page, url)
    return time.perf_counter() - started


def script_running(page: Page) -> bool:
    return page.locator('[data-testid="stApp"][data-test-script-state="running"]').count() > 0


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.page_latency", description=__doc__)
    parser.add_argument("--villages", type=int, default=100_000)
    parser.add_argument("--loads", type=int, default=8)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="the monthly file's format")
    arguments = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("no Chromium found: install Debian's `chromium` or set CDS_CHROMIUM")
    with tempfile.TemporaryDirectory() as folder:
        warehouse, upload = build(Path(folder), arguments.villages, arguments.format)
        print(f"set-up: {arguments.villages:,} villages, monthly file {upload.stat().st_size / 1e6:.1f} MB")
        interpreter_lock_effect(upload)
        # Each page load is a new visitor's session (a reload would end a signed-in one).
        os.environ["CDS_PUBLIC_VIEW"] = "1"
        with running_dashboard(warehouse, Path(folder) / "streamlit.log") as dashboard, sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
            viewer = browser.new_context(base_url=dashboard.url, viewport={"width": 1280, "height": 900}).new_page()
            admin = browser.new_context(base_url=dashboard.url, viewport={"width": 1280, "height": 900}).new_page()
            viewer.set_default_timeout(120_000)
            admin.set_default_timeout(120_000)
            sign_in(admin, "bench-admin", PASSWORD)
            overview = "/tong-quan"
            load_seconds(viewer, overview)  # warm the server's caches
            alone = [load_seconds(viewer, overview) for _ in range(arguments.loads)]
            navigation_links(admin)  # unfolds the menu
            open_from_menu(admin, i18n.t("import.page.nav"))
            started = time.perf_counter()
            admin.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(upload)
            admin.wait_for_selector('[data-testid="stApp"][data-test-script-state="running"]', state="attached")
            during = []
            while script_running(admin):
                during.append(load_seconds(viewer, overview))
            checked = time.perf_counter() - started
            uploader = admin.locator('[data-testid="stMain"] [data-testid="stFileUploader"]')
            shown = admin.locator('[data-testid="stMain"] [data-testid="stAlert"]').filter(
                has_text=upload.name).first.inner_text(timeout=120_000) if uploader.count() else "?"
            browser.close()
    print(f"page load without an import: median {statistics.median(alone):.2f} s, max {max(alone):.2f} s "
          f"({len(alone)} loads)")
    if during:
        print(f"page load while the file is checked: median {statistics.median(during):.2f} s, "
              f"max {max(during):.2f} s ({len(during)} loads)")
    print(f"the upload page checked the file in {checked:.1f} s: {shown.splitlines()[0][:100]}")


if __name__ == "__main__":
    main()

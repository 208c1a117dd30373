"""Read results are cached by the warehouse's data version: a rerun that changes nothing runs no query, and any
write (an upload, its undo, the command line in another process) shows on the next run."""

import subprocess
import sys
from datetime import datetime, timedelta

import pandas as pd
from streamlit.testing.v1 import AppTest

from etl.load import undo
from tests.conftest import ROOT
from tests.test_overview_page import metrics, open_dashboard
from tests.upload_files import MONTHLY_HEADER, csv_text, upload
from ui import cached, maps
from warehouse.database import Warehouse
from warehouse.geography import MapLayer
from warehouse.write import accounts as account_writes
from warehouse.write import audit

GUIDED = "Hộ đã được hướng dẫn"
# Thôn C (50 households) reports 40 guided households for December: 85 + 40 of 350 households.
THON_C_REPORTS = csv_text([MONTHLY_HEADER, ["99999-03", "12/2025", "11/12/2025", "40", "", "", ""]])


def count_queries(monkeypatch) -> list[int]:
    """A list whose length is the number of queries run from now on (every read opens a cursor)."""
    opened: list[int] = []
    cursor = Warehouse._cursor

    def counted(self, frames):
        opened.append(1)
        return cursor(self, frames)

    monkeypatch.setattr(Warehouse, "_cursor", counted)
    return opened


def record_reads(monkeypatch) -> list[tuple[str, str]]:
    """A list of every `Warehouse.read` from now on: its statement and its parameters."""
    sent: list[tuple[str, str]] = []
    read = Warehouse.read

    def recorded(self, sql, parameters=None, *, frames=None):
        sent.append((sql, repr(parameters)))
        return read(self, sql, parameters, frames=frames)

    monkeypatch.setattr(Warehouse, "read", recorded)
    return sent


def test_a_rerun_with_the_same_filters_runs_only_the_data_version_read(tiny_warehouse, monkeypatch):
    app = open_dashboard(tiny_warehouse, monkeypatch, period="2025-12")
    queries = count_queries(monkeypatch)
    app.run()
    assert metrics(app)[GUIDED] == "24,3%"
    assert len(queries) == 1, "only the one-row data version is read"
    app.sidebar.selectbox[0].select("2025-11").run()
    assert len(queries) > 1, "a new period is read from the warehouse"


def test_a_first_visit_runs_each_statement_once_however_many_query_functions_send_it(tiny_warehouse, monkeypatch):
    sent = record_reads(monkeypatch)
    app = open_dashboard(tiny_warehouse, monkeypatch, period="2025-12")
    assert metrics(app)[GUIDED] == "24,3%"
    assert len(sent) > 5
    assert len(set(sent)) == len(sent), "the commune's coverage is read once for the headline, cards, alerts, chart"


def test_an_upload_and_its_undo_show_on_the_next_run(tiny_warehouse, monkeypatch):
    app = open_dashboard(tiny_warehouse, monkeypatch, period="2025-12")
    assert metrics(app)[GUIDED] == "24,3%"
    outcome = upload(tiny_warehouse, THON_C_REPORTS)
    assert metrics(app.run())[GUIDED] == "35,7%"
    undo(Warehouse.open(tiny_warehouse), outcome.upload_id, "can_bo", "vi")
    assert metrics(app.run())[GUIDED] == "24,3%"


def test_the_command_line_writing_in_another_process_shows_on_the_next_run(tiny_warehouse, monkeypatch, tmp_path):
    app = open_dashboard(tiny_warehouse, monkeypatch, period="2025-12")
    assert metrics(app)[GUIDED] == "24,3%"
    Warehouse.close_all()  # DuckDB lets one process write: the dashboard's server lets go of the file meanwhile
    report = tmp_path / "thang12.csv"
    report.write_text(THON_C_REPORTS, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "etl", "import", str(report), "--db", str(tiny_warehouse)],
                   cwd=ROOT, check=True, capture_output=True)
    assert metrics(app.run())[GUIDED] == "35,7%"


def test_a_new_session_is_served_from_the_cache_another_session_filled(tiny_warehouse, monkeypatch):
    open_dashboard(tiny_warehouse, monkeypatch, period="2025-12")
    queries = count_queries(monkeypatch)
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.query_params["period"] = "2025-12"
    app.run()
    assert metrics(app)[GUIDED] == "24,3%"
    assert len(queries) == 1


def test_sign_ins_and_the_audit_log_elsewhere_keep_every_session_served_from_the_cache(tiny_warehouse, monkeypatch):
    app = open_dashboard(tiny_warehouse, monkeypatch, period="2025-12")
    db = Warehouse.open(tiny_warehouse)
    at = datetime(2025, 12, 20, 9, 0)
    # What other people's sign-ins write, every minute on a busy server: none of it is data a page shows.
    account_writes.record_failed_sign_in(db, None, at, "unknown_user", "10.0.0.7")
    account_writes.record_sign_in(db, "can_bo", at)
    account_writes.add_sign_in_session(db, "hash", "can_bo", at)
    account_writes.touch_sign_in_session(db, "hash", at + timedelta(minutes=2))
    account_writes.revoke_sign_in_session(db, "hash", at + timedelta(minutes=3), "sign_out")
    audit.record(db, "can_bo", "report_exported", "99999 2025-Q4", at)
    queries = count_queries(monkeypatch)
    assert metrics(app.run())[GUIDED] == "24,3%"
    assert len(queries) == 1, "only the one-row data version is read"


def test_a_map_is_built_once_for_the_same_data_and_again_when_the_data_changes(monkeypatch):
    cached.clear()
    built: list[int] = []
    original = maps._layout
    monkeypatch.setattr(maps, "_layout", lambda *args: built.append(1) or original(*args))
    square = {"type": "Polygon", "coordinates": [[[106.0, 20.0], [106.1, 20.0], [106.1, 20.1], [106.0, 20.0]]]}

    def layer(share: float) -> MapLayer:  # a new object each time, as a cached read hands out copies
        rows = pd.DataFrame({"commune_code": ["10999"], "commune_name": ["Gia Lộc"], "share_meeting_target": [share],
                             "villages_meeting_target": [3], "villages": [28]})
        geojson = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": "10999", "properties": {}, "geometry": square}]}
        return MapLayer(rows, geojson, False, 0.8)

    first = maps.city_map_figure(layer(0.5), "vi")
    assert maps.city_map_figure(layer(0.5), "vi") is first
    assert maps.city_map_figure(layer(0.9), "vi") is not first
    assert len(built) == 2
    cached.clear()

from pathlib import Path

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from tests import tiny_commune
from warehouse.database import Warehouse
from warehouse.write.communes import replace_communes

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _public_view(monkeypatch):
    """Pages are open to visitors unless a test says otherwise (the sign-in tests do)."""
    monkeypatch.setenv("CDS_PUBLIC_VIEW", "1")


@pytest.fixture(autouse=True)
def _fresh_connections():
    """Each test opens its own warehouse files; close them afterwards so none leaks into the next test."""
    yield
    Warehouse.close_all()


@pytest.fixture
def warehouse_path(tmp_path: Path) -> Path:
    """An empty, fully migrated warehouse."""
    path = tmp_path / "warehouse.duckdb"
    Warehouse.open(path)
    return path


@pytest.fixture
def tiny_warehouse(warehouse_path: Path) -> Path:
    """The hand-made commune of tests/tiny_commune.py, loaded."""
    replace_communes(Warehouse.open(warehouse_path), tiny_commune.tables())
    return warehouse_path


@pytest.fixture
def clicked_downloads(monkeypatch) -> None:
    """Every download button clicked as soon as it is drawn: its file, written only on a click, is written then."""
    def written_now(self, data_callable, mimetype, coordinates, file_name=None, *, element_id=""):
        data = data_callable()
        self.add(data.encode("utf-8") if isinstance(data, str) else data, mimetype or "application/octet-stream",
                 coordinates, file_name=file_name, is_for_static_download=True)
        return f"clicked-{coordinates}"

    monkeypatch.setattr(MediaFileManager, "add_deferred", written_now)


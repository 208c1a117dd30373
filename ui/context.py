"""What every page gets from the entry file: the settings and the warehouse it opened."""

from __future__ import annotations

import streamlit as st

from settings import Settings, load_settings
from ui.cached import read_data_version
from warehouse.database import Warehouse

WAREHOUSE_KEY = "warehouse"


def settings() -> Settings:
    return load_settings()


def use_warehouse(db: Warehouse) -> None:
    """Hand the warehouse the entry file opened to this run's pages (and to the callbacks of the next run), and read
    its data version: cached reads made this run are those of the data as it is now."""
    st.session_state[WAREHOUSE_KEY] = db
    read_data_version(db)


def warehouse() -> Warehouse:
    """The warehouse the entry file opened for this session."""
    return st.session_state[WAREHOUSE_KEY]

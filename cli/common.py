"""The options and helpers the command families share."""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable
from pathlib import Path

from warehouse.database import Warehouse
from warehouse.errors import WarehouseLocked
from warehouse.write import audit

# `command(name, run, help)`: a new command with the common options (--db, --lang) and the function that runs it.
AddCommand = Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]


def audit_soon(warehouse: Path, action: str, detail: str) -> None:
    """Write an audit row now or, while another process (the dashboard) has the warehouse open, leave it beside the
    warehouse for that process's next write."""
    try:
        audit.record(Warehouse.open(warehouse), getpass.getuser(), action, detail)
    except WarehouseLocked:
        audit.keep_for_later(warehouse, getpass.getuser(), action, detail)

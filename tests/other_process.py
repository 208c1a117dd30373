"""Another process holding a warehouse open, as the running dashboard does, for tests of what commands may do then."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import ROOT
from warehouse.database import Warehouse

# Opens the warehouse through the program's own connection, optionally commits one more audit row (left in the
# write-ahead log, not yet in the file), prints every table's fingerprint, and holds the file until stdin closes.
HOLDER = """
import json, sys
from warehouse import backup
from warehouse.database import Warehouse
from warehouse.write import audit
path = sys.argv[1]
db = Warehouse.open(path)
if sys.argv[2] == "write":
    audit.record(db, "other-process", "sign_in")
print(json.dumps(backup.fingerprints(db)), flush=True)
sys.stdin.read()
"""


@contextmanager
def held_by_another_process(warehouse: Path, write: bool = False) -> Iterator[dict[str, list]]:
    """The warehouse open in another process for the duration of the block; yields its tables' fingerprints."""
    Warehouse.close_all()  # this process must not hold the file itself
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(warehouse), "write" if write else "read"],
                              cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        line = holder.stdout.readline()
        assert line, "the holding process did not start"
        yield json.loads(line)
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)

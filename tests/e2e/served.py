"""Start the dashboard with any entry script (`dashboard.py`, or `asgi.py` as issue 18's spike serves it)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.browser import ROOT, STARTUP_SECONDS, RunningDashboard, _healthy, free_port


@contextmanager
def running_script(script: str, warehouse: Path, log: Path, *flags: str) -> Iterator[RunningDashboard]:
    """`streamlit run SCRIPT` on a free localhost port against `warehouse`, stopped on leaving (also on error)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
               *flags]
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "CDS_WAREHOUSE": str(warehouse)},
                                  stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the dashboard did not start ({' '.join(command)}):\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
        yield RunningDashboard(url, log)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

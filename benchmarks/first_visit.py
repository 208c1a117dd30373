"""What the overview's first visit (empty browser cache) costs over the wire, served as today (`streamlit run
dashboard.py`) and through `asgi.py` (compressed static assets), optionally on a simulated rural line.

    python -m benchmarks.first_visit [--throttle] [--gzip] [--runs 1]

Starts each server on a free localhost port against a temporary demo warehouse and opens the overview in a fresh
headless Chromium profile. Prints the server's start time, the bytes that crossed the wire (counted by a relay between
browser and server: HTTP headers and bodies and WebSocket frames), Chromium's own count of HTTP bytes
(`encodedDataLength`) and the largest files; with `--throttle` (Chromium's network emulation: 1.5 Mbit/s, 300 ms)
also when the overview's title appeared and when its chart was drawn. Chromium offers brotli to localhost (a secure
context) but not to a plain-HTTP address on the network: `--gzip` makes it offer only gzip, as it would there.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Browser, sync_playwright

from tests.e2e.browser import LAUNCH_ARGS, ROOT, find_chromium, free_port, running_dashboard, wait_for_app_idle

VARIANTS = {
    "streamlit run dashboard.py (today)": ("dashboard.py",),
    "streamlit run asgi.py": ("asgi.py",),
    "streamlit run asgi.py, WebSocket compression": ("asgi.py", "--server.enableWebsocketCompression", "true"),
}
RURAL = {"offline": False, "latency": 300, "downloadThroughput": 1_500_000 / 8, "uploadThroughput": 750_000 / 8}
QUIET_SECONDS = 2.0


class CountingRelay:
    """A TCP relay on localhost that counts the bytes the server sends to the browser."""

    def __init__(self, target_port: int) -> None:
        self.port, self._target_port, self.received = free_port(), target_port, 0
        self._writers: set[asyncio.StreamWriter] = set()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()
        self._ready.wait()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(asyncio.start_server(self._relay, "127.0.0.1", self.port))
        self._ready.set()
        self._loop.run_forever()

    async def _relay(self, browser_reader: asyncio.StreamReader, browser_writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self._target_port)
        self._writers.update((browser_writer, server_writer))

        async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, counted: bool) -> None:
            try:
                while data := await reader.read(65536):
                    if counted:
                        self.received += len(data)
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                writer.close()
                self._writers.discard(writer)

        await asyncio.gather(pipe(browser_reader, server_writer, False), pipe(server_reader, browser_writer, True))

    def stop(self) -> None:
        """Close the relay's open connections, then stop its loop (no connection is left half-closed at exit)."""

        async def close_connections() -> None:
            relays = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for writer in list(self._writers):
                writer.close()
            if relays:
                await asyncio.wait(relays, timeout=10)

        asyncio.run_coroutine_threadsafe(close_connections(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)


@dataclass
class Visit:
    wire_bytes: int
    http_bytes: int
    files: dict[str, int] = field(default_factory=dict)
    encodings: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    title_seconds: float | None = None
    chart_seconds: float | None = None
    complete_seconds: float | None = None  # the last byte of the visit (the network then quiet)


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) the process and its waited-for children have used (Linux's /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def first_visit(browser: Browser, relay: CountingRelay, throttle: bool, gzip_only: bool) -> Visit:
    """Open the overview in a new profile (empty cache) and count what it transferred until the network is quiet."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    if throttle:
        cdp.send("Network.emulateNetworkConditions", RURAL)
    if gzip_only:
        cdp.send("Network.setExtraHTTPHeaders", {"headers": {"Accept-Encoding": "gzip, deflate"}})
    urls, sizes, encodings, last_event = {}, {}, {}, [time.monotonic()]

    def responded(event: dict) -> None:
        urls[event["requestId"]] = event["response"]["url"]
        headers = {name.lower(): value for name, value in event["response"]["headers"].items()}
        encodings[event["requestId"]] = headers.get("content-encoding", "none")
        last_event[0] = time.monotonic()

    def finished(event: dict) -> None:
        sizes[event["requestId"]] = event["encodedDataLength"]
        last_event[0] = time.monotonic()

    cdp.on("Network.responseReceived", responded)
    cdp.on("Network.loadingFinished", finished)
    relay.received = 0
    started = time.monotonic()
    page.goto(f"http://127.0.0.1:{relay.port}/")
    page.locator('[data-testid="stMain"] h1').wait_for(timeout=180_000)
    title_seconds = time.monotonic() - started
    wait_for_app_idle(page)
    page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot g.trace').first.wait_for(timeout=180_000)
    chart_seconds = time.monotonic() - started
    while time.monotonic() - last_event[0] < QUIET_SECONDS:
        page.wait_for_timeout(250)
    visit = Visit(relay.received, sum(sizes.values()),
                  title_seconds=title_seconds if throttle else None, chart_seconds=chart_seconds if throttle else None,
                  complete_seconds=max(chart_seconds, last_event[0] - started) if throttle else None)
    for request, size in sizes.items():
        name = urlparse(urls.get(request, "?")).path.rsplit("/", 1)[-1] or "/"
        visit.files[name] = visit.files.get(name, 0) + size
        visit.encodings[encodings.get(request, "none")] += size
    context.close()
    return visit


@contextmanager
def demo_warehouse() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        warehouse = Path(folder) / "warehouse.duckdb"
        subprocess.run([sys.executable, "-m", "etl", "demo", "--db", str(warehouse)], cwd=ROOT, check=True,
                       capture_output=True)
        yield warehouse


def megabytes(count: int) -> str:
    return f"{count / 1e6:.2f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--throttle", action="store_true", help="simulate a rural line (1.5 Mbit/s, 300 ms)")
    parser.add_argument("--gzip", action="store_true", help="the browser offers gzip only (plain HTTP, not localhost)")
    parser.add_argument("--runs", type=int, default=1, help="first visits per variant (the median is printed)")
    arguments = parser.parse_args()
    executable = find_chromium()
    if executable is None:
        sys.exit("no Chromium found (set CDS_CHROMIUM)")
    with demo_warehouse() as warehouse, tempfile.TemporaryDirectory() as logs, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS, headless=True)
        for label, (script, *flags) in VARIANTS.items():
            started = time.monotonic()
            with running_dashboard(warehouse, Path(logs) / "server.log", *flags, script=script) as server:
                start_seconds = time.monotonic() - started
                relay = CountingRelay(int(server.url.rsplit(":", 1)[1]))
                cpu_before, load_before = cpu_seconds(server.pid), os.getloadavg()[0]
                visits = sorted((first_visit(browser, relay, arguments.throttle, arguments.gzip)
                                 for _ in range(arguments.runs)), key=lambda visit: visit.wire_bytes)
                server_cpu = cpu_seconds(server.pid) - cpu_before
                relay.stop()
            visit = visits[len(visits) // 2]
            print(f"\n{label}: server answered its health check after {start_seconds:.1f} s")
            print(f"  machine load average (1 min) {load_before:.1f} before the visits, "
                  f"{os.getloadavg()[0]:.1f} after; "
                  f"the server's CPU time during them {server_cpu:.1f} s for {arguments.runs} visit(s)")
            print(f"  over the wire: {megabytes(visit.wire_bytes)} (HTTP as Chromium counts it: "
                  f"{megabytes(visit.http_bytes)}; the rest is WebSocket frames)")
            print("  HTTP bytes by encoding: " + ", ".join(f"{name} {megabytes(size)}"
                                                         for name, size in sorted(visit.encodings.items())))
            if visit.title_seconds is not None:
                print(f"  rural line: title after {visit.title_seconds:.1f} s (target 8 s), chart drawn after "
                      f"{visit.chart_seconds:.1f} s, page complete after {visit.complete_seconds:.1f} s (target 15 s)")
                if len(visits) > 1:
                    print("  every visit (title / chart drawn): " + ", ".join(
                        f"{each.title_seconds:.1f} / {each.chart_seconds:.1f} s" for each in visits))
            largest = sorted(visit.files.items(), key=lambda item: -item[1])[:6]
            print("  largest: " + ", ".join(f"{name} {megabytes(size)}" for name, size in largest))
        browser.close()


if __name__ == "__main__":
    main()

"""Simultaneous sessions against the dashboard's server on localhost: each opens a websocket as a browser does, asks
for a page and waits for its script to finish; prints the median and 95th percentile of the sessions' load times.

    python -m benchmarks.load WAREHOUSE [--sessions 20] [--rounds 3] [--page tong-quan] [--query commune=10999]...
    python -m benchmarks.load --url http://127.0.0.1:8501 [...]   # a server already running (`make run`)

Without `--url`, starts `streamlit run asgi.py` (as `make run` does) on a free port against WAREHOUSE (public view)
and stops it after. A first session warms the server (its imports and its cache of the page's reads), as a server
that has been up a while is; then `--rounds` times, `--sessions` new sessions connect at once (several `--query`
are shared out among them). Bounded: at most 200 sessions, a load time of at most 120 s each. Speaks Streamlit's own
protocol (protobuf over `/_stcore/stream`), as the browser does, so that it measures the server, not a browser.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

MAX_SESSIONS = 200
SESSION_TIMEOUT_SECONDS = 120.0
FINISHED = ForwardMsg.DESCRIPTOR.fields_by_name["script_finished"].enum_type.values_by_name[
    "FINISHED_SUCCESSFULLY"].number


@dataclass(frozen=True)
class Load:
    """One session's page load: seconds from connecting to the end of the script's run, bytes received, and
    whether the page showed an exception."""

    seconds: float
    received: int
    failed: bool


async def load_page(url: str, page: str, query: str) -> Load:
    """Connect a new session, ask for `page` with `query`, and wait for the script to finish."""
    started = time.perf_counter()
    stream = url.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream"
    received, failed = 0, False
    async with connect(stream, subprotocols=["streamlit"], max_size=None, open_timeout=SESSION_TIMEOUT_SECONDS,
                       compression=None) as socket:
        request = BackMsg()
        request.rerun_script.query_string = query
        request.rerun_script.page_name = page
        await socket.send(request.SerializeToString())
        async for data in socket:
            received += len(data)
            message = ForwardMsg()
            message.ParseFromString(data)
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.new_element.WhichOneof("type") == "exception":
                failed = True
            if kind == "script_finished" and message.script_finished == FINISHED:
                break
    return Load(time.perf_counter() - started, received, failed)


async def _round(url: str, page: str, queries: list[str], sessions: int) -> list[Load]:
    """`sessions` new sessions at once, the i-th asking with the i-th query (round robin)."""
    async def bounded(query: str) -> Load:
        return await asyncio.wait_for(load_page(url, page, query), SESSION_TIMEOUT_SECONDS)
    return list(await asyncio.gather(*(bounded(queries[number % len(queries)]) for number in range(sessions))))


def cpu_seconds(pid: int | None) -> float:
    """The CPU time the process `pid` has used so far (user and system; Linux), 0 when unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError, TypeError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(url: str, sessions: int = 20, rounds: int = 3, page: str = "tong-quan",
            query: str | list[str] = "commune=10999", pid: int | None = None) -> dict[str, float]:
    """Load times of `rounds` × `sessions` simultaneous new sessions (after one warming session): median, p95,
    max, the bytes one load receives, given the server's `pid` the server's CPU seconds per load (what the
    machine's other work does not change), and the machine's load average (one minute) at the end. Several
    queries (e.g. as many communes) are shared out among each round's sessions; only the first is warmed."""
    queries = [query] if isinstance(query, str) else list(query)
    sessions = min(sessions, MAX_SESSIONS)
    warm = asyncio.run(_round(url, page, queries, 1))[0]
    asyncio.run(_round(url, page, queries, 1))
    used = cpu_seconds(pid)
    loads = [load for _ in range(rounds) for load in asyncio.run(_round(url, page, queries, sessions))]
    used = cpu_seconds(pid) - used
    seconds = sorted(load.seconds for load in loads)
    return {
        "sessions": sessions, "rounds": rounds, "alone_s": warm.seconds, "server_cpu_per_load_s": used / len(loads),
        "median_s": statistics.median(seconds), "p95_s": seconds[max(0, round(0.95 * len(seconds)) - 1)],
        "max_s": seconds[-1], "bytes_per_load": statistics.median(load.received for load in loads),
        "failed": sum(load.failed for load in loads), "load_average": os.getloadavg()[0],
    }


@contextmanager
def serving(warehouse: Path) -> Iterator[tuple[str, int]]:
    """`streamlit run asgi.py` against `warehouse` (public view) on a free localhost port; its URL and pid."""
    from tests.e2e.browser import running_dashboard  # the browser tests' way of starting the server

    before = os.environ.get("CDS_PUBLIC_VIEW")
    os.environ["CDS_PUBLIC_VIEW"] = "1"  # the server's environment is this process's
    log = warehouse.with_name(warehouse.name + ".streamlit.log")
    try:
        with running_dashboard(warehouse, log) as dashboard:
            yield dashboard.url, dashboard.pid
    finally:
        if before is None:
            os.environ.pop("CDS_PUBLIC_VIEW")
        else:
            os.environ["CDS_PUBLIC_VIEW"] = before


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path, nargs="?")
    parser.add_argument("--url", help="a running server instead of starting one")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--page", default="tong-quan", help="the page's URL path")
    parser.add_argument("--query", action="append", help="the URL's query string (default commune=10999); "
                        "given several times, shared out among the sessions")
    parser.add_argument("--pid", type=int, help="the running server's process, to measure its CPU time")
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    if (arguments.url is None) == (arguments.warehouse is None):
        parser.error("give a WAREHOUSE to serve, or the --url of a running server")
    running = nullcontext((arguments.url, arguments.pid)) if arguments.url else serving(arguments.warehouse)
    with running as (url, pid):
        figures = measure(url, arguments.sessions, arguments.rounds, arguments.page,
                          arguments.query or "commune=10999", pid)
    if arguments.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"{figures['sessions']} simultaneous sessions × {figures['rounds']} rounds: median "
              f"{figures['median_s']:.2f} s, p95 {figures['p95_s']:.2f} s, max {figures['max_s']:.2f} s "
              f"(one session alone {figures['alone_s']:.2f} s; server CPU {figures['server_cpu_per_load_s']:.3f} s and "
              f"{figures['bytes_per_load'] / 1e3:.0f} kB per load; {figures['failed']} failed)")


if __name__ == "__main__":
    main()

"""What one new session's first page run costs with a warm cache (every read cached by an earlier visitor), where
the time goes (cProfile of the script's run), as the server runs it (AppTest, pages compiled once), no browser.

    python -m benchmarks.session_profile WAREHOUSE [--page pages/overview.py] [--sessions 5] [--top 25]

A first session fills the cache; then `--sessions` new sessions each run the page once: their median wall and CPU
seconds (this process, all threads), then one more, profiled: the time of the run's parts (the entry file's steps,
the page's sections, Streamlit's own work) and the functions that cost most. The server's work outside the script
(the websocket, each message's serialisation) is not in it: `benchmarks/load.py` measures the server's CPU whole.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from streamlit.testing.v1 import AppTest, local_script_runner

from benchmarks.pages import compile_once, timed_run
from etl import demo
from settings import PROJECT_ROOT
from warehouse.database import Warehouse

# The parts of a run, by the function that does each (file ending, function name).
PARTS = {
    "whole script run": ("exec_func_with_error_handling", "scriptrunner/exec_code.py"),
    "entry: sign-in state (remembered.access)": ("access", "ui/remembered.py"),
    "entry: sidebar filters (choose_filters)": ("choose_filters", "ui/filters.py"),
    "entry: language switch": ("choose_language", "ui/url_state.py"),
    "entry: navigation": ("navigation", "streamlit/commands/navigation.py"),
    "page run": ("run", "streamlit/navigation/page.py"),
    "cached reads (lookups)": ("cached_call", "ui/cached.py"),
    "headline": ("show_headline", "ui/headline.py"),
    "city standing": ("show_city_standing", "ui/city_standing.py"),
    "metric cards (st.metric)": ("metric", "streamlit/elements/metric.py"),
    "chart shown (st.plotly_chart)": ("plotly_chart", "streamlit/elements/plotly_chart.py"),
    "figure to JSON (plotly)": ("to_json", "plotly/basedatatypes.py"),
    "chart built (cached figure lookup)": ("figure", "ui/cached.py"),
    "markdown, titles, captions": ("markdown", "streamlit/elements/markdown.py"),
    "messages to the browser (enqueue)": ("_enqueue", "streamlit/delta_generator.py"),
    "st.cache_data lookups": ("__call__", "runtime/caching/cache_utils.py"),
}


@contextmanager
def profiled_runs(profiler: cProfile.Profile) -> Iterator[None]:
    """Scripts run while inside profiled by `profiler` (AppTest runs them in a thread of their own)."""
    original = local_script_runner.LocalScriptRunner._run_script_thread

    def run(self: local_script_runner.LocalScriptRunner) -> None:
        profiler.enable()
        try:
            original(self)
        finally:
            profiler.disable()

    local_script_runner.LocalScriptRunner._run_script_thread = run  # type: ignore[method-assign]
    try:
        yield
    finally:
        local_script_runner.LocalScriptRunner._run_script_thread = original  # type: ignore[method-assign]


def new_session(page: str, commune: str) -> AppTest:
    """A new visitor's session about to show `page` for the first time (another page than the overview is opened
    from the overview, as AppTest cannot start at one)."""
    app = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=600)
    app.query_params["commune"] = commune
    if page != "pages/overview.py":
        app.run()
        app.switch_page(page)
    return app


def timed_first_run(page: str, commune: str) -> tuple[float, float]:
    """Wall and CPU seconds of a new session's first run of `page`."""
    return timed_run(new_session(page, commune))


def parts(stats: pstats.Stats) -> dict[str, float]:
    """Cumulative seconds of each of PARTS in the profile (0 when not called)."""
    found = dict.fromkeys(PARTS, 0.0)
    for (file, _, function), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        for label, (name, ending) in PARTS.items():
            if function == name and file.endswith(ending):
                found[label] = max(found[label], cumulative)
    return found


def measure(warehouse: Path, page: str, sessions: int, commune: str) -> tuple[dict, pstats.Stats]:
    """The median first run of a new session with a warm cache, and the profile of one more."""
    os.environ["CDS_WAREHOUSE"] = str(warehouse)
    os.environ["CDS_PUBLIC_VIEW"] = "1"
    Warehouse.close_all()
    compile_once()
    timed_first_run(page, commune)  # the first visitor fills the cache
    runs = [timed_first_run(page, commune) for _ in range(sessions)]
    profiler = cProfile.Profile()
    with profiled_runs(profiler):
        timed_first_run(page, commune)
    stats = pstats.Stats(profiler, stream=io.StringIO())
    Warehouse.close_all()
    return {"wall_s": statistics.median(run[0] for run in runs),
            "cpu_s": statistics.median(run[1] for run in runs)}, stats


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.session_profile", description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--page", default="pages/overview.py")
    parser.add_argument("--commune", default=demo.COMMUNE_CODE)
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--top", type=int, default=25)
    arguments = parser.parse_args()
    found, stats = measure(arguments.warehouse, arguments.page, arguments.sessions, arguments.commune)
    print(f"new session, warm cache, {arguments.page}: median {found['wall_s']:.3f} s wall, {found['cpu_s']:.3f} s "
          f"CPU over {arguments.sessions} sessions (load average {os.getloadavg()[0]:.1f})")
    print("profiled run (cProfile slows it ~2×; shares are what matter):")
    split = parts(stats)
    whole = split["whole script run"] or 1.0
    for label, seconds in split.items():
        print(f"  {label:45} {seconds:7.3f} s {100 * seconds / whole:5.0f} %")
    stats.stream = output = io.StringIO()  # type: ignore[attr-defined]
    stats.sort_stats("cumulative").print_stats(arguments.top)
    stats.sort_stats("tottime").print_stats(arguments.top)
    print(output.getvalue())


if __name__ == "__main__":
    main()

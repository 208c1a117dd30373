"""Read queries cached by the warehouse's data version: a rerun that changes no filter runs no query, and a write
(an upload, an undo, a boundary import, the command line in another process) is seen on the next run.

Pages take their query modules from here (`from ui.cached import queries`): each call of a query function is
looked up by its module, name, arguments, the warehouse's file and its data version (`Warehouse.data_version`,
changed in the transaction of every write). The version is read once per run, and again after any write this
process commits (`Warehouse.commits`), so that a page showing what it has just written reads it afresh. Results are
kept by `st.cache_data` (copies handed out: a page may change its frame), bounded by `CDS_CACHE_ENTRIES` and
`CDS_CACHE_MINUTES`, and shared by every session of the server.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import pickle
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pandas as pd
import streamlit as st

from settings import load_settings
from warehouse import analysis as _analysis
from warehouse import city as _city
from warehouse import geography as _geography
from warehouse import headline as _headline
from warehouse import queries as _queries
from warehouse import registry as _registry
from warehouse import report_queries as _report_queries
from warehouse.database import Warehouse
from warehouse.geography import MapLayer

VERSION_KEY = "_data_version"


def read_data_version(db: Warehouse) -> str | None:
    """Read the warehouse's data version now (once per run: the entry file calls it) and keep it for this run."""
    version = db.data_version()
    st.session_state[VERSION_KEY] = (str(db.path), Warehouse.commits, version)
    return version


def data_version(db: Warehouse) -> str | None:
    """The data version read this run, read again if this process has committed a write since."""
    seen = st.session_state.get(VERSION_KEY)
    if seen is None or seen[0] != str(db.path) or seen[1] != Warehouse.commits:
        return read_data_version(db)
    return seen[2]


@functools.cache
def _store() -> Callable[..., Any]:
    """The cache itself, sized by the settings when first used."""
    chosen = load_settings()

    def run(_db: Warehouse, path: str, version: str | None, module: str, name: str, args: tuple,
            kwargs: dict) -> Any:
        return getattr(sys.modules[module], name)(SharedReads(_db, version), *args, **kwargs)

    if chosen.cache_entries == 0:
        return lambda _db, path, version, module, name, args, kwargs: getattr(sys.modules[module], name)(
            _db, *args, **kwargs)
    return st.cache_data(run, max_entries=chosen.cache_entries, ttl=chosen.cache_minutes * 60, show_spinner=False)


@functools.cache
def _read_store() -> Callable[..., Any]:
    """The cache of single statements, sized as `_store`."""
    chosen = load_settings()

    def run(_db: Warehouse, path: str, version: str | None, method: str, sql: str, parameters: Any) -> Any:
        return getattr(_db, method)(sql, parameters)

    return st.cache_data(run, max_entries=chosen.cache_entries, ttl=chosen.cache_minutes * 60, show_spinner=False)


class SharedReads:
    """The warehouse as a cached query function sees it: each statement answered from the cache while the data
    version is unchanged, so that a read several query functions repeat runs once (the commune's villages' coverage
    is read by the overview's headline, its cards, its alerts and its chart: 15 ms each at national scale)."""

    def __init__(self, db: Warehouse | SharedReads, version: str | None) -> None:
        # A cached function run from another's is handed that one's SharedReads.
        self._db, self._version = db._db if isinstance(db, SharedReads) else db, version

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)

    def _shared(self, method: str, sql: str, parameters: Any) -> Any:
        return _read_store()(self._db, str(self._db.path), self._version, method, sql, parameters)

    def read(self, sql: str, parameters: Any = None, *, frames: Any = None) -> pd.DataFrame:
        """`Warehouse.read`, from the cache (not with `frames`: those are the caller's own data)."""
        if frames:
            return self._db.read(sql, parameters, frames=frames)
        return self._shared("read", sql, parameters)

    def rows(self, sql: str, parameters: Any = None) -> list[tuple]:
        """`Warehouse.rows`, from the cache."""
        return self._shared("rows", sql, parameters)

    def row(self, sql: str, parameters: Any = None) -> tuple | None:
        """`Warehouse.row`, from the cache."""
        return self._shared("row", sql, parameters)

    def scalar(self, sql: str, parameters: Any = None) -> Any:
        """`Warehouse.scalar`, from the cache."""
        found = self.row(sql, parameters)
        return None if found is None else found[0]


def cached_call(function: Callable[..., Any], db: Warehouse, *args: Any, **kwargs: Any) -> Any:
    """`function(db, *args, **kwargs)`, from the cache while the warehouse's data is unchanged."""
    version = data_version(db)
    if version is None:
        return function(db, *args, **kwargs)
    return _store()(db, str(db.path), version, function.__module__, function.__name__, args, kwargs)


def clear() -> None:
    """Forget every cached result and figure (tests, benchmarks measuring a cold page)."""
    st.cache_data.clear()
    st.cache_resource.clear()


def _digest(value: Any) -> bytes:
    """What names a figure's data: the digest of its pickle. Streamlit's own hashing walks a map's GeoJSON point by
    point (0.37 s on every run for a city's 114 communes; this, 5 ms); equal data may at worst be kept twice."""
    return hashlib.blake2b(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), digest_size=16).digest()


def cached_figure(build: Callable[..., Any]) -> Callable[..., Any]:
    """A chart builder whose figures are kept, keyed by its arguments (the data frames' and map layers' contents
    included), and shared, not copied: Plotly takes 0.1 s to build a small figure, and `st.plotly_chart` only reads
    it."""

    @functools.cache
    def store() -> Callable[..., Any]:
        chosen = load_settings()
        if chosen.cache_entries == 0:
            return build
        return st.cache_resource(build, max_entries=chosen.cache_entries, ttl=chosen.cache_minutes * 60,
                                 show_spinner=False, hash_funcs={pd.DataFrame: _digest, MapLayer: _digest})

    @functools.wraps(build)
    def figure(*args: Any, **kwargs: Any) -> Any:
        return store()(*args, **kwargs)

    return figure


class CachedQueries:
    """A module of read queries whose functions taking the warehouse first answer from the cache."""

    def __init__(self, module: ModuleType) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._module, name)
        if not (inspect.isfunction(found) and next(iter(inspect.signature(found).parameters), None) == "db"):
            return found
        return functools.partial(cached_call, found)


queries: Any = CachedQueries(_queries)
analysis: Any = CachedQueries(_analysis)
geography: Any = CachedQueries(_geography)
city: Any = CachedQueries(_city)
headline: Any = CachedQueries(_headline)
registry: Any = CachedQueries(_registry)
report_queries: Any = CachedQueries(_report_queries)

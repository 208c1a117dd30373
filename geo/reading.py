"""Opening a boundary file the way people send it: a zip (folders inside too), a GeoPackage, KML or KMZ, a Shapefile
or GeoJSON; finding its layers and reading the one chosen, with its attribute text decoded.

Nothing is guessed between layers: a file with several is refused with their list, unless `--layer` names one.
"""

from __future__ import annotations

import gzip
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import geopandas as gpd
import pyogrio

from geo.shipped import gdal_path
from geo.text import decode_frame, fix_legacy_text
from problems import Refused

ARCHIVE_SUFFIXES = (".zip", ".kmz")
DATASET_SUFFIXES = (".geojson.gz", ".geojson", ".json", ".gpkg", ".shp", ".kml")
SUFFIXES = ARCHIVE_SUFFIXES + DATASET_SUFFIXES
# A `crs` member anywhere in a GeoJSON text (GDAL reads every GeoJSON as WGS 84 unless it has one).
_GEOJSON_CRS = re.compile(rb'"crs"\s*:')


class BoundaryFileRefused(Refused):
    """The boundary file cannot be used as it is: a translation key and its values say why."""


@dataclass(frozen=True)
class Layer:
    """One layer of a boundary file: where GDAL opens it, and how the user names it."""

    source: str  # the path GDAL opens (`/vsizip/…` inside an archive)
    name: str | None  # the layer inside the source, None when the source has one
    label: str  # `thu_muc/thon.shp`, `ranh_gioi.gpkg: thon`
    is_shapefile: bool = False  # its text is decoded by geo.text, whatever its `.cpg` says
    geojson_declares_crs: bool | None = None  # for GeoJSON only


def _suffix(name: str) -> str:
    lowered = name.lower()
    return next((suffix for suffix in SUFFIXES if lowered.endswith(suffix)), PurePosixPath(lowered).suffix)


def _layers_of(source: str, label: str, suffix: str, read_bytes: Callable[[str], bytes]) -> list[Layer]:
    """The layers with geometry of one dataset (a Shapefile has one); `read_bytes` reads a file by its label."""
    try:
        listed = pyogrio.list_layers(source)
    except Exception:  # noqa: BLE001 (GDAL's many errors all mean: not a readable dataset)
        return []
    spatial = [str(name) for name, geometry_type in listed if geometry_type is not None]
    layers = []
    for name in spatial:
        extra = {}
        if suffix == ".shp":
            extra = {"is_shapefile": True}
        elif suffix in (".geojson", ".json", ".geojson.gz"):
            extra = {"geojson_declares_crs": bool(_GEOJSON_CRS.search(read_bytes(label)))}
        shown = label if len(spatial) == 1 or suffix == ".shp" else f"{label}: {name}"
        layers.append(Layer(source, name if len(spatial) > 1 else None, shown, **extra))
    return layers


def find_layers(path: Path) -> list[Layer]:
    """Every layer with geometry in the file, inside archives and folders of archives too."""
    suffix = _suffix(path.name)
    if suffix in ARCHIVE_SUFFIXES:
        return _archive_layers(path)

    def read_bytes(name: str) -> bytes:
        data = path.read_bytes()
        return gzip.decompress(data) if name.lower().endswith(".gz") else data

    layers = _layers_of(gdal_path(path), path.name, suffix, read_bytes)
    if not layers:
        raise BoundaryFileRefused("maps.import.unreadable")
    return layers


def _archive_layers(path: Path) -> list[Layer]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise BoundaryFileRefused("maps.import.bad_archive") from error
    with archive:
        members = [name for name in archive.namelist() if not name.endswith("/")
                   and "__MACOSX/" not in name and not PurePosixPath(name).name.startswith("._")]
        layers = []
        for member in members:
            suffix = _suffix(member)
            if suffix in DATASET_SUFFIXES and suffix != ".geojson.gz":
                layers += _layers_of(f"/vsizip/{path.resolve()}/{member}", member, suffix, archive.read)
    return layers


def choose_layer(layers: list[Layer], wanted: str | None) -> Layer:
    """The one layer to read: the only one, or the one `wanted` names (its label or layer name, any case)."""
    if wanted is not None:
        key = wanted.strip().casefold()
        matching = [layer for layer in layers if key in {
            layer.label.casefold(), (layer.name or "").casefold(), PurePosixPath(layer.label).stem.casefold(),
            PurePosixPath(layer.label.split(": ")[0]).name.casefold()} - {""}]
        if len(matching) == 1:
            return matching[0]
        raise BoundaryFileRefused("maps.import.no_such_layer", layer=wanted, layers=_listing(layers))
    if not layers:
        raise BoundaryFileRefused("maps.import.no_layer")
    if len(layers) > 1:
        raise BoundaryFileRefused("maps.import.several_layers", count=len(layers), layers=_listing(layers))
    return layers[0]


def _listing(layers: list[Layer]) -> str:
    """`thon.shp (28); xa.shp (3)`: each layer with its number of features (counted only for this list)."""
    def features(layer: Layer) -> str:
        try:
            return str(pyogrio.read_info(layer.source, layer=layer.name)["features"])
        except Exception:  # noqa: BLE001 (a layer GDAL cannot count is still listed)
            return "?"

    return "; ".join(f"{layer.label} ({features(layer)})" for layer in layers)


def read_chosen_layer(layer: Layer) -> tuple[gpd.GeoDataFrame, str | None]:
    """The layer's features in their own CRS, text decoded and in NFC; and the legacy encoding found, if any."""
    options = {"layer": layer.name} if layer.name else {}
    if layer.is_shapefile:
        # Latin-1 keeps every byte as one character, so that the text is decoded here (geo.text), not by GDAL.
        frame = gpd.read_file(layer.source, encoding="ISO-8859-1", **options)
        frame, encoding = decode_frame(frame)
        return frame, None if encoding == "UTF-8" else encoding
    frame = gpd.read_file(layer.source, **options)
    return fix_legacy_text(frame)

"""Boundary fixtures for map tests: the real files shipped in geo/data, hand-made squares for the tiny commune, and
builders of boundary files as commune offices send them (Shapefiles in VN-2000 with DBFs in Windows-1258 or TCVN3,
zips with folders, GeoPackages with several layers, KML/KMZ), all made from the shipped geometry."""

import unicodedata
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from viparse.normalize.encodings import get_charmap

from etl import demo
from geo import demo as demo_geography
from geo import shipped
from geo.boundaries import simplify_for_display
from geo.geojson import geojson_text
from tests.upload_files import windows_1258

HAI_PHONG = shipped.HAI_PHONG_COMMUNES
GIA_LOC = shipped.GIA_LOC_OUTLINE
VIETNAM = shipped.VIETNAM_COMMUNES
GIA_LOC_CODE = "10999"
GIA_PHUC_CODE = "11050"
VILLAGE_CODES = [f"{GIA_LOC_CODE}-{number:02d}" for number in range(1, len(demo.VILLAGE_NAMES) + 1)]
VILLAGE_NAMES = [f"Thôn {name}" for name in demo.VILLAGE_NAMES]
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def side_by_side_squares(codes: list[str], west: float = 106.0, south: float = 20.0, side: float = 0.01
                         ) -> pd.DataFrame:
    """One square per code, in a row from west to east, as the writer stores boundaries."""
    squares = np.array([shapely.box(west + i * side, south, west + (i + 1) * side, south + side)
                        for i in range(len(codes))])
    return pd.DataFrame({
        "code": codes,
        "geometry": shapely.to_wkb(squares),
        "display": [geojson_text(square) for square in simplify_for_display(squares, "village")],
        "area_km2": 1.0,
    })


def commune_outline(code: str) -> shapely.Geometry:
    return shipped.shipped_commune_outline(code)[1]


def gia_loc_villages(seed: int = demo.DEFAULT_SEED) -> gpd.GeoDataFrame:
    """The demo villages of Gia Lộc (invented cells of its real outline), with code and name, in EPSG:4326."""
    cells = demo_geography.invented_cells(commune_outline(GIA_LOC_CODE), len(VILLAGE_CODES), seed)
    return gpd.GeoDataFrame({"ma_thon": VILLAGE_CODES, "ten_thon": VILLAGE_NAMES}, geometry=list(cells),
                            crs="EPSG:4326")


def gia_phuc_villages_named_as_gia_locs() -> gpd.GeoDataFrame:
    """The neighbouring commune Gia Phúc cut into cells that carry Gia Lộc's village names (a wrong file)."""
    cells = demo_geography.invented_cells(commune_outline(GIA_PHUC_CODE), len(VILLAGE_NAMES), seed=11)
    return gpd.GeoDataFrame({"ten_thon": VILLAGE_NAMES}, geometry=list(cells), crs="EPSG:4326")


def tcvn3(text: str) -> bytes:
    """Text as the TCVN3 (ABC) fonts store it: one byte a letter (capitals with tones as small letters)."""
    table = {unicode: legacy for legacy, unicode in get_charmap("tcvn3").pairs}
    written = "".join(table.get(char) or table.get(char.lower()) or char
                      for char in unicodedata.normalize("NFC", text))
    return written.encode("latin-1")


ENCODERS = {"utf-8": lambda text: text.encode("utf-8"), "windows-1258": windows_1258, "tcvn3": tcvn3}


def write_shapefile(frame: gpd.GeoDataFrame, folder: Path, stem: str, encoding: str = "utf-8",
                    code_page: str | None = "UTF-8", prj: str | None = None) -> list[Path]:
    """A Shapefile whose DBF text is in `encoding`, with `code_page` as its .cpg (None: no .cpg) and `prj` as its
    .prj text (None: the one GDAL writes for the frame's CRS); returns its files."""
    folder.mkdir(parents=True, exist_ok=True)
    def written(text: str) -> str:
        # Latin-1 text holds each byte as one character: GDAL writes the bytes as they are.
        return ENCODERS[encoding](text).decode("latin-1")

    as_bytes = frame.copy()
    for column in frame.columns:
        if column != "geometry":
            as_bytes[column] = frame[column].map(lambda value: written(value) if isinstance(value, str) else value)
    as_bytes = as_bytes.rename(columns=lambda name: name if name == "geometry" else written(name))
    as_bytes.to_file(folder / f"{stem}.shp", encoding="ISO-8859-1")
    (folder / f"{stem}.cpg").unlink(missing_ok=True)
    if code_page is not None:
        (folder / f"{stem}.cpg").write_text(code_page)
    if prj is not None:
        (folder / f"{stem}.prj").write_text(prj)
    return [folder / f"{stem}{suffix}" for suffix in SHAPEFILE_PARTS if (folder / f"{stem}{suffix}").exists()]


def zip_files(path: Path, files: list[Path], folder: str = "") -> Path:
    """A zip holding the files, inside `folder` (as a zip made from a folder is)."""
    with zipfile.ZipFile(path, "w") as archive:
        for file in files:
            archive.write(file, f"{folder}{file.name}")
    return path


def zipped_shapefile(frame: gpd.GeoDataFrame, tmp_path: Path, name: str = "thon", **options) -> Path:
    files = write_shapefile(frame, tmp_path / f"{name}_parts", name, **options)
    return zip_files(tmp_path / f"{name}.zip", files)


def geojson(frame: gpd.GeoDataFrame, path: Path, declare_crs: bool = True) -> Path:
    """A GeoJSON of the frame in its own CRS, with its `crs` member or (as most tools write metres) without."""
    frame.to_file(path, driver="GeoJSON", RFC7946="NO", WRITE_NAME="NO")
    if not declare_crs:
        import json

        document = json.loads(path.read_text(encoding="utf-8"))
        document.pop("crs", None)
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def swapped(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame with its X and Y exchanged (latitude written as X), CRS label unchanged."""
    return frame.set_geometry(shapely.transform(frame.geometry.to_numpy(), lambda xy: xy[:, ::-1]), crs=frame.crs)

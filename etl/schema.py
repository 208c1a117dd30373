"""The four kinds of file staff upload, declared once as data: columns, their aliases, value types and rules.

`etl/validate.py` enforces these declarations and words its messages from the translation table; nothing else
knows what a column of an upload means. The monthly kind's indicator columns come from the indicator catalogue,
so a new indicator row there is a new accepted column here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

import pandas as pd

from geo.names import fold
from settings import DEFAULT_CATALOGUE
from warehouse.catalogue import read_catalogue
from warehouse.codes import AFFILIATIONS, MEMBER_ROLES

# Value types a column may have; etl/validate.py has one parser per type.
VILLAGE, COMMUNE, PERIOD, DATE, COUNT, POSITIVE_COUNT, TEXT, CODE, ROLE, AFFILIATION, FLAG, MEMBER = (
    "village", "commune", "period", "date", "count", "positive_count", "text", "code", "role", "affiliation",
    "flag", "member",
)
KINDS = ("monthly", "training", "roster", "villages")
# A row whose first filled cell is one of these (folded) is a totals row, not data.
TOTALS_LABELS = frozenset({"tong cong", "cong", "tong", "tong so", "total"})
FIRST_YEAR = 2020
# The largest value the warehouse's INTEGER columns (households, population) hold.
LARGEST_INTEGER = 2_147_483_647
# A value more than this many times the village's own median of earlier months is flagged as a likely typo.
OUTLIER_FACTOR = 3
OUTLIER_MINIMUM_HISTORY = 2

# Accepted spellings of member roles, affiliations and yes/no, by code (folded before comparison).
ROLE_NAMES = {
    "to_truong": ("to truong", "truong to"), "to_pho": ("to pho", "pho to"),
    "thanh_vien": ("thanh vien", "tv"),
}
AFFILIATION_NAMES = {
    "doan_thanh_nien": ("doan thanh nien", "doan tn", "thanh nien", "dtn"), "giao_vien": ("giao vien", "gv"),
    "truong_thon": ("truong thon", "to truong to dan pho"), "hoi_nong_dan": ("hoi nong dan", "hnd"),
    "hoi_phu_nu": ("hoi phu nu", "hoi lhpn", "lhpn", "hoi lien hiep phu nu"),
    "mat_tran": ("mat tran", "mat tran to quoc", "mttq"), "khac": ("khac",),
}
YES_NAMES = ("co", "x", "1", "yes", "co mat", "tham du", "true")
NO_NAMES = ("khong", "0", "no", "vang", "vang mat", "false", "")


@dataclass(frozen=True)
class Column:
    """One column of a kind of file: its code, its Vietnamese header in templates, other accepted headers, rules."""

    code: str
    label: str
    value_type: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    # Household indicators cannot exceed the village's households, and should not fall from one month to the next.
    household_indicator: bool = False
    indicator: bool = False
    # A required column whose cells may be left empty (an empty attendance cell means absent).
    blank_allowed: bool = False
    # Used in place of a required column the file lacks (a village given by name only).
    stands_in_for: str | None = None
    # The largest value a count may have (the warehouse column's type); None: as many digits as a count may have.
    maximum: int | None = None

    def headers(self) -> set[str]:
        """Every folded header that names this column."""
        return set().union(*(header_keys(name) for name in (self.code, self.label, *self.aliases)))


@dataclass(frozen=True)
class Kind:
    """A kind of file: its columns and which of them identify a row (repeated identifiers are refused)."""

    name: str
    columns: tuple[Column, ...]
    identity: tuple[str, ...]
    # The column that says which commune a row belongs to (checked against the user's communes).
    commune_column: str
    # Rules beyond single cells: "history" (warnings against the village's earlier months), "late" (report date).
    checks: tuple[str, ...] = field(default=())
    # A row whose cells of these columns are all blank holds nothing: it is skipped and listed, not refused.
    skipped_when_blank: tuple[str, ...] = field(default=())

    def column(self, code: str) -> Column:
        return next(column for column in self.columns if column.code == code)

    def required(self) -> list[Column]:
        return [column for column in self.columns if column.required]


def header_keys(header: object) -> set[str]:
    """A header folded, with and without a leading "Số" ("Số hộ đã ..." and "Hộ đã ..." name the same column)."""
    folded = fold(header)
    return {folded, folded.removeprefix("so ")} if folded else set()


def fold_series(values: pd.Series) -> pd.Series:
    """`geo.names.fold` for a whole column at once (vectorised: files of 100,000 rows)."""
    text = values.astype("string").fillna("").str.replace("đ", "d").str.replace("Đ", "D")
    text = text.str.normalize("NFD").str.replace(r"[\u0300-\u036f]", "", regex=True)
    return text.str.lower().str.replace(r"[^0-9a-z]+", " ", regex=True).str.strip()


VILLAGE_COLUMN = Column(
    "ma_thon", "Mã thôn", VILLAGE, required=True,
    aliases=("thon", "thon to dan pho", "ma thon to dan pho", "ma thon tdp", "village", "village code"),
)
VILLAGE_NAME_COLUMN = Column(
    "ten_thon", "Tên thôn", TEXT, aliases=("ten thon to dan pho", "village name", "thon"), stands_in_for="ma_thon",
)


@cache
def kinds() -> dict[str, Kind]:
    """Every kind of file, by name, with the monthly kind's indicators read from the catalogue."""
    catalogue = read_catalogue(DEFAULT_CATALOGUE)
    indicators = tuple(
        Column(row.code, row.name_vi, COUNT, required=row.code == "ho_da_huong_dan",
               aliases=(row.short_vi, row.name_en, row.short_en),
               household_indicator=row.kind == "cumulative", indicator=True)
        for row in catalogue.itertuples(index=False)
    )
    monthly = Kind("monthly", (
        VILLAGE_COLUMN, VILLAGE_NAME_COLUMN,
        Column("ky_bao_cao", "Kỳ báo cáo", PERIOD, required=True,
               aliases=("ky", "thang", "thang bao cao", "period", "month")),
        Column("ngay_bao_cao", "Ngày báo cáo", DATE, aliases=("ngay gui", "ngay gui bao cao", "report date")),
        *indicators,
        Column("ghi_chu", "Ghi chú", TEXT, aliases=("note", "notes")),
    ), identity=("ma_thon", "ky_bao_cao"), commune_column="ma_thon", checks=("history", "late"),
        skipped_when_blank=tuple(column.code for column in indicators))
    training = Kind("training", (
        Column("ma_buoi", "Mã buổi tập huấn", CODE, required=True, aliases=("ma buoi", "session", "session code")),
        Column("ngay_tap_huan", "Ngày tập huấn", DATE, required=True, aliases=("ngay", "ngay to chuc", "date")),
        Column("chu_de", "Chủ đề", TEXT, required=True, aliases=("noi dung", "topic")),
        Column("don_vi_to_chuc", "Đơn vị tổ chức", TEXT, aliases=("to chuc", "organiser")),
        Column("dia_diem", "Địa điểm", TEXT, aliases=("place",)),
        Column("ma_thanh_vien", "Mã thành viên", MEMBER, required=True, aliases=("member", "member code")),
        Column("ho_ten", "Họ và tên", TEXT, aliases=("ho ten", "full name")),
        Column("co_mat", "Có mặt", FLAG, required=True, blank_allowed=True,
               aliases=("tham du", "attended", "diem danh")),
    ), identity=("ma_buoi", "ma_thanh_vien"), commune_column="ma_thanh_vien")
    roster = Kind("roster", (
        VILLAGE_COLUMN, VILLAGE_NAME_COLUMN,
        # Given by the template for members already stored, so that renaming one keeps who they are.
        Column("ma_thanh_vien", "Mã thành viên", CODE, aliases=("member code",)),
        Column("ho_ten", "Họ và tên", TEXT, required=True, aliases=("ho ten", "ten thanh vien", "full name")),
        Column("vai_tro", "Vai trò", ROLE, required=True, aliases=("chuc vu", "role")),
        Column("don_vi", "Đơn vị", AFFILIATION, required=True,
               aliases=("thanh phan", "don vi cong tac", "to chuc doan the", "affiliation")),
        Column("so_dien_thoai", "Số điện thoại", TEXT, aliases=("dien thoai", "sdt", "phone")),
        Column("ngay_thanh_lap", "Ngày thành lập tổ", DATE, aliases=("ngay thanh lap", "established on")),
    ), identity=("ma_thon", "ho_ten", "so_dien_thoai"), commune_column="ma_thon",
        skipped_when_blank=("ma_thanh_vien", "ho_ten", "vai_tro", "don_vi", "so_dien_thoai"))
    villages = Kind("villages", (
        Column("ma_xa", "Mã xã", COMMUNE, required=True, aliases=("xa", "commune", "commune code")),
        Column("ten_xa", "Tên xã", TEXT, aliases=("commune name",)),
        Column("ma_thon", "Mã thôn", CODE, required=True, aliases=("village code",)),
        Column("ten_thon", "Tên thôn", TEXT, required=True, aliases=("thon", "thon to dan pho", "village name")),
        Column("so_ho", "Số hộ", POSITIVE_COUNT, required=True, aliases=("ho", "tong so ho", "households"),
               maximum=LARGEST_INTEGER),
        Column("dan_so", "Dân số", COUNT, aliases=("so dan", "so nhan khau", "nhan khau", "population"),
               maximum=LARGEST_INTEGER),
    ), identity=("ma_thon",), commune_column="ma_xa")
    return {kind.name: kind for kind in (monthly, training, roster, villages)}


def known_roles() -> dict[str, str]:
    """Folded spelling → role code."""
    return _spellings(MEMBER_ROLES, ROLE_NAMES)


def known_affiliations() -> dict[str, str]:
    """Folded spelling → affiliation code."""
    return _spellings(AFFILIATIONS, AFFILIATION_NAMES)


def _spellings(codes: tuple[str, ...], names: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    found = {fold(code): code for code in codes}
    for code, spellings in names.items():
        found |= {fold(spelling): code for spelling in spellings}
    return found

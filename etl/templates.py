"""Templates staff fill in: one per kind, pre-filled with the commune's villages (or members) and the period."""

from __future__ import annotations

import pandas as pd

import exports
import i18n
from etl import schema
from warehouse import queries
from warehouse import uploads as upload_queries
from warehouse.database import Warehouse
from warehouse.periods import is_month

FORMATS = ("csv", "xlsx")
TEMPLATE_HEADER = {"bold": True, "border": 1, "align": "center", "valign": "top"}


def _villages_by_code(db: Warehouse, commune: str) -> pd.DataFrame:
    # Templates list villages in the order of their numbers, as the teams' own lists do.
    return queries.villages(db, commune).sort_values("village_code", ignore_index=True)


def template_frame(db: Warehouse, kind: str, commune: str, period: str | None) -> pd.DataFrame:
    """The template's rows under its Vietnamese headers (required values pre-filled where the warehouse knows them)."""
    columns = schema.kinds()[kind].columns
    if kind == "monthly":
        villages = _villages_by_code(db, commune)
        filled = {"ma_thon": villages["village_code"], "ten_thon": villages["village_name"],
                  "ky_bao_cao": f"{period[5:7]}/{period[:4]}" if period else ""}
        if period:
            filled |= _stored_month(db, villages["village_code"], period)
    elif kind == "roster":
        filled = _roster(db, commune)
    elif kind == "training":
        members = upload_queries.members_of_commune(db, commune)
        filled = {"ma_thanh_vien": members["code"], "ho_ten": members["full_name"]}
    else:
        villages = _villages_by_code(db, commune)
        filled = {"ma_xa": commune, "ma_thon": villages["village_code"], "ten_thon": villages["village_name"],
                  "so_ho": villages["households"], "dan_so": villages["population"]}
    length = max((len(value) for value in filled.values() if isinstance(value, pd.Series)), default=0)
    frame = pd.DataFrame(index=range(length))
    for column in columns:
        value = filled.get(column.code, "")
        frame[column.label] = value.to_numpy() if isinstance(value, pd.Series) else value
    return frame


def _roster(db: Warehouse, commune: str) -> dict[str, pd.Series]:
    """The commune's members with their codes, village by village, and one empty row for a village without any:
    a correction starts from the stored roster, and a renamed member keeps their code."""
    villages = _villages_by_code(db, commune)[["village_code", "village_name"]]
    members = upload_queries.members_of_commune(db, commune).drop(columns="village_name")
    rows = villages.merge(members, on="village_code", how="left", sort=False)
    return {
        "ma_thon": rows["village_code"], "ten_thon": rows["village_name"], "ma_thanh_vien": rows["code"].fillna(""),
        "ho_ten": rows["full_name"].fillna(""),
        "vai_tro": rows["role"].map(lambda code: i18n.t(f"analysis.role.{code}") if isinstance(code, str) else ""),
        "don_vi": rows["affiliation"].map(
            lambda code: i18n.t(f"analysis.affiliation.{code}") if isinstance(code, str) else ""),
        "so_dien_thoai": rows["phone"].fillna(""),
    }


def _stored_month(db: Warehouse, villages: pd.Series, period: str) -> dict[str, pd.Series]:
    """What the villages reported for the month (figures, report date, note), blank where nothing is stored, so that
    a correction starts from the stored report and the template uploaded unchanged changes nothing."""
    keys = pd.DataFrame({"village_code": villages, "period": period})
    reports = upload_queries.stored_reports(db, keys).set_index("village_code")
    if reports.empty:
        return {}
    indicators = [column.code for column in schema.kinds()["monthly"].columns if column.indicator]
    values = upload_queries.stored_figures(db, keys, indicators).set_index("village_code")
    filled = {code: villages.map(values[code]).map(lambda value: "" if pd.isna(value) else int(value))
              for code in indicators}
    days = pd.to_datetime(villages.map(reports["reported_on"]))
    filled["ngay_bao_cao"] = days.dt.strftime("%d/%m/%Y").fillna("")
    filled["ghi_chu"] = villages.map(reports["note"]).fillna("")
    return filled


def template_title(kind: str, commune_name: str, period: str | None) -> str:
    """The title row above the header: what the file is, for which commune and period."""
    title = f"{i18n.t(f'import.kind.{kind}')} — {commune_name}"
    return f"{title} — {i18n.period_label(period)}" if period and is_month(period) else title


def template_bytes(frame: pd.DataFrame, title: str, file_format: str) -> bytes:
    """The template as a CSV file (UTF-8 with BOM, so that Excel shows Vietnamese) or an Excel workbook."""
    if file_format == "csv":
        return exports.csv_bytes(frame)
    workbook = exports.Workbook(title)
    sheet = workbook.sheet("Mau")
    sheet.merge(0, 0, max(len(frame.columns) - 1, 1), title, {"bold": True, "font_size": 13})
    sheet.table(frame, first_row=2, header_style=TEMPLATE_HEADER)
    sheet.worksheet.set_column(0, len(frame.columns) - 1, 18)
    return workbook.to_bytes()

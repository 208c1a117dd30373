"""The official registry of Vietnam's provinces and communes, from the `vietnam-provinces` package, into the warehouse.

The package (pinned in pyproject.toml) carries the units after the 1 July 2025 reorganisation: 34 provinces and
3,321 communes, wards and special zones, with their official codes, names and types. Registering a province adds the
communes the warehouse lacks and fills in what it does not know yet (type, province); it never touches a commune's
data (villages, reports) nor its demo mark. A stored name, type or province that the registry now gives differently
(a later package version renaming a unit) is never overwritten silently: the registration is refused, listing each
change, unless the caller accepts the changes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
import vietnam_provinces
from vietnam_provinces import Province, VietNamDivisionType, Ward

from warehouse import registry as stored_registry
from warehouse.database import Warehouse
from warehouse.write import registry as registry_writes

PACKAGE = "vietnam-provinces"
# The package's unit types as the warehouse stores them (ASCII codes; `i18n` names them in each language).
UNIT_TYPES = {
    VietNamDivisionType.TINH: "tinh",
    VietNamDivisionType.THANH_PHO_TRUNG_UONG: "thanh_pho_trung_uong",
    VietNamDivisionType.XA: "xa",
    VietNamDivisionType.PHUONG: "phuong",
    VietNamDivisionType.DAC_KHU: "dac_khu",
}
COMMUNE_UNIT_TYPES = ("xa", "phuong", "dac_khu")
# What the registry describes of a commune, in the order changes are listed.
OFFICIAL_FIELDS = ("name", "unit_type", "province")
ADDED, UNCHANGED, CHANGED = "added", "unchanged", "changed"


def source() -> dict[str, str]:
    """Where the registry comes from: the package, its version and the date of its data."""
    return {"package": PACKAGE, "version": vietnam_provinces.__version__,
            "data_version": vietnam_provinces.__data_version__}


def _text(name: str) -> str:
    # One Unicode form and single spaces (the package writes "Phường  An Nhơn"), so that the same name compares equal.
    return unicodedata.normalize("NFC", " ".join(name.split()))


def provinces() -> pd.DataFrame:
    """The 34 provinces and centrally-run cities: code (two digits), name, unit_type; by code."""
    rows = [{"code": f"{province.code:02d}", "name": _text(province.name),
             "unit_type": UNIT_TYPES[province.division_type]} for province in Province.iter_all()]
    return pd.DataFrame(rows, columns=["code", "name", "unit_type"]).sort_values("code", ignore_index=True)


def communes(province_codes: Iterable[str]) -> pd.DataFrame:
    """The communes, wards and special zones of the provinces: code (five digits), name, unit_type, province."""
    wanted = {int(code) for code in province_codes}
    rows = [{"code": f"{ward.code:05d}", "name": _text(ward.name), "unit_type": UNIT_TYPES[ward.division_type],
             "province": f"{ward.province_code:02d}"} for ward in Ward.iter_all() if ward.province_code in wanted]
    return pd.DataFrame(rows, columns=["code", "name", "unit_type", "province"]).sort_values("code", ignore_index=True)


def all_communes() -> pd.DataFrame:
    """Every commune, ward and special zone of the registry (3,321): code, name, unit_type, province."""
    return communes(provinces()["code"])


def province_code(typed: str) -> str | None:
    """The official two-digit code of the province typed as `31`, `031` or ` 1`; None when there is none."""
    text = typed.strip()
    if not text.isdigit():
        return None
    code = f"{int(text):02d}"
    return code if code in set(provinces()["code"]) else None


@dataclass
class Registration:
    """What registering some provinces adds and changes, commune by commune, and whether it was stored."""

    source: dict[str, str]
    provinces: pd.DataFrame  # code, name, unit_type, status, changes
    communes: pd.DataFrame  # code, name, unit_type, province, status, changes (list of {field, old, new})
    # Communes stored under these provinces that the registry does not list (kept as they are).
    not_in_registry: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["code", "name", "province"]))
    accepted_renames: bool = False

    @property
    def renames(self) -> pd.DataFrame:
        """The communes and provinces whose stored name, type or province the registry would overwrite."""
        rows = pd.concat([self.provinces[["code", "name", "changes"]], self.communes[["code", "name", "changes"]]])
        return rows[rows["changes"].map(lambda changes: any(change["overwrites"] for change in changes))]

    @property
    def refused(self) -> bool:
        """Refused when it would overwrite a stored value and the caller did not accept that."""
        return not self.accepted_renames and not self.renames.empty

    def count(self, status: str) -> int:
        return int((self.communes["status"] == status).sum())


def _changes(official: pd.Series, stored: pd.Series | None, fields: Iterable[str], province_names: dict) -> list:
    """Each official field whose stored value differs: {field, old, new, overwrites} (False when it fills a blank)."""
    if stored is None:
        return []
    found = []
    for name in fields:
        old, new = stored[name], official[name]
        old = None if pd.isna(old) or str(old).strip() == "" else str(old)
        if old is not None and _text(old) == new:
            continue
        # Warehouses made before the registry kept the province's name where its code now goes: the same province.
        same_province = name == "province" and old is not None and _text(old) == province_names.get(new)
        found.append({"field": name, "old": old, "new": new, "overwrites": old is not None and not same_province})
    return found


def compare(official: pd.DataFrame, stored: pd.DataFrame, fields: Iterable[str],
            province_names: dict[str, str] | None = None) -> pd.DataFrame:
    """The official rows with their status against the stored ones (same code): added, unchanged or changed."""
    stored_by_code = stored.set_index("code")
    fields = list(fields)
    statuses, all_changes = [], []
    for row in official.itertuples(index=False):
        official_row = pd.Series(row._asdict())
        known = row.code in stored_by_code.index
        changes = _changes(official_row, stored_by_code.loc[row.code] if known else None, fields,
                           province_names or {})
        statuses.append(ADDED if not known else CHANGED if changes else UNCHANGED)
        all_changes.append(changes)
    return official.assign(status=statuses, changes=all_changes)


def plan(db: Warehouse, province_codes: Iterable[str]) -> Registration:
    """What registering the provinces would add and change in the warehouse (nothing is written)."""
    codes = sorted(set(province_codes))
    official_provinces = provinces()
    official_provinces = official_provinces[official_provinces["code"].isin(codes)].reset_index(drop=True)
    names = dict(zip(official_provinces["code"], official_provinces["name"], strict=True))
    official_communes = communes(codes)
    stored_communes = stored_registry.communes(db)
    compared_communes = compare(official_communes, stored_communes, OFFICIAL_FIELDS, names)
    compared_provinces = compare(official_provinces, stored_registry.provinces(db), ("name", "unit_type"))
    # A stored province is a code or, in warehouses made before the registry, the province's name.
    in_provinces = stored_communes["province"].isin(codes) | stored_communes["province"].isin(list(names.values()))
    missing = stored_communes[in_provinces & ~stored_communes["code"].isin(official_communes["code"])]
    return Registration(source(), compared_provinces, compared_communes,
                        missing[["code", "name", "province"]].reset_index(drop=True))


def register(db: Warehouse, province_codes: Iterable[str], *, accept_renames: bool = False,
             user: str = "cli") -> Registration:
    """Register the provinces' communes (one transaction); refused, changing nothing, when it would rename."""
    registration = plan(db, province_codes)
    registration.accepted_renames = accept_renames
    if registration.refused:
        return registration
    provinces_to_store = registration.provinces[registration.provinces["status"] != UNCHANGED]
    rows = registration.communes
    added = rows[rows["status"] == ADDED]
    changed = rows[rows["status"] == CHANGED]
    if len(provinces_to_store) or len(added) or len(changed):
        columns = ["code", "name", "unit_type", "province"]
        registry_writes.register_communes(
            db, provinces_to_store[["code", "name", "unit_type"]], added[columns], changed[columns], user=user,
            detail=_audit_detail(registration),
        )
    return registration


def _audit_detail(registration: Registration) -> str:
    provinces_text = ", ".join(registration.provinces["code"])
    renamed = "; ".join(
        f"{row.code}: " + ", ".join(f"{change['field']} {change['old']} → {change['new']}" for change in row.changes)
        for row in registration.renames.itertuples()
    )
    summary = (f"{registration.source['package']} {registration.source['version']}, {provinces_text}: "
               f"+{registration.count(ADDED)}, ~{registration.count(CHANGED)}")
    return f"{summary}; {renamed}" if renamed else summary

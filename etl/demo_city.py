"""The demo city: Hải Phòng's other communes given invented villages, teams, reports and training, from a seed.

Only the communes' codes, names, types and outlines are real; every figure is invented and the communes are marked
demo. Urban wards are ahead, communes far from any ward and the island special zones behind; a few communes have no
data at all, a few start reporting late, some send their quarterly reports after the deadline and some not at all.
Gia Lộc is left to etl/demo.py, unchanged.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import shapely

from etl import demo
from warehouse.codes import AFFILIATIONS, CORE_AFFILIATION

CITY_SEED_OFFSET = 31
# A commune whose centre is this far (km) from the nearest ward's is as far behind as the demo makes a commune.
FAR_KM = 25.0
KM_PER_DEGREE_LAT, KM_PER_DEGREE_LON = 110.6, 104.0
# How many of the filled communes have no data at all, start in October, send December's reports late, or none.
WITHOUT_DATA, STARTING_IN_OCTOBER, LATE_IN_DECEMBER, MISSING_IN_DECEMBER = 5, 6, 14, 5
DEADLINE_DAY = 15
PLACE_NAMES = [
    "An Bình", "An Lạc", "Bắc Hà", "Bình Minh", "Cao Xá", "Cẩm Khê", "Đại Đồng", "Đông Hòa", "Đồng Tâm",
    "Hạ Đoạn", "Hòa Bình", "Hợp Thành", "Hưng Đạo", "Kim Sơn", "Lạc Viên", "Liên Hà", "Mỹ Xá", "Ngọc Hải",
    "Phú Lương", "Phúc Lộc", "Quang Minh", "Tân Lập", "Thái Hòa", "Thanh Lãng", "Thượng Lý", "Tiên Cầm",
    "Trung Hành", "Vạn Phúc", "Văn Cú", "Vĩnh Niệm", "Xuân Đài", "Yên Khê",
]
TABLES = ("villages", "teams", "members", "reports", "report_values", "training_sessions", "training_attendance")
SESSION_TOPICS = [
    "Hướng dẫn kích hoạt VNeID mức 2 và dịch vụ công trực tuyến",
    "Thanh toán không dùng tiền mặt và thương mại điện tử",
    "Y tế số, giáo dục số và an toàn thông tin trên mạng",
]


def generate(communes: pd.DataFrame, seed: int = demo.DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """The tables of the demo city's communes (`communes`: code, name, province, unit_type, geometry as WKB)."""
    rng = np.random.default_rng(seed + CITY_SEED_OFFSET)
    communes = communes.sort_values("code", ignore_index=True)
    remoteness = _remoteness(communes)
    order = rng.permutation(len(communes))
    rural = [position for position in order if communes["unit_type"].iloc[position] == "xa"]
    without_data = set(rural[:WITHOUT_DATA])
    filled = [position for position in order if position not in without_data]
    starting_late = set(filled[:STARTING_IN_OCTOBER])
    missing_december = set(filled[STARTING_IN_OCTOBER:STARTING_IN_OCTOBER + MISSING_IN_DECEMBER])
    late_december = set(filled[STARTING_IN_OCTOBER + MISSING_IN_DECEMBER:][:LATE_IN_DECEMBER])

    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    for position in sorted(set(range(len(communes))) - without_data):
        commune = communes.iloc[position]
        level = _december_level(rng, commune["unit_type"], remoteness[position])
        months = demo.MONTHS[1:] if position in starting_late else demo.MONTHS
        december = "missing" if position in missing_december else "late" if position in late_december else "on_time"
        _commune(rng, commune, level, months, december, rows)
    filled_codes = communes.drop(index=list(without_data))
    result = {"communes": filled_codes[["code", "name", "province", "unit_type"]].assign(is_demo=True)
              .reset_index(drop=True)}
    result |= {name: pd.DataFrame(rows[name]) for name in TABLES}
    return result


def _remoteness(communes: pd.DataFrame) -> np.ndarray:
    """Each commune's distance (km) from its centre to the nearest ward's centre, as a share of FAR_KM (0 to 1)."""
    centres = shapely.centroid(shapely.from_wkb(communes["geometry"].map(bytes).tolist()))
    xy = np.column_stack([shapely.get_x(centres) * KM_PER_DEGREE_LON, shapely.get_y(centres) * KM_PER_DEGREE_LAT])
    wards = xy[(communes["unit_type"] == "phuong").to_numpy()]
    if not len(wards):
        return np.zeros(len(communes))
    distance = np.sqrt(((xy[:, None, :] - wards[None, :, :]) ** 2).sum(axis=2)).min(axis=1)
    return np.minimum(distance / FAR_KM, 1.0)


def _december_level(rng: np.random.Generator, unit_type: str, remoteness: float) -> float:
    """The commune's share of households guided by December: wards ahead, remote communes and islands behind."""
    if unit_type == "phuong":
        return float(rng.uniform(0.78, 0.96))
    if unit_type == "dac_khu":
        return float(rng.uniform(0.3, 0.5))
    return float(np.clip(0.86 - 0.5 * remoteness + rng.normal(0, 0.07), 0.3, 0.93))


def _commune(
    rng: np.random.Generator, commune: pd.Series, level: float, months: list[str], december: str,
    rows: dict[str, list[dict]],
) -> None:
    """Add the rows of one commune's villages, teams, members, reports and training to `rows`."""
    code, ward = commune["code"], commune["unit_type"] == "phuong"
    # Fewer villages than Gia Lộc's 28: the sidebar opens on the demo commune with the most villages.
    count = int(rng.integers(12, 26) if ward else rng.integers(8, 20))
    households = np.maximum(np.round(rng.lognormal(np.log(560 if ward else 420), 0.3, size=count)), 120).astype(int)
    names = (
        [f"Tổ dân phố số {number}" for number in range(1, count + 1)] if ward
        else [f"Thôn {name}" for name in rng.choice(PLACE_NAMES, size=count, replace=False)]
    )
    population = np.round(households * rng.uniform(3.2, 3.9, size=count)).astype(int)
    villages = [(f"{code}-{number:02d}", int(size)) for number, size in enumerate(households, start=1)]
    for (village, size), name, people in zip(villages, names, population, strict=True):
        rows["villages"].append({"code": village, "commune_code": code, "name": name, "households": size,
                                 "population": int(people)})
        rows["teams"].append({"code": f"TO-{village}", "village_code": village, "established_on": date(2025, 9, 1)})
    members = _members(rng, [f"TO-{village}" for village, _ in villages])
    rows["members"] += members
    _reports(rng, villages, level, months, december, rows)
    _training(rng, code, [member["code"] for member in members], rows)


def _members(rng: np.random.Generator, team_codes: list[str]) -> list[dict]:
    others = [affiliation for affiliation in AFFILIATIONS if affiliation != CORE_AFFILIATION]
    rows = []
    for team_code in team_codes:
        size = 5 if rng.uniform() < 0.9 else 4
        affiliations = [CORE_AFFILIATION, *rng.choice(others, size=size - 1, replace=False)]
        for number, affiliation in enumerate(affiliations, start=1):
            rows.append({
                "code": f"{team_code}-{number}", "team_code": team_code,
                "full_name": demo.person_name(rng, str(affiliation)),
                "role": "to_truong" if number == 1 else "to_pho" if number == 2 else "thanh_vien",
                "affiliation": str(affiliation), "phone": None,
            })
    return rows


def _reports(
    rng: np.random.Generator, villages: list[tuple[str, int]], level: float, months: list[str], december: str,
    rows: dict[str, list[dict]],
) -> None:
    # Each village's December share around the commune's; the S-curve of Gia Lộc's demo, started later or not.
    shares = np.clip(level + rng.normal(0, 0.06, size=len(villages)), 0.05, 0.99)
    progress = dict(zip(demo.MONTHS, demo.S_CURVE, strict=True))
    uptake = {code: min(1.0, share * rng.uniform(0.8, 1.1)) for code, share in demo.INDICATOR_UPTAKE.items()}
    for (village, households), share in zip(villages, shares, strict=True):
        for month in months:
            if month == "2025-12" and december == "missing":
                continue
            year, number = int(month[:4]), int(month[5:])
            late = month in demo.QUARTER_LAST_MONTHS and (december == "late" or rng.uniform() < 0.01)
            day = int(rng.integers(DEADLINE_DAY + 1, 26)) if late else int(rng.integers(3, DEADLINE_DAY + 1))
            rows["reports"].append({"village_code": village, "period": month, "reported_on": date(year, number, day),
                                    "note": None, "upload_id": None})
            guided = int(households * share * progress[month])
            values = {"ho_da_huong_dan": guided} | {code: int(guided * part) for code, part in uptake.items()}
            values |= {"luot_tuyen_truyen": int(rng.integers(1, 8)), "an_pham_phat_hanh": int(rng.integers(10, 120))}
            rows["report_values"] += [
                {"village_code": village, "period": month, "indicator_code": code, "value": value}
                for code, value in values.items()]


def _training(rng: np.random.Generator, commune: str, members: list[str], rows: dict[str, list[dict]]) -> None:
    count = int(rng.integers(1, len(SESSION_TOPICS) + 1))
    rate = rng.uniform(0.55, 0.95)
    for number in range(1, count + 1):
        session = f"{commune}-TH-{number:02d}"
        rows["training_sessions"].append({
            "code": session, "commune_code": commune, "held_on": date(2025, 9 + number, 10),
            "topic": SESSION_TOPICS[number - 1], "organiser": None, "place": None, "upload_id": None})
        attended = rng.uniform(size=len(members)) < rate
        rows["training_attendance"] += [
            {"commune_code": commune, "session_code": session, "member_code": member, "attended": bool(present)}
            for member, present in zip(members, attended, strict=True)]

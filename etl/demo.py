"""The demo commune: Gia Lộc (10999) with invented villages, teams, reports and training, generated from a seed.

Everything here except the commune's code, name, population and extent is invented and is labelled demo
wherever it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from warehouse.codes import AFFILIATIONS, CORE_AFFILIATION

COMMUNE_CODE = "10999"
COMMUNE_NAME = "Xã Gia Lộc"
# Hải Phòng: the demo warehouse also registers its other communes (without data) and their boundaries.
PROVINCE_CODE = "31"
UNIT_TYPE = "xa"
POPULATION = 46_700
HOUSEHOLDS = 13_000
MONTHS = ["2025-09", "2025-10", "2025-11", "2025-12"]
QUARTER_LAST_MONTHS = {"2025-09", "2025-12"}
DEFAULT_SEED = 2025
# One demo account per role; the password is published in the README, so sign-in refuses these accounts as soon as
# the warehouse holds a real commune.
DEMO_ACCOUNTS = [
    ("demo-viewer", "viewer", [COMMUNE_CODE]),
    ("demo-staff", "staff", [COMMUNE_CODE]),
    ("demo-reviewer", "reviewer", None),
    ("demo-admin", "admin", None),
]
DEMO_PASSWORD = "minhhoa2025"

VILLAGE_NAMES = [
    "An Thái", "Bình Minh", "Cẩm Lý", "Đông Hòa", "Đức Phong", "Hạ Lãng", "Hòa Bình", "Hưng Long",
    "Kim Đôi", "Lạc Thành", "Mỹ Lộc", "Ngọc Tân", "Phú Xá", "Phương Đình", "Quang Trung", "Tân Hưng",
    "Thanh Liễu", "Thượng Đạt", "Trung Hòa", "Văn Lâm", "Vĩnh Lại", "Xuân Dương", "Yên Phú", "Đại Đồng",
    "Nhân Lý", "Bắc Sơn", "Tiền Phong", "Hợp Tiến",
]
# Share of guided households that reach each indicator by the end of the campaign.
INDICATOR_UPTAKE = {
    "ho_vneid": 0.92, "ho_dvc_truc_tuyen": 0.62, "ho_ung_dung_chinh_quyen": 0.55,
    "ho_tmdt": 0.14, "ho_thanh_toan_so": 0.78, "ho_quang_ba_san_pham": 0.22,
    "ho_y_te_so": 0.58, "ho_giao_duc_so": 0.47, "ho_nhom_zalo": 0.88,
}
# Fraction of the December level reached at the end of each month: an S-curve.
S_CURVE = [0.2, 0.48, 0.78, 1.0]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lương"]
MIDDLE_NAMES = ["Văn", "Thị", "Đức", "Minh", "Thu", "Hữu", "Ngọc", "Quang", "Thanh", "Xuân"]
GIVEN_NAMES = [
    "Anh", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Hương", "Lan", "Linh",
    "Long", "Mai", "Nam", "Nga", "Phương", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Yến",
]
TRAINING_SESSIONS = [
    ("2025-09-06", "Kỹ năng hướng dẫn cài đặt và kích hoạt VNeID mức 2", "UBND xã Gia Lộc", "Hội trường UBND xã"),
    ("2025-09-20", "Hướng dẫn sử dụng dịch vụ công trực tuyến", "Phòng Văn hóa – Xã hội", "Hội trường UBND xã"),
    ("2025-10-18", "Thương mại điện tử và thanh toán không dùng tiền mặt", "Đoàn Thanh niên xã",
     "Nhà văn hóa thôn An Thái"),
    ("2025-11-15", "Y tế số, giáo dục số và an toàn thông tin trên mạng", "Trạm Y tế xã", "Hội trường UBND xã"),
]
NOTES = [
    "Tổ đã tổ chức buổi hướng dẫn tập trung tại nhà văn hóa thôn.",
    "Nhiều hộ người cao tuổi chưa có điện thoại thông minh.",
    "Đã phát thanh tuyên truyền trên loa truyền thanh của thôn 3 buổi.",
    "Một số hộ đi làm ăn xa, chưa gặp được để hướng dẫn.",
]


@dataclass(frozen=True)
class DemoChoices:
    """Which villages show the registry checks and the reporting problems (by position in VILLAGE_NAMES)."""

    four_member_team: int = 7
    no_youth_union: int = 12
    missed_month: tuple[int, str] = (19, "2025-11")
    late_reporters: tuple[int, ...] = (3, 10, 16, 22, 25)


def generate(seed: int = DEFAULT_SEED, choices: DemoChoices = DemoChoices()) -> dict[str, pd.DataFrame]:
    """All tables of the demo commune, ready for `warehouse.write.communes.replace_communes`."""
    rng = np.random.default_rng(seed)
    villages = _villages(rng)
    teams, members = _teams(rng, villages, choices)
    reports, values = _reports(rng, villages, choices)
    sessions, attendance = _training(rng, members)
    communes = pd.DataFrame(
        [{"code": COMMUNE_CODE, "name": COMMUNE_NAME, "province": PROVINCE_CODE, "unit_type": UNIT_TYPE,
          "is_demo": True}]
    )
    return {
        "communes": communes, "villages": villages, "teams": teams, "members": members,
        "reports": reports, "report_values": values,
        "training_sessions": sessions, "training_attendance": attendance,
    }


def _villages(rng: np.random.Generator) -> pd.DataFrame:
    weights = rng.lognormal(mean=0.0, sigma=0.35, size=len(VILLAGE_NAMES))
    households = np.maximum(np.round(weights / weights.sum() * HOUSEHOLDS), 150).astype(int)
    people = households * rng.uniform(0.93, 1.07, size=len(households))
    return pd.DataFrame({
        "code": [f"{COMMUNE_CODE}-{number:02d}" for number in range(1, len(VILLAGE_NAMES) + 1)],
        "commune_code": COMMUNE_CODE,
        "name": [f"Thôn {name}" for name in VILLAGE_NAMES],
        "households": households,
        "population": np.round(people / people.sum() * POPULATION).astype(int),
    })


def _teams(
    rng: np.random.Generator, villages: pd.DataFrame, choices: DemoChoices
) -> tuple[pd.DataFrame, pd.DataFrame]:
    teams = pd.DataFrame({
        "code": "TO-" + villages["code"],
        "village_code": villages["code"],
        "established_on": [date(2025, 8, int(day)) for day in rng.integers(20, 29, size=len(villages))],
    })
    others = [affiliation for affiliation in AFFILIATIONS if affiliation not in
              (CORE_AFFILIATION, "giao_vien", "truong_thon", "khac")]
    rows = []
    for position, team_code in enumerate(teams["code"]):
        affiliations = [CORE_AFFILIATION, "truong_thon", "giao_vien", *rng.choice(others, size=2, replace=False)]
        if position == choices.no_youth_union:
            affiliations[0] = "khac"
        if position == choices.four_member_team:
            affiliations = affiliations[:4]
        for number, affiliation in enumerate(affiliations, start=1):
            role = "to_truong" if number == 1 else "to_pho" if number == 2 else "thanh_vien"
            rows.append({
                "code": f"{team_code}-{number}",
                "team_code": team_code,
                "full_name": person_name(rng, affiliation),
                "role": role,
                "affiliation": str(affiliation),
                "phone": f"0900 {rng.integers(0, 1000):03d} {rng.integers(0, 1000):03d}",
            })
    return teams, pd.DataFrame(rows)


def person_name(rng: np.random.Generator, affiliation: str) -> str:
    middle = "Thị" if affiliation == "hoi_phu_nu" else str(rng.choice(MIDDLE_NAMES))
    return f"{rng.choice(SURNAMES)} {middle} {rng.choice(GIVEN_NAMES)}"


def _reports(
    rng: np.random.Generator, villages: pd.DataFrame, choices: DemoChoices
) -> tuple[pd.DataFrame, pd.DataFrame]:
    # December level of `ho_da_huong_dan`: some villages pass 80%, most lag a little, a few are far behind.
    final_share = np.array([
        rng.uniform(0.81, 0.97) if draw < 0.45 else rng.uniform(0.58, 0.79) if draw < 0.85 else rng.uniform(0.32, 0.48)
        for draw in rng.uniform(size=len(villages))
    ])
    missed_village, missed_month = choices.missed_month
    report_rows, value_rows = [], []
    for position, village in enumerate(villages.itertuples(index=False)):
        uptake = {code: min(1.0, share * rng.uniform(0.8, 1.15)) for code, share in INDICATOR_UPTAKE.items()}
        for month, progress in zip(MONTHS, S_CURVE, strict=True):
            if position == missed_village and month == missed_month:
                continue
            year, month_number = int(month[:4]), int(month[5:])
            late = position in choices.late_reporters and month in QUARTER_LAST_MONTHS
            day = int(rng.integers(16, 23)) if late else int(rng.integers(5, 15))
            report_rows.append({
                "village_code": village.code, "period": month, "reported_on": date(year, month_number, day),
                "note": NOTES[int(rng.integers(len(NOTES)))] if rng.uniform() < 0.25 else None,
                "upload_id": None,
            })
            guided = int(village.households * final_share[position] * progress)
            values = {"ho_da_huong_dan": guided}
            values |= {code: int(guided * share) for code, share in uptake.items()}
            values |= {"luot_tuyen_truyen": int(rng.integers(2, 9)), "an_pham_phat_hanh": int(rng.integers(20, 151))}
            value_rows += [
                {"village_code": village.code, "period": month, "indicator_code": code, "value": value}
                for code, value in values.items()
            ]
    return pd.DataFrame(report_rows), pd.DataFrame(value_rows)


def _training(rng: np.random.Generator, members: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    sessions = pd.DataFrame([
        {"code": f"{COMMUNE_CODE}-TH-{number:02d}", "commune_code": COMMUNE_CODE,
         "held_on": date.fromisoformat(held_on), "topic": topic, "organiser": organiser, "place": place,
         "upload_id": None}
        for number, (held_on, topic, organiser, place) in enumerate(TRAINING_SESSIONS, start=1)
    ])
    # A few members never come; the rest attend most sessions.
    keen = rng.uniform(size=len(members)) > 0.06
    attendance = pd.DataFrame([
        {"commune_code": COMMUNE_CODE, "session_code": session, "member_code": member,
         "attended": bool(member_keen and rng.uniform() < 0.85)}
        for session in sessions["code"]
        for member, member_keen in zip(members["code"], keen, strict=True)
    ])
    return sessions, attendance
